import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from competitions.models import Competition, Entry, Event, Score, ScoringPart
from tests.factories import UserFactory


class CompetitionFactory(DjangoModelFactory):
    class Meta:
        model = Competition
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"第{n}届杭甬职工技能竞赛")
    year = 2026
    venue = "杭州技师学院"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=40))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=2))
    registration_deadline = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=20)
    )
    status = Competition.Status.OPEN

    @factory.post_generation
    def hosts(self, create, extracted, **kwargs):
        if create and extracted:
            self.hosts.add(*extracted)


class EventFactory(DjangoModelFactory):
    """An event with theory 30 % and practical 70 %, both with a pass mark of 60."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    competition = factory.SubFactory(CompetitionFactory)
    name = factory.Sequence(lambda n: f"工种{n}")
    cap_per_federation = 2
    first_awards = 1
    second_awards = 1
    third_awards = 1

    @factory.post_generation
    def parts(self, create, extracted, **kwargs):
        if not create:
            return
        for position, (name, weight, mark) in enumerate(
            extracted or [("理论知识", 30, 60), ("实际操作", 70, 60)]
        ):
            ScoringPart.objects.create(
                event=self,
                name=name,
                weight=weight,
                pass_mark=None if mark is None else Decimal(mark),
                position=position,
            )

    @factory.post_generation
    def judges(self, create, extracted, **kwargs):
        if create and extracted:
            self.judges.add(*extracted)


class EntryFactory(DjangoModelFactory):
    class Meta:
        model = Entry

    event = factory.SubFactory(EventFactory)
    member = None
    number = factory.Sequence(lambda n: n + 1)
    years_in_job = 5
    entered_by = factory.SubFactory(UserFactory)


class ScoreFactory(DjangoModelFactory):
    class Meta:
        model = Score

    value = Decimal("80")


def set_status(competition, status):
    Competition.objects.filter(pk=competition.pk).update(status=status)
    competition.refresh_from_db()


def score(entry, judges, **values):
    """Every judge gives `entry` the same score per part name: score(e, js, 理论知识=80)."""
    for part in entry.event.parts.all():
        for judge in judges:
            Score.objects.create(
                entry=entry, part=part, judge=judge, value=Decimal(values[part.name])
            )
