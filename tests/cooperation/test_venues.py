"""Shared venues (共同阵地): owners change, partners read, outsiders get 404."""

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation.models import Venue
from cooperation.views import PAGE_SIZE
from tests.cooperation.factories import VenueFactory

pytestmark = pytest.mark.django_db

VENUE_DATA = {
    "name": "滨江区职工服务驿站",
    "kind": "service_station",
    "address": "杭州市滨江区江南大道100号",
    "opening_hours": "每天 8:00–20:00",
    "open_to_partners": "on",
    "contact_name": "王站长",
    "contact_phone": "0571-88800000",
}


def test_list_shows_own_and_partner_venues(client, hz_staff, hz_venue, nb_venue, wz_venue):
    client.force_login(hz_staff)
    text = client.get(reverse("cooperation:venues")).text
    assert hz_venue.name in text and nb_venue.name in text
    assert wz_venue.name not in text


def test_list_filters(client, hz_staff, hz_venue, nb_venue):
    client.force_login(hz_staff)
    Venue.objects.filter(pk=nb_venue.pk).update(open_to_partners=False, kind="education_base")
    text = client.get(reverse("cooperation:venues"), {"open_to_partners": "yes"}).text
    assert hz_venue.name in text and nb_venue.name not in text
    text = client.get(reverse("cooperation:venues"), {"kind": "education_base"}).text
    assert nb_venue.name in text and hz_venue.name not in text
    text = client.get(reverse("cooperation:venues"), {"federation": "HZ"}).text
    assert hz_venue.name in text and nb_venue.name not in text


def test_detail_owner_partner_outsider(client, hz_staff, nb_staff, wz_staff, hz_venue):
    edit = reverse("cooperation:venue_update", args=[hz_venue.pk])
    client.force_login(hz_staff)
    response = client.get(hz_venue.get_absolute_url())
    assert response.status_code == 200 and edit in response.text
    client.force_login(nb_staff)
    response = client.get(hz_venue.get_absolute_url())
    assert response.status_code == 200 and edit not in response.text
    assert client.get(edit).status_code == 404
    assert client.post(edit, VENUE_DATA).status_code == 404
    client.force_login(wz_staff)
    assert client.get(hz_venue.get_absolute_url()).status_code == 404
    assert client.get(edit).status_code == 404
    hz_venue.refresh_from_db()
    assert hz_venue.name == "杭州市职工学校"


def test_create_sets_the_own_federation_and_history_shows_edits(client, hz_staff, hz):
    client.force_login(hz_staff)
    response = client.post(reverse("cooperation:venue_create"), VENUE_DATA)
    venue = Venue.objects.get()
    assert response.status_code == 302
    assert venue.federation == hz
    data = {**VENUE_DATA, "opening_hours": "周一至周五 9:00–17:00"}
    client.post(reverse("cooperation:venue_update", args=[venue.pk]), data)
    text = client.get(venue.get_absolute_url()).text
    assert "每天 8:00–20:00 → 周一至周五 9:00–17:00" in text


def test_duplicate_name_is_refused_with_a_message(client, hz_staff, hz_venue):
    client.force_login(hz_staff)
    response = client.post(
        reverse("cooperation:venue_create"), {**VENUE_DATA, "name": hz_venue.name}
    )
    assert response.status_code == 200
    assert "本市总工会已有名为 杭州市职工学校 的阵地。" in response.text
    assert Venue.objects.count() == 1


def test_leader_cannot_create(client, hz_leader):
    client.force_login(hz_leader)
    assert client.post(reverse("cooperation:venue_create"), VENUE_DATA).status_code == 403
    assert not Venue.objects.exists()


def test_list_query_count_is_constant(client, hz_staff, hz, nb, django_assert_num_queries):
    client.force_login(hz_staff)
    # One row first: a query per row would then show as a difference with a full page.
    VenueFactory(federation=hz)
    client.get(reverse("cooperation:venues"))
    with CaptureQueriesContext(__import__("django.db").db.connection) as first:
        client.get(reverse("cooperation:venues"))
    for i in range(PAGE_SIZE + 2):
        VenueFactory(federation=hz if i % 2 else nb)
    with django_assert_num_queries(len(first)):
        client.get(reverse("cooperation:venues"))
