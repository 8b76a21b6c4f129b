"""Pages of the cooperation app: the public home page and project pages, and the staff
pages for projects, milestones, progress updates, venues and the agreement.

Objects come through `get_object_for_user` (404 unless the user reads the object and holds
the permission asked for); every write goes through cooperation.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cooperation import dashboard, services
from cooperation.filters import ProjectFilterSet, VenueFilterSet
from cooperation.forms import (
    MilestoneForm,
    NewMilestoneForm,
    ProgressUpdateForm,
    ProjectForm,
    StatusForm,
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
from members.access import get_object_for_user, may_create
from members.files import private_file_response
from members.filters import paginate
from members.history import history_entries, history_entries_many
from members.web import error_messages, show_on_form

PAGE_SIZE = 20
LATEST_PUBLIC_UPDATES = 6


# --- public ------------------------------------------------------------------------------


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
    projects = _projects().for_user(request.user)
    filterset = ProjectFilterSet(request.GET, projects, request=request)
    return render(
        request,
        "cooperation/project_list.html",
        {
            "filterset": filterset,
            "page": paginate(request, filterset.qs, PAGE_SIZE),
            "can_add": may_create(request.user, "cooperation.add_project"),
        },
    )


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
    venues = Venue.objects.for_user(request.user).select_related("federation")
    filterset = VenueFilterSet(request.GET, venues, request=request)
    return render(
        request,
        "cooperation/venue_list.html",
        {
            "filterset": filterset,
            "page": paginate(request, filterset.qs, PAGE_SIZE),
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
    federations = board.federations
    tiles = []
    for tile, data in board.tiles:
        tiles.append(
            {
                "tile": tile,
                "figures": [
                    {
                        "label": dashboard.label_text(figure.label),
                        "cells": [
                            dashboard.format_figure(figure.value(f.pk), figure.unit)
                            for f in federations
                        ],
                        "total": dashboard.format_figure(
                            figure.total_of([f.pk for f in federations]), figure.unit
                        ),
                    }
                    for figure in data.figures
                ],
                "charts": [
                    dashboard.chart_view(f"chart-{tile.key}-{index}", chart, federations)
                    for index, chart in enumerate(data.charts)
                ],
            }
        )
    return render(
        request,
        "cooperation/dashboard.html",
        {
            "board": board,
            "tiles": tiles,
            "federations": federations,
            "attention": dashboard.attention_items(board),
            "years": dashboard.selectable_years(request.user, today()),
        },
    )


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
