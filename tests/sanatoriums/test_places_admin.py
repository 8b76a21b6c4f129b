"""The admin of places: routes and batches through the services (the signed-in user on the
history row, the batch's counter and status left alone), the rest read-only, all scoped."""

import pytest
from django.urls import reverse

from sanatoriums.models import Batch, Booking, Route

pytestmark = pytest.mark.django_db


def test_a_route_added_in_the_admin_goes_through_the_service(client, hz_staff, hz_base, nb_base):
    client.force_login(hz_staff)
    data = {
        "sanatorium": hz_base.pk,
        "name": "千岛湖三日游",
        "days": "3",
        "price_per_day": "450",
        "season_start": "4",
        "season_end": "10",
        "_save": "Save",
    }
    response = client.post(reverse("admin:sanatoriums_route_add"), data)
    assert response.status_code == 302
    route = Route.objects.get(name="千岛湖三日游")
    assert route.history.get().history_user == hz_staff
    # Not on the partner's base: the choice offers only the user's own bases.
    response = client.post(
        reverse("admin:sanatoriums_route_add"), {**data, "sanatorium": nb_base.pk, "name": "x"}
    )
    assert response.status_code == 200 and not Route.objects.filter(name="x").exists()


def test_a_batch_changed_in_the_admin_keeps_its_status_and_counter(client, hz_staff, places_batch):
    client.force_login(hz_staff)
    url = reverse("admin:sanatoriums_batch_change", args=[places_batch.pk])
    data = {
        "route": places_batch.route_id,
        "start_date": places_batch.start_date.isoformat(),
        "end_date": places_batch.end_date.isoformat(),
        "places": "39",  # below the 40 allocated
        "min_group": "10",
        "signup_deadline": places_batch.signup_deadline.isoformat(),
        "offer_days": "3",
        "eligibility": "anyone",
        "status": "finished",
        "_save": "Save",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # refused on the form
    places_batch.refresh_from_db()
    assert places_batch.places == 40
    response = client.post(url, {**data, "places": "45"})
    assert response.status_code == 302
    places_batch.refresh_from_db()
    assert (places_batch.places, places_batch.status, places_batch.allocated_places) == (
        45,
        Batch.Status.OPEN,
        40,
    )
    assert places_batch.history.first().history_user == hz_staff


def test_bookings_are_read_only_in_the_admin(
    client, nb_staff, hz_staff, wz_staff, places_batch, nb_org
):
    booking = Booking.objects.create(batch=places_batch, organisation=nb_org, headcount=3)
    url = reverse("admin:sanatoriums_booking_change", args=[booking.pk])
    client.force_login(nb_staff)
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    client.force_login(wz_staff)
    assert client.get(url).status_code in (302, 404)
