"""Pages of the cooperation app: the public home page and project pages, and the staff
pages for projects, milestones, progress updates, venues and the agreement.

Objects come through `get_object_for_user` (404 unless the user reads the object and holds
the permission asked for); every write goes through cooperation.services."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Func, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cooperation import dashboard, services
from cooperation.calendar import meetings_calendar
from cooperation.filters import (
    ContactFilterSet,
    MeetingFilterSet,
    ProjectFilterSet,
    ReferralFilterSet,
    VenueFilterSet,
)
from cooperation.forms import (
    ActionItemStatusForm,
    ContactForm,
    MeetingForm,
    MilestoneForm,
    NewMilestoneForm,
    OutcomeForm,
    ProgressUpdateForm,
    ProjectForm,
    ReferralAcceptForm,
    ReferralForm,
    ReferralForwardForm,
    ReferralOutcomeForm,
    ReferralReasonForm,
    StatusForm,
    VenueForm,
)
from cooperation.models import (
    ALLOWED_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    ActionItem,
    Agreement,
    Attachment,
    CalendarFeed,
    Contact,
    Meeting,
    Milestone,
    Pillar,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Referral,
    ReferralAttachment,
    ReferralCategory,
    ReferralStatus,
    Venue,
    today,
)
from cooperation.rows import (
    action_item_rows,
    contact_rows,
    meeting_rows,
    project_rows,
    referral_rows,
    venue_rows,
)
from members.access import get_object_for_user, may_create
from members.display import join_names
from members.exports import ExportColumn, export_response
from members.files import private_file_response
from members.filters import LIST_PAGE_SIZE, paginate
from members.history import history_entries, history_entries_many
from members.pagecache import public_page
from members.scoping import can_see_personal_data, user_scope, with_federations
from members.web import error_messages, show_on_form

PAGE_SIZE = LIST_PAGE_SIZE
LATEST_PUBLIC_UPDATES = 6


# --- public ------------------------------------------------------------------------------


@public_page("projects")
def home(request):
    """The public home page: the programme, its five commons with their figures, and the
    latest public progress. A fixed number of queries, however many projects there are."""
    public = Project.objects.public().order_by()
    figures = {
        row["pillar"]: row
        for row in public.values("pillar").annotate(
            total=Count("pk"), beneficiaries=Sum("actual_beneficiaries")
        )
    }
    on_track = dict(
        public.on_track().values("pillar").annotate(n=Count("pk")).values_list("pillar", "n")
    )
    pillars = list(Pillar.objects.all())
    for pillar in pillars:
        row = figures.get(pillar.pk, {})
        pillar.project_count = row.get("total", 0)
        pillar.on_track_count = on_track.get(pillar.pk, 0)
        pillar.beneficiaries = row.get("beneficiaries") or 0
    updates = (
        ProgressUpdate.objects.public()
        .select_related("project__pillar", "federation")
        .prefetch_related("attachments")[:LATEST_PUBLIC_UPDATES]
    )
    agreements = Agreement.objects.prefetch_related("parties")[:3]
    return render(
        request,
        "home.html",
        {"pillars": pillars, "updates": updates, "agreements": agreements},
    )


# --- access helpers ----------------------------------------------------------------------


def _projects():
    """Projects with what their pages show, annotated with `is_delayed`."""
    return (
        Project.objects.select_related("pillar", "agreement", "lead_federation", "owner")
        .prefetch_related("partner_federations")
        .with_delay()
    )


def get_project_for_user(request, pk, *, perm="cooperation.view_project"):
    """The project if the user reads it as staff and holds `perm` for it; else 404."""
    return get_object_for_user(request, _projects(), pk, perm=perm)


def get_milestone_for_user(request, pk, *, perm):
    return get_object_for_user(request, Milestone.objects.select_related("project"), pk, perm=perm)


def get_venue_for_user(request, pk, *, perm="cooperation.view_venue"):
    return get_object_for_user(request, Venue.objects.select_related("federation"), pk, perm=perm)


# --- projects ----------------------------------------------------------------------------


@login_required
@permission_required("cooperation.view_project", raise_exception=True)
def project_list(request):
    # Only what the rows show: the agreement and the owner are on the project's own page.
    projects = (
        Project.objects.select_related("pillar")
        .prefetch_related("partner_federations")
        .with_delay()
        .for_user(request.user)
    )
    filterset = ProjectFilterSet(request.GET, projects, request=request)
    page = paginate(request, filterset.qs, PAGE_SIZE)
    return render(
        request,
        "cooperation/project_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": project_rows(with_federations(page, request.user, "lead_federation")),
            "can_add": may_create(request.user, "cooperation.add_project"),
        },
    )


@public_page("projects")
def project_detail(request, pk):
    """Staff of the agreement's parties get the working page; anyone else gets the public
    page of a public project, and 404 for any other."""
    try:
        project = get_project_for_user(request, pk)
    except Http404:
        project = None
    if project is not None:
        return _staff_detail(request, project)
    project = get_object_or_404(_projects().public(), pk=pk)
    updates = project.updates.public().select_related("federation").prefetch_related("attachments")
    return render(
        request,
        "cooperation/project_public.html",
        {"project": project, "milestones": project.milestones.all(), "updates": updates},
    )


def _staff_detail(request, project, *, milestone_form=None, update_form=None, status=200):
    can_edit = request.user.has_perm("cooperation.change_project", project)
    milestones = list(project.milestones.all())
    updates = list(
        project.updates.select_related("federation", "author").prefetch_related("attachments")
    )
    timeline = sorted(
        [{"date": m.due_on, "milestone": m} for m in milestones]
        + [{"date": u.happened_on, "update": u} for u in updates],
        key=lambda item: (item["date"], "update" in item),
    )
    milestone_history = history_entries_many(milestones, show_personal=False, limit=10)
    history = [
        {"label": project.title, "entries": history_entries(project, show_personal=False)}
    ] + [{"label": m.title, "entries": milestone_history[m.pk]} for m in milestones]
    transitions = [
        (value, ProjectStatus(value).label)
        for value in ProjectStatus.values
        if value in ALLOWED_TRANSITIONS[project.status]
    ]
    return render(
        request,
        "cooperation/project_detail.html",
        {
            "project": project,
            "milestones": milestones,
            "updates": updates,
            "timeline": timeline,
            "today": today(),
            "can_edit": can_edit,
            "can_update": request.user.has_perm("cooperation.add_progressupdate", project),
            "transitions": transitions if can_edit else [],
            "milestone_form": milestone_form or NewMilestoneForm(prefix="milestone"),
            "update_form": update_form or ProgressUpdateForm(prefix="update"),
            "history": history,
        },
        status=status,
    )


@login_required
@permission_required("cooperation.add_project", raise_exception=True)
def project_create(request):
    lead = services.own_federation(request.user)
    if lead is None:
        raise Http404
    form = ProjectForm(request.POST or None, lead_federation=lead)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user,
                project=form.instance,
                partner_federations=form.cleaned_data["partner_federations"],
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("Project %(title)s was created.") % {"title": project.title}
            )
            return redirect(project)
    return render(request, "cooperation/project_form.html", {"form": form, "project": None})


@login_required
@permission_required("cooperation.change_project", raise_exception=True)
def project_update(request, pk):
    project = get_project_for_user(request, pk, perm="cooperation.change_project")
    form = ProjectForm(
        request.POST or None, instance=project, lead_federation=project.lead_federation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user,
                project=form.instance,
                partner_federations=form.cleaned_data["partner_federations"],
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Project %(title)s was saved.") % {"title": project.title})
            return redirect(project)
    return render(request, "cooperation/project_form.html", {"form": form, "project": project})


@require_POST
@login_required
@permission_required("cooperation.change_project", raise_exception=True)
def project_status_change(request, pk):
    project = get_project_for_user(request, pk, perm="cooperation.change_project")
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a valid status."))
        return redirect(project)
    try:
        project = services.project_status_change(
            actor=request.user, project=project, status=form.cleaned_data["status"]
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("The project is now “%(status)s”.") % {"status": project.get_status_display()},
        )
    return redirect(project)


# --- milestones and progress updates -----------------------------------------------------


@require_POST
@login_required
@permission_required("cooperation.add_milestone", raise_exception=True)
def milestone_create(request, pk):
    project = get_project_for_user(request, pk, perm="cooperation.add_milestone")
    form = NewMilestoneForm(request.POST, prefix="milestone")
    if form.is_valid():
        try:
            services.milestone_create(actor=request.user, project=project, milestone=form.instance)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The milestone was added."))
            return redirect(project)
    return _staff_detail(request, project, milestone_form=form, status=400)


@login_required
@permission_required("cooperation.change_milestone", raise_exception=True)
def milestone_update(request, pk):
    milestone = get_milestone_for_user(request, pk, perm="cooperation.change_milestone")
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(actor=request.user, milestone=form.instance)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The milestone was saved."))
            return redirect(milestone.project)
    return render(
        request,
        "cooperation/milestone_form.html",
        {"form": form, "milestone": milestone, "project": milestone.project},
    )


@require_POST
@login_required
@permission_required("cooperation.change_milestone", raise_exception=True)
def milestone_mark_done(request, pk):
    milestone = get_milestone_for_user(request, pk, perm="cooperation.change_milestone")
    services.milestone_mark_done(actor=request.user, milestone=milestone, done_on=today())
    messages.success(request, _("The milestone is marked as done."))
    return redirect(milestone.project)


@require_POST
@login_required
@permission_required("cooperation.add_progressupdate", raise_exception=True)
def progress_update_create(request, pk):
    project = get_project_for_user(request, pk)
    if not request.user.has_perm("cooperation.add_progressupdate", project):
        raise Http404
    form = ProgressUpdateForm(request.POST, request.FILES, prefix="update")
    if form.is_valid():
        form.instance.project = project
        try:
            services.progress_update_create(
                actor=request.user, update=form.instance, files=form.cleaned_data["files"]
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The progress update was added."))
            return redirect(project)
    return _staff_detail(request, project, update_form=form, status=400)


def attachment_download(request, pk):
    """An attachment, for staff who may read its project, or for anyone when both the
    update and the project are public. Files are never served from a public address."""
    attachment = get_object_or_404(Attachment.objects.readable_by(request.user), pk=pk)
    public = ProgressUpdate.objects.public().filter(pk=attachment.update_id).exists()
    return private_file_response(
        attachment.file,
        filename=attachment.original_name,
        cache_control="public, max-age=3600" if public else "private, no-store",
    )


# --- agreement ---------------------------------------------------------------------------


@login_required
@permission_required("cooperation.view_agreement", raise_exception=True)
def agreement_detail(request, pk):
    agreement = get_object_for_user(
        request, Agreement.objects.prefetch_related("parties", "phases"), pk
    )
    by_pillar = (
        Project.objects.for_user(request.user)
        .filter(agreement=agreement)
        .order_by()
        .values("pillar")
        .annotate(total=Count("pk"))
    )
    pillars = {row["pillar"]: row["total"] for row in by_pillar}
    return render(
        request,
        "cooperation/agreement_detail.html",
        {
            "agreement": agreement,
            "pillars": [(p, pillars.get(p.pk, 0)) for p in Pillar.objects.all()],
            "history": history_entries(agreement, show_personal=False, limit=20),
        },
    )


@login_required
@permission_required("cooperation.view_agreement", raise_exception=True)
def agreement_document_download(request, pk):
    agreement = get_object_for_user(request, Agreement, pk)
    if not agreement.document:
        raise Http404
    # The type comes from the stored file, never from document_name (which a user typed).
    return private_file_response(
        agreement.document, filename=agreement.document_name or "agreement"
    )


# --- venues ------------------------------------------------------------------------------


@login_required
@permission_required("cooperation.view_venue", raise_exception=True)
def venue_list(request):
    venues = Venue.objects.for_user(request.user)
    filterset = VenueFilterSet(request.GET, venues, request=request)
    page = paginate(request, filterset.qs, PAGE_SIZE)
    return render(
        request,
        "cooperation/venue_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": venue_rows(with_federations(page, request.user, "federation")),
            "can_add": may_create(request.user, "cooperation.add_venue"),
        },
    )


@login_required
@permission_required("cooperation.view_venue", raise_exception=True)
def venue_detail(request, pk):
    venue = get_venue_for_user(request, pk)
    return render(
        request,
        "cooperation/venue_detail.html",
        {
            "venue": venue,
            "can_edit": request.user.has_perm("cooperation.change_venue", venue),
            "history": history_entries(venue, show_personal=False),
        },
    )


@login_required
@permission_required("cooperation.add_venue", raise_exception=True)
def venue_create(request):
    if not may_create(request.user, "cooperation.add_venue"):
        raise Http404
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.venue_create(actor=request.user, venue=form.instance)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Venue %(name)s was added.") % {"name": venue.name})
            return redirect(venue)
    return render(request, "cooperation/venue_form.html", {"form": form, "venue": None})


@login_required
@permission_required("cooperation.change_venue", raise_exception=True)
def venue_update(request, pk):
    venue = get_venue_for_user(request, pk, perm="cooperation.change_venue")
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_update(actor=request.user, venue=form.instance)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Venue %(name)s was saved.") % {"name": venue.name})
            return redirect(venue)
    return render(request, "cooperation/venue_form.html", {"form": form, "venue": venue})


# --- liaison -------------------------------------------------------------------------------
#
# The liaison directory, meetings with their outcomes and action items, and calendars. Every
# page is for signed-in staff of the parties; the calendar feed alone is opened by its token
# (a calendar program cannot sign in), and answers 404 to any other address.


def get_contact_for_user(request, pk, *, perm="cooperation.view_contact"):
    return get_object_for_user(request, Contact.objects.select_related("federation"), pk, perm=perm)


def _meetings():
    return Meeting.objects.select_related("host_federation")


def get_meeting_for_user(request, pk, *, perm="cooperation.view_meeting"):
    return get_object_for_user(request, _meetings(), pk, perm=perm)


def get_action_item_for_user(request, pk, *, perm):
    return get_object_for_user(request, ActionItem.objects.select_related("meeting"), pk, perm=perm)


@login_required
@permission_required("cooperation.view_contact", raise_exception=True)
def contact_list(request):
    contacts = Contact.objects.for_user(request.user).select_related("counterpart").in_level_order()
    filterset = ContactFilterSet(request.GET, contacts, request=request)
    page = paginate(request, filterset.qs, PAGE_SIZE)
    # Which rows of the page the user edits: one query for the page, not one per row.
    editable = set(
        Contact.objects.editable_by(request.user)
        .filter(pk__in=[contact.pk for contact in page])
        .values_list("pk", flat=True)
    )
    for contact in page:
        contact.can_edit = contact.pk in editable
    return render(
        request,
        "cooperation/liaison/contact_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": contact_rows(
                with_federations(page, request.user, "federation", "counterpart.federation")
            ),
            "can_add": may_create(request.user, "cooperation.add_contact"),
        },
    )


def _contact_form(request, contact):
    federation = contact.federation if contact else services.own_federation(request.user)
    form = ContactForm(
        request.POST or None, instance=contact, federation=federation, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                services.contact_create(actor=request.user, contact=form.instance)
            else:
                services.contact_update(actor=request.user, contact=form.instance)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("Contact %(name)s was saved.") % {"name": form.instance.name}
            )
            return redirect("cooperation:contacts")
    history = history_entries(contact, show_personal=True) if contact else []
    return render(
        request,
        "cooperation/liaison/contact_form.html",
        {"form": form, "contact": contact, "history": history},
    )


@login_required
@permission_required("cooperation.add_contact", raise_exception=True)
def contact_create(request):
    if not may_create(request.user, "cooperation.add_contact"):
        raise Http404
    return _contact_form(request, None)


@login_required
@permission_required("cooperation.change_contact", raise_exception=True)
def contact_update(request, pk):
    return _contact_form(
        request, get_contact_for_user(request, pk, perm="cooperation.change_contact")
    )


def _count(rows):
    """The number of `rows` (a queryset naming its OuterRef), as a subquery expression."""
    return Coalesce(Subquery(rows.values(n=Func(F("pk"), function="COUNT"))), 0)


@login_required
@permission_required("cooperation.view_meeting", raise_exception=True)
def meeting_list(request):
    # Each meeting's open (and overdue) items, counted row by row: a Count() over the join
    # would group every meeting in scope before the page is cut, and make the page count a
    # grouped subquery.
    open_items = ActionItem.objects.filter(
        meeting=OuterRef("pk"), status=ActionItem.Status.OPEN
    ).order_by()
    meetings = (
        Meeting.objects.for_user(request.user)
        .annotate(
            open_items=_count(open_items),
            overdue_items=_count(open_items.filter(due_on__lt=today())),
        )
        .order_by("-starts_at", "-pk")
    )
    filterset = MeetingFilterSet(request.GET, meetings, request=request)
    page = paginate(request, filterset.qs, PAGE_SIZE)
    return render(
        request,
        "cooperation/liaison/meeting_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": meeting_rows(with_federations(page, request.user, "host_federation")),
            "can_add": may_create(request.user, "cooperation.add_meeting"),
        },
    )


@login_required
@permission_required("cooperation.view_meeting", raise_exception=True)
def meeting_detail(request, pk):
    return _meeting_page(request, get_meeting_for_user(request, pk))


def _meeting_page(request, meeting, *, outcome_form=None, status=200):
    user = request.user
    can_edit = user.has_perm("cooperation.change_meeting", meeting)
    can_add_outcome = can_edit and meeting.status != Meeting.Status.CANCELLED
    items = list(
        ActionItem.objects.for_user(user)
        .filter(meeting=meeting)
        .with_overdue()
        .select_related("owner_federation", "assignee", "outcome")
    )
    # Which items the user changes: one query for all of them, not one per item.
    changeable = set(
        ActionItem.objects.editable_by(user).filter(meeting=meeting).values_list("pk", flat=True)
    )
    items_by_outcome = {item.outcome_id: item for item in items}
    outcomes = list(meeting.outcomes.all())
    for outcome in outcomes:
        outcome.item = items_by_outcome.get(outcome.pk)
    for item in items:
        item.can_change = item.pk in changeable and item.status == ActionItem.Status.OPEN
    item_history = history_entries_many(items, show_personal=False, limit=10)
    history = [
        {"label": meeting.title, "entries": history_entries(meeting, show_personal=False)}
    ] + [{"label": item.title, "entries": item_history[item.pk]} for item in items]
    form = outcome_form
    if form is None and can_add_outcome:
        form = _outcome_form(request, meeting, data=None)
    return render(
        request,
        "cooperation/liaison/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": meeting.attendees.select_related("federation"),
            "outcomes": outcomes,
            "items": items,
            "can_edit": can_edit,
            "can_mark_held": can_edit and meeting.status == Meeting.Status.PLANNED,
            "outcome_form": form if can_add_outcome else None,
            "history": history,
        },
        status=status,
    )


def _outcome_form(request, meeting, data):
    return OutcomeForm(
        data,
        prefix="outcome",
        meeting=meeting,
        parties=services.meeting_parties(meeting.host_federation_id),
        user=request.user,
    )


def _meeting_form(request, meeting):
    host = meeting.host_federation if meeting else services.own_federation(request.user)
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        instance=meeting,
        host=host,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if meeting is None:
                saved = services.meeting_create(
                    actor=request.user,
                    meeting=form.instance,
                    attendees=form.cleaned_data["attendees"],
                )
            else:
                upload = form.cleaned_data.get("minutes_file")
                saved = services.meeting_update(
                    actor=request.user,
                    meeting=form.instance,
                    attendees=form.cleaned_data["attendees"],
                    minutes_file=upload if "minutes_file" in form.changed_data else None,
                )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Meeting %(title)s was saved.") % {"title": saved.title})
            return redirect(saved)
    return render(
        request, "cooperation/liaison/meeting_form.html", {"form": form, "meeting": meeting}
    )


@login_required
@permission_required("cooperation.add_meeting", raise_exception=True)
def meeting_create(request):
    if not may_create(request.user, "cooperation.add_meeting"):
        raise Http404
    return _meeting_form(request, None)


@login_required
@permission_required("cooperation.change_meeting", raise_exception=True)
def meeting_update(request, pk):
    return _meeting_form(
        request, get_meeting_for_user(request, pk, perm="cooperation.change_meeting")
    )


@require_POST
@login_required
@permission_required("cooperation.change_meeting", raise_exception=True)
def meeting_mark_held(request, pk):
    meeting = get_meeting_for_user(request, pk, perm="cooperation.change_meeting")
    try:
        services.meeting_mark_held(actor=request.user, meeting=meeting)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The meeting is marked as held."))
    return redirect(meeting)


@require_POST
@login_required
@permission_required("cooperation.change_meeting", raise_exception=True)
def meeting_cancel(request, pk):
    meeting = get_meeting_for_user(request, pk, perm="cooperation.change_meeting")
    try:
        services.meeting_cancel(actor=request.user, meeting=meeting)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect(meeting)


@require_POST
@login_required
@permission_required("cooperation.add_meetingoutcome", raise_exception=True)
def outcome_create(request, pk):
    meeting = get_meeting_for_user(request, pk, perm="cooperation.add_meetingoutcome")
    form = _outcome_form(request, meeting, data=request.POST)
    if form.is_valid():
        try:
            services.meeting_outcome_create(
                actor=request.user,
                meeting=meeting,
                outcome=form.instance,
                action_item=form.action_item(),
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The outcome was added."))
            return redirect(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        error_messages(request, ValidationError(_("A cancelled meeting has no outcomes.")))
        return redirect(meeting)
    return _meeting_page(request, meeting, outcome_form=form, status=400)


@login_required
@permission_required("cooperation.view_meeting", raise_exception=True)
def meeting_minutes_download(request, pk):
    meeting = get_meeting_for_user(request, pk)
    if not meeting.minutes_file:
        raise Http404
    return private_file_response(
        meeting.minutes_file, filename=meeting.minutes_file_name or "minutes"
    )


def _ics_response(content: bytes, filename: str):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required("cooperation.view_meeting", raise_exception=True)
def meeting_ics(request, pk):
    meeting = get_meeting_for_user(request, pk)
    content = meetings_calendar(
        [meeting],
        name=meeting.title,
        url_for=lambda m: request.build_absolute_uri(m.get_absolute_url()),
    )
    return _ics_response(content, meeting.ics_filename)


@login_required
@permission_required("cooperation.view_actionitem", raise_exception=True)
def action_item_list(request):
    """The open action items of the user's federation, overdue first."""
    items = (
        ActionItem.objects.of_own_federation(request.user)
        .open()
        .with_overdue()
        .select_related("meeting", "assignee", "owner_federation")
        .order_by("-overdue", "due_on", "pk")
    )
    page = paginate(request, items, PAGE_SIZE)
    return render(
        request,
        "cooperation/liaison/action_item_list.html",
        {"page": page, "rows": action_item_rows(page), "today": today()},
    )


