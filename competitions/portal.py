"""The competition app's contributions to the register (members.registry)."""

from competitions import demo
from members.registry import registry


@registry.register_demo(30)
def seed_demo(*, federations, scale, rng):
    demo.seed(federations=federations, agreement=None, scale=scale, rng=rng)


# member page section: see below


@registry.register_member_section("competitions/_member_titles.html")
def member_titles(request, member, show_personal):
    """The member's titles from joint competitions and the federations recognising each
    (two queries); the section says so when there are none."""
    return {
        "titles": member.titles.select_related("entry__event__competition").prefetch_related(
            "recognised_by"
        )
    }


# --- fast pages --- lists, a competition's page and its results show every record of the
# app, and the entrants' names, organisations and honours.
def _register_public_pages():
    from django.apps import apps

    from members.models import Federation, Honour, Member, Organisation

    registry.register_public_area(
        "competitions",
        Federation,
        Organisation,
        Member,
        Honour,
        *apps.get_app_config("competitions").get_models(),
    )


_register_public_pages()


@registry.register_menu_item(30)
def menu_entry(menu):
    from django.utils.translation import pgettext

    url = menu.urls["competitions:list"]
    return url, pgettext("menu", "Competitions"), menu.app_name == "competitions"
