"""Writes on sanatorium bases, their photos and themes, and the recognition workflow.

Each function takes the acting user (None for a command or the seeder), asks the one rule
(`has_perm`, sanatoriums/rules.py) whether they may act, validates, and writes in one
transaction with the actor on the history row (members.services.record_save).
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps

from members import pagecache
from members.display import join_names, local_date
from members.models import Federation, Honour, Member
from members.scoping import partner_ids
from members.services import owning_federation_id, record_delete, record_save, require_perm
from members.uploads import IMAGE_KINDS, validate_upload
from sanatoriums.models import (
    BOOKABLE_BATCH_STATUSES,
    CLOSED_BOOKING_STATUSES,
    ENDED_BATCH_STATUSES,
    OPEN_RECOGNITION_STATUSES,
    PHOTO_MAX_BYTES,
    Allocation,
    Batch,
    Booking,
    Feedback,
    Participant,
    Photo,
    Recognition,
    Route,
    Sanatorium,
    Theme,
)

logger = logging.getLogger(__name__)

PHOTO_LARGE = (1280, 1280)
PHOTO_THUMBNAIL = (480, 360)


def partner_federations(user, sanatorium: Sanatorium):
    """The federations a base's owner may ask to recognise it: those the user shares
    records with (members.scoping), other than the owner itself."""
    return Federation.objects.for_user(user).exclude(pk=sanatorium.federation_id)


# --- bases -----------------------------------------------------------------------------------


def sanatorium_create(
    *, actor, sanatorium: Sanatorium, themes: Iterable[Theme], reason: str = ""
) -> Sanatorium:
    """Add a base. It belongs to the actor's own federation; an actor without one (an
    administrator in the admin, or the seeder) names the owner on the record."""
    require_perm(actor, "sanatoriums.add_sanatorium")
    sanatorium.federation_id = owning_federation_id(actor, sanatorium.federation_id)
    with transaction.atomic():
        record_save(sanatorium, actor=actor, reason=reason)
        sanatorium.themes.set(themes)
    return sanatorium


def sanatorium_update(*, actor, sanatorium: Sanatorium, themes: Iterable[Theme]) -> Sanatorium:
    """Save the changes made to `sanatorium` (a form's instance) and its themes."""
    require_perm(actor, "sanatoriums.change_sanatorium", sanatorium)
    with transaction.atomic():
        record_save(sanatorium, actor=actor)
        sanatorium.themes.set(themes)
    return sanatorium


def sanatorium_delete(*, actor, sanatorium: Sanatorium) -> None:
    """Delete a base with its photos (their files too) and its recognitions."""
    require_perm(actor, "sanatoriums.delete_sanatorium", sanatorium)
    with transaction.atomic():
        for photo in sanatorium.photos.all():
            _remove_photo(photo, actor=actor)
        record_delete(sanatorium, actor=actor)


# --- themes (reference data, kept by administrators) -----------------------------------------


def theme_create(*, actor, theme: Theme) -> Theme:
    require_perm(actor, "sanatoriums.add_theme")
    with transaction.atomic():
        return record_save(theme, actor=actor)


def theme_update(*, actor, theme: Theme) -> Theme:
    require_perm(actor, "sanatoriums.change_theme", theme)
    with transaction.atomic():
        return record_save(theme, actor=actor)


def theme_delete(*, actor, theme: Theme) -> None:
    require_perm(actor, "sanatoriums.delete_theme", theme)
    with transaction.atomic():
        record_delete(theme, actor=actor)


# --- photos ----------------------------------------------------------------------------------


def _jpeg(image: Image.Image, box: tuple[int, int]) -> bytes:
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def photo_add(*, actor, sanatorium: Sanatorium, upload, caption: str = "") -> Photo:
    """Check the upload by content, then store a phone-sized JPEG and a thumbnail. Saving
    through Pillow drops the original's EXIF data (camera, place, time)."""
    require_perm(actor, "sanatoriums.add_photo", sanatorium)
    validate_upload(upload, kinds=IMAGE_KINDS, max_bytes=PHOTO_MAX_BYTES)  # pixels, decoding
    try:
        with Image.open(upload) as original:
            image = ImageOps.exif_transpose(original).convert("RGB")
    except Exception:  # checked above; a page must never answer 500 for a bad picture
        raise ValidationError(
            _("The image is damaged or incomplete."), code="file_broken"
        ) from None
    return _store_photo(actor=actor, sanatorium=sanatorium, image=image, caption=caption)


def photo_store(
    *, actor, sanatorium: Sanatorium, image: Image.Image, caption: str = "", reason: str = ""
) -> Photo:
    """Store an image the portal made itself (the demo's pictures), as photo_add does."""
    require_perm(actor, "sanatoriums.add_photo", sanatorium)
    return _store_photo(
        actor=actor, sanatorium=sanatorium, image=image, caption=caption, reason=reason
    )


def _store_photo(*, actor, sanatorium, image, caption, reason="") -> Photo:
    large, small = _jpeg(image, PHOTO_LARGE), _jpeg(image, PHOTO_THUMBNAIL)
    with transaction.atomic():
        position = sanatorium.photos.count()
        photo = Photo(sanatorium=sanatorium, caption=caption, position=position)
        # Stored under random names ending .jpg (sanatoriums.models.photo_path).
        photo.image.save("photo.jpg", ContentFile(large), save=False)
        photo.thumbnail.save("thumbnail.jpg", ContentFile(small), save=False)
        record_save(photo, actor=actor, reason=reason)
    return photo


def photo_update(*, actor, photo: Photo) -> Photo:
    """Save a photo's changed caption or position (the admin's inline)."""
    require_perm(actor, "sanatoriums.change_photo", photo)
    with transaction.atomic():
        return record_save(photo, actor=actor)


def photo_delete(*, actor, photo: Photo) -> None:
    require_perm(actor, "sanatoriums.delete_photo", photo)
    with transaction.atomic():
        _remove_photo(photo, actor=actor)


def _remove_photo(photo: Photo, *, actor) -> None:
    files = [photo.image, photo.thumbnail]
    record_delete(photo, actor=actor)
    for file in files:
        transaction.on_commit(lambda f=file: f.storage.delete(f.name))


# --- recognition (互认) ----------------------------------------------------------------------


def recognition_propose(
    *, actor, sanatorium: Sanatorium, federation, note: str = ""
) -> Recognition:
    """Staff of the owner federation ask a partner federation to recognise their base."""
    require_perm(actor, "sanatoriums.add_recognition", sanatorium)
    if not partner_federations(actor, sanatorium).filter(pk=federation.pk).exists():
        raise ValidationError(
            _("You can only ask a partner federation to recognise this base."),
            code="not_partner",
        )
    recognition = Recognition(
        sanatorium=sanatorium, federation=federation, note=note, proposed_by=actor
    )
    try:
        with transaction.atomic():
            # full_clean gives friendly messages: own base, one open recognition per pair.
            record_save(recognition, actor=actor)
    except IntegrityError:
        # Two proposals at the same moment: the database's unique condition decided.
        raise ValidationError(
            _("This base already has an open recognition by this federation."),
            code="already_open",
        ) from None
    return recognition


def recognition_import(*, actor, recognition: Recognition, reason: str = "") -> Recognition:
    """Record a recognition as it stands elsewhere (paper records, the demo), in any state
    and with its own dates, validated by the model and the database's constraints only.

    `change_recognition` is held by no role (rules.py): only administrators and commands
    record recognitions this way; on the pages a recognition moves only through the
    workflow below."""
    require_perm(actor, "sanatoriums.change_recognition")
    with transaction.atomic():
        return record_save(recognition, actor=actor, reason=reason)


def _lock_for_decision(actor, recognition: Recognition) -> Recognition:
    """The recognition, locked, if the actor may decide it (invariant 1): an approver of the
    recognising federation, never the owner, nor an administrator, who belongs to no
    federation. `decidable_by` is also the object rule of `decide_recognition` (rules.py);
    it is asked here rather than `actor.has_perm`, which Django answers yes for every
    superuser before any rule is asked."""
    locked = (
        Recognition.objects.decidable_by(actor).select_for_update().filter(pk=recognition.pk)
    ).first()
    if locked is None:
        raise PermissionDenied
    return locked


def recognition_approve(
    *, actor, recognition: Recognition, valid_from, valid_until, note: str = ""
) -> Recognition:
    """Approve a proposal, or renew an approved recognition with new dates."""
    with transaction.atomic():
        locked = _lock_for_decision(actor, recognition)
        if locked.status not in OPEN_RECOGNITION_STATUSES:
            raise ValidationError(
                _("Only a proposed or approved recognition can be approved."),
                code="bad_state",
            )
        if valid_until < valid_from:
            raise ValidationError(
                _("The validity cannot end before it starts."), code="validity_reversed"
            )
        if valid_until < timezone.localdate():
            raise ValidationError(_("The validity must not end in the past."), code="validity_past")
        locked.status = Recognition.Status.APPROVED
        locked.valid_from, locked.valid_until = valid_from, valid_until
        if note:
            locked.note = note
        locked.reason = ""
        _decided(locked, actor)
    return locked


def recognition_reject(*, actor, recognition: Recognition, reason: str) -> Recognition:
    with transaction.atomic():
        locked = _lock_for_decision(actor, recognition)
        if locked.status != Recognition.Status.PROPOSED:
            raise ValidationError(
                _("Only a proposed recognition can be rejected."), code="bad_state"
            )
        locked.status = Recognition.Status.REJECTED
        locked.reason = _require_reason(reason)
        _decided(locked, actor)
    return locked


def recognition_revoke(*, actor, recognition: Recognition, reason: str) -> Recognition:
    with transaction.atomic():
        locked = _lock_for_decision(actor, recognition)
        # An expired recognition has nothing left to revoke (it can be renewed).
        if not locked.can_be_revoked:
            raise ValidationError(
                _("Only an approved recognition can be revoked."), code="bad_state"
            )
        locked.status = Recognition.Status.REVOKED
        locked.reason = _require_reason(reason)
        _decided(locked, actor)
    return locked


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give a reason."), code="reason_required")
    return reason


def _decided(recognition: Recognition, actor) -> None:
    recognition.decided_by = actor
    recognition.decided_at = timezone.now()
    record_save(recognition, actor=actor)
    transaction.on_commit(lambda: _notify_proposer(recognition.pk))


def _notify_proposer(recognition_pk: int) -> None:
    """Tell the proposer by e-mail (in the portal's default language) what was decided."""
    recognition = Recognition.objects.select_related("sanatorium", "federation", "proposed_by").get(
        pk=recognition_pk
    )
    address = recognition.proposed_by.email
    if not address:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Recognition of %(base)s: %(state)s") % {
            "base": recognition.sanatorium.name,
            "state": recognition.state_label,
        }
        lines = [
            _("%(federation)s has decided on the recognition of %(base)s.")
            % {"federation": recognition.federation.name, "base": recognition.sanatorium.name},
            _("Decision: %(state)s") % {"state": recognition.state_label},
        ]
        if recognition.status == Recognition.Status.APPROVED:
            lines.append(
                _("Valid from %(start)s until %(end)s.")
                % {
                    "start": local_date(recognition.valid_from),
                    "end": local_date(recognition.valid_until),
                }
            )
        if recognition.reason:
            lines.append(_("Reason: %(reason)s") % {"reason": recognition.reason})
    try:
        send_mail(subject, "\n".join(lines), None, [address])
    except OSError:
        # The decision stands even when the mail server is away; the queue page shows it.
        logger.warning("could not e-mail recognition decision %s", recognition_pk)


