"""The skills tile of the leaders' dashboard (技能共同提升): joint competitions, entrants,
awards and the titles both cities recognise, per federation."""

from django.utils.translation import gettext_lazy as _

from competitions.models import Competition, Entry, Title
from members.dashboard import Chart, Figure, TileData, count_by
from members.registry import registry


@registry.register_tile(50, key="skills", title=_("Skill competitions"), icon="trophy")
def skills_tile(period):
    readable = Competition.objects.for_user(period.user).values("pk")
    competitions = Competition.objects.filter(pk__in=readable, year=period.year)
    entries = (
        Entry.objects.for_user(period.user).active().filter(event__competition__in=competitions)
    )
    hosted = count_by(competitions, "hosts")
    entrants = count_by(entries, "federation", of="member")
    awards = count_by(
        entries.filter(event__competition__status=Competition.Status.PUBLISHED).exclude(award=""),
        "federation",
    )
    titles = count_by(
        Title.objects.for_user(period.user).filter(granted_on__year=period.year), "federation"
    )
    ids = period.federation_ids
    return TileData(
        figures=[
            Figure(_("Competitions hosted"), hosted, total=False),
            Figure(_("Entrants"), entrants),
            Figure(_("Awards won"), awards),
            Figure(_("Titles granted"), titles),
        ],
        charts=[
            Chart(
                "bar",
                _("Entrants, awards and titles"),
                [_("Entrants"), _("Awards won"), _("Titles granted")],
                {pk: [entrants.get(pk, 0), awards.get(pk, 0), titles.get(pk, 0)] for pk in ids},
            )
        ],
    )
