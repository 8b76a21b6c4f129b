"""Writes of the cooperation app: the agreement and its phases, projects and their
milestones, progress updates with their attachments, and venues.

Each write is a function `<entity>_<action>(*, actor, ...)`: it asks whether the actor may
(members.access: `has_perm`, with the object where there is one), validates, and saves in one
transaction with the actor on the history row (members.services.record_save). Pages and the
admin validate their forms and hand the unsaved instance over; they never save by hand.
`actor=None` is a command or the demo seeder, which says what made the change in `reason`.

A new record belongs to the federation of the staff who create it: no form offers that
federation, the service sets it (`_owning_federation_id`).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.models import (
    ATTACHMENT_MAX_BYTES,
    ActionItem,
    ActionItemStatus,
    Agreement,
    AgreementPhase,
    Attachment,
    CalendarFeed,
    Contact,
    Meeting,
    MeetingOutcome,
    MeetingStatus,
    Milestone,
    OutcomeKind,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Venue,
    action_item_transition_error,
    meeting_transition_error,
    today,
    transition_error,
)
from members.display import join_names
from members.models import Federation
from members.scoping import partner_ids, user_scope
from members.services import owning_federation_id, record_delete, record_save, require_perm
from members.uploads import IMAGE_KINDS, MIME_TYPES, validate_upload

# --- who creates, who reports --------------------------------------------------------------


def own_federation(user) -> Federation | None:
    """The federation whose records `user` creates on the pages, if they create any."""
    scope = user_scope(user)
    if not scope.can_edit or scope.federation_id is None:
        return None
    return Federation.objects.get(pk=scope.federation_id)


# --- the agreement (the administrators', in the admin) -------------------------------------


def agreement_save(
    *,
    actor,
    agreement: Agreement,
    parties: Iterable[Federation] | None = None,
    document=None,
    reason: str = "",
) -> Agreement:
    """Create or change an agreement; `parties`, when given, replaces its parties.

    A newly uploaded signed `document` is stored under a random name: the name it was
    uploaded under is kept for the download."""
    if agreement.pk is None:
        require_perm(actor, "cooperation.add_agreement")
    else:
        require_perm(actor, "cooperation.change_agreement", agreement)
    if document:
        agreement.document = document
        agreement.document_name = document.name[-200:]
    elif not agreement.document:
        agreement.document_name = ""
    with transaction.atomic():
        record_save(agreement, actor=actor, reason=reason)
        if parties is not None:
            agreement.parties.set(parties)
    return agreement


def agreement_delete(*, actor, agreement: Agreement, reason: str = "") -> None:
    require_perm(actor, "cooperation.delete_agreement", agreement)
    with transaction.atomic():
        record_delete(agreement, actor=actor, reason=reason)


def agreement_phase_save(*, actor, phase: AgreementPhase, reason: str = "") -> AgreementPhase:
    require_perm(actor, "cooperation.change_agreement", phase.agreement)
    with transaction.atomic():
        record_save(phase, actor=actor, reason=reason)
    return phase


def agreement_phase_delete(*, actor, phase: AgreementPhase, reason: str = "") -> None:
    require_perm(actor, "cooperation.change_agreement", phase.agreement)
    with transaction.atomic():
        record_delete(phase, actor=actor, reason=reason)


# --- projects ------------------------------------------------------------------------------


def validate_project_parties(
    *, agreement: Agreement, lead_federation: Federation, partner_federations
) -> None:
    """The lead and the partners of a project are parties to its agreement; a
    ValidationError names those who are not, by field."""
    parties = set(agreement.parties.values_list("pk", flat=True))
    errors = {}
    for field, federations in (
        ("agreement", [lead_federation]),
        ("partner_federations", partner_federations),
    ):
        outside = [f for f in federations if f.pk not in parties]
        if outside:
            errors[field] = ValidationError(
                _("%(names)s is not a party to the chosen agreement."),
                code="partner_not_party",
                params={"names": join_names(outside)},
            )
    if errors:
        raise ValidationError(errors)


def _validate_project(project: Project, partner_federations) -> None:
    errors = {}
    try:
        project.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if project.agreement_id is not None and project.lead_federation_id is not None:
        try:
            validate_project_parties(
                agreement=project.agreement,
                lead_federation=project.lead_federation,
                partner_federations=partner_federations,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def project_create(*, actor, project: Project, partner_federations=(), reason: str = "") -> Project:
    """A project led by the actor's federation. It starts planned: its status moves only
    through project_status_change."""
    require_perm(actor, "cooperation.add_project")
    project.lead_federation_id = owning_federation_id(actor, project.lead_federation_id)
    project.status = ProjectStatus.PLANNED
    with transaction.atomic():
        _validate_project(project, partner_federations)
        record_save(project, actor=actor, reason=reason, clean=False)
        project.partner_federations.set(partner_federations)
    return project


def project_update(
    *, actor, project: Project, partner_federations=None, reason: str = ""
) -> Project:
    """Change a project of the actor's federation; `partner_federations`, when given,
    replaces its partners. The stored status is kept (see project_status_change)."""
    require_perm(actor, "cooperation.change_project", project)
    project.lead_federation_id = owning_federation_id(actor, project.lead_federation_id)
    with transaction.atomic():
        stored = Project.objects.select_for_update().get(pk=project.pk)
        project.status = stored.status
        if partner_federations is None:
            partner_federations = list(stored.partner_federations.all())
        _validate_project(project, partner_federations)
        record_save(project, actor=actor, reason=reason, clean=False)
        project.partner_federations.set(partner_federations)
    return project


def project_status_change(*, actor, project: Project, status: str, reason: str = "") -> Project:
    """Move a project along an allowed transition (models.ALLOWED_TRANSITIONS); any other is
    refused with a message."""
    require_perm(actor, "cooperation.change_project", project)
    if status not in ProjectStatus.values:
        raise ValidationError(_("Unknown project status."), code="invalid_choice")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        error = transition_error(project.status, status)
        if error:
            raise error
        project.status = status
        record_save(project, actor=actor, reason=reason)
    return project


def project_delete(*, actor, project: Project, reason: str = "") -> None:
    require_perm(actor, "cooperation.delete_project", project)
    with transaction.atomic():
        record_delete(project, actor=actor, reason=reason)


# --- milestones (the lead's) ---------------------------------------------------------------


def milestone_create(
    *, actor, project: Project, milestone: Milestone, reason: str = ""
) -> Milestone:
    """A milestone of `project`, added by the lead's staff (add_milestone is asked of the
    project the milestone goes under)."""
    require_perm(actor, "cooperation.add_milestone", project)
    milestone.project = project
    with transaction.atomic():
        record_save(milestone, actor=actor, reason=reason)
    return milestone


def milestone_update(*, actor, milestone: Milestone, reason: str = "") -> Milestone:
    require_perm(actor, "cooperation.change_milestone", milestone)
    with transaction.atomic():
        record_save(milestone, actor=actor, reason=reason)
    return milestone


def milestone_mark_done(
    *, actor, milestone: Milestone, done_on: datetime.date, reason: str = ""
) -> Milestone:
    milestone.done_on = done_on
    return milestone_update(actor=actor, milestone=milestone, reason=reason)


def milestone_delete(*, actor, milestone: Milestone, reason: str = "") -> None:
    require_perm(actor, "cooperation.delete_milestone", milestone)
    with transaction.atomic():
        record_delete(milestone, actor=actor, reason=reason)


# --- progress updates (the lead's and the partners') ---------------------------------------


def progress_update_create(
    *, actor, update: ProgressUpdate, files=(), reason: str = ""
) -> ProgressUpdate:
    """A progress update on `update.project` with its attachments, by staff of the lead or a
    partner federation. It belongs to the writer's federation (the lead's, when an
    administrator without one writes it) and names the actor as its author unless an
    author is given.

    Every file is checked by its content and size; one bad file refuses the whole update."""
    if actor is not None and not actor.has_perm("cooperation.add_progressupdate", update.project):
        raise PermissionDenied
    federation_id = owning_federation_id(actor, update.federation_id)
    update.federation_id = federation_id or update.project.lead_federation_id
    if update.author_id is None:
        update.author = actor
    kinds = []
    for upload in files:
        try:
            kinds.append(validate_upload(upload, max_bytes=ATTACHMENT_MAX_BYTES))
        except ValidationError as error:
            raise ValidationError({"files": error}) from None
    with transaction.atomic():
        record_save(update, actor=actor, reason=reason)
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


def progress_update_update(*, actor, update: ProgressUpdate, reason: str = "") -> ProgressUpdate:
    require_perm(actor, "cooperation.change_progressupdate", update)
    update.federation_id = owning_federation_id(actor, update.federation_id)
    with transaction.atomic():
        record_save(update, actor=actor, reason=reason)
    return update


def progress_update_delete(*, actor, update: ProgressUpdate, reason: str = "") -> None:
    require_perm(actor, "cooperation.delete_progressupdate", update)
    with transaction.atomic():
        record_delete(update, actor=actor, reason=reason)


# --- venues --------------------------------------------------------------------------------


def venue_create(*, actor, venue: Venue, reason: str = "") -> Venue:
    """A venue of the actor's federation (Venue.clean names a clashing name)."""
    require_perm(actor, "cooperation.add_venue")
    venue.federation_id = owning_federation_id(actor, venue.federation_id)
    with transaction.atomic():
        record_save(venue, actor=actor, reason=reason)
    return venue


