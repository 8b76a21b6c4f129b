"""The admin gives away nothing beside its scoped rows: not through history and version pages,
changelist lookups on personal data, filter sidebars, or the roles allowed in.

Records belong to 杭州 (HZ); 宁波 (NB) is its partner; 温州 (WZ) has no agreement with either.
Each test is written for the class (every admin with history, every admin with personal data,
every filter sidebar), walking the admin registry so that a new admin is covered too.
"""

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from cooperation.models import Agreement, Pillar, Venue
from members.admin_scoping import PortalAdminMixin, ScopedHistoryAdmin, reaches_personal_data
from members.models import Member, Role
from tests.competitions.factories import CompetitionFactory, EntryFactory, EventFactory
from tests.cooperation.factories import (
    ActionItemFactory,
    ContactFactory,
    MeetingFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    VenueFactory,
)
from tests.factories import (
    AgreementFactory,
    MemberFactory,
    StaffProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HISTORY_ADMINS = sorted(
    (
        (model._meta.app_label, model._meta.model_name)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ),
)


PORTAL_APPS = {"members", "cooperation", "sanatoriums", "competitions"}


def test_every_admin_is_a_portal_admin_and_history_is_scoped():
    from django.contrib.auth.models import Permission

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PORTAL_APPS:
            # Libraries' admins (groups, sign-in attempts) are for superusers alone: no role
            # holds a permission on them.
            assert not Permission.objects.filter(
                content_type__app_label=model._meta.app_label,
                content_type__model=model._meta.model_name,
                group__isnull=False,
            ).exists(), model
            continue
        assert isinstance(model_admin, PortalAdminMixin), model
        if isinstance(model_admin, SimpleHistoryAdmin):
            assert isinstance(model_admin, ScopedHistoryAdmin), model
    assert len(HISTORY_ADMINS) >= 7


@pytest.fixture
def hz_records(agreement, hz, nb, hz_staff):
    """One HZ record of every model whose admin shows history, by model label."""
    Pillar.objects.ensure()
    project = ProjectFactory(
        agreement=agreement, lead_federation=hz, partners=[nb], title="杭州私有项目"
    )
    competition = CompetitionFactory(hosts=[hz], title="杭州草稿竞赛")
    records = {
        "cooperation.agreement": agreement,
        "cooperation.project": project,
        "cooperation.progressupdate": ProgressUpdateFactory(project=project, text="杭州内部进展"),
        "cooperation.venue": VenueFactory(federation=hz, name="杭州职工学校"),
        "competitions.competition": competition,
        "competitions.event": EventFactory(competition=competition, name="杭州工种"),
        "members.staffprofile": hz_staff.staff_profile,
        **_places_records(hz, hz_staff.staff_profile.organisation),
    }
    # --- liaison ---
    meeting = MeetingFactory(host_federation=hz, title="杭州内部会议")
    records["cooperation.contact"] = ContactFactory(federation=hz, name="杭州对接人")
    records["cooperation.meeting"] = meeting
    records["cooperation.actionitem"] = ActionItemFactory(outcome__meeting=meeting)
    assert set(records) == {f"{a}.{m}" for a, m in HISTORY_ADMINS}
    return records


def _places_records(hz, organisation):
    """HZ's route, batch, allocation, booking and a participant's feedback."""
    from sanatoriums.models import Allocation, Booking, Feedback, Participant
    from tests.sanatoriums.factories import BatchFactory, RouteFactory, SanatoriumFactory

    batch = BatchFactory(route=RouteFactory(sanatorium=SanatoriumFactory(federation=hz)))
    booking = Booking.objects.create(batch=batch, organisation=organisation, headcount=2)
    participant = Participant.objects.create(
        booking=booking, member=MemberFactory(organisation=organisation)
    )
    return {
        "sanatoriums.route": batch.route,
        "sanatoriums.batch": batch,
        "sanatoriums.allocation": Allocation.objects.create(batch=batch, federation=hz, places=9),
        "sanatoriums.booking": booking,
        "sanatoriums.feedback": Feedback.objects.create(participant=participant, rating=4),
    }


def _history_urls(obj):
    opts = obj._meta
    version = obj.history.latest("history_date")
    return (
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]),
        reverse(
            f"admin:{opts.app_label}_{opts.model_name}_simple_history",
            args=[obj.pk, version.history_id],
        ),
    )


