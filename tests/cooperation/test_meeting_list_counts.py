"""The meeting list counts each meeting's open action items and, among them, the overdue
ones (row by row, not by grouping every meeting in scope)."""

import datetime

import pytest
from django.urls import reverse

from cooperation.models import ActionItem
from tests.cooperation.factories import ActionItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_each_meeting_shows_its_open_and_overdue_items(client, hz_staff, hz, nb):
    busy = MeetingFactory(host_federation=hz)
    past, future = datetime.date(2020, 1, 1), datetime.date(2090, 1, 1)
    ActionItemFactory(outcome__meeting=busy, due_on=past)
    ActionItemFactory(outcome__meeting=busy, due_on=past)
    ActionItemFactory(outcome__meeting=busy, due_on=future)
    ActionItemFactory(outcome__meeting=busy, due_on=past, status=ActionItem.Status.DONE)
    quiet = MeetingFactory(host_federation=nb)
    ActionItemFactory(
        outcome__meeting=quiet, due_on=past, status=ActionItem.Status.DROPPED, drop_reason="已合并"
    )
    client.force_login(hz_staff)
    response = client.get(reverse("cooperation:meetings"))
    counts = {m.pk: (m.open_items, m.overdue_items) for m in response.context["page"]}
    assert counts == {busy.pk: (3, 2), quiet.pk: (0, 0)}
    assert response.context["page"].paginator.count == 2
    assert "2 项已逾期" in response.text
