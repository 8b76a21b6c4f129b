"""Shared fixtures: three federations and their people.

杭州 (HZ) and 宁波 (NB) are partners by an agreement; 温州 (WZ) is an outsider with no
agreement with either. Every protected view is tested with an owner (HZ), a partner (NB)
and an outsider (WZ).
"""

import os
import shutil

import pytest
from django.conf import settings

from members.models import Organisation, Role
from tests.factories import (
    AgreementFactory,
    FederationFactory,
    MemberFactory,
    OrganisationFactory,
    StaffProfileFactory,
    UserFactory,
)


@pytest.fixture
def hz():
    return FederationFactory(code="HZ", name="杭州市总工会", city="杭州", short_name="杭")


@pytest.fixture
def nb():
    return FederationFactory(code="NB", name="宁波市总工会", city="宁波", short_name="甬")


@pytest.fixture
def wz():
    return FederationFactory(code="WZ", name="温州市总工会", city="温州", short_name="温")


@pytest.fixture
def agreement(hz, nb):
    return AgreementFactory(title="杭甬合作协议", parties=[hz, nb])


@pytest.fixture
def hz_org(hz):
    return OrganisationFactory(federation=hz, name="西湖区总工会", kind=Organisation.Kind.DISTRICT)


@pytest.fixture
def nb_org(nb):
    return OrganisationFactory(federation=nb, name="鄞州区总工会", kind=Organisation.Kind.DISTRICT)


@pytest.fixture
def wz_org(wz):
    return OrganisationFactory(federation=wz, name="鹿城区总工会", kind=Organisation.Kind.DISTRICT)


def _staff(username, organisation, role=Role.STAFF):
    user = UserFactory(username=username)
    StaffProfileFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def hz_staff(agreement, hz_org):
    return _staff("hz-staff", hz_org)


@pytest.fixture
def hz_approver(agreement, hz_org):
    return _staff("hz-approver", hz_org, Role.APPROVER)


@pytest.fixture
def nb_staff(agreement, nb_org):
    return _staff("nb-staff", nb_org)


@pytest.fixture
def wz_staff(wz_org):
    return _staff("wz-staff", wz_org)


@pytest.fixture
def hz_leader(agreement, hz_org):
    return _staff("leader", hz_org, Role.LEADER)


@pytest.fixture
def hz_judge(agreement, hz_org):
    return _staff("hz-judge", hz_org, Role.JUDGE)


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def hz_member(hz_org):
    return MemberFactory(
        organisation=hz_org,
        name="张伟",
        card_number="HZ0000001",
        id_number="11010519491231002X",
        mobile="13812345678",
        gender="F",
    )


@pytest.fixture
def nb_member(nb_org):
    return MemberFactory(organisation=nb_org, name="李娜", card_number="NB0000001")


@pytest.fixture
def wz_member(wz_org):
    return MemberFactory(organisation=wz_org, name="王强", card_number="WZ0000001")


# --- browser tests -----------------------------------------------------------------------

DEMO_PASSWORD = "demo-pass-123"


@pytest.fixture
def demo(settings):
    """The demo data of every app, with a known password (for live-server journeys)."""
    from django.core.management import call_command

    settings.DEBUG = True  # seed_demo refuses otherwise; the live server runs with DEBUG off
    call_command("seed_demo", password=DEMO_PASSWORD)
    settings.DEBUG = False


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing but REQUIRE_BROWSER is set")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """pytest-playwright's own `base_url` is a method of a plugin object, a form of session
    fixture that pytest deprecates; this one does the same (the journeys use
    `live_server.url`)."""
    return pytestconfig.getoption("--base-url") or pytestconfig.getini("base_url") or None


# On SQLite the live server's threads share the test's in-memory connection only while the
# live server runs; a thread still serving a browser's keep-alive connection after that fails
# as it closes ("DatabaseWrapper objects created in a thread can only be used in that same
# thread"). So every browser connection is closed while the live server still runs: the
# contexts a test opens at the end of that test, and the browser before the live server.


@pytest.fixture(scope="session")
def browser(live_server, browser):
    """Playwright's browser, started after (so closed before) the live server."""
    return browser


@pytest.fixture(autouse=True)
def _close_browser_contexts(request):
    """Close the browser contexts (and their connections) a test leaves open."""
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()


@pytest.fixture(autouse=True, scope="session")
def _clean_test_media():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: a test's database is rolled back, and what an
    earlier test cached (a user's scope, a dashboard) must not meet rows that reuse its ids."""
    from django.core.cache import cache

    cache.clear()
    yield
