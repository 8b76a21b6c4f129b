"""Writes on sanatorium bases, their photos and themes, and the recognition workflow.

Each function takes the acting user (None for a command or the seeder), asks the one rule
(`has_perm`, sanatoriums/rules.py) whether they may act, validates, and writes in one
transaction with the actor on the history row (members.services.record_save).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from members.display import local_date
from members.models import Federation
from members.services import owning_federation_id, record_delete, record_save, require_perm
from members.uploads import IMAGE_KINDS, validate_upload
from sanatoriums.models import (
    OPEN_RECOGNITION_STATUSES,
    PHOTO_MAX_BYTES,
    Photo,
    Recognition,
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
