import datetime

import factory
from factory.django import DjangoModelFactory

from cooperation.models import Agreement
from members import idcard
from members.models import Federation, Member, Organisation, Role, StaffProfile, User


class FederationFactory(DjangoModelFactory):
    class Meta:
        model = Federation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: "F" + "ABCDEFGHIJ"[n % 10] * 2 + "XYZ"[n // 10 % 3])
    name = factory.LazyAttribute(lambda o: f"{o.code}市总工会")
    city = factory.LazyAttribute(lambda o: f"{o.code}市")
    short_name = factory.LazyAttribute(lambda o: o.code[0])


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    federation = factory.SubFactory(FederationFactory)
    name = factory.Sequence(lambda n: f"第{n}基层工会")
    kind = Organisation.Kind.GRASSROOTS


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pw-for-tests-123")


class StaffProfileFactory(DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.STAFF


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"合作协议{n}")
    signed_on = datetime.date(2021, 7, 15)
    valid_from = datetime.date(2021, 7, 15)

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if create and extracted:
            self.parties.add(*extracted)


def id_number_for(n: int, *, male: bool = True) -> str:
    """A valid, distinct ID number for the n-th test member."""
    sequence = (n * 2 + (1 if male else 0)) % 1000
    born = datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 500)
    return idcard.make("330106", born, sequence)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    organisation = factory.SubFactory(OrganisationFactory)
    federation = factory.LazyAttribute(lambda o: o.organisation.federation)
    name = factory.Sequence(lambda n: f"会员{n}")
    card_number = factory.Sequence(lambda n: f"C{n:07d}")
    id_number = factory.Sequence(lambda n: id_number_for(n))
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    gender = Member.Gender.MALE
    employment_form = Member.EmploymentForm.EMPLOYEE
    join_date = datetime.date(2020, 5, 1)