@require_POST
@login_required
@permission_required("cooperation.change_actionitem", raise_exception=True)
def action_item_status_change(request, pk):
    item = get_action_item_for_user(request, pk, perm="cooperation.change_actionitem")
    form = ActionItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a valid status."))
        return redirect(item)
    try:
        item = services.action_item_status_change(
            actor=request.user,
            action_item=item,
            status=form.cleaned_data["status"],
            drop_reason=form.cleaned_data["drop_reason"],
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("The action item is now “%(status)s”.") % {"status": item.get_status_display()},
        )
    # From the open-items page, back to it; from the meeting, back to the meeting.
    if request.POST.get("next") == "actions":
        return redirect("cooperation:action_items")
    return redirect(item)


@login_required
def calendar_settings(request):
    """The user's own calendar address, to subscribe to in a calendar program."""
    feed = services.calendar_feed_for(request.user)
    url = request.build_absolute_uri(feed.get_absolute_url()) if feed else ""
    return render(request, "cooperation/liaison/calendar.html", {"feed": feed, "feed_url": url})


@require_POST
@login_required
def calendar_regenerate(request):
    services.calendar_feed_regenerate(actor=request.user)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("cooperation:calendar")


@require_POST
@login_required
def calendar_revoke(request):
    services.calendar_feed_revoke(actor=request.user)
    messages.success(request, _("Your calendar address no longer works."))
    return redirect("cooperation:calendar")