# --- places (名额): routes, batches, allocations, bookings, feedback --------------------------
#
# Invariant 2 (places never oversell) rests on one rule: every write that moves places takes
# the batch's row lock first (`_locked_batch`), then checks, then writes, in one transaction
# (pretix's capacity locking). Two requests for the last places of a batch so run one after
# the other, and the second sees the first's booking. Behind the lock, the database keeps
# the counters `Batch.allocated_places` and `Allocation.booked_places`, moved by single UPDATE
# statements, and refuses a value above the places (CheckConstraints): a write that escaped
# the lock would fail rather than oversell.

#: How long a booking waits for the batch's lock before the user is asked to try again.
LOCK_TIMEOUT = "5s"


class PlacesBusy(Exception):
    """The batch stayed locked by other bookings longer than LOCK_TIMEOUT: the page asks the
    user to try again (sanatoriums.views.places_busy), rather than answering 500."""


def _locked_batch(batch_id) -> Batch:
    """The batch, locked until the transaction ends."""
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        return (
            Batch.objects.select_for_update().select_related("route__sanatorium").get(pk=batch_id)
        )
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "55P03":  # lock_not_available
            raise PlacesBusy from error
        raise


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params or None)


def _counted_headcount(batch_id, federation_id) -> int:
    """Places held by a federation's bookings on a batch, summed from the bookings."""
    total = (
        Booking.objects.filter(batch_id=batch_id, federation_id=federation_id)
        .counted()
        .aggregate(total=Sum("headcount"))["total"]
    )
    return total or 0


