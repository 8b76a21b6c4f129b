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
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from members.access import get_object_for_user, may_create
from members.files import private_file_response
from members.filters import paginate
from members.history import history_entries
from members.models import Federation
from members.scoping import user_scope
from members.web import error_messages, show_on_form
from sanatoriums import services
from sanatoriums.filters import DirectoryFilterSet
from sanatoriums.forms import DecisionForm, PhotoForm, ProposeForm, RevokeForm, SanatoriumForm
from sanatoriums.models import OPEN_RECOGNITION_STATUSES, Photo, Recognition, Sanatorium

DIRECTORY_PAGE_SIZE = 12
QUEUE_PAGE_SIZE = 50
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


def sanatorium_detail(request, pk):
    sanatorium = get_sanatorium_for_user(request, pk)
    context = {
        "sanatorium": sanatorium,
        "photos": sanatorium.photo_list,
        "badges": open_to_badges(sanatorium),
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
        )
    return render(request, "sanatoriums/detail.html", context)


# --- staff -----------------------------------------------------------------------------------


@login_required
@permission_required("sanatoriums.view_sanatorium", raise_exception=True)
def sanatorium_manage(request):
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
    )
    own = [b for b in bases if b.federation_id == own_federation_id]
    partner = [b for b in bases if b.federation_id != own_federation_id]
    return render(
        request,
        "sanatoriums/manage.html",
        {
            "own": own,
            "partner": partner,
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
    involved = Recognition.objects.involving(request.user).select_related(*RECOGNITION_RELATED)
    page = paginate(request, involved, QUEUE_PAGE_SIZE)
    # The rows of the page this user may renew or revoke, in one query.
    decidable = Recognition.objects.decidable_by(request.user).filter(
        pk__in=[recognition.pk for recognition in page]
    )
    return render(
        request,
        "sanatoriums/queue.html",
        {
            "awaiting": Recognition.objects.awaiting(request.user).select_related(
                *RECOGNITION_RELATED
            ),
            "page": page,
            "decidable": set(decidable.values_list("pk", flat=True)),
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
