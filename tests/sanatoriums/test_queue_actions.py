"""The recognition queue offers on each row only what applies to the recognition's state
(`Recognition.state`): renew and revoke while it is in force or about to start, renew alone
once it has expired, a decision while it is proposed, nothing once it is closed."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sanatoriums import services
from sanatoriums.models import Recognition
from tests.sanatoriums.factories import RecognitionFactory, SanatoriumFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

# base name → (status, valid from, valid until, reason, state, offered actions)
ROWS = {
    "在期基地": (
        "approved",
        TODAY - 30 * DAY,
        TODAY + 30 * DAY,
        "",
        "current",
        {"renew", "revoke"},
    ),
    "未生效基地": (
        "approved",
        TODAY + DAY,
        TODAY + 30 * DAY,
        "",
        "not_yet_valid",
        {"renew", "revoke"},
    ),
    "过期基地": ("approved", TODAY - 60 * DAY, TODAY - DAY, "", "expired", {"renew"}),
    "待审基地": ("proposed", None, None, "", "proposed", {"decide"}),
    "未同意基地": ("rejected", None, None, "不符合条件", "rejected", set()),
    "已撤销基地": ("revoked", TODAY - 30 * DAY, TODAY + 30 * DAY, "停业", "revoked", set()),
}


@pytest.fixture
def recognitions(hz, nb, hz_staff):
    made = {}
    for name, (status, start, end, reason, _state, _actions) in ROWS.items():
        made[name] = RecognitionFactory(
            sanatorium=SanatoriumFactory(federation=hz, name=name),
            federation=nb,
            proposed_by=hz_staff,
            status=status,
            valid_from=start,
            valid_until=end,
            reason=reason,
        )
    return made


def offered(response, recognition):
    """The actions the queue offers on the recognition's row."""
    row = next(
        row
        for row in re.findall(r"<tr>.*?</tr>", response.text, flags=re.S)
        if recognition.sanatorium.name in row
    )
    decide = reverse("sanatoriums:decide", args=[recognition.pk])
    actions = set()
    if re.search(rf'href="{decide}"[^>]*>\s*(Renew|续期)', row):
        actions.add("renew")
    if re.search(rf'href="{decide}"[^>]*>\s*(Decide|审核)', row):
        actions.add("decide")
    if reverse("sanatoriums:revoke", args=[recognition.pk]) in row:
        actions.add("revoke")
    return actions


@pytest.mark.parametrize("name", ROWS, ids=[row[4] for row in ROWS.values()])
def test_the_state_is_told_apart_by_the_dates(recognitions, name):
    assert recognitions[name].state == ROWS[name][4]


def test_the_approver_is_offered_only_what_applies(client, recognitions, nb_approver):
    client.force_login(nb_approver)
    response = client.get(reverse("sanatoriums:queue"), HTTP_ACCEPT_LANGUAGE="en")
    for name, recognition in recognitions.items():
        assert offered(response, recognition) == ROWS[name][5], name


def test_the_owner_is_offered_nothing(client, recognitions, hz_approver):
    client.force_login(hz_approver)
    response = client.get(reverse("sanatoriums:queue"), HTTP_ACCEPT_LANGUAGE="en")
    for recognition in recognitions.values():
        assert offered(response, recognition) == set()


def test_an_expired_recognition_cannot_be_revoked_but_can_be_renewed(recognitions, nb_approver):
    expired = recognitions["过期基地"]
    with pytest.raises(ValidationError):
        services.recognition_revoke(actor=nb_approver, recognition=expired, reason="过期")
    expired.refresh_from_db()
    assert expired.status == Recognition.Status.APPROVED
    renewed = services.recognition_approve(
        actor=nb_approver,
        recognition=expired,
        valid_from=TODAY,
        valid_until=TODAY + 365 * DAY,
    )
    assert renewed.state == Recognition.State.CURRENT