def _move_booked(allocation_id, delta: int) -> None:
    """Add `delta` to an allocation's booked places in one statement; the database refuses
    a total above the allocation (sanatoriums_allocation_not_oversold)."""
    try:
        with transaction.atomic():
            Allocation.objects.filter(pk=allocation_id).update(
                booked_places=F("booked_places") + delta
            )
            pagecache.model_changed(Allocation)  # places left show on a base's page
    except IntegrityError:
        _refuse(_("There are not enough places left."), "oversold")


# routes ---------------------------------------------------------------------------------------


def route_save(*, actor, route: Route, reason: str = "") -> Route:
    """Add or change a route of a base of the actor's own federation."""
    require_perm(
        actor,
        "sanatoriums.add_route" if route._state.adding else "sanatoriums.change_route",
        None if route._state.adding else route,
    )
    require_perm(actor, "sanatoriums.change_sanatorium", route.sanatorium)
    with transaction.atomic():
        return record_save(route, actor=actor, reason=reason)


# batches ------------------------------------------------------------------------------------

#: The steps staff take (batch_set_status); "not formed" is where closing leads when the
#: minimum was not reached.
BATCH_STEPS = {
    Batch.Status.OPEN: [Batch.Status.CONFIRMED, Batch.Status.CLOSED, Batch.Status.CANCELLED],
    Batch.Status.CONFIRMED: [Batch.Status.CLOSED, Batch.Status.CANCELLED],
    Batch.Status.CLOSED: [Batch.Status.FINISHED, Batch.Status.CANCELLED],
}


