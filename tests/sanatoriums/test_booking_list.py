"""The staff's list of bookings counts the participants named in each group (row by row,
not by grouping every booking of the scope); the printable participant list of a batch
costs the same queries for one group or several."""

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
    assert "<td>10</td><td>3</td>" in response.text


def test_participant_list_query_count_is_flat(
    client, places_batch, nb_staff, nb_org, nb_members, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.booking_create(
        actor=nb_staff,
        batch=places_batch,
        organisation=nb_org,
        headcount=2,
        members=nb_members[:2],
    )
    client.force_login(nb_staff)
    url = reverse("sanatoriums:participants", args=[places_batch.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for start in (2, 6, 10):
        services.booking_create(
            actor=nb_staff,
            batch=places_batch,
            organisation=nb_org,
            headcount=4,
            members=nb_members[start : start + 4],
        )
    with django_assert_num_queries(len(one)):
        page = client.get(url).text
    assert all(member.name in page for member in nb_members[:14])