def calendar_feed(request, token):
    """The upcoming meetings the feed's owner reads, for a calendar program. A wrong token
    (or that of a user who has left) answers 404, as a missing page does."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    meetings = _meetings().for_user(feed.user).upcoming().order_by("starts_at")
    content = meetings_calendar(
        meetings,
        name=_("Liaison meetings"),
        url_for=lambda m: request.build_absolute_uri(m.get_absolute_url()),
    )
    return _ics_response(content, "liaison.ics")


# --- referrals ---
#
# Confidential: a referral is opened only by staff and approvers of its two federations
# (ReferralQuerySet.for_user; anyone else gets 404). Leaders see the counts on the list's
# address, never a row.

REFERRAL_PAGE_SIZE = LIST_PAGE_SIZE


def _referrals():
    return Referral.objects.select_related(
        "from_federation", "to_federation", "forwarded_to"
    ).with_overdue()


def get_referral_for_user(request, pk, *, perm="cooperation.view_referral"):
    """The referral if the user reads it and holds `perm` for it; else 404."""
    return get_object_for_user(
        request,
        _referrals().select_related("member", "sender_officer", "receiver_officer", "created_by"),
        pk,
        perm=perm,
    )


def _referral_counts(user):
    """Referrals involving the user's federation, by category and status: one query."""
    rows = (
        Referral.objects.counted_for(user)
        .order_by()
        .values("category", "status")
        .annotate(n=Count("pk"))
    )
    found = {(row["category"], row["status"]): row["n"] for row in rows}
    overdue = Referral.objects.counted_for(user).overdue().count()
    table = [
        {
            "category": label,
            "cells": [found.get((value, status), 0) for status in ReferralStatus.values],
            "total": sum(found.get((value, status), 0) for status in ReferralStatus.values),
        }
        for value, label in ReferralCategory.choices
    ]
    totals = [
        sum(found.get((value, status), 0) for value in ReferralCategory.values)
        for status in ReferralStatus.values
    ]
    return {
        "statuses": ReferralStatus.labels,
        "rows": table,
        "totals": totals,
        "total": sum(totals),
        "overdue": overdue,
    }