def batch_create(*, actor, batch: Batch, reason: str = "") -> Batch:
    """Add a batch to a route of a base of the actor's own federation; it opens for sign-up."""
    require_perm(actor, "sanatoriums.add_batch")
    require_perm(actor, "sanatoriums.change_route", batch.route)
    batch.status = Batch.Status.OPEN
    batch.allocated_places = 0
    with transaction.atomic():
        return record_save(batch, actor=actor, reason=reason)


def batch_update(*, actor, batch: Batch) -> Batch:
    """Save a changed batch (a form's instance). Its status and counter are the stored ones;
    its dates stay once groups have booked (their recognition and overlaps were checked for
    those dates)."""
    require_perm(actor, "sanatoriums.change_batch", batch)
    with transaction.atomic():
        locked = _locked_batch(batch.pk)
        batch.status, batch.allocated_places = locked.status, locked.allocated_places
        moved = (batch.start_date, batch.end_date) != (locked.start_date, locked.end_date)
        if moved and locked.bookings.exclude(status__in=_CLOSED_BOOKINGS).exists():
            _refuse(_("The dates cannot change once groups have booked."), "dates_fixed")
        if batch.route_id != locked.route_id:
            _refuse(_("A batch stays on its route."), "route_fixed")
        return record_save(batch, actor=actor)


def batch_set_status(*, actor, batch: Batch, status: str, today=None) -> Batch:
    """Move a batch one step: confirm it (the minimum is booked), close it after the sign-up
    deadline (not formed when the minimum was not reached), finish it after its last day, or
    cancel it. Anything else is refused with nothing changed."""
    require_perm(actor, "sanatoriums.change_batch", batch)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _locked_batch(batch.pk)
        if status not in BATCH_STEPS.get(locked.status, []):
            _refuse(
                _("A batch that is %(current)s cannot become %(wanted)s."),
                "bad_transition",
                current=locked.get_status_display(),
                wanted=Batch.Status(status).label if status in Batch.Status.values else status,
            )
        booked = _batch_booked(locked)
        if status == Batch.Status.CONFIRMED and booked < locked.min_group:
            _refuse(
                _("%(booked)s places are booked; the batch goes ahead from %(minimum)s."),
                "below_minimum",
                booked=booked,
                minimum=locked.min_group,
            )
        if status == Batch.Status.CLOSED:
            if today <= locked.signup_deadline:
                _refuse(_("Sign-up closes after the deadline."), "before_deadline")
            if booked < locked.min_group:
                status = Batch.Status.NOT_FORMED
        if status == Batch.Status.FINISHED and today <= locked.end_date:
            _refuse(_("A batch is finished after its last day."), "not_over")
        locked.status = status
        record_save(locked, actor=actor)
    return locked


