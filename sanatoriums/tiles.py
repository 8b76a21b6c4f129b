"""The wellbeing tile of the leaders' dashboard (身心共同关爱): each city's bases, the
mutual recognition each way, the places (名额) allocated, booked and used, the members who
went to the other city's bases, their ratings, and the recognitions that run out soon."""

import datetime

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from members.dashboard import Attention, Chart, Figure, TileData, average_by, count_by, sum_by
from members.registry import registry
from sanatoriums.models import (
    Allocation,
    BatchStatus,
    Booking,
    BookingStatus,
    Feedback,
    Participant,
    Recognition,
    Sanatorium,
)

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
    # Places (名额) of the batches that start in the year, by the federation they were
    # given to and the federation that booked them.
    batch_in_year = {"start_date__range": (period.first, period.last)}
    allocated = sum_by(
        Allocation.objects.for_user(period.user).filter(
            **{f"batch__{k}": v for k, v in batch_in_year.items()}
        ),
        "federation",
        "places",
    )
    bookings = Booking.objects.for_user(period.user).filter(
        **{f"batch__{k}": v for k, v in batch_in_year.items()}
    )
    booked = sum_by(bookings.counted(), "federation", "headcount")
    travelled = Participant.objects.for_user(period.user).filter(
        booking__status=BookingStatus.CONFIRMED,
        batch__status=BatchStatus.FINISHED,
        **{f"batch__{k}": v for k, v in batch_in_year.items()},
    )
    used = count_by(travelled, "booking__federation")
    # Members who went to a base of another city: what mutual recognition is for.
    visitors = count_by(
        travelled.exclude(batch__route__sanatorium__federation=F("booking__federation")),
        "booking__federation",
        of="member",
    )
    rating = average_by(
        Feedback.objects.for_user(period.user).filter(
            **{f"participant__batch__{k}": v for k, v in batch_in_year.items()}
        ),
        "participant__booking__federation",
        "rating",
    )
    ids = period.federation_ids
    return TileData(
        figures=[
            Figure(_("Active bases"), own_bases),
            Figure(_("Partner bases it recognises"), recognising),
            Figure(_("Its bases recognised by partners"), recognised_by_partners),
            Figure(_("Places allocated to it"), allocated),
            Figure(_("Places booked"), booked),
            Figure(_("Places used"), used),
            Figure(_("Members who visited the partner's bases"), visitors),
            Figure(_("Average feedback rating"), rating, unit="rating", total=False),
        ],
        charts=[
            Chart(
                "bar",
                _("Mutual recognition"),
                [_("Partner bases it recognises"), _("Its bases recognised by partners")],
                {pk: [recognising.get(pk, 0), recognised_by_partners.get(pk, 0)] for pk in ids},
            ),
            Chart(
                "bar",
                _("Places allocated, booked and used"),
                [_("Places allocated to it"), _("Places booked"), _("Places used")],
                {pk: [allocated.get(pk, 0), booked.get(pk, 0), used.get(pk, 0)] for pk in ids},
            ),
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
