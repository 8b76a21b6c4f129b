"""The Django admin obeys the pages' scoping: lists show what `for_user` returns, only the own
federation's rows change, personal data is masked outside the member's own federation."""

import json

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Honour, Member, Organisation
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:members_member_changelist")
ADD = reverse("admin:members_member_add")

# The HZ member fixture's numbers and their masked forms.
HZ_ID, HZ_ID_MASKED = "11010519491231002X", "1101**********002X"
HZ_MOBILE, HZ_MOBILE_MASKED = "13812345678", "138****5678"


def change_url(member):
    return reverse("admin:members_member_change", args=[member.pk])


def member_form_data(member, **changes):
    """What the admin change form posts for `member`, with no honour rows."""
    data = {
        "organisation": member.organisation_id,
        "name": member.name,
        "card_number": member.card_number,
        "id_number": member.id_number,
        "mobile": member.mobile,
        "gender": member.gender,
        "employment_form": member.employment_form,
        "join_date": member.join_date.isoformat(),
        "honours-TOTAL_FORMS": "0",
        "honours-INITIAL_FORMS": "0",
        "honours-MIN_NUM_FORMS": "0",
        "honours-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return data


def snapshot(member):
    return Member.objects.filter(pk=member.pk).values().get()


def action(*members, **extra):
    return {
        "action": "delete_selected",
        "select_across": "0",
        "index": "0",
        "_selected_action": [m.pk for m in members],
        **extra,
    }


def test_staff_list_shows_own_and_partner_members_not_outsiders(
    client, hz_staff, hz_member, nb_member, wz_member
):
    client.force_login(hz_staff)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert shown == {hz_member, nb_member}
    assert hz_member.card_number in response.text
    assert nb_member.card_number in response.text
    assert wz_member.card_number not in response.text


def test_outsider_list_shows_only_own_members(client, wz_staff, hz_member, nb_member, wz_member):
    client.force_login(wz_staff)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {wz_member}
    assert hz_member.card_number not in response.text
    assert nb_member.card_number not in response.text


def test_list_shows_own_personal_data_and_masks_partners(client, hz_staff, hz_member, nb_member):
    client.force_login(hz_staff)
    response = client.get(CHANGELIST)
    assert HZ_ID in response.text
    assert HZ_MOBILE in response.text
    assert nb_member.masked_id_number in response.text
    assert nb_member.masked_mobile in response.text
    assert nb_member.masked_id_number == (
        nb_member.id_number[:4] + "*" * 10 + nb_member.id_number[-4:]
    )
    # nowhere in the page: not in a title, a link or a hidden field either
    assert nb_member.id_number not in response.text
    assert nb_member.mobile not in response.text


def test_partner_member_page_is_read_only_and_masked(client, hz_staff, nb_member):
    client.force_login(hz_staff)
    response = client.get(change_url(nb_member))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert nb_member.id_number not in response.text
    assert nb_member.mobile not in response.text
    assert nb_member.masked_id_number in response.text
    assert nb_member.masked_mobile in response.text
    assert 'name="_save"' not in response.text


def test_partner_member_cannot_be_changed_by_post(client, hz_staff, nb_member):
    before = snapshot(nb_member)
    client.force_login(hz_staff)
    response = client.post(change_url(nb_member), member_form_data(nb_member, name="改名"))
    assert response.status_code == 403
    assert snapshot(nb_member) == before


def test_outsider_cannot_open_or_change_a_member(client, wz_staff, hz_member):
    before = snapshot(hz_member)
    client.force_login(wz_staff)
    response = client.get(change_url(hz_member))
    # Django's admin answers an object outside get_queryset with a redirect to its index.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    response = client.get(change_url(hz_member), follow=True)
    assert hz_member.name not in response.text
    assert HZ_ID not in response.text
    assert HZ_ID_MASKED not in response.text

    response = client.post(change_url(hz_member), member_form_data(hz_member, name="改名"))
    assert response.status_code in (302, 403, 404)
    assert snapshot(hz_member) == before


def test_staff_changes_own_member_and_adds_an_honour(client, hz_staff, hz_member):
    client.force_login(hz_staff)
    page = client.get(change_url(hz_member))
    assert page.status_code == 200
    assert HZ_ID in page.text
    assert 'name="honours-TOTAL_FORMS"' in page.text
    data = member_form_data(
        hz_member,
        name="张伟强",
        mobile="13900001111",
        **{
            "honours-TOTAL_FORMS": "1",
            "honours-0-member": hz_member.pk,
            "honours-0-kind": Honour.Kind.CRAFTSMAN,
            "honours-0-level": Honour.Level.MUNICIPAL,
            "honours-0-year": "2023",
        },
    )
    response = client.post(change_url(hz_member), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response.url == CHANGELIST
    hz_member.refresh_from_db()
    assert hz_member.name == "张伟强"
    assert hz_member.mobile == "13900001111"
    assert hz_member.federation.code == "HZ"
    assert list(hz_member.honours.values_list("kind", "year")) == [("craftsman", 2023)]


def test_bulk_delete_with_a_partner_member_is_refused(client, hz_staff, hz_member, nb_member):
    client.force_login(hz_staff)
    response = client.post(CHANGELIST, action(hz_member, nb_member, post="yes"), follow=True)
    assert response.status_code == 200
    assert [m.level for m in response.context["messages"]] == [messages.ERROR]
    assert Member.objects.filter(pk__in=[hz_member.pk, nb_member.pk]).count() == 2


def test_bulk_delete_of_own_members_asks_then_deletes(client, hz_staff, hz_member, hz_org):
    other = MemberFactory(organisation=hz_org)
    client.force_login(hz_staff)
    response = client.post(CHANGELIST, action(hz_member, other))
    assert response.status_code == 200
    assert "admin/delete_selected_confirmation.html" in [t.name for t in response.templates]
    assert Member.objects.filter(pk__in=[hz_member.pk, other.pk]).count() == 2

    response = client.post(CHANGELIST, action(hz_member, other, post="yes"))
    assert response.status_code == 302
    assert not Member.objects.filter(pk__in=[hz_member.pk, other.pk]).exists()


def test_bulk_delete_cannot_reach_an_outsiders_member(client, hz_staff, wz_member):
    client.force_login(hz_staff)
    client.post(CHANGELIST, action(wz_member, post="yes"))
    assert Member.objects.filter(pk=wz_member.pk).exists()


def test_organisation_choices_are_own_federation_only(client, hz_staff, hz_org, nb_org, wz_org):
    second_hz_org = OrganisationFactory(federation=hz_org.federation)
    client.force_login(hz_staff)
    response = client.get(ADD)
    assert response.status_code == 200
    field = response.context["adminform"].form.fields["organisation"]
    assert set(field.queryset) == {hz_org, second_hz_org}
    assert nb_org.name not in response.text

    # The field is an autocomplete: its choices come from the admin's autocomplete view.
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "member", "field_name": "organisation"},
    )
    assert response.status_code == 200
    offered = {int(row["id"]) for row in json.loads(response.content)["results"]}
    assert offered == {hz_org.pk, second_hz_org.pk}


