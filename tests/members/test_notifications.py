"""members.notifications: who is notified (a federation's active staff and approvers), when
(after the commit, never for a rolled-back write), how often (once per event and
recipient), and the inbox page with its unread count in the navigation."""

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Notification
from members.notifications import mark_all_read, notify_federation, notify_users, unread_count
from members.views import INBOX_PAGE_SIZE
from tests.conftest import _staff

pytestmark = pytest.mark.django_db

INBOX = reverse("inbox:list")


@pytest.fixture
def hz_people(hz_staff, hz_approver, hz_leader, hz_judge, hz_org):
    inactive = _staff("hz-gone", hz_org)
    inactive.is_active = False
    inactive.save()
    for user in (hz_staff, hz_approver, hz_leader, hz_judge, inactive):
        user.email = f"{user.username}@example.org"
        user.save()
    return {"staff": hz_staff, "approver": hz_approver}


def _notify(hz, key="test:1", actor=None):
    notify_federation(
        federation_id=hz.pk, event_key=key, subject="新的转介", url="/rights/referrals/1/",
        actor=actor, body="详情",
    )  # fmt: skip


def test_a_federations_active_staff_and_approvers_are_notified_after_commit(
    hz, hz_people, nb_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(hz)
    assert not Notification.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    rows = Notification.objects.order_by("recipient__username")
    assert [r.recipient.username for r in rows] == ["hz-approver", "hz-staff"]
    assert {r.subject for r in rows} == {"新的转介"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "hz-approver@example.org",
        "hz-staff@example.org",
    ]
    assert all("/rights/referrals/1/" in m.body and "详情" in m.body for m in mail.outbox)


def test_each_event_notifies_once(hz, hz_people, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            _notify(hz)
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        _notify(hz, key="test:2")
    assert Notification.objects.count() == 4
    assert len(mail.outbox) == 4


def test_the_actor_is_not_told_what_they_did(hz, hz_people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(hz, actor=hz_people["staff"])
    assert [n.recipient for n in Notification.objects.all()] == [hz_people["approver"]]


def test_a_rolled_back_write_notifies_nobody(transactional_db, hz, hz_org):
    staff = _staff("hz-one", hz_org)
    try:
        with transaction.atomic():
            _notify(hz)
            raise RuntimeError("the write failed")
    except RuntimeError:
        pass
    assert not Notification.objects.exists()
    with transaction.atomic():
        _notify(hz)
    assert Notification.objects.get().recipient == staff


def test_notify_users(hz_staff, nb_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(users=[hz_staff, nb_staff], event_key="task:9:due", subject="待办到期")
    assert Notification.objects.count() == 2


# --- the inbox ---------------------------------------------------------------------------


def _rows(user, count, prefix="n"):
    return [
        Notification.objects.create(
            recipient=user, event_key=f"{prefix}:{i}", subject=f"通知{prefix}{i}", url="/"
        )
        for i in range(count)
    ]


def test_unread_count_in_the_navigation(client, hz_staff, nb_staff):
    _rows(hz_staff, 3)
    _rows(nb_staff, 5)
    Notification.objects.filter(recipient=hz_staff, event_key="n:0").update(read_at=timezone.now())
    assert unread_count(hz_staff) == 2
    client.force_login(hz_staff)
    page = client.get(reverse("home")).text
    assert "data-inbox-unread>2<" in page


def test_no_badge_and_no_query_for_visitors(client, hz_staff):
    _rows(hz_staff, 1)
    assert client.get(INBOX).status_code == 302  # to sign in
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).text
    assert "data-inbox-unread" not in page
    assert not [q for q in queries if "members_notification" in q["sql"]]


def test_one_query_for_the_badge(client, hz_staff):
    _rows(hz_staff, 2)
    client.force_login(hz_staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cooperation:projects")).text
    assert "data-inbox-unread>2<" in page
    assert len([q for q in queries if "members_notification" in q["sql"]]) == 1


def test_the_inbox_lists_only_the_users_own(client, hz_staff, nb_staff):
    mine = _rows(hz_staff, 2, "mine")
    theirs = _rows(nb_staff, 2, "theirs")
    client.force_login(hz_staff)
    page = client.get(INBOX).text
    assert all(f'data-notification="{n.pk}"' in page for n in mine)
    assert not any(f'data-notification="{n.pk}"' in page for n in theirs)


def test_mark_read_and_open(client, hz_staff, nb_staff):
    note, other = _rows(hz_staff, 2)
    theirs = _rows(nb_staff, 1)[0]
    client.force_login(hz_staff)
    response = client.post(reverse("inbox:read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == "/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.post(reverse("inbox:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "?unread=yes" in client.get(INBOX).text
    page = client.get(f"{INBOX}?unread=yes").text
    assert f'data-notification="{other.pk}"' in page
    assert f'data-notification="{note.pk}"' not in page


def test_open_never_leaves_the_portal(client, hz_staff):
    note = Notification.objects.create(
        recipient=hz_staff, event_key="x", subject="x", url="https://evil.example/"
    )
    client.force_login(hz_staff)
    response = client.post(reverse("inbox:read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == INBOX


def test_mark_all_read(client, hz_staff, nb_staff):
    _rows(hz_staff, 3)
    _rows(nb_staff, 2)
    client.force_login(hz_staff)
    client.post(reverse("inbox:read_all"))
    assert unread_count(hz_staff) == 0
    assert unread_count(nb_staff) == 2
    assert mark_all_read(user=hz_staff) == 0


def test_inbox_query_count_is_flat(client, hz_staff, nb_staff, django_assert_num_queries):
    _rows(hz_staff, 1, "a")
    client.force_login(hz_staff)
    with django_assert_num_queries(7) as few:
        client.get(INBOX)
    _rows(hz_staff, 40, "b")  # more than a page
    for note in Notification.objects.filter(recipient=hz_staff)[:10]:
        note.actor = nb_staff
        note.save()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(INBOX)
    assert response.text.count("data-notification=") == INBOX_PAGE_SIZE


def test_a_leader_has_an_inbox_too(client, hz_leader):
    client.force_login(hz_leader)
    assert client.get(INBOX).status_code == 200
