"""The demo competitions: a published one in four trades and an open one; idempotent."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

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


def test_demo_certificates_are_dated_the_day_the_results_were_published(settings, client):
    """The demo publishes its results in October 2025, whenever it is run: its certificates
    say so, not the day the demo was loaded or the day they are looked at."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    past = Competition.objects.get(status=Competition.Status.PUBLISHED)
    gold = Entry.objects.filter(event__competition=past, award=Entry.Award.GOLD).first()
    text = client.get(gold.get_certificate_url()).text
    assert "2025年10月25日" in text
    with translation.override("zh-hans"):
        assert date_format(timezone.localdate(), "DATE_FORMAT") not in text
    assert past.published_on == datetime.date(2025, 10, 25)
    assert set(Title.objects.values_list("granted_on", flat=True)) == {past.published_on}
