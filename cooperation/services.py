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

from django.conf import settings
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
    Referral,
    ReferralAttachment,
    ReferralStatus,
    Venue,
    action_item_transition_error,
    meeting_transition_error,
    referral_transition_error,
    today,
    transition_error,
)
from members.display import join_names, local_date
from members.models import Federation
from members.notifications import in_default_language, notify_federation
from members.scoping import editors_of, partner_ids, user_scope
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
        _notify_action_item(action_item, actor=actor)
    return action_item


def _notify_action_item(action_item: ActionItem, *, actor) -> None:
    """Tell the owner federation's staff that a meeting gave them a task (after commit, once:
    the event key is the item's)."""
    meeting = action_item.meeting
    with in_default_language():
        subject = _("An action item of the meeting “%(meeting)s” is yours: %(task)s") % {
            "meeting": meeting.title,
            "task": action_item.title,
        }
        body = _("Due on %(date)s.") % {"date": local_date(action_item.due_on)}
    notify_federation(
        federation_id=action_item.owner_federation_id,
        event_key=f"actionitem:{action_item.pk}:created",
        subject=subject[:200],
        url=action_item.get_absolute_url(),
        actor=actor,
        body=body,
    )


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


# --- referrals ---
#
# A referral is written only through these services: referral_create (the sender's staff),
# referral_update (its details, the sender's staff), and one service per step of its
# workflow. Each step locks the row, refuses a transition that models.REFERRAL_TRANSITIONS
# does not allow (a translated message, nothing changed), writes the history row with the
# actor, and tells the other federation (members.notifications, once per event, after the
# commit).


def referral_deadline(submitted_at: datetime.datetime) -> datetime.date:
    """The last day (a Shanghai date) to accept or decline a referral submitted then."""
    days = settings.REFERRAL_ACKNOWLEDGE_DAYS
    return timezone.localdate(submitted_at) + datetime.timedelta(days=days)


def referral_partner_ids(federation_id: int) -> set[int]:
    """The federations a federation may refer cases to: parties to an agreement in force
    with it today."""
    return partner_ids(federation_id)


def _required_text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: ValidationError(message, code=f"{field}_required")})
    return value


def referral_create(
    *, actor, referral: Referral, files=(), submitted_at=None, reason: str = ""
) -> Referral:
    """Submit a referral from the actor's federation to a partner federation, with its
    attachments (each checked by content and size; one bad file refuses the whole referral).
    A member named as the worker gives the worker's name and numbers. It is submitted now;
    only a command or the seeder (no actor) dates it in the past (`submitted_at`)."""
    require_perm(actor, "cooperation.add_referral")
    if submitted_at is not None and actor is not None:
        raise PermissionDenied
    referral.from_federation_id = owning_federation_id(actor, referral.from_federation_id)
    if referral.to_federation_id is not None and referral.to_federation_id not in (
        referral_partner_ids(referral.from_federation_id)
    ):
        raise ValidationError(
            {
                "to_federation": ValidationError(
                    _("You can refer cases only to a partner federation."),
                    code="not_a_partner",
                )
            }
        )
    if referral.member_id is not None:
        member = referral.member
        referral.worker_name = member.name
        referral.mobile = member.mobile
        referral.id_number = member.id_number
    referral.status = ReferralStatus.SUBMITTED
    referral.submitted_at = submitted_at or timezone.now()
    referral.acknowledge_by = referral_deadline(referral.submitted_at)
    referral.acknowledged_at = referral.resolved_at = None
    referral.forwarded_to = None
    referral.outcome = referral.reason = ""
    if referral.created_by_id is None:
        referral.created_by = actor
    if referral.sender_officer_id is None and not referral.sender_officer_name:
        referral.sender_officer = actor  # the referring side's officer: who referred it
    for upload in files:
        try:
            validate_upload(upload, max_bytes=ATTACHMENT_MAX_BYTES)
        except ValidationError as error:
            raise ValidationError({"files": error}) from None
    with transaction.atomic():
        record_save(referral, actor=actor, reason=reason)
        for upload in files:
            attachment = ReferralAttachment(
                referral=referral,
                file=upload,
                original_name=(upload.name or "file")[-200:],
                size=upload.size,
                uploaded_by=actor,
            )
            attachment.full_clean()
            attachment.save()
        _notify_referral(referral, actor=actor)
    return referral


