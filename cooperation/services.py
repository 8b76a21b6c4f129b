"""Writes of the cooperation app: each checks who acts, validates, and saves in one
transaction. Views and the admin call these rather than saving by hand."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cooperation.models import (
    ATTACHMENT_MAX_BYTES,
    Attachment,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectStatus,
    transition_error,
)
from members.scoping import user_scope
from members.uploads import IMAGE_KINDS, MIME_TYPES, validate_upload


def _require_lead(actor, project):
    if not Project.objects.editable_by(actor).filter(pk=project.pk).exists():
        raise PermissionDenied


def project_change_status(*, actor, project: Project, status: str) -> Project:
    """Move a project along an allowed transition; any other is refused with a message."""
    _require_lead(actor, project)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if status not in ProjectStatus.values:
            raise ValidationError(_("Unknown project status."), code="invalid_choice")
        error = transition_error(project.status, status)
        if error:
            raise error
        project.status = status
        project.full_clean()
        project.save()
    return project


def milestone_add(*, actor, project: Project, title: str, due_on: datetime.date) -> Milestone:
    _require_lead(actor, project)
    milestone = Milestone(project=project, title=title, due_on=due_on)
    with transaction.atomic():
        milestone.full_clean()
        milestone.save()
    return milestone


def milestone_mark_done(*, actor, milestone: Milestone, done_on: datetime.date) -> Milestone:
    _require_lead(actor, milestone.project)
    milestone.done_on = done_on
    with transaction.atomic():
        milestone.full_clean()
        milestone.save()
    return milestone


def progress_update_add(
    *,
    actor,
    project: Project,
    happened_on: datetime.date,
    text: str,
    is_public: bool = False,
    files=(),
) -> ProgressUpdate:
    """A progress update with its attachments, by staff of the lead or a partner federation.

    Every file is checked by its content and size; one bad file refuses the whole update."""
    if not Project.objects.updatable_by(actor).filter(pk=project.pk).exists():
        raise PermissionDenied
    scope = user_scope(actor)
    federation_id = scope.federation_id or project.lead_federation_id
    update = ProgressUpdate(
        project=project,
        federation_id=federation_id,
        author=actor,
        happened_on=happened_on,
        text=text,
        is_public=is_public,
    )
    kinds = []
    for upload in files:
        try:
            kinds.append(validate_upload(upload, max_bytes=ATTACHMENT_MAX_BYTES))
        except ValidationError as error:
            raise ValidationError({"files": error}) from None
    with transaction.atomic():
        update.full_clean()
        update.save()
        for upload, kind in zip(files, kinds, strict=True):
            attachment = Attachment(
                update=update,
                file=upload,
                original_name=(upload.name or "file")[-200:],
                kind=Attachment.Kind.IMAGE if kind in IMAGE_KINDS else Attachment.Kind.PDF,
                content_type=MIME_TYPES[kind],
                size=upload.size,
            )
            attachment.full_clean()
            attachment.save()
    return update
