"""Writes on the register go through members.services: the owner writes with their name on
the history row; a partner, an outsider and a leader are refused and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members import services
from members.models import Federation, Honour, Member, Organisation, Role, StaffProfile, User
from tests.factories import StaffProfileFactory, UserFactory, id_number_for

pytestmark = pytest.mark.django_db


def new_member(organisation, n=1):
    return Member(
        organisation=organisation,
        name="周杰",
        card_number=f"T{n:07d}",
        id_number=id_number_for(7000 + n),
        mobile="13700000000",
        gender=Member.Gender.MALE,
        join_date="2024-05-01",
    )


@pytest.fixture
def administrator(hz_org):
    user = UserFactory(username="sysadmin")
    StaffProfileFactory(user=user, organisation=hz_org, role=Role.ADMINISTRATOR)
    return User.objects.get(pk=user.pk)


# --- members --------------------------------------------------------------------------------


def test_owner_creates_a_member_in_the_organisations_federation(hz_staff, hz_org):
    member = services.member_create(actor=hz_staff, member=new_member(hz_org), reason="试")
    assert member.federation == hz_org.federation
    record = member.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        hz_staff,
        "试",
    )


@pytest.mark.parametrize("actor", ["hz_staff", "wz_staff"])
def test_staff_file_no_member_under_another_federations_organisation(request, actor, nb_org):
    with pytest.raises(PermissionDenied):
        services.member_create(actor=request.getfixturevalue(actor), member=new_member(nb_org))
    assert not Member.objects.exists()


@pytest.mark.parametrize("actor", ["hz_leader", "hz_judge"])
def test_leaders_and_judges_add_no_member(request, actor, hz_org):
    with pytest.raises(PermissionDenied):
        services.member_create(actor=request.getfixturevalue(actor), member=new_member(hz_org))
    assert not Member.objects.exists()


def test_an_administrator_role_without_superuser_adds_no_member(administrator, hz_org):
    with pytest.raises(PermissionDenied):
        services.member_create(actor=administrator, member=new_member(hz_org))
    assert not Member.objects.exists()


def test_owner_updates_and_the_history_names_them(hz_staff, hz_member):
    hz_member.mobile = "13900000000"
    services.member_update(actor=hz_staff, member=hz_member)
    latest = hz_member.history.first()
    assert (latest.history_type, latest.history_user, latest.mobile) == (
        "~",
        hz_staff,
        "13900000000",
    )


@pytest.mark.parametrize("actor", ["nb_staff", "wz_staff", "hz_leader"])
def test_partner_outsider_and_leader_cannot_update(request, actor, hz_member):
    hz_member.name = "改名"
    with pytest.raises(PermissionDenied):
        services.member_update(actor=request.getfixturevalue(actor), member=hz_member)
    assert Member.objects.get(pk=hz_member.pk).name == "张伟"


def test_owner_cannot_move_a_member_to_the_partner(hz_staff, hz_member, hz_org, nb_org):
    hz_member.organisation = nb_org
    with pytest.raises(PermissionDenied):
        services.member_update(actor=hz_staff, member=hz_member)
    stored = Member.objects.get(pk=hz_member.pk)
    assert (stored.organisation, stored.federation.code) == (hz_org, "HZ")
    assert hz_member.history.count() == 1


def test_owner_deletes_a_member_and_the_partner_cannot(hz_staff, nb_staff, hz_member):
    with pytest.raises(PermissionDenied):
        services.member_delete(actor=nb_staff, member=hz_member)
    assert Member.objects.filter(pk=hz_member.pk).exists()
    pk = hz_member.pk
    services.member_delete(actor=hz_staff, member=hz_member)
    assert not Member.objects.filter(pk=pk).exists()
    assert Member.history.filter(id=pk, history_type="-").get().history_user == hz_staff


def test_bulk_create_validates_and_records_the_reason(hz_org):
    members = [new_member(hz_org, n) for n in range(1, 4)]
    created = services.member_bulk_create(members=members)
    assert {m.federation for m in Member.objects.all()} == {hz_org.federation}
    records = Member.history.filter(id__in=[m.pk for m in created])
    assert [(r.history_user, r.history_change_reason) for r in records] == [(None, "seed_demo")] * 3


def test_bulk_create_refuses_a_bad_member_and_writes_none(hz_org):
    bad = new_member(hz_org, 2)
    bad.mobile = "1234"
    with pytest.raises(ValidationError) as refused:
        services.member_bulk_create(members=[new_member(hz_org, 1), bad])
    assert "mobile" in refused.value.message_dict
    assert not Member.objects.exists()


def test_bulk_create_refuses_an_actor_outside_the_federation(nb_staff, hz_org):
    with pytest.raises(PermissionDenied):
        services.member_bulk_create(actor=nb_staff, members=[new_member(hz_org)])
    assert not Member.objects.exists()


# --- honours and organisations ----------------------------------------------------------------


def test_honours_are_written_by_the_owner_only(hz_staff, nb_staff, hz_member):
    honour = Honour(member=hz_member, kind="craftsman", level="municipal", year=2023)
    with pytest.raises(PermissionDenied):
        services.honour_save(actor=nb_staff, honour=honour)
    services.honour_save(actor=hz_staff, honour=honour)
    assert honour.history.get().history_user == hz_staff
    with pytest.raises(PermissionDenied):
        services.honour_delete(actor=nb_staff, honour=honour)
    services.honour_delete(actor=hz_staff, honour=honour)
    assert not Honour.objects.exists()


def test_organisations_are_added_in_the_own_federation_only(hz_staff, hz, nb, hz_org):
    own = Organisation(federation=hz, parent=hz_org, name="文三街道工会", kind="grassroots")
    services.organisation_save(actor=hz_staff, organisation=own)
    assert own.history.get().history_user == hz_staff
    with pytest.raises(PermissionDenied):
        services.organisation_save(
            actor=hz_staff,
            organisation=Organisation(federation=nb, name="江北区总工会", kind="district"),
        )
    assert not Organisation.objects.filter(name="江北区总工会").exists()


def test_staff_delete_no_organisation(hz_staff, hz_org):
    with pytest.raises(PermissionDenied):
        services.organisation_delete(actor=hz_staff, organisation=hz_org)
    assert Organisation.objects.filter(pk=hz_org.pk).exists()


# --- accounts -------------------------------------------------------------------------------


def test_an_administrator_gives_roles_and_staff_cannot(administrator, hz_staff, hz_org):
    newcomer = services.user_save(actor=administrator, user=User(username="hz-new", password="!"))
    profile = StaffProfile(user=newcomer, organisation=hz_org, role=Role.APPROVER)
    with pytest.raises(PermissionDenied):
        services.staff_profile_save(actor=hz_staff, profile=profile)
    services.staff_profile_save(actor=administrator, profile=profile)
    assert profile.history.get().history_user == administrator
    assert list(newcomer.groups.values_list("name", flat=True)) == ["approver"]
    with pytest.raises(PermissionDenied):
        services.user_save(actor=hz_staff, user=User(username="hz-other", password="!"))


def test_only_a_superuser_touches_a_superuser(administrator, superuser):
    superuser.name = "改名"
    with pytest.raises(PermissionDenied):
        services.user_save(actor=administrator, user=superuser)
    promoted = User.objects.get(pk=administrator.pk)
    promoted.is_superuser = True
    with pytest.raises(PermissionDenied):
        services.user_save(actor=administrator, user=promoted)
    assert not User.objects.get(pk=administrator.pk).is_superuser
    superuser.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.user_delete(actor=administrator, user=superuser)
    services.user_save(actor=superuser, user=superuser)


def test_staff_cannot_change_a_federation(hz_staff, hz):
    hz.name = "改名"
    with pytest.raises(PermissionDenied):
        services.federation_save(actor=hz_staff, federation=hz)
    assert Federation.objects.get(pk=hz.pk).name == "杭州市总工会"


def test_seed_demo_writes_through_the_services(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo")
    member = Member.objects.order_by("pk").first()
    record = member.history.get()
    assert (record.history_user, record.history_change_reason) == (None, "seed_demo")
    profile = StaffProfile.objects.get(user__username="hz-staff")
    assert profile.history.get().history_change_reason == "seed_demo"
    assert Honour.history.filter(history_change_reason="seed_demo").count() == 24