def referral_update(*, actor, referral: Referral, reason: str = "") -> Referral:
    """Save changes to a referral's details (summary, requested help, the officers …) by the
    referring federation. Its parties, worker link and workflow fields stay as stored."""
    require_perm(actor, "cooperation.change_referral", referral)
    with transaction.atomic():
        stored = Referral.objects.select_for_update().get(pk=referral.pk)
        for name in _REFERRAL_WORKFLOW_FIELDS:
            setattr(referral, name, getattr(stored, name))
        record_save(referral, actor=actor, reason=reason)
    return referral


_REFERRAL_WORKFLOW_FIELDS = (
    "from_federation_id",
    "to_federation_id",
    "status",
    "submitted_at",
    "acknowledge_by",
    "acknowledged_at",
    "resolved_at",
    "forwarded_to_id",
    "outcome",
    "reason",
    "created_by_id",
)


def _referral_step(*, actor, referral, perm, status, change, reason="", refuse_from=None):
    """Lock the referral, check the actor's permission and the transition, apply `change`
    (a function of the locked row), save with history and notify the other side.
    `refuse_from` maps statuses this step may not start from (though the workflow may) to
    the message that says why."""
    require_perm(actor, perm, referral)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status in (refuse_from or {}):
            raise ValidationError(refuse_from[locked.status], code="illegal_transition")
        error = referral_transition_error(locked.status, status)
        if error:
            raise error
        locked.status = status
        change(locked)
        record_save(locked, actor=actor, reason=reason)
        _notify_referral(locked, actor=actor)
    return locked


def _acknowledged(referral):
    if referral.acknowledged_at is None:
        referral.acknowledged_at = timezone.now()


def referral_accept(
    *, actor, referral: Referral, receiver_officer=None, receiver_officer_name: str = ""
) -> Referral:
    """The receiving federation takes the case on, naming its liaison officer (the
    accepting approver unless another is named)."""

    def change(row):
        _acknowledged(row)
        _set_receiver_officer(row, actor, receiver_officer, receiver_officer_name)

    return _referral_step(
        actor=actor,
        referral=referral,
        perm="cooperation.decide_referral",
        status=ReferralStatus.ACCEPTED,
        change=change,
    )


def _set_receiver_officer(row, actor, officer, name):
    if officer is not None:
        if not editors_of(row.to_federation_id).filter(pk=officer.pk).exists():
            raise ValidationError(
                {
                    "receiver_officer": ValidationError(
                        _("The liaison officer must be staff of the receiving federation."),
                        code="officer_elsewhere",
                    )
                }
            )
        row.receiver_officer = officer
    elif name:
        row.receiver_officer_name = name.strip()[:100]
    elif row.receiver_officer_id is None and not row.receiver_officer_name:
        row.receiver_officer = actor


def referral_decline(*, actor, referral: Referral, reason: str) -> Referral:
    reason = _required_text(reason, "reason", _("Please give the reason for declining."))

    def change(row):
        _acknowledged(row)
        row.reason = reason

    return _referral_step(
        actor=actor,
        referral=referral,
        perm="cooperation.decide_referral",
        status=ReferralStatus.DECLINED,
        change=change,
    )


def referral_forward(*, actor, referral: Referral, organisation, note: str = "") -> Referral:
    """Hand the case to an organisation under the receiving federation (已转办)."""

    def change(row):
        _acknowledged(row)
        row.forwarded_to = organisation
        if row.receiver_officer_id is None and not row.receiver_officer_name:
            row.receiver_officer = actor

    if organisation is None:
        raise ValidationError(
            {
                "organisation": ValidationError(
                    _("Please choose the organisation to forward the case to."),
                    code="organisation_required",
                )
            }
        )
    return _referral_step(
        actor=actor,
        referral=referral,
        perm="cooperation.decide_referral",
        status=ReferralStatus.FORWARDED,
        change=change,
        reason=(note or "").strip(),
    )


