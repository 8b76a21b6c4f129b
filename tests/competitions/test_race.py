"""The cap holds under concurrent requests (PostgreSQL only: SQLite serialises writers).

Two staff requests enter different members into an event with one place left, at the same
moment. The lock on the event makes the second wait until the first has committed, so it sees
the place taken. The negative control replaces the locking read of the event with a plain one
and shows both requests passing the cap check — the race the lock exists for.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from competitions import services
from competitions.models import Entry, Event
from tests.competitions.factories import EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def race(event, actor, members, *, lock, monkeypatch):
    """Run entry_create for each member in its own thread; all wait at the insert until the
    others arrive (or two seconds pass). Returns (entries made, how many reached the insert)."""
    barrier = threading.Barrier(len(members))
    reached = []
    original = Entry.full_clean

    def full_clean(self, *args, **kwargs):
        reached.append(self.member_id)
        try:
            barrier.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # the others are held by the lock: go on alone
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Entry, "full_clean", full_clean)
    if not lock:
        monkeypatch.setattr(
            services,
            "_locked_event",
            lambda event_id: Event.objects.select_related("competition").get(pk=event_id),
        )
    errors = []

    def work(member):
        try:
            services.entry_create(actor=actor, event=event, member=member, years_in_job=3)
        except (ValidationError, Exception) as error:  # noqa: BLE001 - collected for the asserts
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Entry.objects.filter(event=event).count(), len(reached), errors


def test_cap_holds_under_concurrent_entries(competition, hz_staff, hz_members, monkeypatch):
    event = EventFactory(competition=competition, cap_per_federation=1)
    made, reached, errors = race(
        event, hz_staff, hz_members[:2], lock=True, monkeypatch=monkeypatch
    )
    assert made == 1
    assert reached == 1  # the second request saw the place taken before inserting
    assert [e.code for e in errors] == ["cap_reached"]


def test_negative_control_without_the_lock_both_pass_the_cap_check(
    competition, hz_staff, hz_members, monkeypatch
):
    event = EventFactory(competition=competition, cap_per_federation=1)
    _made, reached, _errors = race(
        event, hz_staff, hz_members[:2], lock=False, monkeypatch=monkeypatch
    )
    # Both requests got past the cap check with one place left: without the lock the cap
    # would be overrun (here the unique entrant number happens to stop the second insert).
    assert reached == 2