def venue_update(*, actor, venue: Venue, reason: str = "") -> Venue:
    require_perm(actor, "cooperation.change_venue", venue)
    venue.federation_id = owning_federation_id(actor, venue.federation_id)
    with transaction.atomic():
        record_save(venue, actor=actor, reason=reason)
    return venue


def venue_delete(*, actor, venue: Venue, reason: str = "") -> None:
    require_perm(actor, "cooperation.delete_venue", venue)
    with transaction.atomic():
        record_delete(venue, actor=actor, reason=reason)


# --- liaison ---
#
# Contacts and meetings belong to the actor's federation (the host, for a meeting); the
# meeting's status and an action item's status move only along their transitions
# (models.MEETING_TRANSITIONS, models.ACTION_ITEM_TRANSITIONS), anything else is refused with
# a message and nothing changed.


def contact_create(*, actor, contact: Contact, reason: str = "") -> Contact:
    require_perm(actor, "cooperation.add_contact")
    contact.federation_id = owning_federation_id(actor, contact.federation_id)
    with transaction.atomic():
        record_save(contact, actor=actor, reason=reason)
    return contact


def contact_update(*, actor, contact: Contact, reason: str = "") -> Contact:
    require_perm(actor, "cooperation.change_contact", contact)
    contact.federation_id = owning_federation_id(actor, contact.federation_id)
    with transaction.atomic():
        record_save(contact, actor=actor, reason=reason)
    return contact


