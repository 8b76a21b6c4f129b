"""Pages of the sanatorium app: the public directory and base pages, and the staff pages for
bases, photos and the recognition workflow.

Bases and photos come through `get_object_for_user` (404 unless the user reads the object
and holds the permission asked for), recognitions to decide through
`get_recognition_for_deciding`; every write goes through sanatoriums.services, which asks
the same question of its actor."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from members.access import get_object_for_user, may_create
from members.exports import ExportColumn, export_response
from members.files import private_file_response
from members.filters import LIST_PAGE_SIZE, paginate
from members.history import history_entries
from members.masking import mask_id_number, mask_mobile
from members.models import Federation, Member, Organisation
from members.pagecache import public_page
from members.rows import csrf_input
from members.scoping import can_see_personal_data, personal_data_shown, user_scope, with_federations
from members.web import error_messages, show_on_form
from sanatoriums import services
from sanatoriums.filters import BatchFilterSet, BookingFilterSet, DirectoryFilterSet
from sanatoriums.forms import (
    AllocationForm,
    BatchForm,
    BatchStatusForm,
    BookingForm,
    DecisionForm,
    FeedbackForm,
    ParticipantsForm,
    PhotoForm,
    ProposeForm,
    RevokeForm,
    RouteForm,
    SanatoriumForm,
)
from sanatoriums.models import (
    COUNTED_BOOKING_STATUSES,
    OPEN_RECOGNITION_STATUSES,
    Allocation,
    Batch,
    Booking,
    Feedback,
    Participant,
    Photo,
    Recognition,
    Route,
    Sanatorium,
)
from sanatoriums.rows import (
    awaiting_rows,
    base_rows,
    batch_rows,
    booking_rows,
    participant_rows,
    recognition_rows,
)

DIRECTORY_PAGE_SIZE = 12
QUEUE_PAGE_SIZE = LIST_PAGE_SIZE
MANAGE_PAGE_SIZE = LIST_PAGE_SIZE
RECOGNITION_RELATED = ("sanatorium__federation", "federation", "proposed_by", "decided_by")


def with_cards(queryset):
    """What a card needs, in a fixed number of queries whatever the number of bases."""
    return queryset.select_related("federation").prefetch_related(
        "themes",
        Prefetch(
            "recognitions",
            queryset=Recognition.objects.current().select_related("federation"),
            to_attr="current_recognitions",
        ),
        Prefetch("photos", queryset=Photo.objects.order_by("position", "id"), to_attr="photo_list"),
    )


@dataclass(frozen=True)
class OpenToBadge:
    """A card's badge: the members of `federation` may use the base, as its owner's
    members (`until` is None) or by a recognition valid until `until`."""

    federation: Federation
    until: date | None = None


def open_to_badges(base, *, only=None):
    """Whose members may use an active base today, the rule of `Sanatorium.objects.open_to`
    told on the card: the members of each federation that recognises it today
    (`current_recognitions`, prefetched by `with_cards`), and the owner's. With `only`
    (the directory's "open to members of"), that federation's badge alone: the reason the
    base is in the list."""
    if base.status != Sanatorium.Status.ACTIVE:
        return []
    # The other cities' members first: what a recognition adds to the owner's own members.
    badges = [
        OpenToBadge(recognition.federation, recognition.valid_until)
        for recognition in base.current_recognitions
    ] + [OpenToBadge(base.federation)]
    if only is not None:
        badges = [badge for badge in badges if badge.federation.pk == only.pk]
    return badges


def get_sanatorium_for_user(request, pk):
    """Active bases are public; a suspended one only to staff who may read it."""
    visible = Sanatorium.objects.active()
    if request.user.is_authenticated:
        visible = Sanatorium.objects.filter(
            Q(status=Sanatorium.Status.ACTIVE)
            | Q(pk__in=Sanatorium.objects.for_user(request.user).values("pk"))
        )
    return get_object_or_404(with_cards(visible), pk=pk)


def get_recognition_for_deciding(request, pk, recognitions):
    """One of `recognitions` that the user may decide (invariant 1), else 404. Asked of
    `decidable_by`, the object rule of `decide_recognition` (rules.py), rather than of
    `has_perm`, which Django answers yes for every superuser: an administrator belongs to
    no federation and decides for none."""
    return get_object_or_404(
        recognitions.decidable_by(request.user).select_related(*RECOGNITION_RELATED), pk=pk
    )


# --- public ----------------------------------------------------------------------------------


@public_page("sanatoriums")
def sanatorium_directory(request):
    """The public directory: which bases are open to me? Filters live in the URL."""
    filterset = DirectoryFilterSet(request.GET, Sanatorium.objects.active(), request=request)
    page = paginate(request, with_cards(filterset.qs), DIRECTORY_PAGE_SIZE)
    open_to = filterset.open_to_federation
    for base in page:
        base.badges = open_to_badges(base, only=open_to)
    return render(
        request,
        "sanatoriums/directory.html",
        {"form": filterset.form, "page": page, "open_to": open_to},
    )


@public_page("sanatoriums")
def sanatorium_detail(request, pk):
    sanatorium = get_sanatorium_for_user(request, pk)
    context = {
        "sanatorium": sanatorium,
        "photos": sanatorium.photo_list,
        "badges": open_to_badges(sanatorium),
        **base_places(sanatorium),
    }
    user = request.user
    if user.has_perm("sanatoriums.view_sanatorium", sanatorium):
        # Staff of the federations in the agreement see the whole recognition record.
        can_edit = user.has_perm("sanatoriums.change_sanatorium", sanatorium)
        can_propose = user.has_perm("sanatoriums.add_recognition", sanatorium)
        partners = (
            services.partner_federations(user, sanatorium).exclude(
                pk__in=sanatorium.recognitions.open().values("federation")
            )
            if can_propose
            else None
        )
        photos = sanatorium.photo_list
        context.update(
            staff_view=True,
            can_edit=can_edit,
            # The photos of a base are all removable by the same people, or none of them.
            can_remove_photos=bool(photos) and user.has_perm("sanatoriums.delete_photo", photos[0]),
            recognitions=sanatorium.recognitions.select_related(
                "federation", "proposed_by", "decided_by"
            ),
            history=history_entries(sanatorium, show_personal=True),
            # Every step of every recognition of this base, in one query.
            recognition_history=Recognition.history.filter(sanatorium_id=sanatorium.pk)
            .select_related("federation", "history_user")
            .order_by("-history_date")[:100],
            propose_form=ProposeForm(partners=partners) if partners else None,
            photo_form=PhotoForm() if user.has_perm("sanatoriums.add_photo", sanatorium) else None,
            can_add_route=can_edit and user.has_perm("sanatoriums.add_route"),
        )
    return render(request, "sanatoriums/detail.html", context)


# --- staff -----------------------------------------------------------------------------------


@login_required
@permission_required("sanatoriums.view_sanatorium", raise_exception=True)
def sanatorium_manage(request):
    """The bases the user reads, paged: their own federation's first, then the partners'.
    A section is shown on the pages that hold its rows; an empty one says so where its rows
    would be (the own bases on page 1, the partners' on the last page)."""
    own_federation_id = user_scope(request.user).federation_id
    bases = (
        Sanatorium.objects.for_user(request.user)
        .select_related("federation")
        .prefetch_related(
            Prefetch(
                "recognitions",
                queryset=Recognition.objects.select_related("federation"),
                to_attr="all_recognitions",
            )
        )
        .annotate(
            partner_base=Case(
                When(federation_id=own_federation_id, then=Value(0)),
                default=Value(1),
            )
        )
        .order_by("partner_base", *Sanatorium._meta.ordering, "pk")
    )
    page = paginate(request, bases, MANAGE_PAGE_SIZE)
    own = [b for b in page if b.federation_id == own_federation_id]
    partner = [b for b in page if b.federation_id != own_federation_id]
    return render(
        request,
        "sanatoriums/manage.html",
        {
            "page": page,
            "own_rows": base_rows(own),
            "partner_rows": base_rows(partner),
            "show_own": bool(own) or page.number == 1,
            "show_partner": bool(partner) or not page.has_next(),
            "awaiting": Recognition.objects.awaiting(request.user).count(),
            "can_add": may_create(request.user, "sanatoriums.add_sanatorium"),
        },
    )


@login_required
@permission_required("sanatoriums.add_sanatorium", raise_exception=True)
def sanatorium_create(request):
    if not may_create(request.user, "sanatoriums.add_sanatorium"):
        raise Http404
    form = SanatoriumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sanatorium = services.sanatorium_create(
                actor=request.user, sanatorium=form.instance, themes=form.cleaned_data["themes"]
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Base %(name)s was added.") % {"name": sanatorium.name})
            return redirect(sanatorium)
    return render(request, "sanatoriums/form.html", {"form": form, "sanatorium": None})


@login_required
@permission_required("sanatoriums.change_sanatorium", raise_exception=True)
def sanatorium_update(request, pk):
    sanatorium = get_object_for_user(request, Sanatorium, pk, perm="sanatoriums.change_sanatorium")
    form = SanatoriumForm(request.POST or None, instance=sanatorium)
    if request.method == "POST" and form.is_valid():
        try:
            services.sanatorium_update(
                actor=request.user, sanatorium=form.instance, themes=form.cleaned_data["themes"]
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Base %(name)s was saved.") % {"name": sanatorium.name})
            return redirect(sanatorium)
    return render(request, "sanatoriums/form.html", {"form": form, "sanatorium": sanatorium})


@login_required
@require_POST
def photo_create(request, pk):
    sanatorium = get_object_for_user(request, Sanatorium, pk, perm="sanatoriums.add_photo")
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        error_messages(request, ValidationError(form.errors.as_data()))
        return redirect(sanatorium)
    try:
        services.photo_add(
            actor=request.user,
            sanatorium=sanatorium,
            upload=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The photo was added."))
    return redirect(sanatorium)


@require_safe
def photo_file(request, name):
    """A photo of a base, the only stored files with a public address.

    The requested name is looked up as it stands among the stored photo names, never joined
    to a directory, so `..`, `%2e%2e` or an encoded slash finds nothing and no other file
    under MEDIA_ROOT can be reached. Photos are JPEGs re-encoded by the portal, sent the way
    every stored file is (members.files)."""
    if "\x00" in name:  # PostgreSQL refuses NUL in a query: answer 404, not 500
        raise Http404
    stored = f"sanatoriums/{name}"
    photo = Photo.objects.filter(Q(image=stored) | Q(thumbnail=stored)).first()
    if photo is None:
        raise Http404
    fieldfile = photo.image if photo.image.name == stored else photo.thumbnail
    return private_file_response(
        fieldfile, filename=name.rsplit("/", 1)[-1], cache_control="public, max-age=86400"
    )


@login_required
@require_POST
def photo_delete(request, pk, photo_pk):
    photo = get_object_for_user(
        request,
        Photo.objects.filter(sanatorium_id=pk).select_related("sanatorium"),
        photo_pk,
        perm="sanatoriums.delete_photo",
    )
    services.photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect(photo.sanatorium)


@login_required
@require_POST
def recognition_propose(request, pk):
    sanatorium = get_object_for_user(request, Sanatorium, pk, perm="sanatoriums.add_recognition")
    form = ProposeForm(
        request.POST, partners=services.partner_federations(request.user, sanatorium)
    )
    if not form.is_valid():
        messages.error(request, _("Please choose a partner federation."))
        return redirect(sanatorium)
    try:
        services.recognition_propose(
            actor=request.user,
            sanatorium=sanatorium,
            federation=form.cleaned_data["federation"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("Recognition was proposed to %(federation)s.")
            % {"federation": form.cleaned_data["federation"]},
        )
    return redirect(sanatorium)


@login_required
@permission_required("sanatoriums.view_recognition", raise_exception=True)
def recognition_queue(request):
    """Proposals awaiting the user's decision, and every recognition their federation is in
    (as owner of the base or as the recognising federation)."""
    # The federations (the base's, the recognising one) come from with_federations.
    involved = Recognition.objects.involving(request.user).select_related(
        "sanatorium", "proposed_by", "decided_by"
    )
    page = paginate(request, involved, QUEUE_PAGE_SIZE)
    with_federations(page, request.user, "sanatorium.federation", "federation")
    # The rows of the page this user may renew or revoke, in one query.
    decidable = Recognition.objects.decidable_by(request.user).filter(
        pk__in=[recognition.pk for recognition in page]
    )
    rows = recognition_rows(
        page,
        decidable=set(decidable.values_list("pk", flat=True)),
        csrf=csrf_input(request),
    )
    return render(
        request,
        "sanatoriums/queue.html",
        {
            "awaiting": awaiting_rows(
                with_federations(
                    Recognition.objects.awaiting(request.user).select_related(
                        "sanatorium", "proposed_by"
                    ),
                    request.user,
                    "sanatorium.federation",
                )
            ),
            "page": page,
            "rows": rows,
        },
    )


@login_required
def recognition_decide(request, pk):
    """Approve or reject a proposal, or renew an approved recognition."""
    recognition = get_recognition_for_deciding(
        request, pk, Recognition.objects.filter(status__in=OPEN_RECOGNITION_STATUSES)
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == DecisionForm.APPROVE:
                services.recognition_approve(
                    actor=request.user,
                    recognition=recognition,
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                )
                messages.success(request, _("The recognition was approved."))
            else:
                services.recognition_reject(
                    actor=request.user, recognition=recognition, reason=data["reason"]
                )
                messages.success(request, _("The proposal was rejected."))
        except ValidationError as error:
            show_on_form(form, error)
        else:
            return redirect("sanatoriums:queue")
    return render(request, "sanatoriums/decide.html", {"recognition": recognition, "form": form})


@login_required
@require_POST
def recognition_revoke(request, pk):
    recognition = get_recognition_for_deciding(request, pk, Recognition.objects.all())
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("sanatoriums:queue")
    try:
        services.recognition_revoke(
            actor=request.user, recognition=recognition, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The recognition was revoked."))
    return redirect("sanatoriums:queue")


# --- places: routes, batches, allocations, bookings, feedback ---------------------------------

BATCH_PAGE_SIZE = LIST_PAGE_SIZE
BOOKING_PAGE_SIZE = LIST_PAGE_SIZE
BATCH_RELATED = ("route__sanatorium__federation", "competition")


def allocations_with_counts():
    """Allocations with `counted`: the headcount of their federation's pending and confirmed
    bookings on the batch, summed by the database (one query for any number of rows)."""
    counted = (
        Booking.objects.filter(
            batch=OuterRef("batch"),
            federation=OuterRef("federation"),
            status__in=COUNTED_BOOKING_STATUSES,
        )
        .values("batch")
        .annotate(total=Sum("headcount"))
        .values("total")
    )
    # (What is left, places - counted, is worked out per row in Python: an annotation of
    # it would repeat the subquery, and PostgreSQL would run it twice.)
    return Allocation.objects.annotate(counted=Coalesce(Subquery(counted), 0)).select_related(
        "federation"
    )


def with_allocations(batches):
    return batches.select_related(*BATCH_RELATED).prefetch_related(
        Prefetch("allocations", queryset=allocations_with_counts(), to_attr="allocation_list")
    )


def base_places(sanatorium):
    """What the public base page shows of places: routes, upcoming batches with each
    federation's remaining places, and the participants' ratings (fixed number of queries)."""
    routes = list(sanatorium.routes.all())
    batches = list(with_allocations(Batch.objects.upcoming().filter(route__sanatorium=sanatorium)))
    ratings = Feedback.objects.filter(participant__batch__route__sanatorium=sanatorium).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    return {"routes": routes, "batches": batches, "ratings": ratings}


def places_busy(request):
    """The batch stayed locked by other bookings: ask the user to try again (503)."""
    response = render(request, "sanatoriums/busy.html", status=503)
    response["Retry-After"] = "5"
    return response


def _refused_or_busy(request, call):
    """Run a service call; its refusal becomes messages, a lock timeout the busy page.
    Returns (result, response): a response when the busy page must be shown."""
    try:
        return call(), None
    except services.PlacesBusy:
        return None, places_busy(request)
    except ValidationError as error:
        error_messages(request, error)
        return None, None


@login_required
@permission_required("sanatoriums.view_batch", raise_exception=True)
def batch_list(request):
    """Batches of the bases the user reads (their own federation's and the partner's)."""
    # What the rows show: the route, its base and the base's federation, and each
    # federation's places (not the competition a batch may be reserved for: that is on the
    # batch's page).
    batches = (
        Batch.objects.for_user(request.user)
        .select_related("route__sanatorium")
        # Only the columns the rows show: a base and a route carry long texts. The base's
        # federation comes from with_federations below.
        .only(
            "start_date",
            "end_date",
            "status",
            "places",
            "route__name",
            "route__sanatorium__name",
            "route__sanatorium__federation",
        )
        .prefetch_related(
            Prefetch("allocations", queryset=allocations_with_counts(), to_attr="allocation_list")
        )
    )
    filterset = BatchFilterSet(request.GET, batches, request=request)
    page = paginate(request, filterset.qs.order_by("start_date", "pk"), BATCH_PAGE_SIZE)
    return render(
        request,
        "sanatoriums/batch_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": batch_rows(with_federations(page, request.user, "route.sanatorium.federation")),
        },
    )


@login_required
def route_create(request, pk):
    sanatorium = get_object_for_user(request, Sanatorium, pk, perm="sanatoriums.change_sanatorium")
    if not request.user.has_perm("sanatoriums.add_route"):
        raise Http404
    form = RouteForm(request.POST or None, instance=Route(sanatorium=sanatorium))
    return _route_form(request, form, sanatorium)


@login_required
def route_update(request, pk):
    route = get_object_for_user(
        request, Route.objects.select_related("sanatorium"), pk, perm="sanatoriums.change_route"
    )
    return _route_form(request, RouteForm(request.POST or None, instance=route), route.sanatorium)


def _route_form(request, form, sanatorium):
    if request.method == "POST" and form.is_valid():
        try:
            route = services.route_save(actor=request.user, route=form.instance)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Route %(name)s was saved.") % {"name": route.name})
            return redirect(sanatorium)
    return render(
        request,
        "sanatoriums/places_form.html",
        {"form": form, "sanatorium": sanatorium, "title": _("Route")},
    )


def _competitions_for(user):
    from competitions.models import Competition

    return Competition.objects.for_user(user).public()


@login_required
def batch_create(request, pk):
    route = get_object_for_user(
        request, Route.objects.select_related("sanatorium"), pk, perm="sanatoriums.change_route"
    )
    if not request.user.has_perm("sanatoriums.add_batch"):
        raise Http404
    form = BatchForm(
        request.POST or None,
        instance=Batch(route=route),
        competitions=_competitions_for(request.user),
    )
    return _batch_form(request, form, route)


@login_required
def batch_update(request, pk):
    batch = get_object_for_user(
        request,
        Batch.objects.select_related("route__sanatorium"),
        pk,
        perm="sanatoriums.change_batch",
    )
    form = BatchForm(
        request.POST or None, instance=batch, competitions=_competitions_for(request.user)
    )
    return _batch_form(request, form, batch.route)


def _batch_form(request, form, route):
    if request.method == "POST" and form.is_valid():
        adding = form.instance._state.adding
        save = services.batch_create if adding else services.batch_update
        try:
            batch = save(actor=request.user, batch=form.instance)
        except services.PlacesBusy:
            return places_busy(request)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The batch was saved."))
            return redirect(batch)
    return render(
        request,
        "sanatoriums/places_form.html",
        {"form": form, "sanatorium": route.sanatorium, "title": _("Batch"), "route": route},
    )


def get_batch_for_user(request, pk, *, perm="sanatoriums.view_batch"):
    return get_object_for_user(request, with_allocations(Batch.objects.all()), pk, perm=perm)


@login_required
def batch_detail(request, pk):
    batch = get_batch_for_user(request, pk)
    user = request.user
    can_change = user.has_perm("sanatoriums.change_batch", batch)
    bookings = (
        Booking.objects.for_user(user)
        .filter(batch=batch)
        .select_related("organisation", "federation")
        .annotate(named=Count("participants"))
        .order_by("federation__code", "-priority", "created_at")
    )
    own = user_scope(user).federation_id
    own_allocation = next((a for a in batch.allocation_list if a.federation_id == own), None)
    return render(
        request,
        "sanatoriums/batch_detail.html",
        {
            "batch": batch,
            "bookings": bookings,
            "can_change": can_change,
            "own_allocation": own_allocation,
            "can_book": batch.is_bookable
            and own_allocation is not None
            and may_create(user, "sanatoriums.add_booking"),
            "allocation_form": AllocationForm(federations=Federation.objects.for_user(user))
            if can_change
            else None,
            "steps": services.BATCH_STEPS.get(batch.status, []) if can_change else [],
            "history": history_entries(batch, show_personal=False),
        },
    )


@login_required
@require_POST
def allocation_set(request, pk):
    batch = get_batch_for_user(request, pk, perm="sanatoriums.change_batch")
    form = AllocationForm(request.POST, federations=Federation.objects.for_user(request.user))
    if not form.is_valid():
        error_messages(request, ValidationError(form.errors.as_data()))
        return redirect(batch)
    allocation, busy = _refused_or_busy(
        request,
        lambda: services.allocation_set(
            actor=request.user,
            batch=batch,
            federation=form.cleaned_data["federation"],
            places=form.cleaned_data["places"],
        ),
    )
    if busy:
        return busy
    if allocation is not None:
        messages.success(request, _("The allocation was saved."))
    return redirect(batch)


@login_required
@require_POST
def batch_status(request, pk):
    batch = get_batch_for_user(request, pk, perm="sanatoriums.change_batch")
    form = BatchStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a status."))
        return redirect(batch)
    changed, busy = _refused_or_busy(
        request,
        lambda: services.batch_set_status(
            actor=request.user, batch=batch, status=form.cleaned_data["status"]
        ),
    )
    if busy:
        return busy
    if changed is not None:
        messages.success(
            request,
            _("The batch is now %(status)s.") % {"status": changed.get_status_display()},
        )
    return redirect(batch)


@login_required
def participant_list(request, pk):
    """The printable list of a batch's groups and participants. ID numbers are shown in full
    only for members of the reader's own federation (the partner's are masked)."""
    batch = get_batch_for_user(request, pk)
    bookings = list(
        Booking.objects.for_user(request.user)
        .filter(batch=batch)
        .counted()
        .select_related("organisation", "federation")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("member").order_by("member__name"),
            )
        )
        .order_by("federation__code", "organisation__name", "pk")
    )
    for booking in bookings:
        booking.rows = participant_rows(
            booking.participants.all(),
            show_personal=can_see_personal_data(request.user, booking.federation_id),
        )
    return render(
        request,
        "sanatoriums/participant_list.html",
        {
            "batch": batch,
            "bookings": bookings,
            "personal_data": personal_data_shown(request.user),
        },
    )


@login_required
@permission_required("sanatoriums.view_booking", raise_exception=True)
def booking_list(request):
    # The participants named in each group, counted row by row: a Count() over the join
    # would group every booking of the scope (with all its joined columns) before the
    # database could sort them and keep one page.
    named = (
        Participant.objects.filter(booking=OuterRef("pk"))
        .order_by()
        .values("booking")
        .annotate(n=Count("pk"))
        .values("n")
    )
    bookings = (
        Booking.objects.for_user(request.user)
        .select_related("batch__route__sanatorium", "organisation")
        # Only the columns the rows show: a base and a route carry long texts. The
        # federations (the booking's, and the organisation's: a federation's own office is
        # named as the federation is, in English) come from with_federations below.
        .only(
            "headcount",
            "status",
            "created_at",
            "federation",
            "batch__start_date",
            "batch__end_date",
            "batch__route__name",
            "batch__route__sanatorium__name",
            "organisation__name",
            "organisation__kind",
            "organisation__federation",
        )
        .annotate(named=Coalesce(Subquery(named), 0))
        .order_by("-created_at", "-pk")
    )
    filterset = BookingFilterSet(request.GET, bookings, request=request)
    page = paginate(request, filterset.qs, BOOKING_PAGE_SIZE)
    return render(
        request,
        "sanatoriums/booking_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": booking_rows(
                with_federations(page, request.user, "federation", "organisation.federation")
            ),
        },
    )


@login_required
def booking_create(request, pk):
    batch = get_batch_for_user(request, pk)
    user = request.user
    if not may_create(user, "sanatoriums.add_booking"):
        raise Http404
    form = BookingForm(
        request.POST or None,
        organisations=Organisation.objects.editable_by(user),
        members=Member.objects.editable_by(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.booking_create(
                actor=user,
                batch=batch,
                organisation=data["organisation"],
                headcount=data["headcount"],
                members=data["participants"],
                waiting_list=data["waiting_list"],
                priority=data["priority"] or 0,
                contact_name=data["contact_name"],
                note=data["note"],
            )
        except services.PlacesBusy:
            return places_busy(request)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            if booking.status == Booking.Status.WAITING:
                messages.info(request, _("The group is on the waiting list."))
            else:
                messages.success(
                    request,
                    _("%(count)s places were booked.") % {"count": booking.headcount},
                )
            return redirect(booking)
    return render(request, "sanatoriums/booking_form.html", {"form": form, "batch": batch})


def get_booking_for_user(request, pk, *, perm="sanatoriums.view_booking"):
    return get_object_for_user(
        request,
        Booking.objects.select_related(
            "batch__route__sanatorium__federation", "organisation", "federation", "created_by"
        ),
        pk,
        perm=perm,
    )


@login_required
def booking_detail(request, pk):
    booking = get_booking_for_user(request, pk)
    user = request.user
    can_change = user.has_perm("sanatoriums.change_booking", booking)
    participants = list(
        booking.participants.select_related("member", "feedback").order_by("member__name")
    )
    show_personal = can_see_personal_data(user, booking.federation_id)
    finished = booking.batch.status == Batch.Status.FINISHED
    return render(
        request,
        "sanatoriums/booking_detail.html",
        {
            "booking": booking,
            "participants": participants,
            "show_personal": show_personal,
            "can_change": can_change,
            "participants_form": ParticipantsForm(
                initial={"participants": "\n".join(p.member.card_number for p in participants)}
            )
            if can_change and not finished
            else None,
            "can_feedback": can_change
            and finished
            and booking.status == Booking.Status.CONFIRMED
            and user.has_perm("sanatoriums.add_feedback"),
            "history": history_entries(booking, show_personal=show_personal),
        },
    )


@login_required
@require_POST
def booking_participants(request, pk):
    booking = get_booking_for_user(request, pk, perm="sanatoriums.change_booking")
    form = ParticipantsForm(request.POST, members=Member.objects.editable_by(request.user))
    if not form.is_valid():
        error_messages(request, ValidationError(form.errors.as_data()))
        return redirect(booking)
    done, busy = _refused_or_busy(
        request,
        lambda: services.booking_set_participants(
            actor=request.user, booking=booking, members=form.cleaned_data["participants"]
        ),
    )
    if busy:
        return busy
    if done is not None:
        messages.success(request, _("The participants were saved."))
    return redirect(booking)


@login_required
@require_POST
def booking_confirm(request, pk):
    booking = get_booking_for_user(request, pk, perm="sanatoriums.change_booking")
    done, busy = _refused_or_busy(
        request, lambda: services.booking_confirm(actor=request.user, booking=booking)
    )
    if busy:
        return busy
    if done is not None:
        messages.success(request, _("The group was confirmed."))
    return redirect(booking)


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = get_booking_for_user(request, pk, perm="sanatoriums.change_booking")
    done, busy = _refused_or_busy(
        request, lambda: services.booking_cancel(actor=request.user, booking=booking)
    )
    if busy:
        return busy
    if done is not None:
        messages.success(request, _("The group was cancelled."))
    return redirect(booking)


@login_required
@require_POST
def feedback_save(request, pk):
    booking = get_booking_for_user(request, pk, perm="sanatoriums.change_booking")
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        error_messages(request, ValidationError(form.errors.as_data()))
        return redirect(booking)
    participant = get_object_or_404(
        booking.participants.select_related("booking__batch"), pk=form.cleaned_data["participant"]
    )
    try:
        services.feedback_save(
            actor=request.user,
            participant=participant,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The feedback was saved."))
    return redirect(booking)


# --- excel --- the bookings as .xlsx or .csv (members.exports)

# gettext_lazy by its own name: makemessages does not know an alias such as `_lazy`.
BOOKING_EXPORT_COLUMNS = [
    ExportColumn(gettext_lazy("Federation"), lambda b: b.federation.display_name),
    ExportColumn(gettext_lazy("Organisation"), lambda b: b.organisation.display_name),
    ExportColumn(gettext_lazy("Base"), lambda b: b.batch.route.sanatorium.name),
    ExportColumn(gettext_lazy("Route"), lambda b: b.batch.route.name),
    ExportColumn(gettext_lazy("Start date"), lambda b: b.batch.start_date),
    ExportColumn(gettext_lazy("End date"), lambda b: b.batch.end_date),
    ExportColumn(gettext_lazy("Status"), lambda b: b.get_status_display()),
    ExportColumn(gettext_lazy("Headcount"), lambda b: b.headcount),
    ExportColumn(gettext_lazy("Group leader"), lambda b: b.contact_name),
    ExportColumn(gettext_lazy("Booked at"), lambda b: b.created_at),
    ExportColumn(gettext_lazy("Participant"), lambda b: b.participant_name),
    ExportColumn(gettext_lazy("Member card number"), lambda b: b.participant_card),
    ExportColumn(
        gettext_lazy("Resident ID number"),
        lambda b: b.participant_id_number,
        personal=mask_id_number,
    ),
    ExportColumn(
        gettext_lazy("Mobile number"), lambda b: b.participant_mobile, personal=mask_mobile
    ),
]


@login_required
@permission_required("sanatoriums.view_booking", raise_exception=True)
def booking_export(request):
    """The bookings as the user filtered them, within their scope: one row per participant
    (a group with no one named yet in a row of its own), the participants joined in by one
    left join rather than read group by group. ID and mobile numbers are masked unless the
    user is staff of the participant's own federation (the partner who owns the base reads
    the groups, masked)."""
    bookings = Booking.objects.for_user(request.user).select_related(
        "batch__route__sanatorium", "organisation", "federation"
    )
    filterset = BookingFilterSet(request.GET, bookings, request=request)
    rows = filterset.qs.annotate(
        participant_name=F("participants__member__name"),
        participant_card=F("participants__member__card_number"),
        participant_id_number=F("participants__member__id_number"),
        participant_mobile=F("participants__member__mobile"),
        participant_federation_id=F("participants__member__federation_id"),
    ).order_by("-created_at", "-pk", "participant_name")
    return export_response(
        request,
        rows,
        BOOKING_EXPORT_COLUMNS,
        name="bookings",
        federation_of=lambda b: b.participant_federation_id,
    )
