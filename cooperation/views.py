"""Pages of the cooperation app: the public home page and project pages, and the staff
pages for projects, milestones, progress updates, venues and the agreement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cooperation import services
from cooperation.forms import (
    MilestoneForm,
    NewMilestoneForm,
    ProgressUpdateForm,
    ProjectFilterForm,
    ProjectForm,
    StatusForm,
    VenueFilterForm,
    VenueForm,
)
from cooperation.models import (
    ALLOWED_TRANSITIONS,
    Agreement,
    Attachment,
    Milestone,
    Pillar,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Venue,
    today,
)
from members.files import private_file_response
from members.history import history_entries, history_entries_many
from members.models import Federation
from members.scoping import user_scope

PAGE_SIZE = 20
LATEST_PUBLIC_UPDATES = 6


# --- public ------------------------------------------------------------------------------


def home(request):
    """The public home page: the programme, its five commons with their figures, and the
    latest public progress. A fixed number of queries, however many projects there are."""
    # The public page counts public projects only; "on track" is the with_delay rule.
    on_track = Q(is_delayed=False) & ~Q(status=ProjectStatus.SUSPENDED)
    figures = {
        row["pillar"]: row
        for row in Project.objects.public()
        .with_delay()
        .order_by()
        .values("pillar")
        .annotate(
            total=Count("pk"),
            on_track=Count("pk", filter=on_track),
            beneficiaries=Sum("actual_beneficiaries"),
        )
    }
    pillars = list(Pillar.objects.all())
    for pillar in pillars:
        row = figures.get(pillar.pk, {})
        pillar.project_count = row.get("total", 0)
        pillar.on_track_count = row.get("on_track", 0)
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


def _project_queryset():
    return Project.objects.select_related(
        "pillar", "agreement", "lead_federation", "owner"
    ).prefetch_related("partner_federations")


def get_project_for_user(request, pk):
    """The project if the user may read it as staff, else 404."""
    if not request.user.has_perm("cooperation.view_project"):
        raise Http404
    return get_object_or_404(_project_queryset().for_user(request.user).with_delay(), pk=pk)


def get_project_for_editing(request, pk):
    """Partners read the project but do not change it: 404 for them here."""
    return get_object_or_404(
        _project_queryset().for_user(request.user).editable_by(request.user).with_delay(), pk=pk
    )


def get_project_for_updates(request, pk):
    return get_object_or_404(
        _project_queryset().for_user(request.user).updatable_by(request.user).with_delay(),
        pk=pk,
    )


def get_venue_for_user(request, pk):
    return get_object_or_404(
        Venue.objects.for_user(request.user).select_related("federation"), pk=pk
    )


def get_venue_for_editing(request, pk):
    venue = get_venue_for_user(request, pk)
    if not Venue.objects.editable_by(request.user).filter(pk=venue.pk).exists():
        raise Http404
    return venue


def _own_federation(user):
    """The federation that new records of this user belong to, if they may create any."""
    return Federation.objects.editable_by(user).filter(pk=user_scope(user).federation_id).first()


def _lead_federation_or_404(user):
    federation = _own_federation(user)
    if federation is None:
        raise Http404
    return federation


# --- projects ----------------------------------------------------------------------------


@login_required
@permission_required("cooperation.view_project", raise_exception=True)
def project_list(request):
    readable = Project.objects.for_user(request.user)
    span = readable.aggregate(first=Min("planned_start"), last=Max("planned_end"))
    years = list(range(span["last"].year, span["first"].year - 1, -1)) if span["first"] else []
    form = ProjectFilterForm(
        request.GET or None, federations=Federation.objects.for_user(request.user), years=years
    )
    projects = _project_queryset().for_user(request.user).with_delay()
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"].strip():
            projects = projects.filter(
                Q(title__icontains=q) | Q(description__icontains=q) | Q(department__icontains=q)
            )
        if data["pillar"]:
            projects = projects.filter(pillar=data["pillar"])
        if data["federation"]:
            projects = projects.involving(data["federation"])
        if data["status"]:
            projects = projects.filter(status=data["status"])
        if data["delayed"]:
            projects = projects.filter(is_delayed=data["delayed"] == "yes")
        if data["year"]:
            projects = projects.active_in(data["year"])
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cooperation/project_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("cooperation.add_project")
            and _own_federation(request.user) is not None,
        },
    )


def project_detail(request, pk):
    """Staff of the agreement's parties get the working page; anyone else gets the public
    page of a public project, and 404 for any other."""
    if request.user.is_authenticated and request.user.has_perm("cooperation.view_project"):
        project = _project_queryset().for_user(request.user).with_delay().filter(pk=pk).first()
        if project is not None:
            return _staff_detail(request, project)
    project = get_object_or_404(_project_queryset().public().with_delay(), pk=pk)
    updates = project.updates.public().select_related("federation").prefetch_related("attachments")
    return render(
        request,
        "cooperation/project_public.html",
        {"project": project, "milestones": project.milestones.all(), "updates": updates},
    )


def _staff_detail(request, project, *, milestone_form=None, update_form=None, status=200):
    can_edit = Project.objects.editable_by(request.user).filter(pk=project.pk).exists()
    can_update = Project.objects.updatable_by(request.user).filter(
        pk=project.pk
    ).exists() and request.user.has_perm("cooperation.add_progressupdate")
    can_edit = can_edit and request.user.has_perm("cooperation.change_project")
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
            "can_update": can_update,
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
    lead = _lead_federation_or_404(request.user)
    form = ProjectForm(request.POST or None, lead_federation=lead)
    if request.method == "POST" and form.is_valid():
        project = form.save()
        messages.success(request, _("Project %(title)s was created.") % {"title": project.title})
        return redirect(project)
    return render(request, "cooperation/project_form.html", {"form": form, "project": None})


@login_required
@permission_required("cooperation.change_project", raise_exception=True)
def project_update(request, pk):
    project = get_project_for_editing(request, pk)
    form = ProjectForm(
        request.POST or None,
        instance=project,
        lead_federation=project.lead_federation,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Project %(title)s was saved.") % {"title": project.title})
        return redirect(project)
    return render(request, "cooperation/project_form.html", {"form": form, "project": project})


@require_POST
@login_required
@permission_required("cooperation.change_project", raise_exception=True)
def project_status(request, pk):
    project = get_project_for_editing(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a valid status."))
        return redirect(project)
    try:
        project = services.project_change_status(
            actor=request.user, project=project, status=form.cleaned_data["status"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
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
def milestone_add(request, pk):
    project = get_project_for_editing(request, pk)
    form = NewMilestoneForm(request.POST, prefix="milestone")
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The milestone was added."))
            return redirect(project)
    return _staff_detail(request, project, milestone_form=form, status=400)


def _milestone_for_editing(request, pk):
    return get_object_or_404(
        Milestone.objects.for_user(request.user)
        .editable_by(request.user)
        .select_related("project"),
        pk=pk,
    )


@login_required
@permission_required("cooperation.change_milestone", raise_exception=True)
def milestone_update(request, pk):
    milestone = _milestone_for_editing(request, pk)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        form.save()
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
def milestone_done(request, pk):
    milestone = _milestone_for_editing(request, pk)
    services.milestone_mark_done(actor=request.user, milestone=milestone, done_on=today())
    messages.success(request, _("The milestone is marked as done."))
    return redirect(milestone.project)


@require_POST
@login_required
@permission_required("cooperation.add_progressupdate", raise_exception=True)
def update_add(request, pk):
    project = get_project_for_updates(request, pk)
    form = ProgressUpdateForm(request.POST, request.FILES, prefix="update")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_update_add(
                actor=request.user,
                project=project,
                happened_on=data["happened_on"],
                text=data["text"],
                is_public=data["is_public"],
                files=data["files"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:
            raise Http404 from None
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
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).prefetch_related("parties", "phases"), pk=pk
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
def agreement_document(request, pk):
    agreement = get_object_or_404(Agreement.objects.for_user(request.user), pk=pk)
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
    form = VenueFilterForm(
        request.GET or None, federations=Federation.objects.for_user(request.user)
    )
    venues = Venue.objects.for_user(request.user).select_related("federation")
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"].strip():
            venues = venues.filter(Q(name__icontains=q) | Q(address__icontains=q))
        if data["federation"]:
            venues = venues.filter(federation__code=data["federation"])
        if data["kind"]:
            venues = venues.filter(kind=data["kind"])
        if data["open_to_partners"]:
            venues = venues.filter(open_to_partners=data["open_to_partners"] == "yes")
    page = Paginator(venues, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cooperation/venue_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("cooperation.add_venue")
            and _own_federation(request.user) is not None,
        },
    )


@login_required
@permission_required("cooperation.view_venue", raise_exception=True)
def venue_detail(request, pk):
    venue = get_venue_for_user(request, pk)
    can_edit = Venue.objects.editable_by(request.user).filter(pk=venue.pk).exists()
    return render(
        request,
        "cooperation/venue_detail.html",
        {
            "venue": venue,
            "can_edit": can_edit and request.user.has_perm("cooperation.change_venue"),
            "history": history_entries(venue, show_personal=False),
        },
    )


@login_required
@permission_required("cooperation.add_venue", raise_exception=True)
def venue_create(request):
    federation = _lead_federation_or_404(request.user)
    form = VenueForm(request.POST or None, federation=federation)
    if request.method == "POST" and form.is_valid():
        venue = form.save()
        messages.success(request, _("Venue %(name)s was added.") % {"name": venue.name})
        return redirect(venue)
    return render(request, "cooperation/venue_form.html", {"form": form, "venue": None})


@login_required
@permission_required("cooperation.change_venue", raise_exception=True)
def venue_update(request, pk):
    venue = get_venue_for_editing(request, pk)
    form = VenueForm(request.POST or None, instance=venue, federation=venue.federation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Venue %(name)s was saved.") % {"name": venue.name})
        return redirect(venue)
    return render(request, "cooperation/venue_form.html", {"form": form, "venue": venue})
