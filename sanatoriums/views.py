from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from members.history import history_entries
from members.models import Federation
from members.scoping import user_scope
from sanatoriums import services
from sanatoriums.forms import (
    DecisionForm,
    DirectoryFilterForm,
    PhotoForm,
    ProposeForm,
    RevokeForm,
    SanatoriumForm,
)
from sanatoriums.models import Photo, Recognition, Sanatorium, Theme

DIRECTORY_PAGE_SIZE = 12


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


def get_sanatorium_for_user(request, pk):
    """Active bases are public; a suspended one only to staff who may read it."""
    visible = Sanatorium.objects.active()
    if request.user.is_authenticated:
        visible = Sanatorium.objects.filter(
            Q(status=Sanatorium.Status.ACTIVE)
            | Q(pk__in=Sanatorium.objects.for_user(request.user).values("pk"))
        )
    return get_object_or_404(with_cards(visible), pk=pk)


def get_sanatorium_for_editing(request, pk):
    return get_object_or_404(Sanatorium.objects.editable_by(request.user), pk=pk)


def partner_federations(user, sanatorium):
    """The federations the owner may ask to recognise a base: its partners."""
    return Federation.objects.for_user(user).exclude(pk=sanatorium.federation_id)


# --- public ----------------------------------------------------------------------------------


def directory(request):
    """The public directory: which bases are open to me? Filters live in the URL."""
    federations = list(Federation.objects.all())
    form = DirectoryFilterForm(
        request.GET or None, federations=federations, themes=Theme.objects.all()
    )
    bases = Sanatorium.objects.active()
    open_to = None
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"].strip():
            bases = bases.filter(Q(name__icontains=q) | Q(region__icontains=q))
        if data["open_to"]:
            open_to = next(f for f in federations if f.code == data["open_to"])
            bases = bases.open_to(open_to)
        if data["city"]:
            bases = bases.filter(federation__code=data["city"])
        if data["theme"]:
            bases = bases.filter(themes__key=data["theme"])
        if data["stars"]:
            bases = bases.filter(stars__gte=data["stars"])
    page = Paginator(with_cards(bases.distinct()), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sanatoriums/directory.html",
        {"form": form, "page": page, "query": query.urlencode(), "open_to": open_to},
    )


def detail(request, pk):
    sanatorium = get_sanatorium_for_user(request, pk)
    context = {"sanatorium": sanatorium, "photos": sanatorium.photo_list}
    readable = Sanatorium.objects.for_user(request.user).filter(pk=pk).exists()
    if readable:
        # Staff of the federations in the agreement see the whole recognition record.
        can_edit = Sanatorium.objects.editable_by(request.user).filter(pk=pk).exists()
        recognitions = sanatorium.recognitions.select_related(
            "federation", "proposed_by", "decided_by"
        )
        partners = partner_federations(request.user, sanatorium).exclude(
            pk__in=sanatorium.recognitions.open().values("federation")
        )
        context.update(
            staff_view=True,
            can_edit=can_edit,
            recognitions=recognitions,
            history=history_entries(sanatorium, show_personal=True),
            # Every step of every recognition of this base, in one query.
            recognition_history=Recognition.history.filter(sanatorium_id=sanatorium.pk)
            .select_related("federation", "history_user")
            .order_by("-history_date")[:100],
            propose_form=ProposeForm(partners=partners) if can_edit and partners else None,
            photo_form=PhotoForm() if can_edit else None,
        )
    return render(request, "sanatoriums/detail.html", context)


# --- staff -----------------------------------------------------------------------------------


@login_required
@permission_required("sanatoriums.view_sanatorium", raise_exception=True)
def manage(request):
    scope = user_scope(request.user)
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
    )
    own = [b for b in bases if b.federation_id == scope.federation_id]
    partner = [b for b in bases if b.federation_id != scope.federation_id]
    return render(
        request,
        "sanatoriums/manage.html",
        {
            "own": own,
            "partner": partner,
            "awaiting": Recognition.objects.awaiting(request.user).count(),
            "can_edit": scope.can_edit,
        },
    )


