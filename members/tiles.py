"""The members tile of the leaders' dashboard: how many members each federation has, how
many joined in the year, and how many work in the new employment forms (新就业形态) that the
speech asks unions to reach."""

from django.utils.translation import gettext_lazy as _

from members.dashboard import Chart, Figure, TileData, count_by
from members.models import Member
from members.registry import registry


@registry.register_tile(60, key="members", title=_("Members"), icon="people")
def members_tile(period):
    members = Member.objects.for_user(period.user).filter(join_date__lte=period.last)
    total = count_by(members, "federation")
    joined = count_by(members.filter(join_date__gte=period.first), "federation")
    new_forms = count_by(
        members.filter(employment_form__in=Member.NEW_EMPLOYMENT_FORMS), "federation"
    )
    ids = period.federation_ids
    return TileData(
        figures=[
            Figure(_("Members at the end of the year"), total),
            Figure(_("Joined in the year"), joined),
            Figure(_("Members in new forms of employment"), new_forms),
        ],
        charts=[
            Chart(
                "bar",
                _("Members by federation"),
                [_("Members at the end of the year"), _("Joined in the year")],
                {pk: [total.get(pk, 0), joined.get(pk, 0)] for pk in ids},
            )
        ],
    )
