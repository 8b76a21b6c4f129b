import pytest

from members.models import Role
from tests.competitions.factories import CompetitionFactory, EventFactory
from tests.factories import MemberFactory, StaffProfileFactory, UserFactory


@pytest.fixture
def nb_judge(agreement, nb_org):
    user = UserFactory(username="nb-judge")
    StaffProfileFactory(user=user, organisation=nb_org, role=Role.JUDGE)
    return user


@pytest.fixture
def competition(hz, nb, agreement):
    """A joint competition of HZ and NB, open for registration."""
    return CompetitionFactory(title="杭甬职工技能竞赛", hosts=[hz, nb])


@pytest.fixture
def event(competition, hz_judge, nb_judge):
    """电工: theory 30 %, practical 70 %, pass mark 60 in each; two places per federation."""
    return EventFactory(competition=competition, name="电工", judges=[hz_judge, nb_judge])


@pytest.fixture
def other_event(competition):
    return EventFactory(competition=competition, name="焊工")


@pytest.fixture
def hz_members(hz_org):
    return [MemberFactory(organisation=hz_org, name=f"杭州选手{i}") for i in range(4)]


@pytest.fixture
def nb_members(nb_org):
    return [MemberFactory(organisation=nb_org, name=f"宁波选手{i}") for i in range(4)]
