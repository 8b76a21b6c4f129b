"""The places pages: who may open them, flat query counts on the lists, the public base
page's remaining places, the participant list's masking and the busy page."""

import pytest
from django.urls import reverse

from sanatoriums import services
from sanatoriums.models import Booking
from tests.factories import MemberFactory
from tests.sanatoriums.factories import BatchFactory, allocate

pytestmark = pytest.mark.django_db


def book(actor, batch, org, headcount, **kwargs):
    return services.booking_create(
        actor=actor, batch=batch, organisation=org, headcount=headcount, **kwargs
    )


def test_public_base_page_shows_remaining_places_per_federation(
    client, places_batch, nb_staff, nb_org
):
    url = reverse("sanatoriums:detail", args=[places_batch.route.sanatorium_id])
    assert "宁波名额 剩余 20/20" in client.get(url).text
    book(nb_staff, places_batch, nb_org, 14)
    page = client.get(url).text
    assert "宁波名额 剩余 6/20" in page
    assert "杭州名额 剩余 20/20" in page


def test_public_base_page_queries_stay_flat(
    client, places_batch, django_assert_max_num_queries, nb, hz
):
    url = reverse("sanatoriums:detail", args=[places_batch.route.sanatorium_id])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(5):
        batch = BatchFactory(route=places_batch.route)
        allocate(batch, nb, 10)
        allocate(batch, hz, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_batch_list_query_count_is_flat(
    client, hz_staff, places_batch, nb, hz, django_assert_num_queries
):
    from sanatoriums.views import BATCH_PAGE_SIZE

    for _ in range(BATCH_PAGE_SIZE + 2):
        batch = BatchFactory(route=places_batch.route)
        allocate(batch, nb, 10)
        allocate(batch, hz, 10)
    client.force_login(hz_staff)
    url = reverse("sanatoriums:batches")
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"]) == BATCH_PAGE_SIZE
    with django_assert_num_queries(len(_queries(client, url))):
        client.get(url + "?page=2")


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return captured.captured_queries


def test_booking_list_query_count_is_flat(
    client, nb_staff, places_batch, nb_org, django_assert_num_queries
):
    from sanatoriums.views import BOOKING_PAGE_SIZE

    for _ in range(BOOKING_PAGE_SIZE + 3):
        Booking.objects.create(
            batch=places_batch, organisation=nb_org, headcount=1, status=Booking.Status.WAITING
        )
    book(nb_staff, places_batch, nb_org, 2)
    client.force_login(nb_staff)
    url = reverse("sanatoriums:bookings")
    small = len(_queries(client, url + "?status=pending"))  # one row
    response = client.get(url)
    assert len(response.context["page"]) == BOOKING_PAGE_SIZE
    with django_assert_num_queries(small):
        client.get(url)


def test_owner_partner_outsider_on_the_batch_page(
    client, places_batch, hz_staff, nb_staff, wz_staff
):
    url = reverse("sanatoriums:batch", args=[places_batch.pk])
    client.force_login(hz_staff)
    page = client.get(url)
    assert page.status_code == 200 and page.context["can_change"]
    client.force_login(nb_staff)
    page = client.get(url)
    assert page.status_code == 200 and not page.context["can_change"] and page.context["can_book"]
    response = client.post(
        reverse("sanatoriums:allocate", args=[places_batch.pk]),
        {"federation": places_batch.allocations.first().federation_id, "places": 5},
    )
    assert response.status_code == 404
    client.force_login(wz_staff)
    assert client.get(url).status_code == 404


def test_nb_staff_book_a_group_on_the_page(client, places_batch, nb_staff, nb_org, nb_members, nb):
    client.force_login(nb_staff)
    response = client.post(
        reverse("sanatoriums:booking_create", args=[places_batch.pk]),
        {
            "organisation": nb_org.pk,
            "headcount": 12,
            "participants": "\n".join(m.card_number for m in nb_members[:3]),
        },
    )
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == booking.get_absolute_url()
    assert booking.participants.count() == 3 and booking.federation == nb
    refused = client.post(
        reverse("sanatoriums:booking_create", args=[places_batch.pk]),
        {"organisation": nb_org.pk, "headcount": 9},
    )
    assert refused.status_code == 200
    assert "8" in refused.text and Booking.objects.count() == 1


def test_partner_reads_a_booking_but_cannot_change_it(
    client, places_batch, nb_staff, hz_staff, wz_staff, nb_org
):
    booking = book(nb_staff, places_batch, nb_org, 5)
    client.force_login(hz_staff)
    assert client.get(booking.get_absolute_url()).status_code == 200
    assert client.post(reverse("sanatoriums:booking_cancel", args=[booking.pk])).status_code == 404
    client.force_login(wz_staff)
    assert client.get(booking.get_absolute_url()).status_code == 404
    client.force_login(nb_staff)
    assert client.post(reverse("sanatoriums:booking_cancel", args=[booking.pk])).status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_the_participant_list_masks_the_partners_id_numbers(
    client, places_batch, nb_staff, hz_staff, nb_org
):
    member = MemberFactory(organisation=nb_org)
    book(nb_staff, places_batch, nb_org, 5, members=[member])
    url = reverse("sanatoriums:participants", args=[places_batch.pk])
    client.force_login(hz_staff)
    page = client.get(url).text
    assert member.masked_id_number in page and member.id_number not in page
    client.force_login(nb_staff)
    assert member.id_number in client.get(url).text


def test_a_lock_timeout_shows_a_friendly_page(client, places_batch, nb_staff, nb_org, monkeypatch):
    def busy(batch_id):
        raise services.PlacesBusy

    monkeypatch.setattr(services, "_locked_batch", busy)
    client.force_login(nb_staff)
    response = client.post(
        reverse("sanatoriums:booking_create", args=[places_batch.pk]),
        {"organisation": nb_org.pk, "headcount": 5},
    )
    assert response.status_code == 503
    assert "请稍候" in response.text or "再试" in response.text
    assert Booking.objects.count() == 0


def test_member_page_shows_the_trips(client, places_batch, nb_staff, nb_org):
    member = MemberFactory(organisation=nb_org)
    book(nb_staff, places_batch, nb_org, 5, members=[member])
    client.force_login(nb_staff)
    page = client.get(member.get_absolute_url()).text
    assert places_batch.route.name in page


def test_competitions_know_nothing_of_sanatoriums():
    """The one way dependency: places may ask competitions for titles, never the reverse."""
    from pathlib import Path

    import competitions

    for path in Path(competitions.__file__).parent.rglob("*.py"):
        assert "sanatoriums" not in path.read_text(encoding="utf-8"), path
