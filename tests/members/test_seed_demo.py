import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalChanges

from cooperation.models import Agreement
from members.models import Federation, Member, Role, StaffProfile, User
from members.scoping import user_scope

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_two_federations_accounts_and_valid_members(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in ["hz-staff", "hz-approver", "nb-staff", "nb-approver", "leader", "admin"]:
        assert username in out
        assert User.objects.get(username=username).check_password("demo12345")
    assert set(Federation.objects.values_list("code", flat=True)) == {"HZ", "NB"}
    assert Agreement.objects.get().parties.count() == 2
    assert StaffProfile.objects.get(user__username="nb-approver").role == Role.APPROVER
    assert User.objects.get(username="admin").is_superuser
    for member in Member.objects.all():
        member.full_clean()  # valid ID numbers, phones, genders that match
    hz_staff = User.objects.get(username="hz-staff")
    assert user_scope(hz_staff).readable_federation_ids == set(
        Federation.objects.values_list("id", flat=True)
    )


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Member.objects.count(), User.objects.count(), StaffProfile.objects.count())
    call_command("seed_demo")
    assert (Member.objects.count(), User.objects.count(), StaffProfile.objects.count()) == counts


def test_seed_demo_scale_and_password(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    base = Member.objects.count()
    call_command("seed_demo", scale=2, password="another-pass-1")
    assert Member.objects.count() == 2 * base
    assert User.objects.get(username="hz-staff").check_password("another-pass-1")


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Member.objects.exists()
    call_command("seed_demo", force=True)
    assert Member.objects.exists()


# Every history table, the many-to-many ones included (simple_history's HistoricalChanges).
HISTORICAL_MODELS = [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def history_counts():
    return {model._meta.label: model.objects.count() for model in HISTORICAL_MODELS}


def test_a_second_run_writes_nothing(settings):
    """Not a row, not a history row: every record is saved only when it changes. Again with
    the same password (the browser tests' `demo` fixture) and without one (`make run`)."""
    assert len(HISTORICAL_MODELS) >= 20  # every app's, with the many-to-many histories
    settings.DEBUG = True
    call_command("seed_demo", password="demo-pass-123", stdout=io.StringIO())
    before = history_counts()
    for password in ({"password": "demo-pass-123"}, {}):
        # The first run filled Django's query log (DEBUG is on): a full log would make the
        # capture below see nothing at all.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            call_command("seed_demo", stdout=io.StringIO(), **password)
        # Django keeps the last `queries_limit` queries only: none may have been dropped.
        assert 0 < len(queries) < connection.queries_limit
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
        assert writes == []
    assert history_counts() == before


# What `--scale N` multiplies, app by app, so that a benchmark at 10× means 10× everywhere.
# Not the liaison directory (cooperation.Contact: one set of people whatever the scale) nor
# fixed reference data (federations, organisations, themes, pillars, agreement phases).
SCALED = [
    "members.Member",
    "cooperation.Project",
    "cooperation.Milestone",
    "cooperation.ProgressUpdate",
    "cooperation.Venue",
    "cooperation.Meeting",
    "cooperation.ActionItem",
    "cooperation.Referral",
    "sanatoriums.Sanatorium",
    "sanatoriums.Photo",
    "sanatoriums.Recognition",
    "sanatoriums.Route",
    "sanatoriums.Batch",
    "sanatoriums.Booking",
    # One competition open for registration; the published ones of past years multiply.
    ("competitions.Competition", {"status": "published"}),
    ("competitions.Entry", {"event__competition__status": "published"}),
    "competitions.Title",
]


def scaled_counts():
    counts = {}
    for spec in SCALED:
        label, where = spec if isinstance(spec, tuple) else (spec, {})
        counts[label] = apps.get_model(label).objects.filter(**where).count()
    return counts


def test_seed_demo_scale_grows_every_app(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    once = scaled_counts()
    assert all(once.values()), once
    call_command("seed_demo", scale=2, stdout=io.StringIO())
    twice = scaled_counts()
    # Roughly twice: some records depend on others (bookings on members free that season).
    shrunk = {label: (n, twice[label]) for label, n in once.items() if twice[label] < 1.8 * n}
    assert shrunk == {}
    call_command("seed_demo", scale=2, stdout=io.StringIO())
    assert scaled_counts() == twice
