"""The one scoping mechanism: owner, partner, outsider, leader, administrator."""

import pytest

from members.models import Member, Organisation
from members.scoping import can_see_personal_data
from tests.factories import AgreementFactory, FederationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(hz_member, nb_member, wz_member):
    return hz_member, nb_member, wz_member


def test_staff_read_own_and_partner_records(everyone, hz_staff):
    hz_member, nb_member, wz_member = everyone
    assert set(Member.objects.for_user(hz_staff)) == {hz_member, nb_member}


def test_staff_change_only_their_own(everyone, hz_staff):
    hz_member, _nb, _wz = everyone
    assert list(Member.objects.editable_by(hz_staff)) == [hz_member]


def test_outsider_reads_only_their_own(everyone, wz_staff):
    _hz, _nb, wz_member = everyone
    assert list(Member.objects.for_user(wz_staff)) == [wz_member]
    assert list(Member.objects.editable_by(wz_staff)) == [wz_member]


def test_leader_only_reads_and_judge_reads_nothing(everyone, hz_leader, hz_judge):
    assert Member.objects.for_user(hz_leader).count() == 2
    assert not Member.objects.editable_by(hz_leader).exists()
    # Judges score on their own pages and see entrant numbers only.
    assert not Member.objects.for_user(hz_judge).exists()
    assert not Member.objects.editable_by(hz_judge).exists()


def test_anonymous_and_profileless_users_see_nothing(everyone, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Member.objects.for_user(AnonymousUser()).exists()
    loner = django_user_model.objects.create_user("loner", password="x-123456789")
    assert not Member.objects.for_user(loner).exists()
    assert not Member.objects.editable_by(loner).exists()


def test_superuser_sees_and_changes_all(everyone, superuser):
    assert Member.objects.for_user(superuser).count() == 3
    assert Member.objects.editable_by(superuser).count() == 3


def test_a_third_federation_joins_by_data(everyone, hz_staff, wz):
    _hz, _nb, wz_member = everyone
    hz_staff_fresh = type(hz_staff).objects.get(pk=hz_staff.pk)  # scope is cached per object
    assert wz_member not in Member.objects.for_user(hz_staff_fresh)
    AgreementFactory(title="三城联盟", parties=[hz_staff.staff_profile.federation, wz])
    hz_staff_fresh = type(hz_staff).objects.get(pk=hz_staff.pk)
    assert wz_member in Member.objects.for_user(hz_staff_fresh)


def test_personal_data_only_for_own_staff_and_approvers(
    hz, nb, hz_staff, hz_approver, nb_staff, hz_leader, hz_judge, superuser
):
    assert can_see_personal_data(hz_staff, hz.id)
    assert can_see_personal_data(hz_approver, hz.id)
    assert not can_see_personal_data(hz_staff, nb.id)
    assert not can_see_personal_data(nb_staff, hz.id)
    assert not can_see_personal_data(hz_leader, hz.id)
    assert not can_see_personal_data(hz_judge, hz.id)
    assert can_see_personal_data(superuser, hz.id)


def test_organisation_parent_must_be_in_the_same_federation(hz_org, nb):
    from django.core.exceptions import ValidationError

    child = Organisation(federation=nb, parent=hz_org, name="跨市", kind="grassroots")
    with pytest.raises(ValidationError) as raised:
        child.full_clean()
    assert "parent" in raised.value.message_dict


def test_organisation_cannot_be_its_own_ancestor(hz):
    from django.core.exceptions import ValidationError

    top = OrganisationFactory(federation=hz)
    below = OrganisationFactory(federation=hz, parent=top)
    top.parent = below
    with pytest.raises(ValidationError):
        top.full_clean()


def test_role_change_moves_the_user_between_groups(hz_staff):
    profile = hz_staff.staff_profile
    profile.role = "approver"
    profile.save()
    assert list(hz_staff.groups.values_list("name", flat=True)) == ["approver"]
    assert hz_staff.is_staff
    assert profile.history.count() == 2  # created, then changed


def test_federation_code_must_be_upper_case():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        FederationFactory(code="hz")


def test_federations_are_scoped_like_everything_else(hz, nb, wz, hz_staff, wz_staff, hz_leader):
    from members.models import Federation

    assert set(Federation.objects.for_user(hz_staff)) == {hz, nb}
    assert list(Federation.objects.editable_by(hz_staff)) == [hz]
    assert list(Federation.objects.for_user(wz_staff)) == [wz]
    assert not Federation.objects.editable_by(hz_leader).exists()


def test_personal_data_queryset_follows_the_same_rule(everyone, hz_staff, nb_staff, hz_leader):
    hz_member, nb_member, _wz = everyone
    assert list(Member.objects.personal_data_visible_to(hz_staff)) == [hz_member]
    assert list(Member.objects.personal_data_visible_to(nb_staff)) == [nb_member]
    assert not Member.objects.personal_data_visible_to(hz_leader).exists()


def test_rows_get_their_federations_from_the_scope_and_any_other_in_one_query(
    everyone, hz_staff, hz, nb, wz, django_assert_num_queries
):
    from members.models import User
    from members.scoping import readable_federations, with_federations

    hz_member, nb_member, wz_member = everyone
    user = User.objects.get(pk=hz_staff.pk)
    assert [f.code for f in readable_federations(user)] == sorted([hz.code, nb.code])
    members = list(
        Member.objects.select_related("organisation").filter(
            pk__in=[hz_member.pk, nb_member.pk, wz_member.pk]
        )
    )
    # The user reads HZ and NB (already in hand); WZ, which they do not read, is one query.
    with django_assert_num_queries(1):
        with_federations(members, user, "federation", "organisation.federation")
    with django_assert_num_queries(0):
        named = {m.pk: (m.federation.code, m.organisation.federation.code) for m in members}
    assert named == {
        hz_member.pk: (hz.code, hz.code),
        nb_member.pk: (nb.code, nb.code),
        wz_member.pk: (wz.code, wz.code),
    }
