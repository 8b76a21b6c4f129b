"""Places never oversell under simultaneous bookings (invariant 2; PostgreSQL only: SQLite
serialises every writer, so there is no race to lose there).

Twenty threads, each with its own database connection, wait at a barrier and then all book
a group of three on the same federation's last places. A pause between the check and the
insert (the booking's full_clean) widens the window each would race through. With the
batch's row lock they run one after the other and exactly as many groups get in as fit; the
negative controls switch the lock off and show the race the lock is there for.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum

from sanatoriums import services
from sanatoriums.models import Batch, Booking
from tests.sanatoriums.factories import BatchFactory, RouteFactory, allocate, recognise

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20
REPETITIONS = 50
HEADCOUNT = 3
FREE = 7  # of the allocation's 20 places, 13 are booked: two groups of three fit


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "the race needs PostgreSQL: SQLite runs one writer at a time, so concurrent "
            "bookings cannot interleave there (run with DATABASE_URL=postgres://…)"
        )


@pytest.fixture
def setting(hz_base, nb, nb_org, nb_staff):
    recognise(hz_base, nb)
    return {"route": RouteFactory(sanatorium=hz_base), "nb": nb, "org": nb_org, "staff": nb_staff}


def _batch(setting):
    batch = BatchFactory(route=setting["route"], places=40, min_group=40)
    allocation = allocate(batch, setting["nb"], 20)
    services.booking_create(
        actor=None, batch=batch, organisation=setting["org"], headcount=20 - FREE
    )
    return batch, allocation


def race(batch, setting, monkeypatch):
    """Book HEADCOUNT places from THREADS threads at once; returns (successes, refusals,
    other errors)."""
    barrier = threading.Barrier(THREADS)
    original = Booking.full_clean

    def slow_full_clean(self, *args, **kwargs):
        time.sleep(0.01)  # between the check and the insert
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Booking, "full_clean", slow_full_clean)
    results = {"ok": 0, "refused": 0, "errors": []}
    lock = threading.Lock()

    def work():
        try:
            barrier.wait(timeout=10)
            services.booking_create(
                actor=setting["staff"],
                batch=batch,
                organisation=setting["org"],
                headcount=HEADCOUNT,
            )
            outcome = "ok"
        except ValidationError:
            outcome = "refused"
        except Exception as error:  # noqa: BLE001 - collected for the asserts
            outcome = error
        finally:
            connections.close_all()
        with lock:
            if isinstance(outcome, str):
                results[outcome] += 1
            else:
                results["errors"].append(outcome)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def counted(batch):
    return Booking.objects.filter(batch=batch).counted().aggregate(total=Sum("headcount"))["total"]


def test_never_oversold_under_simultaneous_bookings(setting, monkeypatch):
    for _ in range(REPETITIONS):
        batch, allocation = _batch(setting)
        results = race(batch, setting, monkeypatch)
        allocation.refresh_from_db()
        assert results["errors"] == []
        assert results["ok"] == FREE // HEADCOUNT
        assert results["refused"] == THREADS - FREE // HEADCOUNT
        assert counted(batch) == 20 - FREE + HEADCOUNT * (FREE // HEADCOUNT) <= allocation.places
        assert allocation.booked_places == counted(batch)
        monkeypatch.undo()


def test_a_lock_timeout_asks_to_try_again(setting, monkeypatch):
    """While another transaction holds the batch, a booking waits LOCK_TIMEOUT and then
    raises PlacesBusy (the page: tests/sanatoriums/test_places_views.py)."""
    batch, _allocation = _batch(setting)
    monkeypatch.setattr(services, "LOCK_TIMEOUT", "200ms")
    held, release = threading.Event(), threading.Event()

    def hold():
        from django.db import transaction

        with transaction.atomic():
            Batch.objects.select_for_update().get(pk=batch.pk)
            held.set()
            release.wait(10)
        connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        with pytest.raises(services.PlacesBusy):
            services.booking_create(
                actor=setting["staff"], batch=batch, organisation=setting["org"], headcount=1
            )
    finally:
        release.set()
        holder.join()


def _lock_off(monkeypatch):
    monkeypatch.setattr(
        services,
        "_locked_batch",
        lambda batch_id: Batch.objects.select_related("route__sanatorium").get(pk=batch_id),
    )


def test_negative_control_without_the_lock_the_database_backstop_refuses(setting, monkeypatch):
    """Without the lock, more groups pass the check than there are places; the database's
    counter constraint then refuses the excess: still never oversold, but only by luck of
    the backstop, and with refusals the check should have given."""
    passed_check = 0
    for _ in range(5):
        batch, allocation = _batch(setting)
        _lock_off(monkeypatch)
        original = services._move_booked
        calls = []

        def counting(allocation_id, delta, calls=calls, original=original):
            calls.append(delta)
            return original(allocation_id, delta)

        monkeypatch.setattr(services, "_move_booked", counting)
        results = race(batch, setting, monkeypatch)
        monkeypatch.undo()
        allocation.refresh_from_db()
        passed_check += len(calls)
        assert results["errors"] == []
        assert counted(batch) <= allocation.places
    print(
        f"without the lock: {passed_check} groups passed the check, {5 * (FREE // HEADCOUNT)} fit"
    )
    assert passed_check > 5 * (FREE // HEADCOUNT)


def test_negative_control_without_lock_or_backstop_oversells(setting, monkeypatch):
    """With both the lock and the counter switched off, simultaneous bookings oversell: the
    race is real, and the test above would fail without the lock."""
    oversold, totals = 0, []
    for _ in range(5):
        batch, allocation = _batch(setting)
        _lock_off(monkeypatch)
        monkeypatch.setattr(services, "_move_booked", lambda allocation_id, delta: None)
        race(batch, setting, monkeypatch)
        monkeypatch.undo()
        allocation.refresh_from_db()
        totals.append(counted(batch))
        if counted(batch) > allocation.places:
            oversold += 1
    print(f"without lock or backstop: places booked {totals} of {allocation.places}")
    assert oversold > 0
