"""The demo's referrals: every state in both directions, some overdue, their history naming
who acted; a second run adds none (tests/members/test_seed_demo.py checks no writes)."""

import io

import pytest
from django.core.management import call_command

from cooperation.models import Referral

pytestmark = pytest.mark.django_db


def test_demo_referrals_in_every_state_both_ways(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    for sender, receiver in (("NB", "HZ"), ("HZ", "NB")):
        sent = Referral.objects.filter(from_federation__code=sender, to_federation__code=receiver)
        assert set(sent.values_list("status", flat=True)) == set(Referral.Status.values)
        assert sent.overdue().exists()
    accepted = Referral.objects.filter(status=Referral.Status.ACCEPTED, to_federation__code="HZ")
    assert accepted.get().history.latest("history_date").history_user.username == "hz-approver"
    assert Referral.objects.filter(member__isnull=False).count() == 2
    count = Referral.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Referral.objects.count() == count


def test_demo_scale_grows_the_referrals(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    base = Referral.objects.count()
    call_command("seed_demo", scale=2, stdout=io.StringIO())
    assert Referral.objects.count() == 2 * base
