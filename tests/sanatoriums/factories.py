import datetime

import factory
from factory.django import DjangoModelFactory

from sanatoriums.models import Recognition, Sanatorium
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
