"""The wellbeing tile of the leaders' dashboard (身心共同关爱): each city's bases, the
mutual recognition each way, and the recognitions that run out soon."""

import datetime

from django.utils.translation import gettext_lazy as _

from members.dashboard import Attention, Chart, Figure, TileData, count_by
from members.registry import registry
from sanatoriums.models import Recognition, Sanatorium

#: Recognitions that run out within this many days are listed for renewal.
EXPIRING_WITHIN_DAYS = 60


@registry.register_tile(40, key="wellbeing", title=_("Worker recuperation"), icon="tree")
def wellbeing_tile(period):
    bases = Sanatorium.objects.for_user(period.user).active()
    recognitions = Recognition.objects.for_user(period.user)
    current = recognitions.current(on=period.on)
    own_bases = count_by(bases, "federation")
    recognising = count_by(current, "federation")
    recognised_by_partners = count_by(current, "owner_federation", of="sanatorium")
    expiring = (
        recognitions.current(on=period.today)
        .filter(valid_until__lte=period.today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS))
        .select_related("sanatorium")
        .order_by("valid_until", "pk")
    )
    ids = period.federation_ids
    return TileData(
        figures=[
            Figure(_("Active bases"), own_bases),
            Figure(_("Partner bases it recognises"), recognising),
            Figure(_("Its bases recognised by partners"), recognised_by_partners),
        ],
        charts=[
            Chart(
                "bar",
                _("Mutual recognition"),
                [_("Partner bases it recognises"), _("Its bases recognised by partners")],
                {pk: [recognising.get(pk, 0), recognised_by_partners.get(pk, 0)] for pk in ids},
            )
        ],
        attention=[
            Attention(
                kind=_("Recognition expiring"),
                label=recognition.sanatorium.name,
                federation_id=recognition.federation_id,
                due=recognition.valid_until,
                url=recognition.sanatorium.get_absolute_url(),
            )
            for recognition in expiring[:20]
        ],
    )
