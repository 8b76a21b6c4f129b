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
