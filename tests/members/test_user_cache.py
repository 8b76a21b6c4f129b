"""A signed-in user's scope and unread count from the shared cache (members.scoping,
members.notifications): two queries fewer on every page, and every change that decides who
reads what, or what is in the inbox, shows on the very next request."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Notification, Role, StaffProfile, User
from members.notifications import mark_all_read, unread_count
from members.scoping import user_scope
from tests.factories import AgreementFactory, FederationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def user_cache(settings):
    settings.USER_CACHE_SECONDS = 300


def fresh(user):
    """The user as the next request loads them (no scope remembered on the object)."""
    return User.objects.get(pk=user.pk)


def scope_of(user):
    return user_scope(fresh(user))


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_second_request_asks_neither_scope_nor_unread_count(client, hz_staff):
    client.force_login(hz_staff)
    first = queries(client, reverse("inbox:list"))
    assert queries(client, reverse("inbox:list")) == first - 3  # profile, partners, unread


def test_a_changed_role_shows_on_the_next_request(hz_staff, hz, nb):
    assert scope_of(hz_staff).can_edit
    profile = StaffProfile.objects.get(user=hz_staff)
    profile.role = Role.LEADER
    profile.save()
    scope = scope_of(hz_staff)
    assert scope.role == Role.LEADER and not scope.can_edit


def test_an_agreement_ended_stops_the_sharing_at_once(hz_staff, agreement, hz, nb):
    assert scope_of(hz_staff).readable_federation_ids == {hz.pk, nb.pk}
    agreement.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    agreement.save()
    assert scope_of(hz_staff).readable_federation_ids == {hz.pk}


def test_a_party_removed_or_added_shows_at_once(hz_staff, agreement, hz, nb):
    agreement.parties.remove(nb)
    assert scope_of(hz_staff).readable_federation_ids == {hz.pk}
    sh = FederationFactory(code="SH", name="上海市总工会", city="上海", short_name="沪")
    AgreementFactory(parties=[hz, sh])
    assert scope_of(hz_staff).readable_federation_ids == {hz.pk, sh.pk}


def test_an_agreement_ending_at_midnight_stops_the_sharing_then(
    hz_staff, agreement, hz, nb, monkeypatch
):
    agreement.valid_until = timezone.localdate()
    agreement.save()
    assert scope_of(hz_staff).readable_federation_ids == {hz.pk, nb.pk}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    moment = timezone.make_aware(
        datetime.datetime.combine(tomorrow, datetime.time(0, 1)), timezone.get_default_timezone()
    )
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert scope_of(hz_staff).readable_federation_ids == {hz.pk}


def test_a_user_moved_to_another_federation_reads_its_records(hz_staff, wz):
    assert scope_of(hz_staff).federation_id != wz.pk
    profile = StaffProfile.objects.get(user=hz_staff)
    profile.organisation = OrganisationFactory(federation=wz, name="鹿城区总工会")
    profile.save()
    assert scope_of(hz_staff).federation_id == wz.pk


def test_the_superuser_flag_is_always_the_users_own(hz_staff):
    assert not scope_of(hz_staff).is_superuser
    User.objects.filter(pk=hz_staff.pk).update(is_superuser=True)  # no signal at all
    assert scope_of(hz_staff).is_superuser


def test_the_unread_count_follows_new_and_read_notifications(client, hz_staff):
    assert unread_count(fresh(hz_staff)) == 0
    Notification.objects.create(recipient=hz_staff, event_key="a", subject="新的转介")
    assert unread_count(fresh(hz_staff)) == 1
    client.force_login(hz_staff)
    assert "data-inbox-unread" in client.get(reverse("inbox:list")).text
    mark_all_read(user=hz_staff)
    assert unread_count(fresh(hz_staff)) == 0
    assert "data-inbox-unread" not in client.get(reverse("inbox:list")).text


def test_a_cache_that_does_not_answer_asks_the_database(hz_staff, hz, nb, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    assert scope_of(hz_staff).readable_federation_ids == {hz.pk, nb.pk}
    assert unread_count(fresh(hz_staff)) == 0


def test_list_filters_take_the_federations_from_the_cache_and_show_a_rename_at_once(
    client, hz_staff, hz, nb, agreement
):
    from members.scoping import readable_federations

    client.force_login(hz_staff)
    url = reverse("members:list")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    federations = [q for q in captured.captured_queries if 'FROM "members_federation"' in q["sql"]]
    assert federations == []
    assert [f.code for f in readable_federations(fresh(hz_staff))] == sorted([hz.code, nb.code])
    nb.name = "宁波市总工会（新名）"
    nb.save()
    assert "宁波市总工会（新名）" in client.get(url).text
    assert [f.name for f in readable_federations(fresh(hz_staff)) if f.pk == nb.pk] == [nb.name]


def permission_queries(captured):
    return [q for q in captured.captured_queries if "auth_permission" in q["sql"]]


def test_model_permissions_come_from_the_cache_on_the_second_request(client, hz_leader):
    client.force_login(hz_leader)
    url = reverse("members:list")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    assert len(permission_queries(first)) == 2  # the user's own, the groups'
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert permission_queries(second) == []


def test_a_group_given_or_a_permission_taken_shows_at_once(hz_leader):
    from django.contrib.auth.models import Group, Permission

    perm = "members.change_member"
    assert not fresh(hz_leader).has_perm(perm)
    editors = Group.objects.create(name="editors-for-this-test")
    editors.permissions.add(Permission.objects.get(codename="change_member"))
    fresh(hz_leader).groups.add(editors)
    assert fresh(hz_leader).has_perm(perm)
    editors.permissions.clear()
    assert not fresh(hz_leader).has_perm(perm)
    editors.permissions.add(Permission.objects.get(codename="change_member"))
    assert fresh(hz_leader).has_perm(perm)
    editors.delete()
    assert not fresh(hz_leader).has_perm(perm)


def test_a_deactivated_user_has_no_permission_even_when_they_are_cached(hz_leader):
    assert fresh(hz_leader).has_perm("members.view_member")
    User.objects.filter(pk=hz_leader.pk).update(is_active=False)  # no signal
    assert not fresh(hz_leader).has_perm("members.view_member")
