"""The sanatorium app's contributions to the register (members.registry)."""

from members.registry import registry
from sanatoriums import demo, places_demo
from sanatoriums.models import COUNTED_BOOKING_STATUSES, Participant


@registry.register_demo(20)
def seed_demo(*, federations, scale, rng):
    demo.seed(federations=federations, agreement=None, scale=scale, rng=rng)


@registry.register_demo(40)
def seed_places_demo(*, federations, scale, rng):
    # After the competitions (order 30): one batch is reserved for their title holders.
    places_demo.seed(federations=federations, scale=scale, rng=rng)


@registry.register_member_section("sanatoriums/_member_trips.html")
def member_trips(request, member, show_personal):
    """The recuperation trips the member is booked on or took (one query)."""
    return {
        "trips": Participant.objects.filter(
            member=member, booking__status__in=COUNTED_BOOKING_STATUSES
        )
        .select_related("batch__route__sanatorium", "booking")
        .order_by("-batch__start_date")
    }
