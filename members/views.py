from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from members.forms import MemberFilterForm, MemberForm
from members.history import history_entries
from members.models import Federation, Member
from members.scoping import can_see_personal_data, user_scope

PAGE_SIZE = 25


def get_member_for_user(request, pk):
    """The member if the user may read it, else 404 (never another federation's page)."""
    return get_object_or_404(
        Member.objects.for_user(request.user).select_related("organisation", "federation"), pk=pk
    )


def get_member_for_editing(request, pk):
    member = get_member_for_user(request, pk)
    if not Member.objects.editable_by(request.user).filter(pk=member.pk).exists():
        # A partner may read the member (masked) but not change it.
        raise Http404
    return member


@login_required
@permission_required("members.view_member", raise_exception=True)
def member_list(request):
    form = MemberFilterForm(
        request.GET or None, federations=Federation.objects.for_user(request.user)
    )
    members = Member.objects.for_user(request.user).select_related("organisation", "federation")
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            search = Q(name__icontains=q) | Q(card_number__icontains=q)
            # Searching by ID or phone number only finds members whose numbers the user may
            # see: otherwise a search would confirm a partner member's full number.
            visible = Member.objects.personal_data_visible_to(request.user)
            search |= Q(pk__in=visible.filter(Q(id_number=q.upper()) | Q(mobile=q)).values("pk"))
            members = members.filter(search)
        if code := form.cleaned_data["federation"]:
            members = members.filter(federation__code=code)
        if employment := form.cleaned_data["employment_form"]:
            members = members.filter(employment_form=employment)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    for member in page:
        member.show_personal = can_see_personal_data(request.user, member.federation_id)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/member_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def member_detail(request, pk):
    member = get_member_for_user(request, pk)
    show_personal = can_see_personal_data(request.user, member.federation_id)
    can_edit = Member.objects.editable_by(request.user).filter(pk=member.pk).exists()
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "show_personal": show_personal,
            "can_edit": can_edit,
            "honours": member.honours.all(),
            # Titles from joint competitions and the federations recognising each (two queries).
            "titles": member.titles.select_related("entry__event__competition").prefetch_related(
                "recognised_by"
            ),
            "history": history_entries(member, show_personal=show_personal),
        },
    )


@login_required
@permission_required("members.add_member", raise_exception=True)
def member_create(request):
    if not user_scope(request.user).can_edit:
        raise Http404
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        messages.success(request, _("Member %(name)s was added.") % {"name": member.name})
        return redirect(member)
    return render(request, "members/member_form.html", {"form": form, "member": None})


@login_required
@permission_required("members.change_member", raise_exception=True)
def member_update(request, pk):
    member = get_member_for_editing(request, pk)
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Member %(name)s was saved.") % {"name": member.name})
        return redirect(member)
    return render(request, "members/member_form.html", {"form": form, "member": member})