def _batch_booked(batch) -> int:
    return batch.bookings.counted().aggregate(total=Sum("headcount"))["total"] or 0


def _confirm_if_formed(batch: Batch, *, actor) -> None:
    if batch.status == Batch.Status.OPEN and _batch_booked(batch) >= batch.min_group:
        batch.status = Batch.Status.CONFIRMED
        record_save(batch, actor=actor, reason="minimum reached")


# allocations ----------------------------------------------------------------------------------


def allocation_set(*, actor, batch: Batch, federation, places: int, today=None) -> Allocation:
    """Give `places` of a batch to a federation (the owner's own or a partner's), or change
    how many it has. The allocations of a batch never add up to more than its places, and an
    allocation never falls below what its federation has booked."""
    require_perm(actor, "sanatoriums.change_batch", batch)
    owner_id = batch.route.sanatorium.federation_id
    if federation.pk not in {owner_id, *partner_ids(owner_id)}:
        _refuse(_("Places can go only to your own federation or a partner."), "not_partner")
    with transaction.atomic():
        locked = _locked_batch(batch.pk)
        allocation = Allocation.objects.filter(batch=locked, federation=federation).first()
        adding = allocation is None
        if adding:
            require_perm(actor, "sanatoriums.add_allocation")
            allocation = Allocation(batch=locked, federation=federation, places=0)
        else:
            require_perm(actor, "sanatoriums.change_allocation", allocation)
        before = allocation.places
        free = locked.places - locked.allocated_places + before
        if places > free:
            _refuse(
                ngettext(
                    "Only %(free)s place of this batch can still be allocated.",
                    "Only %(free)s places of this batch can still be allocated.",
                    free,
                ),
                "over_allocated",
                free=free,
            )
        if places < allocation.booked_places:
            _refuse(
                _("%(federation)s has booked %(booked)s places: the allocation cannot be smaller."),
                "below_booked",
                federation=federation.display_name,
                booked=allocation.booked_places,
            )
        allocation.places = places
        record_save(allocation, actor=actor)
        try:
            with transaction.atomic():
                Batch.objects.filter(pk=locked.pk).update(
                    allocated_places=F("allocated_places") + (places - before)
                )
                pagecache.model_changed(Batch)
        except IntegrityError:
            _refuse(_("The allocations would exceed the batch's places."), "over_allocated")
        if places > before:
            _offer_freed_places(locked, federation.pk, actor=actor, today=today)
    return allocation


# bookings -------------------------------------------------------------------------------------

_CLOSED_BOOKINGS = CLOSED_BOOKING_STATUSES


def _check_recognised(batch: Batch, federation_id: int) -> None:
    """A federation books only its own bases and the bases it recognises for the whole of
    the batch's dates (Sanatorium.objects.open_to, the public directory's rule)."""
    base_id = batch.route.sanatorium_id
    for day in (batch.start_date, batch.end_date):
        if not Sanatorium.objects.open_to(federation_id, on=day).filter(pk=base_id).exists():
            _refuse(
                _(
                    "Your federation does not recognise %(base)s for the dates of this batch: "
                    "its members cannot be booked there."
                ),
                "not_recognised",
                base=batch.route.sanatorium.name,
            )


