"""Writes on sanatorium bases: photos and the recognition workflow.

Each function takes the acting user, checks that they may act, validates, and writes in one
transaction; history rows record the actor through django-simple-history.
"""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from members.models import Federation
from members.uploads import IMAGE_KINDS, validate_upload
from sanatoriums.models import PHOTO_MAX_BYTES, Photo, Recognition, Sanatorium

logger = logging.getLogger(__name__)

PHOTO_LARGE = (1280, 1280)
PHOTO_THUMBNAIL = (480, 360)


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
    _require_editable(actor, sanatorium)
    validate_upload(upload, kinds=IMAGE_KINDS, max_bytes=PHOTO_MAX_BYTES)  # pixels, decoding
    try:
        with Image.open(upload) as original:
            image = ImageOps.exif_transpose(original).convert("RGB")
    except Exception:  # checked above; a page must never answer 500 for a bad picture
        raise ValidationError(
            _("The image is damaged or incomplete."), code="file_broken"
        ) from None
    return photo_store(sanatorium=sanatorium, image=image, caption=caption, actor=actor)


def photo_store(
    *, sanatorium: Sanatorium, image: Image.Image, caption: str = "", actor=None
) -> Photo:
    """Store a checked image as a phone-sized JPEG and a thumbnail."""
    large, small = _jpeg(image, PHOTO_LARGE), _jpeg(image, PHOTO_THUMBNAIL)
    with transaction.atomic():
        position = sanatorium.photos.count()
        photo = Photo(sanatorium=sanatorium, caption=caption, position=position)
        photo._history_user = actor
        # Stored under random names ending .jpg (sanatoriums.models.photo_path).
        photo.image.save("photo.jpg", ContentFile(large), save=False)
        photo.thumbnail.save("thumbnail.jpg", ContentFile(small), save=False)
        photo.full_clean()
        photo.save()
    return photo


def photo_delete(*, actor, photo: Photo) -> None:
    _require_editable(actor, photo.sanatorium)
    files = [photo.image, photo.thumbnail]
    photo._history_user = actor
    photo.delete()
    for file in files:
        transaction.on_commit(lambda f=file: f.storage.delete(f.name))


def _require_editable(actor, sanatorium):
    if not Sanatorium.objects.editable_by(actor).filter(pk=sanatorium.pk).exists():
        raise PermissionDenied


# --- recognition (互认) ----------------------------------------------------------------------


def recognition_propose(
    *, actor, sanatorium: Sanatorium, federation, note: str = ""
) -> Recognition:
    """Staff of the owner federation ask a partner federation to recognise their base."""
    _require_editable(actor, sanatorium)
    partners = Federation.objects.for_user(actor).exclude(pk=sanatorium.federation_id)
    if not partners.filter(pk=federation.pk).exists():
        raise ValidationError(
            _("You can only ask a partner federation to recognise this base."),
            code="not_partner",
        )
    recognition = Recognition(
        sanatorium=sanatorium, federation=federation, note=note, proposed_by=actor
    )
    recognition.owner_federation_id = sanatorium.federation_id
    recognition._history_user = actor  # history records the actor outside requests too
    recognition.full_clean()  # friendly messages: own base, one open recognition per pair
    try:
        with transaction.atomic():
            recognition.save()
    except IntegrityError:
        # Two proposals at the same moment: the database's unique condition decided.
        raise ValidationError(
            _("This base already has an open recognition by this federation."),
            code="already_open",
        ) from None
    return recognition


def _lock_for_decision(actor, recognition: Recognition) -> Recognition:
    """Only an approver of the recognising federation decides; never the owner."""
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
        if locked.status not in (Recognition.Status.PROPOSED, Recognition.Status.APPROVED):
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
        if locked.status != Recognition.Status.APPROVED:
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
    recognition._history_user = actor
    recognition.full_clean()
    recognition.save()
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
                % {"start": recognition.valid_from, "end": recognition.valid_until}
            )
        if recognition.reason:
            lines.append(_("Reason: %(reason)s") % {"reason": recognition.reason})
    try:
        send_mail(subject, "\n".join(lines), None, [address])
    except OSError:
        # The decision stands even when the mail server is away; the queue page shows it.
        logger.warning("could not e-mail recognition decision %s", recognition_pk)
