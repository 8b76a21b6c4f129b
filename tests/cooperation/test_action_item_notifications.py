"""A task decided at a meeting is addressed to its owner federation: that federation's staff
and approvers get one inbox row and one e-mail each, after the write commits, and never a
second time for the same item; a refused task notifies nobody."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cooperation import services
from cooperation.models import ActionItem, MeetingOutcome
from members.models import Notification, Role
from tests.conftest import _staff

pytestmark = pytest.mark.django_db


def _task(actor, meeting, owner, text="开通维权热线互转"):
    return services.meeting_outcome_create(
        actor=actor,
        meeting=meeting,
        outcome=MeetingOutcome(kind="task", text=text),
        action_item=ActionItem(owner_federation=owner, due_on=datetime.date(2030, 1, 15)),
    )


def test_the_owner_federations_staff_are_told_once(
    django_capture_on_commit_callbacks, hz_staff, nb_staff, nb_org, hz_meeting, nb
):
    nb_approver = _staff("nb-approver", nb_org, Role.APPROVER)
    for user, address in ((nb_staff, "staff@nb.example.cn"), (nb_approver, "ok@nb.example.cn")):
        user.email = address
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = _task(hz_staff, hz_meeting, nb)
    item = outcome.action_item
    notes = Notification.objects.filter(event_key=f"actionitem:{item.pk}:created")
    assert sorted(notes.values_list("recipient__username", flat=True)) == [
        nb_approver.username,
        nb_staff.username,
    ]
    assert notes.first().url == item.get_absolute_url()
    assert "开通维权热线互转" in notes.first().subject
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ok@nb.example.cn",
        "staff@nb.example.cn",
    ]
    assert "2030" in mail.outbox[0].body
    # The same event again (a retried delivery) notifies nobody a second time.
    with django_capture_on_commit_callbacks(execute=True):
        services._notify_action_item(item, actor=hz_staff)
    assert notes.count() == 2 and len(mail.outbox) == 2


def test_the_actor_is_not_told_of_their_own_task(
    django_capture_on_commit_callbacks, hz_staff, hz_approver, hz_meeting, hz
):
    with django_capture_on_commit_callbacks(execute=True):
        _task(hz_staff, hz_meeting, hz)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        hz_approver.username
    ]


def test_a_refused_task_notifies_nobody(
    django_capture_on_commit_callbacks, hz_staff, nb_staff, hz_meeting, wz
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError):
            _task(hz_staff, hz_meeting, wz)
    assert not Notification.objects.exists() and not mail.outbox


def test_information_and_decisions_notify_nobody(
    django_capture_on_commit_callbacks, hz_staff, nb_staff, hz_meeting
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_outcome_create(
            actor=hz_staff,
            meeting=hz_meeting,
            outcome=MeetingOutcome(kind="decision", text="建立季度会商制度"),
        )
    assert not Notification.objects.exists() and not mail.outbox