def eligible_members(batch: Batch, members):
    """Of `members`, those the batch is open to (its `eligibility`): model workers and
    craftsmen by their honours (members.Honour), title holders of the batch's competition by
    their titles (competitions.Title)."""
    ids = [m.pk for m in members]
    kinds = {
        Batch.Eligibility.MODEL_WORKERS: [Honour.Kind.MODEL_WORKER],
        Batch.Eligibility.CRAFTSMEN: [Honour.Kind.CRAFTSMAN],
        Batch.Eligibility.HONOURED: [Honour.Kind.MODEL_WORKER, Honour.Kind.CRAFTSMAN],
    }
    if batch.eligibility == Batch.Eligibility.ANYONE:
        return set(ids)
    if batch.eligibility == Batch.Eligibility.AWARD_WINNERS:
        from competitions.models import Title

        return set(
            Title.objects.filter(
                member_id__in=ids, entry__event__competition_id=batch.competition_id
            ).values_list("member_id", flat=True)
        )
    return set(
        Honour.objects.filter(member_id__in=ids, kind__in=kinds[batch.eligibility]).values_list(
            "member_id", flat=True
        )
    )


def _check_participants(batch: Batch, federation_id: int, members, *, headcount, booking=None):
    """Members of the booking federation, open to the batch, no more than the headcount, and
    none in another batch whose dates overlap (invariant 3). Their rows are locked (in a fixed
    order) so that two bookings of the same member in two batches cannot both pass."""
    members = list(members)
    if len(members) > headcount:
        _refuse(
            _("%(named)s participants are named for a group of %(headcount)s."),
            "too_many_participants",
            named=len(members),
            headcount=headcount,
        )
    if not members:
        return
    others = [m.name for m in members if m.federation_id != federation_id]
    if others:
        _refuse(
            _("Only members of the booking federation can take part: %(names)s."),
            "other_federation",
            names=join_names(others),
        )
    list(Member.objects.select_for_update().filter(pk__in=[m.pk for m in members]).order_by("pk"))
    allowed = eligible_members(batch, members)
    refused = [m.name for m in members if m.pk not in allowed]
    if refused:
        _refuse(
            _("This batch is reserved for %(whom)s; not eligible: %(names)s."),
            "not_eligible",
            whom=batch.get_eligibility_display(),
            names=join_names(refused),
        )
    clashes = (
        Participant.objects.filter(
            member__in=members,
            batch__start_date__lte=batch.end_date,
            batch__end_date__gte=batch.start_date,
        )
        .exclude(booking__status__in=_CLOSED_BOOKINGS)
        .select_related("member")
    )
    if booking is not None:
        clashes = clashes.exclude(booking=booking)
    names = sorted({clash.member.name for clash in clashes})
    if names:
        _refuse(
            _("Already booked into a batch with overlapping dates: %(names)s."),
            "overlap",
            names=join_names(names),
        )


def _add_participants(booking: Booking, members, *, actor) -> None:
    try:
        with transaction.atomic():
            for member in members:
                record_save(
                    Participant(booking=booking, batch=booking.batch, member=member), actor=actor
                )
    except IntegrityError:
        # The database's backstop (one batch per member and day) refused what the check let
        # through: say so as the check would have.
        _refuse(_("A participant is already booked into a batch with these dates."), "overlap")


def _release_participants(booking: Booking) -> None:
    """A cancelled or expired group's members are free for other batches again."""
    Participant.objects.filter(booking=booking).update(holds=False)


