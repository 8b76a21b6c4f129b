import pytest

from sanatoriums.models import Sanatorium
from tests.sanatoriums.factories import SanatoriumFactory


@pytest.fixture
def nb_approver(agreement, nb_org):
    from members.models import Role
    from tests.conftest import _staff

    return _staff("nb-approver", nb_org, Role.APPROVER)


@pytest.fixture
def hz_base(hz):
    return SanatoriumFactory(federation=hz, name="千岛湖职工疗休养基地")


@pytest.fixture
def nb_base(nb):
    return SanatoriumFactory(federation=nb, name="象山海滨职工疗休养基地", region="象山县")


@pytest.fixture
def wz_base(wz):
    return SanatoriumFactory(federation=wz, name="雁荡山疗休养基地", region="乐清市")


@pytest.fixture
def suspended_hz_base(hz):
    return SanatoriumFactory(federation=hz, name="暂停基地", status=Sanatorium.Status.SUSPENDED)


# --- places: a 杭州 base recognised by 宁波, a batch with places for both cities -------------


@pytest.fixture
def places_batch(hz_base, nb, hz):
    """A batch of 40 places at a 杭州 base that 宁波 recognises: 20 for 宁波, 20 for 杭州."""
    from tests.sanatoriums.factories import BatchFactory, RouteFactory, allocate, recognise

    recognise(hz_base, nb)
    batch = BatchFactory(route=RouteFactory(sanatorium=hz_base), places=40, min_group=10)
    allocate(batch, nb, 20)
    allocate(batch, hz, 20)
    return batch


@pytest.fixture
def nb_members(nb_org):
    from tests.factories import MemberFactory

    return [MemberFactory(organisation=nb_org) for _ in range(15)]