@login_required
@permission_required("cooperation.count_referrals", raise_exception=True)
def referral_list(request):
    """Staff and approvers: the referrals their federation sent and received, with filters.
    Leaders: the counts only."""
    context = {"counts": _referral_counts(request.user)}
    if request.user.has_perm("cooperation.view_referral"):
        # The list shows neither whom a referral was forwarded to nor the people on it.
        referrals = Referral.objects.with_overdue().for_user(request.user)
        filterset = ReferralFilterSet(request.GET, referrals, request=request)
        page = paginate(request, filterset.qs, REFERRAL_PAGE_SIZE)
        own_federation_id = user_scope(request.user).federation_id
        context |= {
            "filterset": filterset,
            "page": page,
            "rows": referral_rows(
                with_federations(page, request.user, "from_federation", "to_federation"),
                own_federation_id=own_federation_id,
            ),
            "can_add": may_create(request.user, "cooperation.add_referral"),
        }
    return render(request, "cooperation/referrals/referral_list.html", context)


@login_required
@permission_required("cooperation.add_referral", raise_exception=True)
def referral_create(request):
    federation = services.own_federation(request.user)
    if federation is None:
        raise Http404
    form = ReferralForm(
        request.POST or None,
        request.FILES or None,
        federation=federation,
        partner_ids=services.referral_partner_ids(federation.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                actor=request.user, referral=form.instance, files=form.cleaned_data["files"]
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("Referral %(number)s was sent to %(federation)s.")
                % {"number": referral.reference, "federation": referral.to_federation.name},
            )
            return redirect(referral)
    return render(request, "cooperation/referrals/referral_form.html", {"form": form})


@login_required
def referral_detail(request, pk):
    referral = get_referral_for_user(request, pk)
    user = request.user
    show_personal = can_see_personal_data(user, referral.from_federation_id)
    status = referral.status
    may = {
        "decide": user.has_perm("cooperation.decide_referral", referral),
        "resolve": user.has_perm("cooperation.resolve_referral", referral),
        "withdraw": user.has_perm("cooperation.change_referral", referral),
    }
    next_steps = REFERRAL_TRANSITIONS[status]
    actions = {
        "accept": may["decide"] and ReferralStatus.ACCEPTED in next_steps,
        "decline": may["decide"] and ReferralStatus.DECLINED in next_steps,
        "forward": may["decide"] and ReferralStatus.FORWARDED in next_steps,
        "resolve": may["resolve"] and ReferralStatus.RESOLVED in next_steps,
        "close": may["resolve"] and status in (ReferralStatus.ACCEPTED, ReferralStatus.FORWARDED),
        "withdraw": may["withdraw"] and status == ReferralStatus.SUBMITTED,
    }
    return render(
        request,
        "cooperation/referrals/referral_detail.html",
        {
            "referral": referral,
            "show_personal": show_personal,
            "attachments": list(referral.attachments.all()),
            "actions": actions,
            "any_action": any(actions.values()),
            "accept_form": ReferralAcceptForm(referral=referral, prefix="accept"),
            "forward_form": ReferralForwardForm(referral=referral, prefix="forward"),
            "reason_form": ReferralReasonForm(),
            "outcome_form": ReferralOutcomeForm(),
            "history": history_entries(referral, show_personal=show_personal),
        },
    )


def _referral_step(request, pk, *, perm, form, step, done):
    """A workflow step on its own POST address: the referral (404 unless the user holds
    `perm` for it), the step's form, the service; a refusal is shown on the referral's page
    and changes nothing."""
    referral = get_referral_for_user(request, pk, perm=perm)
    bound = form(request.POST, referral)
    if not bound.is_valid():
        for errors in bound.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(referral)
    try:
        referral = step(referral, bound.cleaned_data)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, done % {"number": referral.reference})
    return redirect(referral)


