"""Permissions on sanatorium bases, their photos and recognitions."""

import rules

from members.access import declare

READERS = ("staff", "approver", "leader", "administrator")
EDITORS = ("staff", "approver")

for codename in ("view_sanatorium", "view_photo", "view_recognition", "view_theme"):
    declare(f"sanatoriums.{codename}", roles=READERS)

for codename in (
    "add_sanatorium",
    "change_sanatorium",
    "add_photo",
    "change_photo",
    "delete_photo",
    "add_recognition",
):
    declare(f"sanatoriums.{codename}", roles=EDITORS)


@rules.predicate
def addressed_to_own_federation(user, recognition):
    """A recognition is decided by the recognising federation, never by the base's owner."""
    if recognition is None:
        return True
    from sanatoriums.models import Recognition

    return Recognition.objects.decidable_by(user).filter(pk=recognition.pk).exists()


declare(
    "sanatoriums.decide_recognition",
    roles=("approver",),
    object_rule=addressed_to_own_federation,
)

# Places: the base's owner manages its routes, batches and allocations; each federation
# manages its own bookings, their participants and feedback; partners read them.
for codename in (
    "view_route",
    "view_batch",
    "view_allocation",
    "view_booking",
    "view_participant",
    "view_feedback",
):
    declare(f"sanatoriums.{codename}", roles=READERS)

for codename in (
    "add_route",
    "change_route",
    "add_batch",
    "change_batch",
    "add_allocation",
    "change_allocation",
    "add_booking",
    "change_booking",
    "add_participant",
    "change_participant",
    "delete_participant",
    "add_feedback",
    "change_feedback",
):
    declare(f"sanatoriums.{codename}", roles=EDITORS)
