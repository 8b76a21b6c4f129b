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


# --- excel --- sanatorium bases are importable (members.imports)
from sanatoriums import imports as _imports  # noqa: E402, F401


# --- fast pages --- every record of the app may show on the directory or a base's page
# (places left, ratings, recognitions), and so do the federations' names.
def _register_public_pages():
    from django.apps import apps

    from members.models import Federation

    registry.register_public_area(
        "sanatoriums", Federation, *apps.get_app_config("sanatoriums").get_models()
    )


_register_public_pages()


@registry.register_menu_item(20)
def menu_entry(menu):
    """Staff manage the bases; everyone else opens the public directory."""
    from django.utils.translation import pgettext

    manage = menu.has("sanatoriums.view_sanatorium")
    url = menu.urls["sanatoriums:manage" if manage else "sanatoriums:directory"]
    return url, pgettext("menu", "Sanatoriums"), menu.app_name == "sanatoriums"
