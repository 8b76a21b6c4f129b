"""Action items (督办事项): staff of the owner federation move them open → done, or open →
dropped with a reason; the host and other partners read; outsiders get 404. Overdue means
still open and due before today in Shanghai, and "my federation's open items" lists them
first."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperation import services
from cooperation.models import ActionItem
from cooperation.views import PAGE_SIZE
from tests.cooperation.factories import ActionItemFactory

pytestmark = pytest.mark.django_db

ACTIONS = reverse("cooperation:action_items")


@pytest.fixture
def nb_item(hz_meeting, nb):
    """A task of 杭州's meeting that 宁波 owns."""
    return ActionItemFactory(
        outcome__meeting=hz_meeting, owner_federation=nb, title="开通维权热线互转"
    )


def _status(item):
    return reverse("cooperation:action_item_status", args=[item.pk])


def test_owner_marks_done_dated_today_in_shanghai(client, nb_staff, nb_item):
    client.force_login(nb_staff)
    response = client.post(_status(nb_item), {"status": "done"}, follow=True)
    assert "督办事项状态已变为“已完成”。" in response.text
    nb_item.refresh_from_db()
    assert nb_item.status == "done" and nb_item.done_on == timezone.localdate()


def test_drop_needs_a_reason(client, nb_staff, nb_item):
    client.force_login(nb_staff)
    response = client.post(_status(nb_item), {"status": "dropped"}, follow=True)
    assert "请说明不再办理的理由。" in response.text
    nb_item.refresh_from_db()
    assert nb_item.status == "open"
    client.post(_status(nb_item), {"status": "dropped", "drop_reason": "已并入年度调研"})
    nb_item.refresh_from_db()
    assert nb_item.status == "dropped" and nb_item.drop_reason == "已并入年度调研"


def test_illegal_transitions_refused_with_translated_message(client, nb_staff, nb_item):
    services.action_item_status_change(actor=nb_staff, action_item=nb_item, status="done")
    client.force_login(nb_staff)
    response = client.post(
        _status(nb_item), {"status": "dropped", "drop_reason": "不办了"}, follow=True
    )
    assert "督办事项状态不能从“已完成”变为“不再办理”。" in response.text
    response = client.post(_status(nb_item), {"status": "open"}, follow=True)
    assert "督办事项状态不能从“已完成”变为“办理中”。" in response.text
    nb_item.refresh_from_db()
    assert nb_item.status == "done" and nb_item.drop_reason == ""
    with pytest.raises(ValidationError) as refused:
        services.action_item_status_change(actor=nb_staff, action_item=nb_item, status="open")
    assert refused.value.code == "illegal_transition"


def test_host_and_outsider_cannot_change_partner_reads(
    client, hz_staff, wz_staff, hz_leader, nb_item
):
    # 杭州 hosted the meeting, but 宁波 owns the task: 杭州 reads it, does not change it.
    for user in (hz_staff, hz_leader, wz_staff):
        client.force_login(user)
        assert client.post(_status(nb_item), {"status": "done"}).status_code in (403, 404)
    nb_item.refresh_from_db()
    assert nb_item.status == "open"
    client.force_login(hz_staff)
    page = client.get(nb_item.meeting.get_absolute_url()).text
    assert nb_item.title in page and _status(nb_item) not in page
    client.force_login(wz_staff)
    assert client.post(_status(nb_item), {"status": "done"}).status_code == 404


def test_history_on_the_meeting_page(client, nb_staff, hz_staff, nb_item):
    client.force_login(nb_staff)
    client.post(_status(nb_item), {"status": "dropped", "drop_reason": "已并入年度调研"})
    client.force_login(hz_staff)
    page = client.get(nb_item.meeting.get_absolute_url()).text
    assert "办理中 → 不再办理" in page and str(nb_staff) in page


# --- overdue, in Shanghai time -----------------------------------------------------------


def _at_utc(monkeypatch, *args):
    moment = datetime.datetime(*args, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_overdue_turns_at_midnight_in_shanghai_not_utc(monkeypatch, hz_meeting):
    item = ActionItemFactory(outcome__meeting=hz_meeting, due_on=datetime.date(2026, 3, 10))

    def overdue():
        return ActionItem.objects.with_overdue().get(pk=item.pk).overdue

    # 15:59 UTC on 10 March is 23:59 in Shanghai: due today, not overdue.
    _at_utc(monkeypatch, 2026, 3, 10, 15, 59)
    assert not overdue() and not ActionItem.objects.get(pk=item.pk).is_overdue
    # 16:00 UTC is already 00:00 on 11 March in Shanghai (still 10 March in UTC): overdue.
    _at_utc(monkeypatch, 2026, 3, 10, 16, 0)
    assert overdue() and ActionItem.objects.get(pk=item.pk).is_overdue
    # A finished item is never overdue.
    ActionItem.objects.filter(pk=item.pk).update(status="done")
    assert not overdue()


def test_my_open_items_overdue_first_and_highlighted(
    client, monkeypatch, nb_staff, hz_meeting, nb, hz
):
    _at_utc(monkeypatch, 2026, 3, 10, 16, 30)  # 00:30 on 11 March in Shanghai
    later = ActionItemFactory(
        outcome__meeting=hz_meeting, owner_federation=nb, due_on=datetime.date(2026, 4, 1)
    )
    late = ActionItemFactory(
        outcome__meeting=hz_meeting, owner_federation=nb, due_on=datetime.date(2026, 3, 10)
    )
    ActionItemFactory(outcome__meeting=hz_meeting, owner_federation=hz, title="杭州自己的任务")
    done = ActionItemFactory(
        outcome__meeting=hz_meeting, owner_federation=nb, status="done", title="已办结的任务"
    )
    client.force_login(nb_staff)
    response = client.get(ACTIONS)
    items = list(response.context["page"])
    assert items == [late, later]
    assert "杭州自己的任务" not in response.text and done.title not in response.text
    assert response.text.count("data-overdue") == 2  # the row and its badge, once
    assert 'class="table-danger" data-overdue' in response.text


def test_outsider_sees_no_items(client, wz_staff, nb_item):
    client.force_login(wz_staff)
    response = client.get(ACTIONS)
    assert response.status_code == 200 and nb_item.title not in response.text


def test_open_items_query_count_is_constant(
    client, nb_staff, hz_meeting, nb, django_assert_num_queries
):
    def add(n):
        for i in range(n):
            ActionItemFactory(
                outcome__meeting=hz_meeting,
                owner_federation=nb,
                due_on=datetime.date(2020 if i % 2 else 2030, 1, 1),
            )

    client.force_login(nb_staff)
    add(1)
    client.get(ACTIONS)
    with CaptureQueriesContext(connection) as first:
        client.get(ACTIONS)
    add(PAGE_SIZE + 2)
    with django_assert_num_queries(len(first)):
        response = client.get(ACTIONS)
    assert len(response.context["page"].object_list) == PAGE_SIZE