@require_POST
@login_required
@permission_required("cooperation.decide_referral", raise_exception=True)
def referral_accept(request, pk):
    return _referral_step(
        request,
        pk,
        perm="cooperation.decide_referral",
        form=lambda data, r: ReferralAcceptForm(data, referral=r, prefix="accept"),
        step=lambda r, data: services.referral_accept(
            actor=request.user, referral=r, receiver_officer=data["receiver_officer"]
        ),
        done=_("Referral %(number)s is accepted."),
    )


@require_POST
@login_required
@permission_required("cooperation.decide_referral", raise_exception=True)
def referral_decline(request, pk):
    return _referral_step(
        request,
        pk,
        perm="cooperation.decide_referral",
        form=lambda data, r: ReferralReasonForm(data),
        step=lambda r, data: services.referral_decline(
            actor=request.user, referral=r, reason=data["reason"]
        ),
        done=_("Referral %(number)s is declined."),
    )


@require_POST
@login_required
@permission_required("cooperation.decide_referral", raise_exception=True)
def referral_forward(request, pk):
    return _referral_step(
        request,
        pk,
        perm="cooperation.decide_referral",
        form=lambda data, r: ReferralForwardForm(data, referral=r, prefix="forward"),
        step=lambda r, data: services.referral_forward(
            actor=request.user, referral=r, organisation=data["organisation"], note=data["note"]
        ),
        done=_("Referral %(number)s is forwarded."),
    )