def booking_create(
    *,
    actor,
    batch: Batch,
    organisation,
    headcount: int,
    members=(),
    waiting_list: bool = False,
    priority: int = 0,
    contact_name: str = "",
    note: str = "",
    today=None,
) -> Booking:
    """Book a group for an organisation of the actor's own federation. The places come from
    the federation's allocation: when it holds enough, the booking is pending (it counts);
    otherwise it goes on the waiting list if asked, or is refused."""
    require_perm(actor, "sanatoriums.add_booking")
    federation_id = owning_federation_id(actor, organisation.federation_id)
    if federation_id != organisation.federation_id:
        raise PermissionDenied
    today = today or timezone.localdate()
    members = list(members)
    with transaction.atomic():
        batch = _locked_batch(batch.pk)
        if batch.status not in (Batch.Status.OPEN, Batch.Status.CONFIRMED):
            _refuse(_("This batch is not open for sign-up."), "not_open")
        if today > batch.signup_deadline:
            _refuse(_("The sign-up deadline of this batch has passed."), "deadline_passed")
        _check_recognised(batch, federation_id)
        allocation = Allocation.objects.filter(batch=batch, federation_id=federation_id).first()
        if allocation is None:
            _refuse(_("Your federation has no places on this batch."), "no_allocation")
        _expire_offers(batch, actor=actor, today=today)
        _check_participants(batch, federation_id, members, headcount=headcount)
        remaining = allocation.places - _counted_headcount(batch.pk, federation_id)
        booking = Booking(
            batch=batch,
            organisation=organisation,
            headcount=headcount,
            priority=priority,
            contact_name=contact_name,
            note=note,
            created_by=actor,
            created_at=timezone.now(),
        )
        if headcount <= remaining:
            booking.status = Booking.Status.PENDING
        elif waiting_list:
            booking.status = Booking.Status.WAITING
        else:
            _refuse(
                ngettext(
                    "Only %(remaining)s place is left for your federation on this batch.",
                    "Only %(remaining)s places are left for your federation on this batch.",
                    max(remaining, 0),
                ),
                "not_enough_places",
                remaining=max(remaining, 0),
            )
        record_save(booking, actor=actor)
        _add_participants(booking, members, actor=actor)
        if booking.is_counted:
            _move_booked(allocation.pk, headcount)
            _confirm_if_formed(batch, actor=actor)
    return booking


def booking_set_participants(*, actor, booking: Booking, members) -> Booking:
    """Name the members of a group (replacing those named before)."""
    require_perm(actor, "sanatoriums.change_booking", booking)
    members = list(members)
    with transaction.atomic():
        batch = _locked_batch(booking.batch_id)
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status in _CLOSED_BOOKINGS or batch.status in ENDED:
            _refuse(_("The participants of this group can no longer change."), "closed")
        _check_participants(
            batch, booking.federation_id, members, headcount=booking.headcount, booking=booking
        )
        wanted = {m.pk for m in members}
        for participant in booking.participants.select_related("member"):
            if participant.member_id not in wanted:
                record_delete(participant, actor=actor)
        named = set(booking.participants.values_list("member_id", flat=True))
        booking.batch = batch
        _add_participants(booking, [m for m in members if m.pk not in named], actor=actor)
    return booking


ENDED = ENDED_BATCH_STATUSES


def booking_confirm(*, actor, booking: Booking, today=None) -> Booking:
    """Confirm a pending group (an offer from the waiting list too, before it expires)."""
    require_perm(actor, "sanatoriums.change_booking", booking)
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = _locked_batch(booking.batch_id)
        _expire_offers(batch, actor=actor, today=today)
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status == Booking.Status.EXPIRED:
            _refuse(_("The offer expired before it was confirmed."), "offer_expired")
        if booking.status != Booking.Status.PENDING:
            _refuse(_("Only a pending group can be confirmed."), "bad_transition")
        if batch.status in ENDED:
            _refuse(_("This batch is not open for sign-up."), "not_open")
        booking.status = Booking.Status.CONFIRMED
        booking.offer_expires_on = None
        record_save(booking, actor=actor)
    return booking


def booking_cancel(*, actor, booking: Booking, today=None) -> Booking:
    """Cancel a group; its places go to the federation's waiting list, in order."""
    require_perm(actor, "sanatoriums.change_booking", booking)
    with transaction.atomic():
        batch = _locked_batch(booking.batch_id)
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status in _CLOSED_BOOKINGS:
            _refuse(_("This group is already cancelled."), "bad_transition")
        if batch.status in ENDED:
            _refuse(_("The groups of this batch can no longer change."), "closed")
        counted = booking.is_counted
        booking.status = Booking.Status.CANCELLED
        booking.offer_expires_on = None
        record_save(booking, actor=actor)
        _release_participants(booking)
        if counted:
            allocation = Allocation.objects.get(batch=batch, federation_id=booking.federation_id)
            _move_booked(allocation.pk, -booking.headcount)
            _offer_freed_places(batch, booking.federation_id, actor=actor, today=today)
    return booking


