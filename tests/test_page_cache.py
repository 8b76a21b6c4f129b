"""Public pages from the shared cache (members.pagecache).

Every kind of change made through the services shows on the next anonymous request of each
public page that displays it; nothing personal (a CSRF token, a message, a signed-in user's
name) is ever served from the cache to another visitor; a hit costs no query.

The suite runs with the page cache off (a test's writes are never committed); these tests
turn it on and commit what they write."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from competitions import services as competition_services
from competitions.models import Competition
from cooperation import services as cooperation_services
from cooperation.models import Pillar, ProgressUpdate
from members import pagecache
from members import services as member_services
from sanatoriums import services as sanatorium_services
from tests.competitions.factories import CompetitionFactory, EventFactory, score, set_status
from tests.cooperation.factories import ProjectFactory
from tests.factories import MemberFactory, StaffProfileFactory, UserFactory
from tests.sanatoriums.factories import BatchFactory, RouteFactory, SanatoriumFactory, recognise
from tests.sanatoriums.test_services import upload

pytestmark = pytest.mark.django_db
# A change in a real transaction: it commits, and its on-commit callbacks renew the pages.
commits = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


def served(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response


def text(response):
    return strip_tags(response.content.decode())


def warm(client, *urls):
    """Each page rendered once, then served from the cache."""
    for url in urls:
        served(client, url)
        assert served(client, url)["X-Page-Cache"] == "hit", url


def assert_fresh(client, urls, expected):
    for url in urls:
        response = served(client, url)
        assert response["X-Page-Cache"] == "miss", url
        assert expected in text(response), url


# --- the public pages ------------------------------------------------------------------


@pytest.fixture
def base(hz):
    return SanatoriumFactory(federation=hz, name="千岛湖职工疗休养基地")


@pytest.fixture
def base_urls(base):
    return [
        reverse("sanatoriums:directory"),
        reverse("sanatoriums:directory") + "?open_to=NB",
        reverse("sanatoriums:detail", args=[base.pk]),
    ]


@pytest.fixture
def public_project(hz, nb, agreement, hz_staff):
    Pillar.objects.ensure()  # a flushed database has none
    return ProjectFactory(
        agreement=agreement,
        lead_federation=hz,
        partners=[nb],
        title="职工书屋共建",
        is_public=True,
    )


@pytest.fixture
def published(hz, nb, agreement, hz_staff, hz_judge, hz_org):
    competition = CompetitionFactory(title="杭甬职工技能竞赛", hosts=[hz, nb])
    event = EventFactory(competition=competition, name="电工", judges=[hz_judge])
    entrant = MemberFactory(organisation=hz_org, name="杭州选手")
    entry = competition_services.entry_create(
        actor=hz_staff, event=event, member=entrant, years_in_job=5
    )
    set_status(competition, Competition.Status.JUDGING)
    score(entry, [hz_judge], 理论知识=90, 实际操作=90)
    return competition, entrant


def public_urls(base, public_project, competition):
    return [
        reverse("home"),
        reverse("sanatoriums:directory"),
        reverse("sanatoriums:detail", args=[base.pk]),
        reverse("competitions:list"),
        reverse("competitions:detail", args=[competition.pk]),
        reverse("competitions:results", args=[competition.pk]),
        reverse("cooperation:project", args=[public_project.pk]),
    ]


# --- a change through each service shows at once ---------------------------------------


@commits
def test_a_base_edited_shows_on_the_directory_and_its_page(client, base, base_urls, hz_staff):
    warm(client, *base_urls[:1], base_urls[2])
    base.name = "千岛湖职工疗休养中心"
    (sanatorium_services.sanatorium_update(actor=hz_staff, sanatorium=base, themes=[]))
    assert_fresh(client, [base_urls[0], base_urls[2]], "千岛湖职工疗休养中心")


@commits
def test_a_photo_added_shows_on_the_card_and_the_page(client, base, base_urls, hz_staff):
    warm(client, base_urls[0], base_urls[2])
    photo = sanatorium_services.photo_add(
        actor=hz_staff, sanatorium=base, upload=upload(), caption="湖景"
    )
    for url, image in ((base_urls[0], photo.thumbnail), (base_urls[2], photo.image)):
        response = served(client, url)
        assert response["X-Page-Cache"] == "miss"
        assert image.url in response.content.decode(), url


@commits
def test_a_recognition_decided_shows_in_the_filter_and_the_badges(
    client, base, base_urls, hz_staff, nb, agreement, nb_org
):
    nb_approver = UserFactory(username="nb-approver")
    StaffProfileFactory(user=nb_approver, organisation=nb_org, role="approver")
    proposal = sanatorium_services.recognition_propose(
        actor=hz_staff, sanatorium=base, federation=nb
    )
    warm(client, *base_urls)
    assert base.name not in text(served(client, base_urls[1]))
    today = timezone.localdate()
    (
        sanatorium_services.recognition_approve(
            actor=nb_approver,
            recognition=proposal,
            valid_from=today,
            valid_until=today + datetime.timedelta(days=30),
        )
    )
    assert_fresh(client, base_urls[1:], "宁波会员可用")
    assert base.name in text(served(client, base_urls[1]))


def test_a_recognition_expiring_at_midnight_leaves_the_pages_then(
    client, base, base_urls, nb, monkeypatch
):
    recognition = recognise(base, nb)
    recognition.valid_until = timezone.localdate()
    recognition.save()
    warm(client, *base_urls)
    assert "宁波会员可用" in text(served(client, base_urls[2]))
    # One minute past midnight in Asia/Shanghai: no write, yet the day has changed.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    midnight = datetime.datetime.combine(tomorrow, datetime.time(0, 1))
    moment = timezone.make_aware(midnight, timezone.get_default_timezone())
    monkeypatch.setattr(timezone, "now", lambda: moment)
    for url in base_urls[1:]:
        response = served(client, url)
        assert response["X-Page-Cache"] == "miss"
        assert "宁波会员可用" not in text(response), url


@commits
def test_places_allocated_show_on_the_base_page(client, base, hz_staff, nb):
    recognise(base, nb)
    batch = BatchFactory(route=RouteFactory(sanatorium=base), places=40)
    url = reverse("sanatoriums:detail", args=[base.pk])
    warm(client, url)
    (sanatorium_services.allocation_set(actor=hz_staff, batch=batch, federation=nb, places=12))
    assert_fresh(client, [url], "12")
    assert "宁波" in text(served(client, url))


@commits
def test_results_published_show_on_the_results_and_the_lists(client, published):
    competition, entrant = published
    urls = [
        reverse("competitions:results", args=[competition.pk]),
        reverse("competitions:detail", args=[competition.pk]),
        reverse("competitions:list"),
    ]
    warm(client, *urls)
    assert entrant.name not in text(served(client, urls[0]))
    actor = UserFactory(username="publisher", is_superuser=True)
    (competition_services.results_publish(actor=actor, competition=competition))
    assert_fresh(client, urls[:1], entrant.name)
    for url in urls[1:]:
        assert served(client, url)["X-Page-Cache"] == "miss", url


@commits
def test_an_entrant_renamed_shows_on_the_results(client, published, hz_staff):
    competition, entrant = published
    actor = UserFactory(username="publisher", is_superuser=True)
    (competition_services.results_publish(actor=actor, competition=competition))
    url = reverse("competitions:results", args=[competition.pk])
    warm(client, url)
    entrant.name = "杭州冠军"
    (member_services.member_update(actor=hz_staff, member=entrant))
    assert_fresh(client, [url], "杭州冠军")


@commits
def test_a_public_update_posted_shows_on_the_home_page_and_the_project(
    client, public_project, hz_staff
):
    urls = [reverse("home"), reverse("cooperation:project", args=[public_project.pk])]
    warm(client, *urls)
    update = ProgressUpdate(
        project=public_project,
        federation=public_project.lead_federation,
        happened_on=timezone.localdate(),
        text="首批职工书屋挂牌",
        is_public=True,
    )
    (cooperation_services.progress_update_create(actor=hz_staff, update=update))
    assert_fresh(client, urls, "首批职工书屋挂牌")


@commits
def test_a_project_made_public_shows_and_one_made_private_leaves(client, public_project, hz_staff):
    url = reverse("cooperation:project", args=[public_project.pk])
    warm(client, url)
    public_project.title = "职工书屋共建（二期）"
    (cooperation_services.project_update(actor=hz_staff, project=public_project))
    assert_fresh(client, [url], "职工书屋共建（二期）")
    public_project.is_public = False
    (cooperation_services.project_update(actor=hz_staff, project=public_project))
    assert client.get(url).status_code == 404


@commits
def test_a_change_rolled_back_keeps_the_cached_page(client, base, base_urls, hz_staff):
    warm(client, base_urls[2])
    with pytest.raises(RuntimeError), transaction.atomic():
        base.name = "不会保存的名字"
        sanatorium_services.sanatorium_update(actor=hz_staff, sanatorium=base, themes=[])
        raise RuntimeError
    response = served(client, base_urls[2])
    assert response["X-Page-Cache"] == "hit"
    assert "不会保存的名字" not in text(response)


@commits
def test_one_bump_per_area_per_transaction(monkeypatch, base, hz_staff):
    bumped = []
    monkeypatch.setattr(pagecache, "_bump", bumped.append)
    with transaction.atomic():
        for name in ("一", "二", "三"):
            base.name = name
            sanatorium_services.sanatorium_update(actor=hz_staff, sanatorium=base, themes=[])
        assert bumped == []  # not before the commit
    assert bumped == ["sanatoriums"]


# --- nothing personal from the cache ----------------------------------------------------


@pytest.fixture
def all_public(base, public_project, published):
    return public_urls(base, public_project, published[0])


def test_anonymous_public_pages_carry_no_token_and_may_be_kept_by_a_proxy(client, all_public):
    for url in all_public:
        for attempt in ("miss", "hit"):
            response = served(client, url)
            assert response["X-Page-Cache"] == attempt, url
            assert "csrfmiddlewaretoken" not in response.content.decode(), url
            assert not response.cookies, url
            cache_control = response["Cache-Control"]
            assert "public" in cache_control and "s-maxage" in cache_control, url
            assert {"Cookie", "Accept-Language"} <= {
                part.strip() for part in response["Vary"].split(",")
            }, url
            assert response["ETag"], url


def test_a_signed_in_user_never_receives_the_cached_page(client, all_public, hz_staff):
    hz_staff.first_name, hz_staff.last_name = "伟", "王"
    hz_staff.save()
    warm(client, *all_public)
    client.force_login(hz_staff)
    for url in all_public:
        response = served(client, url)
        assert "X-Page-Cache" not in response, url
        assert str(hz_staff) in response.content.decode(), url
        assert response["Cache-Control"] == "private", url


def test_the_anonymous_page_never_holds_a_signed_in_users_name(client, all_public, hz_staff):
    hz_staff.first_name, hz_staff.last_name = "伟", "王"
    hz_staff.save()
    client.force_login(hz_staff)
    for url in all_public:
        served(client, url)  # signed-in pages are never stored
    client.logout()
    for url in all_public:
        response = served(client, url)
        assert response["X-Page-Cache"] == "miss", url
        page = response.content.decode()
        assert str(hz_staff) not in page and hz_staff.username not in page, url
        assert "csrfmiddlewaretoken" not in page, url


def _request(path="/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_visitor_with_a_message_waiting_is_not_served_from_the_cache():
    calls = []

    @pagecache.public_page("sanatoriums")
    def view(request):
        calls.append(request)
        return HttpResponse(f"messages: {len(list(get_messages(request)))}")

    view(_request())
    assert view(_request())["X-Page-Cache"] == "hit"
    with_message = _request()
    with_message._messages.add(constants.SUCCESS, "已保存")
    response = view(with_message)
    assert "X-Page-Cache" not in response and response.content == b"messages: 1"
    assert view(_request()).content == b"messages: 0"


def test_a_page_that_used_a_csrf_token_is_never_stored():
    @pagecache.public_page("sanatoriums")
    def view(request):
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")

    first, second = view(_request()), view(_request())
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert first.content != second.content


def test_the_key_holds_the_language_and_the_query(client, base, hz, nb):
    nb_base = SanatoriumFactory(federation=nb, name="象山海滨基地")
    url = reverse("sanatoriums:directory")
    warm(client, url)
    english = served(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert english["X-Page-Cache"] == "miss" and '<html lang="en">' in english.content.decode()
    assert served(client, url)["X-Page-Cache"] == "hit"
    filtered = served(client, url + "?city=NB")
    assert filtered["X-Page-Cache"] == "miss"
    assert nb_base.name in text(filtered) and base.name not in text(filtered)
    # The same filters in another order are the same page.
    served(client, url + "?city=NB&stars=&q=")
    assert served(client, url + "?q=&stars=&city=NB")["X-Page-Cache"] == "hit"


def test_a_hit_costs_no_query_and_a_revalidation_no_body(
    client, all_public, django_assert_num_queries
):
    warm(client, *all_public)
    for url in all_public:
        with django_assert_num_queries(0):
            response = served(client, url)
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and not again.content, url


def test_every_area_a_page_names_has_models_registered():
    from competitions import views as competition_views
    from cooperation import views as cooperation_views
    from members.registry import registry
    from sanatoriums import views as sanatorium_views

    registered = set().union(*registry.public_areas.values())
    pages = [
        cooperation_views.home,
        cooperation_views.project_detail,
        sanatorium_views.sanatorium_directory,
        sanatorium_views.sanatorium_detail,
        competition_views.competition_list,
        competition_views.competition_detail,
        competition_views.competition_results,
    ]
    for view in pages:
        assert set(view.public_page_areas) <= registered, view.__name__


def test_off_when_the_cache_is_not_shared(settings, client, base):
    settings.PAGE_CACHE_SECONDS = 0
    url = reverse("sanatoriums:directory")
    served(client, url)
    assert "X-Page-Cache" not in served(client, url)


def test_a_cache_that_does_not_answer_still_serves_the_page(client, base, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    response = served(client, reverse("sanatoriums:detail", args=[base.pk]))
    assert "X-Page-Cache" not in response and base.name in text(response)


@commits
def test_a_cache_that_does_not_answer_never_fails_the_write(base, hz_staff, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", down)
    base.name = "照样保存的名字"
    sanatorium_services.sanatorium_update(actor=hz_staff, sanatorium=base, themes=[])
    base.refresh_from_db()
    assert base.name == "照样保存的名字"
