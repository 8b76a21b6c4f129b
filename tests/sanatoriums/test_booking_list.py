"""The staff's list of bookings counts the participants named in each group (row by row,
not by grouping every booking of the scope)."""

import pytest
from django.urls import reverse

from sanatoriums import services

pytestmark = pytest.mark.django_db


def test_each_group_shows_how_many_participants_are_named(
    client, places_batch, nb_staff, nb_org, nb_members
):
    named = services.booking_create(
        actor=nb_staff,
        batch=places_batch,
        organisation=nb_org,
        headcount=10,
        members=nb_members[:3],
    )
    unnamed = services.booking_create(
        actor=nb_staff, batch=places_batch, organisation=nb_org, headcount=5
    )
    client.force_login(nb_staff)
    response = client.get(reverse("sanatoriums:bookings"))
    counts = {booking.pk: booking.named for booking in response.context["page"]}
    assert counts == {named.pk: 3, unnamed.pk: 0}
    assert "<td>10</td>\n          <td>3</td>" in response.text