def _offer_freed_places(batch: Batch, federation_id: int, *, actor, today=None) -> list[Booking]:
    """Offer a federation's free places on a batch to its waiting list, in order of priority
    then time, until the next group does not fit. Each offer holds the places (pending) until
    it is confirmed or its days run out. Called with the batch locked."""
    if batch.status not in (Batch.Status.OPEN, Batch.Status.CONFIRMED):
        return []
    today = today or timezone.localdate()
    allocation = Allocation.objects.filter(batch=batch, federation_id=federation_id).first()
    if allocation is None:
        return []
    remaining = allocation.places - _counted_headcount(batch.pk, federation_id)
    offered = []
    for booking in Booking.objects.filter(
        batch=batch, federation_id=federation_id
    ).waiting_in_order():
        if booking.headcount > remaining:
            break
        booking.status = Booking.Status.PENDING
        booking.offer_expires_on = today + datetime.timedelta(days=batch.offer_days)
        record_save(booking, actor=actor, reason="offered from the waiting list")
        _move_booked(allocation.pk, booking.headcount)
        remaining -= booking.headcount
        offered.append(booking)
    return offered


def _expire_offers(batch: Batch, *, actor, today) -> None:
    """Offers whose days ran out free their places, which go to the next on the list."""
    expired = list(
        Booking.objects.filter(
            batch=batch, status=Booking.Status.PENDING, offer_expires_on__lt=today
        )
    )
    for booking in expired:
        booking.status = Booking.Status.EXPIRED
        record_save(booking, actor=actor, reason="offer expired")
        _release_participants(booking)
        allocation = Allocation.objects.get(batch=batch, federation_id=booking.federation_id)
        _move_booked(allocation.pk, -booking.headcount)
    for federation_id in {b.federation_id for b in expired}:
        _offer_freed_places(batch, federation_id, actor=actor, today=today)


def offers_expire(*, today=None) -> int:
    """Expire the overdue offers of every batch (the `places_daily` command);
    returns how many expired. Bookings on a batch do it too, under its lock."""
    today = today or timezone.localdate()
    count = 0
    batch_ids = set(
        Booking.objects.filter(
            status=Booking.Status.PENDING, offer_expires_on__lt=today
        ).values_list("batch_id", flat=True)
    )
    for batch_id in sorted(batch_ids):
        with transaction.atomic():
            batch = _locked_batch(batch_id)
            before = Booking.objects.filter(batch=batch, status=Booking.Status.EXPIRED).count()
            _expire_offers(batch, actor=None, today=today)
            count += (
                Booking.objects.filter(batch=batch, status=Booking.Status.EXPIRED).count() - before
            )
    return count


def batches_advance(*, today=None) -> tuple[int, int]:
    """The day's steps of the batches (the `places_daily` command, acting as no user): close
    sign-up after the deadline (not formed below the minimum), finish closed batches after
    their last day. Returns (closed, finished)."""
    today = today or timezone.localdate()
    closed = finished = 0
    due = Batch.objects.filter(status__in=BOOKABLE_BATCH_STATUSES, signup_deadline__lt=today)
    for batch in due.order_by("pk"):
        batch_set_status(actor=None, batch=batch, status=Batch.Status.CLOSED, today=today)
        closed += 1
    over = Batch.objects.filter(status=Batch.Status.CLOSED, end_date__lt=today)
    for batch in over.order_by("pk"):
        batch_set_status(actor=None, batch=batch, status=Batch.Status.FINISHED, today=today)
        finished += 1
    return closed, finished


# feedback -------------------------------------------------------------------------------------


def feedback_save(*, actor, participant: Participant, rating: int, comment: str = "") -> Feedback:
    """A participant's rating (1–5) and comment, after the batch has finished."""
    participant = Participant.objects.select_related("booking__batch", "member").get(
        pk=participant.pk
    )
    require_perm(actor, "sanatoriums.add_feedback")
    require_perm(actor, "sanatoriums.change_booking", participant.booking)
    if participant.booking.batch.status != Batch.Status.FINISHED:
        _refuse(_("Feedback is entered after the batch has finished."), "not_finished")
    if participant.booking.status != Booking.Status.CONFIRMED:
        _refuse(_("Feedback is entered for confirmed groups only."), "not_confirmed")
    feedback = Feedback.objects.filter(participant=participant).first() or Feedback(
        participant=participant
    )
    feedback.rating, feedback.comment = rating, comment
    feedback.entered_by, feedback.entered_at = actor, timezone.now()
    with transaction.atomic():
        return record_save(feedback, actor=actor)
