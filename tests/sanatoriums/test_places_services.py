"""Places (invariants 2 and 3, workflow 4b): allocations, bookings, the waiting list, batch
statuses and feedback, through the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Honour
from sanatoriums import services
from sanatoriums.models import Allocation, Batch, Booking, Feedback, Participant
from tests.competitions.factories import CompetitionFactory, EntryFactory, EventFactory
from tests.sanatoriums.factories import BatchFactory, RouteFactory, allocate, recognise

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def book(actor, batch, org, headcount, **kwargs):
    return services.booking_create(
        actor=actor, batch=batch, organisation=org, headcount=headcount, **kwargs
    )


def booked(batch, federation):
    return Allocation.objects.get(batch=batch, federation=federation).booked_places


# --- allocations -------------------------------------------------------------------------


def test_allocations_never_add_up_to_more_than_the_places(hz_staff, places_batch, nb, hz):
    with pytest.raises(ValidationError) as error:
        services.allocation_set(actor=hz_staff, batch=places_batch, federation=nb, places=21)
    assert error.value.code == "over_allocated"
    assert Allocation.objects.get(batch=places_batch, federation=nb).places == 20
    services.allocation_set(actor=hz_staff, batch=places_batch, federation=hz, places=5)
    services.allocation_set(actor=hz_staff, batch=places_batch, federation=nb, places=35)
    places_batch.refresh_from_db()
    assert places_batch.allocated_places == 40


def test_a_new_allocation_counts_against_the_places(hz_staff, hz_base, nb):
    recognise(hz_base, nb)
    batch = BatchFactory(route=RouteFactory(sanatorium=hz_base), places=30, min_group=5)
    services.allocation_set(actor=hz_staff, batch=batch, federation=nb, places=30)
    batch.refresh_from_db()
    assert batch.allocated_places == 30
    with pytest.raises(ValidationError):
        services.allocation_set(
            actor=hz_staff, batch=batch, federation=hz_staff_federation(hz_staff), places=1
        )


def hz_staff_federation(user):
    return user.staff_profile.organisation.federation


def test_an_allocation_cannot_fall_below_what_is_booked(
    hz_staff, nb_staff, places_batch, nb, nb_org
):
    book(nb_staff, places_batch, nb_org, 12)
    with pytest.raises(ValidationError) as error:
        services.allocation_set(actor=hz_staff, batch=places_batch, federation=nb, places=11)
    assert error.value.code == "below_booked"


def test_only_the_owner_allocates(nb_staff, places_batch, nb, wz_staff):
    for user in (nb_staff, wz_staff):
        with pytest.raises(PermissionDenied):
            services.allocation_set(actor=user, batch=places_batch, federation=nb, places=10)


def test_places_go_only_to_partners(hz_staff, places_batch, wz):
    with pytest.raises(ValidationError) as error:
        services.allocation_set(actor=hz_staff, batch=places_batch, federation=wz, places=1)
    assert error.value.code == "not_partner"


def test_the_database_refuses_an_oversold_counter(places_batch, nb):
    allocation = Allocation.objects.get(batch=places_batch, federation=nb)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(booked_places=21)
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.filter(pk=places_batch.pk).update(allocated_places=41)


@pytest.mark.parametrize(
    "change",
    [
        {"headcount": 0},
        {"end_offset": -1},
        {"deadline_offset": 1},
        {"places": 0},
        {"min_group": 50},
    ],
)
def test_the_database_refuses_impossible_rows(places_batch, nb_org, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        if "headcount" in change:
            Booking.objects.create(batch=places_batch, organisation=nb_org, headcount=0)
        elif "end_offset" in change:
            Batch.objects.filter(pk=places_batch.pk).update(
                end_date=places_batch.start_date - datetime.timedelta(days=1)
            )
        elif "deadline_offset" in change:
            Batch.objects.filter(pk=places_batch.pk).update(
                signup_deadline=places_batch.start_date + datetime.timedelta(days=1)
            )
        else:
            Batch.objects.filter(pk=places_batch.pk).update(**change)


# --- bookings ----------------------------------------------------------------------------


def test_a_booking_within_the_allocation_is_pending_and_counts(nb_staff, places_batch, nb, nb_org):
    booking = book(nb_staff, places_batch, nb_org, 12)
    assert booking.status == Booking.Status.PENDING
    assert booking.federation == nb
    assert booked(places_batch, nb) == 12
    places_batch.refresh_from_db()
    assert places_batch.status == Batch.Status.CONFIRMED  # minimum of 10 reached
    assert booking.history.first().history_user == nb_staff


def test_a_booking_beyond_the_allocation_is_refused_or_waits(nb_staff, places_batch, nb, nb_org):
    book(nb_staff, places_batch, nb_org, 15)
    with pytest.raises(ValidationError) as error:
        book(nb_staff, places_batch, nb_org, 6)
    assert error.value.code == "not_enough_places"
    assert "5" in error.value.messages[0]
    waiting = book(nb_staff, places_batch, nb_org, 6, waiting_list=True)
    assert waiting.status == Booking.Status.WAITING
    assert booked(places_batch, nb) == 15  # the waiting list holds no places


def test_a_federation_books_only_its_own_allocation(
    nb_staff, hz_staff, places_batch, hz, hz_org, nb_org
):
    book(hz_staff, places_batch, hz_org, 20)
    # 宁波's 20 places are untouched by 杭州's bookings.
    assert book(nb_staff, places_batch, nb_org, 20).status == Booking.Status.PENDING


def test_no_allocation_no_booking(nb_staff, hz_base, nb, nb_org):
    recognise(hz_base, nb)
    batch = BatchFactory(route=RouteFactory(sanatorium=hz_base))
    with pytest.raises(ValidationError) as error:
        book(nb_staff, batch, nb_org, 10)
    assert error.value.code == "no_allocation"


def test_booking_needs_a_recognition_covering_the_batch_dates(nb_staff, hz_base, nb, nb_org):
    batch = BatchFactory(route=RouteFactory(sanatorium=hz_base))
    allocate(batch, nb, 20)
    with pytest.raises(ValidationError) as error:
        book(nb_staff, batch, nb_org, 10)
    assert error.value.code == "not_recognised"
    # A recognition that ends during the batch is not enough either.
    recognition = recognise(hz_base, nb)
    recognition.valid_until = batch.start_date + datetime.timedelta(days=1)
    recognition.save()
    with pytest.raises(ValidationError):
        book(nb_staff, batch, nb_org, 10)
    recognition.valid_until = batch.end_date
    recognition.save()
    assert book(nb_staff, batch, nb_org, 10).status == Booking.Status.PENDING


def test_a_federation_books_its_own_base_without_recognition(hz_staff, hz_base, hz, hz_org):
    batch = BatchFactory(route=RouteFactory(sanatorium=hz_base))
    allocate(batch, hz, 20)
    assert book(hz_staff, batch, hz_org, 10).status == Booking.Status.PENDING


def test_staff_book_only_for_organisations_of_their_federation(
    nb_staff, places_batch, hz_org, wz_staff, wz_org
):
    with pytest.raises(PermissionDenied):
        book(nb_staff, places_batch, hz_org, 5)
    with pytest.raises(ValidationError):  # 温州 has no places, nor a recognition
        book(wz_staff, places_batch, wz_org, 5)


def test_participants_are_members_of_the_booking_federation(
    nb_staff, places_batch, nb_org, hz_member
):
    with pytest.raises(ValidationError) as error:
        book(nb_staff, places_batch, nb_org, 5, members=[hz_member])
    assert error.value.code == "other_federation"


def test_no_more_participants_than_the_headcount(nb_staff, places_batch, nb_org, nb_members):
    with pytest.raises(ValidationError) as error:
        book(nb_staff, places_batch, nb_org, 2, members=nb_members[:3])
    assert error.value.code == "too_many_participants"


def test_a_member_is_in_at_most_one_batch_whose_dates_overlap(
    nb_staff, places_batch, hz_base, nb, nb_org, nb_members
):
    member = nb_members[0]
    book(nb_staff, places_batch, nb_org, 5, members=[member])
    overlapping = BatchFactory(
        route=places_batch.route,
        start_date=places_batch.end_date,
        end_date=places_batch.end_date + datetime.timedelta(days=4),
        signup_deadline=places_batch.signup_deadline,
    )
    allocate(overlapping, nb, 20)
    with pytest.raises(ValidationError) as error:
        book(nb_staff, overlapping, nb_org, 5, members=[member])
    assert error.value.code == "overlap"
    assert member.name in error.value.messages[0]
    later = BatchFactory(
        route=places_batch.route,
        start_date=places_batch.end_date + datetime.timedelta(days=1),
        end_date=places_batch.end_date + datetime.timedelta(days=5),
        signup_deadline=places_batch.signup_deadline,
    )
    allocate(later, nb, 20)
    assert book(nb_staff, later, nb_org, 5, members=[member]).participants.count() == 1


def test_a_cancelled_booking_frees_its_members_for_other_batches(
    nb_staff, places_batch, nb, nb_org, nb_members
):
    member = nb_members[0]
    first = book(nb_staff, places_batch, nb_org, 5, members=[member])
    services.booking_cancel(actor=nb_staff, booking=first)
    other = BatchFactory(route=places_batch.route, start_date=places_batch.start_date)
    allocate(other, nb, 20)
    assert book(nb_staff, other, nb_org, 5, members=[member]).status == Booking.Status.PENDING


def test_the_database_refuses_a_member_twice_in_a_batch(nb_staff, places_batch, nb_org, nb_members):
    booking = book(nb_staff, places_batch, nb_org, 5, members=[nb_members[0]])
    other = book(nb_staff, places_batch, nb_org, 5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(booking=other, member=nb_members[0])
    assert booking.participants.count() == 1


def test_participants_named_later_are_checked_the_same_way(
    nb_staff, places_batch, nb_org, nb_members, hz_member
):
    booking = book(nb_staff, places_batch, nb_org, 3)
    services.booking_set_participants(actor=nb_staff, booking=booking, members=nb_members[:2])
    assert set(booking.participants.values_list("member", flat=True)) == {
        m.pk for m in nb_members[:2]
    }
    services.booking_set_participants(actor=nb_staff, booking=booking, members=nb_members[1:3])
    assert set(booking.participants.values_list("member", flat=True)) == {
        m.pk for m in nb_members[1:3]
    }
    with pytest.raises(ValidationError):
        services.booking_set_participants(actor=nb_staff, booking=booking, members=nb_members[:4])
    with pytest.raises(ValidationError):
        services.booking_set_participants(actor=nb_staff, booking=booking, members=[hz_member])


def test_partner_and_outsider_cannot_change_a_booking(
    nb_staff, hz_staff, wz_staff, places_batch, nb_org
):
    booking = book(nb_staff, places_batch, nb_org, 5)
    for user in (hz_staff, wz_staff):
        with pytest.raises(PermissionDenied):
            services.booking_cancel(actor=user, booking=booking)
        with pytest.raises(PermissionDenied):
            services.booking_confirm(actor=user, booking=booking)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.PENDING


# --- eligibility ---------------------------------------------------------------------------


def test_a_batch_for_model_workers_takes_only_model_workers(
    nb_staff, places_batch, nb_org, nb_members
):
    places_batch.eligibility = Batch.Eligibility.MODEL_WORKERS
    places_batch.save()
    worker, other = nb_members[:2]
    Honour.objects.create(
        member=worker, kind=Honour.Kind.MODEL_WORKER, level="municipal", year=2020
    )
    Honour.objects.create(member=other, kind=Honour.Kind.CRAFTSMAN, level="municipal", year=2021)
    with pytest.raises(ValidationError) as error:
        book(nb_staff, places_batch, nb_org, 2, members=[worker, other])
    assert error.value.code == "not_eligible"
    assert other.name in error.value.messages[0] and worker.name not in error.value.messages[0]
    assert book(nb_staff, places_batch, nb_org, 1, members=[worker]).participants.count() == 1
    places_batch.eligibility = Batch.Eligibility.HONOURED
    places_batch.save()
    assert book(nb_staff, places_batch, nb_org, 1, members=[other]).participants.count() == 1


def test_a_batch_for_award_winners_takes_the_competitions_title_holders(
    nb_staff, places_batch, nb, nb_org, nb_members
):
    from competitions.models import Title

    competition = CompetitionFactory(hosts=[nb])
    winner, runner = nb_members[:2]
    entry = EntryFactory(event=EventFactory(competition=competition), member=winner, federation=nb)
    Title.objects.create(
        member=winner, federation=nb, entry=entry, kind="technical_expert", granted_on=TODAY()
    )
    other_competition = CompetitionFactory(hosts=[nb])
    other_entry = EntryFactory(
        event=EventFactory(competition=other_competition), member=runner, federation=nb
    )
    Title.objects.create(
        member=runner, federation=nb, entry=other_entry, kind="technical_expert", granted_on=TODAY()
    )
    places_batch.eligibility = Batch.Eligibility.AWARD_WINNERS
    places_batch.competition = competition
    places_batch.save()
    with pytest.raises(ValidationError) as error:
        book(nb_staff, places_batch, nb_org, 1, members=[runner])
    assert error.value.code == "not_eligible"
    assert book(nb_staff, places_batch, nb_org, 1, members=[winner]).participants.count() == 1


def test_an_award_winners_batch_names_its_competition(places_batch):
    places_batch.eligibility = Batch.Eligibility.AWARD_WINNERS
    with pytest.raises(ValidationError) as error:
        places_batch.full_clean()
    assert "competition" in error.value.error_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        places_batch.save()


# --- waiting list --------------------------------------------------------------------------


def test_freed_places_go_to_the_waiting_list_by_priority_then_time(
    nb_staff, places_batch, nb, nb_org
):
    full = book(nb_staff, places_batch, nb_org, 20)
    first_come = book(nb_staff, places_batch, nb_org, 8, waiting_list=True)
    urgent = book(nb_staff, places_batch, nb_org, 8, waiting_list=True, priority=5)
    last = book(nb_staff, places_batch, nb_org, 8, waiting_list=True)
    services.booking_cancel(actor=nb_staff, booking=full)
    statuses = {b.pk: b.status for b in Booking.objects.filter(batch=places_batch)}
    assert statuses[urgent.pk] == Booking.Status.PENDING
    assert statuses[first_come.pk] == Booking.Status.PENDING
    assert statuses[last.pk] == Booking.Status.WAITING  # 4 places left: it does not fit
    assert booked(places_batch, nb) == 16
    offer = Booking.objects.get(pk=urgent.pk)
    assert offer.offer_expires_on == TODAY() + datetime.timedelta(days=places_batch.offer_days)


def test_an_offer_expires_after_its_days_and_goes_to_the_next(nb_staff, places_batch, nb, nb_org):
    full = book(nb_staff, places_batch, nb_org, 20)
    offered = book(nb_staff, places_batch, nb_org, 15, waiting_list=True)
    nxt = book(nb_staff, places_batch, nb_org, 12, waiting_list=True)
    services.booking_cancel(actor=nb_staff, booking=full)
    offered.refresh_from_db()
    assert offered.is_offer
    on_last_day = offered.offer_expires_on
    assert services.offers_expire(today=on_last_day) == 0  # still valid on its last day
    assert services.offers_expire(today=on_last_day + datetime.timedelta(days=1)) == 1
    offered.refresh_from_db()
    nxt.refresh_from_db()
    assert offered.status == Booking.Status.EXPIRED
    assert nxt.status == Booking.Status.PENDING and nxt.is_offer
    assert booked(places_batch, nb) == 12
    with pytest.raises(ValidationError) as error:
        services.booking_confirm(actor=nb_staff, booking=offered)
    assert error.value.code == "offer_expired"


def test_an_offer_confirmed_in_time_holds(nb_staff, places_batch, nb, nb_org):
    full = book(nb_staff, places_batch, nb_org, 20)
    offered = book(nb_staff, places_batch, nb_org, 15, waiting_list=True)
    services.booking_cancel(actor=nb_staff, booking=full)
    offered.refresh_from_db()
    services.booking_confirm(actor=nb_staff, booking=offered, today=offered.offer_expires_on)
    offered.refresh_from_db()
    assert offered.status == Booking.Status.CONFIRMED and offered.offer_expires_on is None
    assert services.offers_expire(today=TODAY() + datetime.timedelta(days=30)) == 0


def test_more_places_allocated_go_to_the_waiting_list(hz_staff, nb_staff, places_batch, nb, nb_org):
    book(nb_staff, places_batch, nb_org, 20)
    waiting = book(nb_staff, places_batch, nb_org, 10, waiting_list=True)
    services.allocation_set(actor=hz_staff, batch=places_batch, federation=nb, places=20)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.WAITING
    hz = places_batch.allocations.exclude(federation=nb).get().federation
    services.allocation_set(actor=hz_staff, batch=places_batch, federation=hz, places=10)
    services.allocation_set(actor=hz_staff, batch=places_batch, federation=nb, places=30)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.PENDING


# --- statuses ------------------------------------------------------------------------------


def test_batch_steps(hz_staff, nb_staff, places_batch, nb_org):
    with pytest.raises(ValidationError) as error:
        services.batch_set_status(actor=hz_staff, batch=places_batch, status=Batch.Status.CONFIRMED)
    assert error.value.code == "below_minimum"
    with pytest.raises(ValidationError) as error:
        services.batch_set_status(actor=hz_staff, batch=places_batch, status=Batch.Status.FINISHED)
    assert error.value.code == "bad_transition"
    with pytest.raises(ValidationError) as error:
        services.batch_set_status(actor=hz_staff, batch=places_batch, status=Batch.Status.CLOSED)
    assert error.value.code == "before_deadline"
    book(nb_staff, places_batch, nb_org, 12)
    places_batch.refresh_from_db()
    assert places_batch.status == Batch.Status.CONFIRMED
    after_deadline = places_batch.signup_deadline + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        book(nb_staff, places_batch, nb_org, 1, today=after_deadline)
    assert error.value.code == "deadline_passed"
    services.batch_set_status(
        actor=hz_staff, batch=places_batch, status=Batch.Status.CLOSED, today=after_deadline
    )
    with pytest.raises(ValidationError):
        services.batch_set_status(actor=hz_staff, batch=places_batch, status=Batch.Status.FINISHED)
    after_end = places_batch.end_date + datetime.timedelta(days=1)
    batch = services.batch_set_status(
        actor=hz_staff, batch=places_batch, status=Batch.Status.FINISHED, today=after_end
    )
    assert batch.status == Batch.Status.FINISHED
    with pytest.raises(ValidationError):
        services.batch_set_status(actor=hz_staff, batch=batch, status=Batch.Status.CANCELLED)
    assert [h.status for h in batch.history.order_by("history_date")][-3:] == [
        "confirmed",
        "closed",
        "finished",
    ]


def test_a_batch_closed_below_its_minimum_is_not_formed(hz_staff, nb_staff, places_batch, nb_org):
    book(nb_staff, places_batch, nb_org, 4)
    batch = services.batch_set_status(
        actor=hz_staff,
        batch=places_batch,
        status=Batch.Status.CLOSED,
        today=places_batch.signup_deadline + datetime.timedelta(days=1),
    )
    assert batch.status == Batch.Status.NOT_FORMED


def test_only_the_owner_moves_a_batch(nb_staff, places_batch):
    with pytest.raises(PermissionDenied):
        services.batch_set_status(actor=nb_staff, batch=places_batch, status=Batch.Status.CANCELLED)


def test_a_cancelled_batch_takes_no_bookings(hz_staff, nb_staff, places_batch, nb_org):
    services.batch_set_status(actor=hz_staff, batch=places_batch, status=Batch.Status.CANCELLED)
    with pytest.raises(ValidationError) as error:
        book(nb_staff, places_batch, nb_org, 5)
    assert error.value.code == "not_open"


def test_booking_statuses(nb_staff, places_batch, nb, nb_org):
    booking = book(nb_staff, places_batch, nb_org, 5)
    services.booking_confirm(actor=nb_staff, booking=booking)
    with pytest.raises(ValidationError):
        services.booking_confirm(actor=nb_staff, booking=booking)
    services.booking_cancel(actor=nb_staff, booking=booking)
    assert booked(places_batch, nb) == 0
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=nb_staff, booking=booking)
    with pytest.raises(ValidationError):
        services.booking_confirm(actor=nb_staff, booking=booking)


# --- feedback ------------------------------------------------------------------------------


def test_feedback_after_a_finished_batch(hz_staff, nb_staff, places_batch, nb_org, nb_members):
    booking = book(nb_staff, places_batch, nb_org, 10, members=nb_members[:2])
    services.booking_confirm(actor=nb_staff, booking=booking)
    participant = booking.participants.first()
    with pytest.raises(ValidationError) as error:
        services.feedback_save(actor=nb_staff, participant=participant, rating=5)
    assert error.value.code == "not_finished"
    Batch.objects.filter(pk=places_batch.pk).update(status=Batch.Status.FINISHED)
    participant = Participant.objects.get(pk=participant.pk)
    with pytest.raises(PermissionDenied):
        services.feedback_save(actor=hz_staff, participant=participant, rating=5)
    services.feedback_save(actor=nb_staff, participant=participant, rating=4, comment="很好")
    services.feedback_save(actor=nb_staff, participant=participant, rating=5, comment="非常好")
    assert Feedback.objects.get().rating == 5
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.filter(participant=participant).update(rating=6)


def test_the_days_steps_close_and_finish_batches(nb_staff, places_batch, hz_base, nb, nb_org):
    from django.core.management import call_command

    small = BatchFactory(route=places_batch.route)
    allocate(small, nb, 10)
    book(nb_staff, places_batch, nb_org, 12)
    book(nb_staff, small, nb_org, 3)
    after_deadline = places_batch.signup_deadline + datetime.timedelta(days=1)
    assert services.batches_advance(today=places_batch.signup_deadline) == (0, 0)
    assert services.batches_advance(today=after_deadline) == (2, 0)
    places_batch.refresh_from_db()
    small.refresh_from_db()
    assert places_batch.status == Batch.Status.CLOSED
    assert small.status == Batch.Status.NOT_FORMED
    after_end = places_batch.end_date + datetime.timedelta(days=1)
    assert services.batches_advance(today=after_end) == (0, 1)
    places_batch.refresh_from_db()
    assert places_batch.status == Batch.Status.FINISHED
    call_command("places_daily")  # nothing left to do today


def test_the_database_refuses_overlapping_batches_for_a_member_on_postgresql(
    nb_staff, places_batch, nb, nb_org, nb_members
):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints need PostgreSQL; SQLite relies on the services")
    member = nb_members[0]
    first = book(nb_staff, places_batch, nb_org, 3, members=[member])
    overlapping = BatchFactory(route=places_batch.route, start_date=places_batch.end_date)
    allocate(overlapping, nb, 10)
    other = book(nb_staff, overlapping, nb_org, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(booking=other, member=member)
    services.booking_cancel(actor=nb_staff, booking=first)
    assert Participant.objects.create(booking=other, member=member).holds
