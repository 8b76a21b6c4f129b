"""The demo competitions: a published one in four trades and an open one; idempotent."""

import io

import pytest
from django.core.management import call_command

from competitions.models import Competition, Entry, Score, Title
from members.models import Role, User

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Competition, Entry, Score, Title, User)]


def test_seed_demo_makes_competitions_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="demo-pass-123", stdout=io.StringIO())
    past = Competition.objects.get(status=Competition.Status.PUBLISHED)
    assert set(past.events.values_list("name", flat=True)) == {
        "电工",
        "焊工",
        "快递员",
        "网约配送员",
    }
    assert past.hosts.count() == 2
    ranks = list(
        Entry.objects.filter(event__competition=past, event__name="电工").values_list(
            "rank", flat=True
        )
    )
    assert len(ranks) != len(set(ranks)), "a shared rank in the demo"
    assert Title.objects.exists()
    assert Entry.objects.filter(event__competition=past, passed=False, award="").exists()
    current = Competition.objects.get(status=Competition.Status.OPEN)
    assert current.registration_is_open
    for username in ("hz-judge", "nb-judge"):
        judge = User.objects.get(username=username)
        assert judge.staff_profile.role == Role.JUDGE
        assert judge.check_password("demo-pass-123")
        assert judge.judged_events.filter(competition=past).count() == 4
    before = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before