def _row(obj):
    return type(obj).objects.filter(pk=obj.pk).values().get()


VIEWERS = ["hz_staff", "nb_staff", "wz_staff", "hz_leader", "hz_judge", "superuser"]


@pytest.mark.parametrize("label", [f"{a}.{m}" for a, m in HISTORY_ADMINS])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_version_page_never_saves(client, request, hz_records, label, viewer):
    """Posting a version page is refused to everyone, the owner and administrators too: the
    portal has no reverting, and the library's form saves without a change check."""
    obj = hz_records[label]
    before = _row(obj)
    versions = obj.history.count()
    client.force_login(request.getfixturevalue(viewer))
    _, version_url = _history_urls(obj)
    response = client.post(version_url, {"title": "改写", "name": "改写", "text": "改写"})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:  # leaders and judges are sent to the admin's sign-in
        assert "/admin/login/" in response["Location"]
    assert _row(obj) == before
    assert obj.history.count() == versions


def test_outsider_cannot_move_a_venue_or_join_the_agreement(client, hz_records, wz, wz_staff):
    """The attacks of the report, with forms that would be valid: a third city's staff moves
    HZ's venue to itself and adds itself to the agreement's parties."""
    venue, agreement = hz_records["cooperation.venue"], hz_records["cooperation.agreement"]
    client.force_login(wz_staff)
    _, venue_version = _history_urls(venue)
    client.post(
        venue_version,
        {
            "federation": wz.pk,
            "name": venue.name,
            "kind": venue.kind,
            "address": venue.address,
            "open_to_partners": "on",
        },
    )
    _, agreement_version = _history_urls(agreement)
    client.post(
        agreement_version,
        {
            "title": agreement.title,
            "parties": [p.pk for p in agreement.parties.all()] + [wz.pk],
            "signed_on": "2021-07-15",
            "valid_from": "2021-07-15",
            "phases-TOTAL_FORMS": "0",
            "phases-INITIAL_FORMS": "0",
        },
    )
    assert Venue.objects.get(pk=venue.pk).federation_id != wz.pk
    assert not Agreement.objects.filter(pk=agreement.pk, parties=wz).exists()


@pytest.mark.parametrize("label", [f"{a}.{m}" for a, m in HISTORY_ADMINS])
def test_history_pages_of_an_unreadable_record_answer_404(client, hz_records, wz_staff, label):
    obj = hz_records[label]
    client.force_login(wz_staff)
    for url in _history_urls(obj):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert str(obj) not in response.text


