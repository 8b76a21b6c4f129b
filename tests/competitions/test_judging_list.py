"""A judge's list of events costs the same queries for one event or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.competitions.factories import CompetitionFactory, EventFactory

pytestmark = pytest.mark.django_db


def test_judging_list_query_count_is_flat(client, hz_judge, hz, nb, django_assert_num_queries):
    competition = CompetitionFactory(hosts=[hz, nb])
    EventFactory(competition=competition, name="电工", judges=[hz_judge])
    client.force_login(hz_judge)
    url = reverse("competitions:judging")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).text.count("list-group-item-action") == 1
    other = CompetitionFactory(hosts=[hz, nb])
    for n in range(4):
        EventFactory(competition=other, name=f"焊工{n}", judges=[hz_judge])
    with django_assert_num_queries(len(one)):
        assert client.get(url).text.count("list-group-item-action") == 5


def test_judging_list_shows_a_page_at_a_time_latest_competition_first(client, hz_judge, hz, nb):
    import datetime

    from competitions.views import PAGE_SIZE

    old = CompetitionFactory(hosts=[hz, nb], starts_on=datetime.date(2020, 10, 1))
    new = CompetitionFactory(hosts=[hz, nb], starts_on=datetime.date(2026, 10, 1))
    for n in range(PAGE_SIZE):
        EventFactory(competition=new, name=f"新{n:02}", judges=[hz_judge])
    EventFactory(competition=old, name="旧", judges=[hz_judge])
    client.force_login(hz_judge)
    url = reverse("competitions:judging")
    first = client.get(url).text
    assert first.count("list-group-item-action") == PAGE_SIZE
    assert "旧" not in first and "?page=2" in first
    second = client.get(url, {"page": "2"}).text
    assert second.count("list-group-item-action") == 1 and "旧" in second
