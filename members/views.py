from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members import notifications, services
from members.access import get_object_for_user, may_create
from members.exports import ExportColumn, export_response
from members.filters import LIST_PAGE_SIZE, MemberFilterSet, paginate
from members.forms import MemberForm
from members.history import history_entries
from members.masking import mask_id_number, mask_mobile
from members.models import Member, Notification
from members.registry import registry
from members.rows import csrf_input, member_rows, notification_rows
from members.scoping import can_see_personal_data, personal_data_shown, with_federations

PAGE_SIZE = LIST_PAGE_SIZE


def get_member_for_user(request, pk, *, perm=None):
    """The member if the user reads it (and, with `perm`, holds `perm` for it), else 404."""
    return get_object_for_user(
        request,
        Member.objects.select_related("organisation__federation", "federation"),
        pk,
        perm=perm,
    )


@login_required
@permission_required("members.view_member", raise_exception=True)
def member_list(request):
    filterset = MemberFilterSet(
        request.GET,
        # The federations (the member's, the organisation's) come from with_federations.
        Member.objects.for_user(request.user).select_related("organisation"),
        request=request,
    )
    page = paginate(request, filterset.qs, PAGE_SIZE)
    with_federations(page, request.user, "federation", "organisation.federation")
    for member in page:
        member.show_personal = can_see_personal_data(request.user, member.federation_id)
    return render(
        request,
        "members/member_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": member_rows(page),
            "can_add": may_create(request.user, "members.add_member"),
            "personal_data": personal_data_shown(request.user),
        },
    )


@login_required
def member_detail(request, pk):
    member = get_member_for_user(request, pk)
    show_personal = can_see_personal_data(request.user, member.federation_id)
    # What other apps show about the member (members.registry), each in its own template.
    sections = [
        (section.template, context)
        for section in registry.member_sections
        if (context := section.context(request, member, show_personal)) is not None
    ]
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "show_personal": show_personal,
            "can_edit": request.user.has_perm("members.change_member", member),
            "honours": member.honours.all(),
            "sections": sections,
            "history": history_entries(member, show_personal=show_personal),
        },
    )


@login_required
@permission_required("members.add_member", raise_exception=True)
def member_create(request):
    if not may_create(request.user, "members.add_member"):
        raise Http404
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        member = services.member_create(actor=request.user, member=form.instance)
        messages.success(request, _("Member %(name)s was added.") % {"name": member.name})
        return redirect(member)
    return render(request, "members/member_form.html", {"form": form, "member": None})


@login_required
@permission_required("members.change_member", raise_exception=True)
def member_update(request, pk):
    member = get_member_for_user(request, pk, perm="members.change_member")
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.member_update(actor=request.user, member=form.instance)
        messages.success(request, _("Member %(name)s was saved.") % {"name": member.name})
        return redirect(member)
    return render(request, "members/member_form.html", {"form": form, "member": member})


# --- the inbox (members.notifications) -----------------------------------------------------

INBOX_PAGE_SIZE = LIST_PAGE_SIZE


@login_required
def inbox(request):
    """The signed-in user's notifications, newest first; `?unread=yes` shows only the
    unread ones."""
    rows = Notification.objects.filter(recipient=request.user).select_related("actor")
    unread_only = request.GET.get("unread") == "yes"
    if unread_only:
        rows = rows.unread()
    page = paginate(request, rows, INBOX_PAGE_SIZE)
    return render(
        request,
        "members/inbox.html",
        {
            "page": page,
            "rows": notification_rows(page, csrf=csrf_input(request)),
            "unread_only": unread_only,
        },
    )


@require_POST
@login_required
def inbox_read(request, pk):
    """Mark one notification read and go where it points (only the user's own: 404
    otherwise)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.mark_read(user=request.user, notification=notification)
    target = notification.url
    if (
        request.POST.get("open")
        and target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(target)
    return redirect("inbox:list")


@require_POST
@login_required
def inbox_read_all(request):
    count = notifications.mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("inbox:list")


# --- excel --- the member list as .xlsx or .csv (members.exports)

MEMBER_EXPORT_COLUMNS = [
    ExportColumn(gettext_lazy("Name"), lambda m: m.name),
    ExportColumn(gettext_lazy("Member card number"), lambda m: m.card_number),
    ExportColumn(gettext_lazy("Federation"), lambda m: m.federation.display_name),
    ExportColumn(gettext_lazy("Organisation"), lambda m: m.organisation.display_name),
    ExportColumn(gettext_lazy("Gender"), lambda m: m.get_gender_display()),
    ExportColumn(
        gettext_lazy("Resident ID number"), lambda m: m.id_number, personal=mask_id_number
    ),
    ExportColumn(gettext_lazy("Mobile number"), lambda m: m.mobile, personal=mask_mobile),
    ExportColumn(gettext_lazy("Employment form"), lambda m: m.get_employment_form_display()),
    ExportColumn(gettext_lazy("Join date"), lambda m: m.join_date),
]


@login_required
@permission_required("members.view_member", raise_exception=True)
def member_export(request):
    """The member list as the user filtered it, within their scope; ID and mobile numbers
    masked unless the user is staff of the member's own federation."""
    filterset = MemberFilterSet(
        request.GET,
        Member.objects.for_user(request.user).select_related(
            "organisation__federation", "federation"
        ),
        request=request,
    )
    return export_response(request, filterset.qs, MEMBER_EXPORT_COLUMNS, name="members")