@login_required
@permission_required("sanatoriums.add_sanatorium", raise_exception=True)
def create(request):
    scope = user_scope(request.user)
    if not scope.can_edit or scope.federation_id is None:
        raise Http404
    federation = Federation.objects.get(pk=scope.federation_id)
    form = SanatoriumForm(request.POST or None, federation=federation)
    if request.method == "POST" and form.is_valid():
        sanatorium = form.save()
        messages.success(request, _("Base %(name)s was added.") % {"name": sanatorium.name})
        return redirect(sanatorium)
    return render(request, "sanatoriums/form.html", {"form": form, "sanatorium": None})


@login_required
@permission_required("sanatoriums.change_sanatorium", raise_exception=True)
def update(request, pk):
    sanatorium = get_sanatorium_for_editing(request, pk)
    form = SanatoriumForm(
        request.POST or None, instance=sanatorium, federation=sanatorium.federation
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Base %(name)s was saved.") % {"name": sanatorium.name})
        return redirect(sanatorium)
    return render(request, "sanatoriums/form.html", {"form": form, "sanatorium": sanatorium})


@login_required
@require_POST
def photo_upload(request, pk):
    sanatorium = get_sanatorium_for_editing(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(
                actor=request.user,
                sanatorium=sanatorium,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The photo was added."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(sanatorium)


@require_safe
def photo_file(request, name):
    """A photo of a base, the only stored files with a public address.

    The requested name is looked up as it stands among the stored photo names, never joined
    to a directory, so `..`, `%2e%2e` or an encoded slash finds nothing and no other file
    under MEDIA_ROOT can be reached. Photos are JPEGs re-encoded by the portal."""
    if "\x00" in name:  # PostgreSQL refuses NUL in a query: answer 404, not 500
        raise Http404
    stored = f"sanatoriums/{name}"
    photo = Photo.objects.filter(Q(image=stored) | Q(thumbnail=stored)).first()
    if photo is None:
        raise Http404
    fieldfile = photo.image if photo.image.name == stored else photo.thumbnail
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
@require_POST
def photo_delete(request, pk, photo_pk):
    sanatorium = get_sanatorium_for_editing(request, pk)
    photo = get_object_or_404(sanatorium.photos, pk=photo_pk)
    services.photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect(sanatorium)


@login_required
@require_POST
def propose(request, pk):
    sanatorium = get_sanatorium_for_editing(request, pk)
    form = ProposeForm(request.POST, partners=partner_federations(request.user, sanatorium))
    if form.is_valid():
        try:
            services.recognition_propose(
                actor=request.user,
                sanatorium=sanatorium,
                federation=form.cleaned_data["federation"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Recognition was proposed to %(federation)s.")
                % {"federation": form.cleaned_data["federation"]},
            )
    else:
        messages.error(request, _("Please choose a partner federation."))
    return redirect(sanatorium)


RECOGNITION_RELATED = ("sanatorium__federation", "federation", "proposed_by", "decided_by")


@login_required
@permission_required("sanatoriums.view_recognition", raise_exception=True)
def queue(request):
    """Proposals awaiting the user's decision, and every recognition their federation is in
    (as owner of the base or as the recognising federation)."""
    involved = Recognition.objects.involving(request.user)
    awaiting = Recognition.objects.awaiting(request.user).select_related(*RECOGNITION_RELATED)
    page = Paginator(involved.select_related(*RECOGNITION_RELATED), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sanatoriums/queue.html",
        {
            "awaiting": awaiting,
            "page": page,
            "query": "",
            # Rows this user may renew or revoke (one query for the whole page).
            "decidable": set(
                Recognition.objects.decidable_by(request.user).values_list("pk", flat=True)
            ),
        },
    )


@login_required
def decide(request, pk):
    """Approve or reject a proposal, or renew an approved recognition."""
    recognition = get_object_or_404(
        Recognition.objects.decidable_by(request.user)
        .filter(status__in=Recognition.OPEN_STATUSES)
        .select_related(*RECOGNITION_RELATED),
        pk=pk,
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
            form.add_error(None, error)
        else:
            return redirect("sanatoriums:queue")
    return render(request, "sanatoriums/decide.html", {"recognition": recognition, "form": form})


@login_required
@require_POST
def revoke(request, pk):
    recognition = get_object_or_404(Recognition.objects.decidable_by(request.user), pk=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.recognition_revoke(
                actor=request.user, recognition=recognition, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The recognition was revoked."))
    else:
        messages.error(request, _("Please give a reason."))
    return redirect("sanatoriums:queue")