@pytest.mark.parametrize(
    "label", ["cooperation.project", "cooperation.venue", "competitions.competition"]
)
def test_partner_reads_history_and_version_pages_without_a_save_button(
    client, hz_records, nb_staff, label
):
    obj = hz_records[label]
    client.force_login(nb_staff)
    history_url, version_url = _history_urls(obj)
    assert client.get(history_url).status_code == 200
    response = client.get(version_url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", response.text)
    assert fields  # the page does render its form elements: the csrf token at least
    for field in fields:
        assert 'name="csrfmiddlewaretoken"' in field or 'id="nav-filter"' in field, field


def test_owner_version_page_is_read_only(client, hz_records, hz_staff):
    _, version_url = _history_urls(hz_records["cooperation.venue"])
    client.force_login(hz_staff)
    response = client.get(version_url)
    assert response.status_code == 200
    assert 'name="name"' not in response.text  # shown as text, not as an input
    assert "杭州职工学校" in response.text


# --- changelist lookups on personal data ----------------------------------------------------


def _personal_paths():
    """(changelist url, lookup prefix) for every admin whose model is or points to Member."""
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        if model is Member:
            yield url, ""
        for field in model._meta.get_fields():
            if field.is_relation and field.many_to_one and field.related_model is Member:
                yield url, f"{field.name}__"


PERSONAL_LOOKUPS = [
    "id_number__startswith=3301",
    "id_number__regex=^11",
    "id_number__gte=1",
    "id_number=11010519491231002X",
    "id_number__exact=11010519491231002X",
    "mobile__startswith=138",
    "mobile=13812345678",
]


def test_personal_paths_cover_every_admin_with_personal_data():
    urls = {url for url, _ in _personal_paths()}
    assert reverse("admin:members_member_changelist") in urls
    assert reverse("admin:competitions_entry_changelist") in urls
    assert len(urls) >= 4  # member, honour, entry, title


@pytest.mark.parametrize("lookup", PERSONAL_LOOKUPS)
def test_changelists_refuse_lookups_on_personal_data(client, hz_staff, nb_member, lookup):
    client.force_login(hz_staff)
    for url, prefix in _personal_paths():
        response = client.get(f"{url}?{prefix}{lookup}")
        assert response.status_code == 400, (url, prefix, lookup)


def test_administrators_may_look_up_numbers(client, superuser, hz_member):
    client.force_login(superuser)
    url = reverse("admin:members_member_changelist")
    response = client.get(f"{url}?id_number__startswith=1101")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [hz_member]


def test_lookups_on_other_fields_still_work(client, hz_staff, hz_member):
    client.force_login(hz_staff)
    url = reverse("admin:members_member_changelist")
    response = client.get(f"{url}?card_number__startswith=HZ")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [hz_member]


def test_no_admin_searches_personal_data():
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.search_fields:
            assert not reaches_personal_data(model, name.lstrip("^=@")), (model, name)


# --- filter sidebars -----------------------------------------------------------------------


@pytest.fixture
def wz_records(wz, wz_org, wz_staff):
    """A third city's records, each with a name that must not reach HZ's or NB's pages."""
    Pillar.objects.ensure()
    wz_agreement = AgreementFactory(title="温州协议", parties=[wz])
    competition = CompetitionFactory(
        hosts=[wz], title="温州草稿竞赛", status=CompetitionFactory._meta.model.Status.DRAFT
    )
    event = EventFactory(competition=competition, name="温州工种")
    member = MemberFactory(organisation=wz_org, name="温州会员")
    EntryFactory(event=event, member=member, federation=wz)
    ProjectFactory(agreement=wz_agreement, lead_federation=wz, title="温州自己的项目")
    VenueFactory(federation=wz, name="温州职工学校")
    return ["温州", "鹿城区总工会", "温州草稿竞赛", "温州工种", "温州会员", "温州自己的项目"]


@pytest.mark.parametrize("viewer", ["hz_staff", "nb_staff", "hz_leader"])
def test_no_changelist_names_a_third_federations_records(client, request, wz_records, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    seen = 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        for name in wz_records:
            assert name not in response.text, (url, name)
    if viewer != "hz_leader":
        assert seen >= 12


def test_filter_sidebar_offers_only_related_objects_of_visible_rows(client, hz_staff, wz_records):
    """The class rule behind the test above: every related-field filter's choices."""
    client.force_login(hz_staff)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        if response.status_code != 200:
            continue
        changelist = response.context["cl"]
        for spec in changelist.filter_specs:
            if isinstance(spec, admin.RelatedFieldListFilter):
                assert isinstance(spec, admin.RelatedOnlyFieldListFilter), (url, spec.title)


# --- roles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["hz_leader", "hz_judge"])
def test_leaders_and_judges_do_not_sign_in_to_the_admin(client, request, viewer):
    user = request.getfixturevalue(viewer)
    user.refresh_from_db()
    assert not user.is_staff
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_leader_flagged_staff_by_hand_still_finds_the_admin_closed(client, hz_leader):
    type(hz_leader).objects.filter(pk=hz_leader.pk).update(is_staff=True)
    hz_leader.refresh_from_db()
    client.force_login(hz_leader)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:members_member_changelist")).status_code == 302


@pytest.mark.parametrize("viewer", ["hz_staff", "hz_approver"])
def test_staff_and_approvers_sign_in_to_the_admin(client, request, viewer):
    client.force_login(request.getfixturevalue(viewer))
    assert client.get(reverse("admin:index")).status_code == 200


def test_judges_read_no_shared_records(client, hz_judge, hz_member, hz_records):
    judge = hz_judge
    client.force_login(judge)
    assert client.get(reverse("members:list")).status_code in (403, 404)
    project = hz_records["cooperation.project"]
    response = client.get(project.get_absolute_url())
    assert "杭州私有项目" not in response.text
    assert not judge.has_perm("members.view_member")
    assert not judge.has_perm("cooperation.view_project")
    assert not Member.objects.for_user(judge).exists()


@pytest.fixture
def administrator(hz_org):
    user = UserFactory(username="sysadmin")
    StaffProfileFactory(user=user, organisation=hz_org, role=Role.ADMINISTRATOR)
    user.refresh_from_db()
    return user


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2025-01-01",
        "initial-date_joined_1": "08:00:00",
        "staff_profile-TOTAL_FORMS": "0",
        "staff_profile-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_an_administrator_cannot_make_itself_superuser(client, administrator):
    from django.contrib.auth.models import Group, Permission

    client.force_login(administrator)
    url = reverse("admin:members_user_change", args=[administrator.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.text
    assert 'name="user_permissions"' not in page.text
    everything = Permission.objects.get(codename="delete_member")
    client.post(
        url,
        _user_form(
            administrator,
            is_superuser="on",
            user_permissions=[everything.pk],
            groups=[Group.objects.get(name="staff").pk],
        ),
    )
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert not administrator.user_permissions.exists()
    assert list(administrator.groups.values_list("name", flat=True)) == ["administrator"]


def test_an_administrator_cannot_take_over_a_superuser(client, administrator, superuser):
    client.force_login(administrator)
    url = reverse("admin:members_user_change", args=[superuser.pk])
    before = superuser.password
    response = client.post(url, _user_form(superuser, username="taken"))
    assert response.status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    new = {"password1": "Xx-new-pass-9", "password2": "Xx-new-pass-9"}
    response = client.post(password_url, new)
    assert response.status_code in (403, 404)
    superuser.refresh_from_db()
    assert superuser.password == before
    assert superuser.username == "admin"


def test_a_superuser_still_grants_superuser(client, superuser, administrator):
    client.force_login(superuser)
    url = reverse("admin:members_user_change", args=[administrator.pk])
    assert 'name="is_superuser"' in client.get(url).text


# --- partners and the agreement's term ------------------------------------------------------


def test_an_ended_agreement_no_longer_shares_records(client, agreement, hz_staff, nb_member):
    from members.scoping import user_scope

    assert Member.objects.for_user(hz_staff).filter(pk=nb_member.pk).exists()
    agreement.valid_until = timezone.localdate() - datetime.timedelta(days=400)
    agreement.save()
    hz_staff._portal_scope = None
    assert nb_member.federation_id not in user_scope(hz_staff).readable_federation_ids
    assert not Member.objects.for_user(hz_staff).filter(pk=nb_member.pk).exists()
    # Still a party: the agreement itself stays readable.
    assert Agreement.objects.for_user(hz_staff).filter(pk=agreement.pk).exists()


def test_an_agreement_not_yet_in_force_shares_nothing(hz, nb, hz_org, nb_member):
    from members.scoping import partner_ids

    start = datetime.date(2030, 1, 1)
    AgreementFactory(parties=[hz, nb], signed_on=start, valid_from=start)
    assert partner_ids(hz.pk) == set()
    assert partner_ids(hz.pk, on=start) == {nb.pk}
    assert partner_ids(hz.pk, on=start - datetime.timedelta(days=1)) == set()
