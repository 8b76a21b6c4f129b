"""Fixtures of the cooperation tests: an HZ-led project with NB as partner, and the like.

The five Pillar rows come from a data migration; `pillars` makes sure they are there even
after a transactional test has flushed the database."""

import datetime

import pytest

from cooperation.models import Pillar
from tests.cooperation.factories import ProjectFactory, VenueFactory


@pytest.fixture(autouse=True)
def pillars(db):
    return {p.key: p for p in Pillar.objects.ensure()}


@pytest.fixture
def hz_project(agreement, hz, nb, pillars):
    """Led by 杭州, with 宁波 as partner; not public."""
    return ProjectFactory(
        agreement=agreement,
        lead_federation=hz,
        partners=[nb],
        pillar=pillars["skills"],
        title="杭甬职工技能竞赛",
    )


@pytest.fixture
def nb_project(agreement, hz, nb, pillars):
    return ProjectFactory(
        agreement=agreement,
        lead_federation=nb,
        partners=[hz],
        pillar=pillars["wellbeing"],
        title="疗休养基地互认",
    )


@pytest.fixture
def public_project(agreement, hz, nb, pillars):
    return ProjectFactory(
        agreement=agreement,
        lead_federation=hz,
        partners=[nb],
        pillar=pillars["ideology"],
        title="共同学习题目",
        is_public=True,
    )


@pytest.fixture
def wz_agreement(wz):
    from tests.factories import AgreementFactory

    return AgreementFactory(title="温州协议", parties=[wz])


@pytest.fixture
def wz_project(wz_agreement, wz, pillars):
    return ProjectFactory(agreement=wz_agreement, lead_federation=wz, title="温州自己的项目")


@pytest.fixture
def hz_venue(hz):
    return VenueFactory(federation=hz, name="杭州市职工学校")


@pytest.fixture
def nb_venue(nb):
    return VenueFactory(federation=nb, name="宁波市五一广场职工文化中心")


@pytest.fixture
def wz_venue(wz):
    return VenueFactory(federation=wz, name="温州市职工学校")


@pytest.fixture
def yesterday():
    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=1)


# --- liaison ---


@pytest.fixture
def hz_contact(hz):
    from tests.cooperation.factories import ContactFactory

    return ContactFactory(federation=hz, name="王立军", phone="0571-85170012")


@pytest.fixture
def nb_contact(nb):
    from tests.cooperation.factories import ContactFactory

    return ContactFactory(federation=nb, name="何建国", phone="0574-87180012")


@pytest.fixture
def wz_contact(wz):
    from tests.cooperation.factories import ContactFactory

    return ContactFactory(federation=wz, name="温州对接人", phone="0577-88000000")


@pytest.fixture
def hz_meeting(hz, hz_contact, nb_contact, agreement):
    """Hosted by 杭州 a week from now, with one contact of each city attending."""
    from tests.cooperation.factories import MeetingFactory

    meeting = MeetingFactory(host_federation=hz, title="权益保障部季度对接会")
    meeting.attendees.set([hz_contact, nb_contact])
    return meeting


@pytest.fixture
def past_hz_meeting(hz, agreement):
    from django.utils import timezone

    from tests.cooperation.factories import MeetingFactory

    starts = timezone.now() - datetime.timedelta(days=3)
    return MeetingFactory(
        host_federation=hz,
        title="已召开的对接会",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


@pytest.fixture
def wz_meeting(wz):
    from tests.cooperation.factories import MeetingFactory

    return MeetingFactory(host_federation=wz, title="温州自己的会议")
