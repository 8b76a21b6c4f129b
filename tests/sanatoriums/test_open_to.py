"""`open_to`: exactly the bases open to a federation's members today."""

import datetime

import pytest

from sanatoriums.models import Sanatorium
from tests.sanatoriums.factories import RecognitionFactory, SanatoriumFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)
DAY = datetime.timedelta(days=1)

# (owner, base status, recogniser, recognition status, valid from, valid until, open to NB?)
CASES = [
    ("NB", "active", None, None, None, None, True),  # NB's own base
    ("NB", "suspended", None, None, None, None, False),  # own, but suspended
    ("HZ", "active", "NB", "approved", TODAY - 30 * DAY, TODAY + 30 * DAY, True),
    ("HZ", "active", "NB", "approved", TODAY, TODAY, True),  # first and last day inclusive
    ("HZ", "active", "NB", "approved", TODAY - 60 * DAY, TODAY - DAY, False),  # expired
    ("HZ", "active", "NB", "approved", TODAY + DAY, TODAY + 60 * DAY, False),  # not yet valid
    ("HZ", "active", "NB", "proposed", None, None, False),
    ("HZ", "active", "NB", "rejected", None, None, False),
    ("HZ", "active", "NB", "revoked", TODAY - 30 * DAY, TODAY + 30 * DAY, False),
    ("HZ", "active", "WZ", "approved", TODAY - 30 * DAY, TODAY + 30 * DAY, False),  # not by NB
    ("HZ", "suspended", "NB", "approved", TODAY - 30 * DAY, TODAY + 30 * DAY, False),
    ("HZ", "active", None, None, None, None, False),  # partner's base, never recognised
]


@pytest.mark.parametrize(
    ("owner", "base_status", "recogniser", "status", "start", "end", "expected"), CASES
)
def test_open_to_nb(
    hz, nb, wz, hz_staff, owner, base_status, recogniser, status, start, end, expected
):
    federations = {"HZ": hz, "NB": nb, "WZ": wz}
    base = SanatoriumFactory(federation=federations[owner], status=base_status)
    if recogniser:
        RecognitionFactory(
            sanatorium=base,
            federation=federations[recogniser],
            proposed_by=hz_staff,
            status=status,
            valid_from=start,
            valid_until=end,
            reason="理由" if status in ("rejected", "revoked") else "",
        )
    assert (base in Sanatorium.objects.open_to(nb, on=TODAY)) is expected


def test_open_to_uses_today_in_shanghai_by_default(hz, nb, hz_staff):
    from unittest import mock

    base = SanatoriumFactory(federation=hz)
    RecognitionFactory(
        sanatorium=base,
        federation=nb,
        proposed_by=hz_staff,
        approved=True,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2026, 6, 30),
    )
    late_evening = datetime.datetime(2026, 6, 30, 15, 59, tzinfo=datetime.UTC)  # 23:59 CST
    after_midnight = datetime.datetime(2026, 6, 30, 16, 1, tzinfo=datetime.UTC)  # 00:01 CST
    with mock.patch("django.utils.timezone.now", return_value=late_evening):
        assert base in Sanatorium.objects.open_to(nb)
    with mock.patch("django.utils.timezone.now", return_value=after_midnight):
        assert base not in Sanatorium.objects.open_to(nb)