def test_member_cannot_be_added_to_a_partner_organisation(client, hz_staff, hz_org, nb_org):
    client.force_login(hz_staff)
    template = MemberFactory.build(organisation=nb_org)
    response = client.post(ADD, member_form_data(template))
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not Member.objects.filter(card_number=template.card_number).exists()

    response = client.post(ADD, member_form_data(template, organisation=hz_org.pk))
    assert response.status_code == 302
    assert Member.objects.get(card_number=template.card_number).federation == hz_org.federation


def test_organisation_cannot_be_put_in_another_federation(client, hz_staff, hz_org, nb, wz):
    client.force_login(hz_staff)
    url = reverse("admin:members_organisation_add")
    form = client.get(url).context["adminform"].form
    assert set(form.fields["federation"].queryset) == {hz_org.federation}

    data = {"federation": wz.pk, "name": "瓯海区总工会", "kind": Organisation.Kind.DISTRICT}
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="瓯海区总工会").exists()

    # nor can staff move their own organisation to the partner
    data = {"federation": nb.pk, "name": hz_org.name, "kind": hz_org.kind}
    response = client.post(reverse("admin:members_organisation_change", args=[hz_org.pk]), data)
    assert response.status_code == 200
    hz_org.refresh_from_db()
    assert hz_org.federation.code == "HZ"