def contact_delete(*, actor, contact: Contact, reason: str = "") -> None:
    require_perm(actor, "cooperation.delete_contact", contact)
    with transaction.atomic():
        record_delete(contact, actor=actor, reason=reason)


def meeting_parties(federation_id) -> set[int]:
    """The host and its partners today: who may attend, own tasks and read the meeting."""
    return {federation_id, *partner_ids(federation_id)}


def _validate_attendees(meeting: Meeting, attendees) -> None:
    parties = meeting_parties(meeting.host_federation_id)
    outside = [c for c in attendees if c.federation_id not in parties]
    if outside:
        raise ValidationError(
            {
                "attendees": ValidationError(
                    _("%(names)s is not a contact of the host or its partners."),
                    code="attendee_not_party",
                    params={"names": join_names(outside)},
                )
            }
        )


def meeting_create(*, actor, meeting: Meeting, attendees=(), reason: str = "") -> Meeting:
    """A meeting hosted by the actor's federation. It starts planned: its status moves
    only through meeting_mark_held and meeting_cancel."""
    require_perm(actor, "cooperation.add_meeting")
    meeting.host_federation_id = owning_federation_id(actor, meeting.host_federation_id)
    meeting.status = MeetingStatus.PLANNED
    with transaction.atomic():
        _validate_attendees(meeting, attendees)
        record_save(meeting, actor=actor, reason=reason)
        meeting.attendees.set(attendees)
    return meeting


def meeting_update(
    *, actor, meeting: Meeting, attendees=None, minutes_file=None, reason: str = ""
) -> Meeting:
    """Change a meeting of the actor's federation; `attendees`, when given, replaces them; a
    new `minutes_file` is stored under a random name (the name it came with is kept for
    the download). The stored status is kept."""
    require_perm(actor, "cooperation.change_meeting", meeting)
    meeting.host_federation_id = owning_federation_id(actor, meeting.host_federation_id)
    if minutes_file:
        meeting.minutes_file = minutes_file
        meeting.minutes_file_name = minutes_file.name[-200:]
    elif not meeting.minutes_file:
        meeting.minutes_file_name = ""
    with transaction.atomic():
        stored = Meeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.status = stored.status
        if attendees is None:
            attendees = list(stored.attendees.all())
        _validate_attendees(meeting, attendees)
        record_save(meeting, actor=actor, reason=reason)
        meeting.attendees.set(attendees)
    return meeting


