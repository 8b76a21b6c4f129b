# Sanatorium bases, their mutual recognition, routes, batches and bookings arrive with the
# sanatorium issue; the app is installed now so that its address and migrations are stable.