def test_leader_has_no_admin(client, hz_leader, hz_member, nb_member):
    """Leaders read on the portal's pages (masked there); the admin is closed to them."""
    client.force_login(hz_leader)
    for url in (CHANGELIST, change_url(hz_member), ADD):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    count = Member.objects.count()
    client.post(ADD, member_form_data(MemberFactory.build(organisation=hz_member.organisation)))
    assert Member.objects.count() == count


def test_superuser_sees_every_federation(client, superuser, hz_member, nb_member, wz_member):
    client.force_login(superuser)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {hz_member, nb_member, wz_member}
    assert wz_member.id_number in response.text


def test_list_query_count_does_not_grow_with_rows(client, hz_staff, hz_org, nb_org):
    MemberFactory.create_batch(3, organisation=hz_org)
    MemberFactory.create_batch(2, organisation=nb_org)
    client.force_login(hz_staff)
    client.get(CHANGELIST)  # warm the per-process caches (content types and the like)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CHANGELIST)
        assert response.status_code == 200
        return len(queries), len(response.context["cl"].result_list)

    few, shown = count_queries()
    assert shown == 5
    MemberFactory.create_batch(30, organisation=hz_org)
    MemberFactory.create_batch(25, organisation=nb_org)
    many, shown = count_queries()
    assert shown == 50  # one full page (list_per_page)
    assert many == few


@pytest.fixture
def service_calls(monkeypatch):
    """The names of the members services called, in order (each still does its work)."""
    from members import services

    calls = []
    for name in ("member_create", "member_update", "member_delete", "honour_save"):
        original = getattr(services, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            calls.append((_name, kwargs["actor"]))
            return _original(*args, **kwargs)

        monkeypatch.setattr(services, name, spy)
    return calls


def test_admin_writes_go_through_the_services_as_the_signed_in_user(
    client, hz_staff, hz_member, hz_org, service_calls
):
    client.force_login(hz_staff)
    data = member_form_data(
        hz_member,
        name="张伟强",
        **{
            "honours-TOTAL_FORMS": "1",
            "honours-0-member": hz_member.pk,
            "honours-0-kind": Honour.Kind.CRAFTSMAN,
            "honours-0-level": Honour.Level.MUNICIPAL,
            "honours-0-year": "2023",
        },
    )
    assert client.post(change_url(hz_member), data).status_code == 302
    template = MemberFactory.build(organisation=hz_org)
    assert client.post(ADD, member_form_data(template)).status_code == 302
    added = Member.objects.get(card_number=template.card_number)
    client.post(CHANGELIST, action(hz_member, added, post="yes"))
    assert service_calls == [
        ("member_update", hz_staff),
        ("honour_save", hz_staff),
        ("member_create", hz_staff),
        ("member_delete", hz_staff),
        ("member_delete", hz_staff),
    ]
    assert not Member.objects.filter(pk__in=[hz_member.pk, added.pk]).exists()
    deleted = Member.history.filter(history_type="-")
    assert [r.history_user for r in deleted] == [hz_staff, hz_staff]


def test_an_administrator_gives_a_role_on_the_users_page(client, hz_org):
    from members.models import Role, StaffProfile
    from tests.factories import StaffProfileFactory, UserFactory

    administrator = UserFactory(username="sysadmin")
    StaffProfileFactory(user=administrator, organisation=hz_org, role=Role.ADMINISTRATOR)
    newcomer = UserFactory(username="hz-new")
    client.force_login(administrator)
    url = reverse("admin:members_user_change", args=[newcomer.pk])
    response = client.post(
        url,
        {
            "username": newcomer.username,
            "name": newcomer.name,
            "email": "",
            "is_active": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "08:00:00",
            "initial-date_joined_0": "2025-01-01",
            "initial-date_joined_1": "08:00:00",
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "0",
            "staff_profile-0-organisation": hz_org.pk,
            "staff_profile-0-role": Role.APPROVER,
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile = StaffProfile.objects.get(user=newcomer)
    assert profile.history.get().history_user == administrator
    assert list(newcomer.groups.values_list("name", flat=True)) == ["approver"]