def _meeting_status_change(*, actor, meeting: Meeting, status: str, reason: str) -> Meeting:
    require_perm(actor, "cooperation.change_meeting", meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        error = meeting_transition_error(meeting.status, status)
        if error:
            raise error
        if status == MeetingStatus.HELD and meeting.starts_at > timezone.now():
            raise ValidationError(
                _("A meeting cannot be marked as held before it starts."), code="held_early"
            )
        meeting.status = status
        record_save(meeting, actor=actor, reason=reason)
    return meeting


def meeting_mark_held(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    return _meeting_status_change(
        actor=actor, meeting=meeting, status=MeetingStatus.HELD, reason=reason
    )


def meeting_cancel(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    return _meeting_status_change(
        actor=actor, meeting=meeting, status=MeetingStatus.CANCELLED, reason=reason
    )


def meeting_outcome_create(
    *,
    actor,
    meeting: Meeting,
    outcome: MeetingOutcome,
    action_item: ActionItem | None = None,
    reason: str = "",
) -> MeetingOutcome:
    """An outcome of `meeting`, added by its host. A task comes with its action item
    (owner federation, assignee, due date), which is created with it; other kinds have
    none. A cancelled meeting has no outcomes."""
    require_perm(actor, "cooperation.add_meetingoutcome", meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no outcomes."), code="meeting_cancelled")
    outcome.meeting = meeting
    is_task = outcome.kind == OutcomeKind.TASK
    if is_task and action_item is None:
        raise ValidationError(
            _("A task needs an owner federation and a due date."), code="task_incomplete"
        )
    with transaction.atomic():
        record_save(outcome, actor=actor, reason=reason)
        if is_task:
            action_item_create(actor=actor, outcome=outcome, action_item=action_item, reason=reason)
    return outcome


def action_item_create(
    *, actor, outcome: MeetingOutcome, action_item: ActionItem, reason: str = ""
) -> ActionItem:
    """The action item of a task outcome, owned by the host or one of its partners. It
    starts open."""
    require_perm(actor, "cooperation.add_actionitem", outcome.meeting)
    if action_item.owner_federation_id not in meeting_parties(outcome.meeting.host_federation_id):
        raise ValidationError(
            {
                "owner_federation": ValidationError(
                    _("The owner must be the host federation or one of its partners."),
                    code="owner_not_party",
                )
            }
        )
    action_item.outcome = outcome
    action_item.meeting = outcome.meeting
    action_item.status = ActionItemStatus.OPEN
    action_item.done_on = None
    action_item.drop_reason = ""
    if not action_item.title:
        action_item.title = outcome.text[:200]
    with transaction.atomic():
        record_save(action_item, actor=actor, reason=reason)
        # NOTIFICATION HOOK (action item addressed to a federation): the lead wires this to
        # members.notifications after the merge, e.g.
        #   transaction.on_commit(lambda: notify_federation(action_item.owner_federation, …))
        # The item is addressed to `action_item.owner_federation`; it fires once, here.
    return action_item


def action_item_update(*, actor, action_item: ActionItem, reason: str = "") -> ActionItem:
    """Change the details of an action item (assignee, due date, task) of the actor's
    federation; the stored status, and what went with it, is kept."""
    require_perm(actor, "cooperation.change_actionitem", action_item)
    with transaction.atomic():
        stored = ActionItem.objects.select_for_update().get(pk=action_item.pk)
        action_item.owner_federation_id = stored.owner_federation_id
        action_item.status = stored.status
        action_item.done_on = stored.done_on
        action_item.drop_reason = stored.drop_reason
        record_save(action_item, actor=actor, reason=reason)
    return action_item


def action_item_status_change(
    *, actor, action_item: ActionItem, status: str, drop_reason: str = "", reason: str = ""
) -> ActionItem:
    """Open → done (dated today in Shanghai) or open → dropped with a reason; any other
    move is refused with a message and nothing changed."""
    require_perm(actor, "cooperation.change_actionitem", action_item)
    if status not in ActionItemStatus.values:
        raise ValidationError(_("Unknown action item status."), code="invalid_choice")
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().get(pk=action_item.pk)
        error = action_item_transition_error(item.status, status)
        if error:
            raise error
        if status == ActionItemStatus.DROPPED and not drop_reason.strip():
            raise ValidationError(
                {
                    "drop_reason": ValidationError(
                        _("Please say why the action item is dropped."), code="reason_required"
                    )
                }
            )
        item.status = status
        if status == ActionItemStatus.DONE:
            item.done_on = today()
        else:
            item.drop_reason = drop_reason.strip()
        record_save(item, actor=actor, reason=reason)
    return item


# --- the calendar feed (each user's own) ---------------------------------------------------


def calendar_feed_for(user) -> CalendarFeed | None:
    """The user's feed, if they have made one."""
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_regenerate(*, actor) -> CalendarFeed:
    """Give the actor a new feed address; the previous one stops working at once."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
            user=actor, defaults={"token": secrets.token_urlsafe(32)}
        )
        if not _created:
            feed.token = secrets.token_urlsafe(32)
            feed.save()
    return feed


def calendar_feed_revoke(*, actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    CalendarFeed.objects.filter(user=actor).delete()


def meeting_delete(*, actor, meeting: Meeting, reason: str = "") -> None:
    """Administrators only (staff cancel a meeting instead: its record stays)."""
    require_perm(actor, "cooperation.delete_meeting", meeting)
    with transaction.atomic():
        record_delete(meeting, actor=actor, reason=reason)


def action_item_delete(*, actor, action_item: ActionItem, reason: str = "") -> None:
    """Administrators only (staff drop an item with a reason instead)."""
    require_perm(actor, "cooperation.delete_actionitem", action_item)
    with transaction.atomic():
        record_delete(action_item, actor=actor, reason=reason)