@require_POST
@login_required
@permission_required("cooperation.resolve_referral", raise_exception=True)
def referral_resolve(request, pk):
    return _referral_step(
        request,
        pk,
        perm="cooperation.resolve_referral",
        form=lambda data, r: ReferralOutcomeForm(data),
        step=lambda r, data: services.referral_resolve(
            actor=request.user, referral=r, outcome=data["outcome"]
        ),
        done=_("Referral %(number)s is resolved."),
    )


@require_POST
@login_required
@permission_required("cooperation.resolve_referral", raise_exception=True)
def referral_close(request, pk):
    return _referral_step(
        request,
        pk,
        perm="cooperation.resolve_referral",
        form=lambda data, r: ReferralReasonForm(data),
        step=lambda r, data: services.referral_close(
            actor=request.user, referral=r, reason=data["reason"]
        ),
        done=_("Referral %(number)s is closed."),
    )


@require_POST
@login_required
@permission_required("cooperation.change_referral", raise_exception=True)
def referral_withdraw(request, pk):
    return _referral_step(
        request,
        pk,
        perm="cooperation.change_referral",
        form=lambda data, r: ReferralReasonForm(data),
        step=lambda r, data: services.referral_withdraw(
            actor=request.user, referral=r, reason=data["reason"]
        ),
        done=_("Referral %(number)s is withdrawn."),
    )