def referral_resolve(*, actor, referral: Referral, outcome: str) -> Referral:
    outcome = _required_text(outcome, "outcome", _("Please describe the outcome."))

    def change(row):
        row.outcome = outcome
        row.resolved_at = timezone.now()

    return _referral_step(
        actor=actor,
        referral=referral,
        perm="cooperation.resolve_referral",
        status=ReferralStatus.RESOLVED,
        change=change,
    )


def referral_close(*, actor, referral: Referral, reason: str) -> Referral:
    """The receiving side closes a case it took on without an outcome to report."""
    reason = _required_text(reason, "reason", _("Please give the reason for closing."))

    def change(row):
        row.reason = reason

    return _referral_step(
        actor=actor,
        referral=referral,
        perm="cooperation.resolve_referral",
        status=ReferralStatus.CLOSED,
        change=change,
        # Closing an unanswered referral is its sender's withdrawal: the receiving side
        # declines it instead.
        refuse_from={
            ReferralStatus.SUBMITTED: _(
                "An unanswered referral is declined, not closed, by the receiving federation."
            )
        },
    )


def referral_withdraw(*, actor, referral: Referral, reason: str) -> Referral:
    """The referring federation takes back a referral nobody has answered yet (closed)."""
    reason = _required_text(reason, "reason", _("Please give the reason for withdrawing."))

    def change(row):
        row.reason = reason

    answered = _("Only a referral that has not been answered yet can be withdrawn.")
    return _referral_step(
        actor=actor,
        referral=referral,
        perm="cooperation.change_referral",
        status=ReferralStatus.CLOSED,
        change=change,
        refuse_from={
            status: answered for status in (ReferralStatus.ACCEPTED, ReferralStatus.FORWARDED)
        },
    )


def _notify_referral(referral: Referral, *, actor) -> None:
    """Tell the other federation what happened, once per event (after the commit): a new
    referral to the receiving federation, a withdrawal too; every answer and outcome to the
    referring one."""
    with in_default_language():
        words = {
            "number": referral.reference,
            "category": referral.get_category_display(),
        }
        if referral.status == ReferralStatus.SUBMITTED:
            words["federation"] = referral.from_federation.name
            subject = _(
                "%(federation)s referred a case to your federation: %(category)s (%(number)s)"
            )
            to = referral.to_federation_id
        elif referral.status == ReferralStatus.CLOSED and referral.acknowledged_at is None:
            words["federation"] = referral.from_federation.name
            subject = _("%(federation)s withdrew referral %(number)s")
            to = referral.to_federation_id
        else:
            words["federation"] = referral.to_federation.name
            words["organisation"] = str(referral.forwarded_to or "")
            subject = {
                ReferralStatus.ACCEPTED: _("%(federation)s accepted referral %(number)s"),
                ReferralStatus.DECLINED: _("%(federation)s declined referral %(number)s"),
                ReferralStatus.FORWARDED: _(
                    "%(federation)s forwarded referral %(number)s to %(organisation)s"
                ),
                ReferralStatus.RESOLVED: _("%(federation)s resolved referral %(number)s"),
                ReferralStatus.CLOSED: _("%(federation)s closed referral %(number)s"),
            }[referral.status]
            to = referral.from_federation_id
        subject = subject % words
        body = referral.outcome or referral.reason
    notify_federation(
        federation_id=to,
        event_key=f"referral:{referral.pk}:{referral.status}",
        subject=subject,
        url=referral.get_absolute_url(),
        actor=actor,
        body=body,
    )


def referral_delete(*, actor, referral: Referral, reason: str = "") -> None:
    """Administrators only (no role holds delete_referral): a referral is the record of a
    case, closed rather than deleted."""
    require_perm(actor, "cooperation.delete_referral", referral)
    with transaction.atomic():
        record_delete(referral, actor=actor, reason=reason)
