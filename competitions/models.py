# Competitions, events, entries, scores and titles arrive with the competitions issue; the
# app is installed now so that its address and migrations are stable.