@login_required
def referral_attachment_download(request, pk):
    """A referral's file, for the staff of its two federations only (404 otherwise)."""
    attachment = get_object_or_404(ReferralAttachment.objects.for_user(request.user), pk=pk)
    return private_file_response(attachment.file, filename=attachment.original_name)


# --- excel --- the project list as .xlsx or .csv (members.exports)


def _delayed(project):
    return _("yes") if project.is_delayed else _("no")


PROJECT_EXPORT_COLUMNS = [
    ExportColumn(gettext_lazy("Title"), lambda p: p.title),
    ExportColumn(gettext_lazy("Common"), lambda p: p.pillar),
    ExportColumn(gettext_lazy("Lead federation"), lambda p: p.lead_federation.display_name),
    ExportColumn(
        gettext_lazy("Partner federations"),
        lambda p: join_names(p.partner_federations.all(), "display_name"),
    ),
    ExportColumn(gettext_lazy("Responsible department"), lambda p: p.department),
    ExportColumn(gettext_lazy("Status"), lambda p: p.get_status_display()),
    ExportColumn(gettext_lazy("Delayed"), _delayed),
    ExportColumn(gettext_lazy("Planned start"), lambda p: p.planned_start),
    ExportColumn(gettext_lazy("Planned end"), lambda p: p.planned_end),
    ExportColumn(gettext_lazy("Target beneficiaries"), lambda p: p.target_beneficiaries),
    ExportColumn(gettext_lazy("Actual beneficiaries"), lambda p: p.actual_beneficiaries),
]


