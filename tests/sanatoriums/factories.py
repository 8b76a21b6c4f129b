import datetime

import factory
from django.db.models import F
from factory.django import DjangoModelFactory

from sanatoriums.models import Allocation, Batch, Recognition, Route, Sanatorium
from tests.factories import FederationFactory, UserFactory


class SanatoriumFactory(DjangoModelFactory):
    class Meta:
        model = Sanatorium

    federation = factory.SubFactory(FederationFactory)
    name = factory.Sequence(lambda n: f"疗休养基地{n}")
    region = "淳安县"
    address = factory.Sequence(lambda n: f"千岛湖镇{n}号")
    stars = 4
    beds = 100
    contact_name = "王老师"
    contact_phone = "0571-87654321"


class RecognitionFactory(DjangoModelFactory):
    """A recognition written straight to the database (tests of the workflow use services)."""

    class Meta:
        model = Recognition

    sanatorium = factory.SubFactory(SanatoriumFactory)
    federation = factory.SubFactory(FederationFactory)
    proposed_by = factory.SubFactory(UserFactory)
    status = Recognition.Status.PROPOSED

    class Params:
        approved = factory.Trait(
            status=Recognition.Status.APPROVED,
            valid_from=datetime.date(2025, 1, 1),
            valid_until=datetime.date(2027, 12, 31),
        )


# --- places ----------------------------------------------------------------------------------


def _in_days(n):
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=n)


class RouteFactory(DjangoModelFactory):
    class Meta:
        model = Route

    sanatorium = factory.SubFactory(SanatoriumFactory)
    name = factory.Sequence(lambda n: f"湖光山色五日游{n}")
    days = 5
    price_per_day = 500
    season_start = 1
    season_end = 12


class BatchFactory(DjangoModelFactory):
    """A batch starting in 30 days (five days long), sign-up until ten days before."""

    class Meta:
        model = Batch

    route = factory.SubFactory(RouteFactory)
    start_date = factory.LazyFunction(lambda: _in_days(30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=4))
    signup_deadline = factory.LazyAttribute(lambda o: o.start_date - datetime.timedelta(days=10))
    places = 40
    min_group = 10


def allocate(batch, federation, places):
    """An allocation written with its counter, as services.allocation_set does."""
    allocation = Allocation.objects.create(batch=batch, federation=federation, places=places)
    Batch.objects.filter(pk=batch.pk).update(allocated_places=F("allocated_places") + places)
    batch.refresh_from_db()
    return allocation


def recognise(base, federation):
    """An approved recognition of `base` by `federation`, valid from a month ago for a year."""
    return RecognitionFactory(
        sanatorium=base,
        federation=federation,
        status=Recognition.Status.APPROVED,
        valid_from=_in_days(-30),
        valid_until=_in_days(365),
    )
