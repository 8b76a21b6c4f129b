"""Member pages: the owner reads and changes, the partner reads masked, the outsider gets 404."""

import pytest
from django.urls import reverse

from members.models import Member
from members.views import PAGE_SIZE
from tests.factories import MemberFactory, id_number_for

pytestmark = pytest.mark.django_db


def test_visitors_are_sent_to_sign_in(client, hz_member):
    for url in (reverse("members:list"), hz_member.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_owner_sees_full_personal_data(client, hz_staff, hz_member):
    client.force_login(hz_staff)
    response = client.get(hz_member.get_absolute_url())
    assert response.status_code == 200
    assert "11010519491231002X" in response.text
    assert "13812345678" in response.text
    assert reverse("members:update", args=[hz_member.pk]) in response.text


def test_partner_sees_masked_personal_data_and_no_edit_link(client, nb_staff, hz_member):
    client.force_login(nb_staff)
    response = client.get(hz_member.get_absolute_url())
    assert response.status_code == 200
    assert "1101**********002X" in response.text
    assert "138****5678" in response.text
    assert "11010519491231002X" not in response.text
    assert "13812345678" not in response.text
    assert reverse("members:update", args=[hz_member.pk]) not in response.text


def test_leader_of_own_federation_sees_masked_data(client, hz_leader, hz_member):
    client.force_login(hz_leader)
    response = client.get(hz_member.get_absolute_url())
    assert response.status_code == 200
    assert "11010519491231002X" not in response.text
    assert "1101**********002X" in response.text


def test_outsider_gets_404(client, wz_staff, hz_member):
    client.force_login(wz_staff)
    assert client.get(hz_member.get_absolute_url()).status_code == 404
    assert client.get(reverse("members:update", args=[hz_member.pk])).status_code == 404


def test_list_shows_own_and_partner_members_not_outsiders(
    client, hz_staff, hz_member, nb_member, wz_member
):
    client.force_login(hz_staff)
    response = client.get(reverse("members:list"))
    assert response.status_code == 200
    assert hz_member.name in response.text
    assert nb_member.name in response.text
    assert wz_member.name not in response.text
    # own member in full, the partner's masked
    assert hz_member.id_number in response.text
    assert nb_member.id_number not in response.text
    assert nb_member.masked_id_number in response.text


def test_list_filters_and_search(client, hz_staff, hz_member, nb_member):
    client.force_login(hz_staff)
    response = client.get(reverse("members:list"), {"federation": "NB"})
    assert nb_member.name in response.text and hz_member.name not in response.text
    response = client.get(reverse("members:list"), {"q": "张伟"})
    assert hz_member.name in response.text and nb_member.name not in response.text


def test_search_by_id_number_finds_own_members_only(client, hz_staff, hz_member, nb_member):
    client.force_login(hz_staff)
    response = client.get(reverse("members:list"), {"q": hz_member.id_number})
    assert hz_member.name in response.text
    # a partner's full number must not be confirmed by a hit
    response = client.get(reverse("members:list"), {"q": nb_member.id_number})
    assert nb_member.name not in response.text


def test_list_query_count_does_not_grow_with_rows(
    client, hz_staff, hz_org, nb_org, django_assert_num_queries
):
    client.force_login(hz_staff)
    MemberFactory.create_batch(3, organisation=hz_org)
    client.get(reverse("members:list"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("members:list"))
    MemberFactory.create_batch(30, organisation=hz_org)
    MemberFactory.create_batch(30, organisation=nb_org)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("members:list"))
    assert len(response.context["page"]) == PAGE_SIZE  # more rows than one page


def test_owner_creates_a_member(client, hz_staff, hz_org):
    client.force_login(hz_staff)
    response = client.post(
        reverse("members:create"),
        {
            "name": "周杰",
            "organisation": hz_org.pk,
            "card_number": "HZ0000777",
            "id_number": id_number_for(777),
            "mobile": "13700000000",
            "gender": "M",
            "employment_form": "courier",
            "join_date": "2024-05-01",
        },
    )
    member = Member.objects.get(card_number="HZ0000777")
    assert response.status_code == 302
    assert response.url == member.get_absolute_url()
    assert member.federation == hz_org.federation
    assert member.history.get().history_user == hz_staff


def test_bad_input_on_the_page_shows_errors_and_saves_nothing(client, hz_staff, hz_org):
    client.force_login(hz_staff)
    response = client.post(
        reverse("members:create"),
        {
            "name": "周杰",
            "organisation": hz_org.pk,
            "card_number": "HZ0000777",
            "id_number": "110105194912310021",
            "mobile": "1234",
            "gender": "M",
            "employment_form": "courier",
            "join_date": "2024-05-01",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "is-invalid" in response.text
    assert not Member.objects.exists()


def test_owner_edits_and_history_records_who_and_what(client, hz_staff, hz_member):
    client.force_login(hz_staff)
    response = client.post(
        reverse("members:update", args=[hz_member.pk]),
        {
            "name": "张伟",
            "organisation": hz_member.organisation_id,
            "card_number": hz_member.card_number,
            "id_number": hz_member.id_number,
            "mobile": "13900000000",
            "gender": "F",
            "employment_form": "domestic_worker",
            "join_date": "2020-05-01",
        },
    )
    assert response.status_code == 302
    hz_member.refresh_from_db()
    assert hz_member.mobile == "13900000000"
    latest = hz_member.history.first()
    assert latest.history_user == hz_staff
    page = client.get(hz_member.get_absolute_url()).text
    assert "13812345678" in page and "13900000000" in page  # old → new, in full for the owner


def test_partner_sees_history_masked(client, hz_staff, nb_staff, hz_member):
    hz_member.mobile = "13900000000"
    hz_member.save()
    client.force_login(nb_staff)
    page = client.get(hz_member.get_absolute_url()).text
    assert "13812345678" not in page and "13900000000" not in page
    assert "138****5678" in page and "139****0000" in page


def test_partner_cannot_edit(client, nb_staff, hz_member):
    client.force_login(nb_staff)
    url = reverse("members:update", args=[hz_member.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"name": "改名"})
    assert response.status_code == 404
    hz_member.refresh_from_db()
    assert hz_member.name == "张伟"


def test_leader_cannot_add_members(client, hz_leader):
    client.force_login(hz_leader)
    assert client.get(reverse("members:create")).status_code == 403


def test_user_without_profile_sees_no_members(client, hz_member):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("members:list")).status_code == 403
    assert client.get(hz_member.get_absolute_url()).status_code == 404


def test_history_names_the_organisations_not_their_ids(client, hz_staff, hz_member, hz):
    from tests.factories import OrganisationFactory

    new_unit = OrganisationFactory(federation=hz, name="滨江区总工会")
    hz_member.organisation = new_unit
    hz_member.save()
    client.force_login(hz_staff)
    page = client.get(hz_member.get_absolute_url()).text
    assert "西湖区总工会 → 滨江区总工会" in page


def test_member_page_shows_the_sections_other_apps_register(
    client, monkeypatch, hz_staff, nb_staff, hz_member
):
    from django.template import Template

    from members.registry import MemberSection, registry

    asked = []

    def shown(request, member, show_personal):
        asked.append((request.user, member, show_personal))
        return {"text": f"section of {member.card_number}"}

    monkeypatch.setattr(
        registry,
        "member_sections",
        [
            MemberSection(Template("<p>{{ section.text }}</p>"), shown),
            MemberSection(Template("<p>left out</p>"), lambda *args: None),
        ],
    )
    client.force_login(hz_staff)
    page = client.get(hz_member.get_absolute_url()).text
    assert "<p>section of HZ0000001</p>" in page
    assert "left out" not in page
    client.force_login(nb_staff)
    client.get(hz_member.get_absolute_url())
    assert asked == [(hz_staff, hz_member, True), (nb_staff, hz_member, False)]