@login_required
@permission_required("cooperation.view_project", raise_exception=True)
def project_export(request):
    """The project list as the user filtered it, within their scope (no personal data)."""
    filterset = ProjectFilterSet(request.GET, _projects().for_user(request.user), request=request)
    return export_response(
        request,
        filterset.qs,
        PROJECT_EXPORT_COLUMNS,
        name="projects",
        federation_of=lambda p: p.lead_federation_id,
    )


# --- excel --- the liaison directory as .xlsx or .csv (members.exports)


def _counterpart(contact):
    other = contact.counterpart
    return f"{other.name} · {other.federation.display_short}" if other else ""


CONTACT_EXPORT_COLUMNS = [
    ExportColumn(gettext_lazy("Name"), lambda c: c.name),
    ExportColumn(gettext_lazy("Federation"), lambda c: c.federation.display_name),
    ExportColumn(gettext_lazy("Level"), lambda c: c.get_level_display()),
    ExportColumn(gettext_lazy("Department or union"), lambda c: c.department),
    ExportColumn(gettext_lazy("Position"), lambda c: c.title),
    ExportColumn(gettext_lazy("Work telephone"), lambda c: c.phone),
    ExportColumn(gettext_lazy("Email"), lambda c: c.email),
    ExportColumn(gettext_lazy("Counterpart"), _counterpart),
]


@login_required
@permission_required("cooperation.view_contact", raise_exception=True)
def contact_export(request):
    """The liaison directory as the user filtered it, within their scope. Its telephones
    are work numbers, shown to both parties' staff on the page too: nothing is masked."""
    contacts = (
        Contact.objects.for_user(request.user)
        .select_related("federation", "counterpart__federation")
        .in_level_order()
    )
    filterset = ContactFilterSet(request.GET, contacts, request=request)
    return export_response(request, filterset.qs, CONTACT_EXPORT_COLUMNS, name="contacts")


# --- dashboard ---------------------------------------------------------------------------


def _dashboard_year(request):
    """The year asked for (?year=2026), this year when none or a nonsense one is asked."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today().year
    return year if 2000 <= year <= 2100 else today().year


@login_required
@permission_required("cooperation.view_dashboard", raise_exception=True)
def dashboard_show(request):
    board = dashboard.build_dashboard(request.user, _dashboard_year(request))
    return render(
        request,
        "cooperation/dashboard.html",
        {
            "board": board,
            # Callables: the template calls them only when its cached rendering of these
            # figures (per computation and language) has run out.
            "tiles": functools.partial(_dashboard_tiles, board),
            "attention": functools.partial(dashboard.attention_items, board),
            "federations": board.federations,
            "years": dashboard.selectable_years(request.user, today()),
            "cache_seconds": settings.DASHBOARD_CACHE_SECONDS,
        },
    )


def _dashboard_tiles(board):
    federations = board.federations
    ids = [f.pk for f in federations]
    return [
        {
            "tile": tile,
            "figures": [
                {
                    "label": dashboard.label_text(figure.label),
                    "cells": [dashboard.format_figure(figure.value(pk), figure.unit) for pk in ids],
                    "total": dashboard.format_figure(figure.total_of(ids), figure.unit),
                }
                for figure in data.figures
            ],
            "charts": [
                dashboard.chart_view(f"chart-{tile.key}-{index}", chart, federations)
                for index, chart in enumerate(data.charts)
            ],
        }
        for tile, data in board.tiles
    ]


@login_required
@permission_required("cooperation.view_dashboard", raise_exception=True)
def dashboard_export(request):
    board = dashboard.build_dashboard(request.user, _dashboard_year(request))
    response = HttpResponse(
        dashboard.dashboard_workbook(board),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="dashboard-{board.year}.xlsx"'
    return response
