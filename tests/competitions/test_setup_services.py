"""Setting up competitions, events and scoring parts (the admin's writes): the host's staff
write with their name on the history rows; a partner, an outsider, a leader and a judge are
refused and nothing changes; nothing of a published competition changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from competitions import services
from competitions.models import Competition, Event, ScoringPart
from tests.competitions.factories import CompetitionFactory, EventFactory, set_status

pytestmark = pytest.mark.django_db

OUTSIDERS = ["nb_staff", "wz_staff", "hz_leader", "hz_judge"]


def new_competition(**fields):
    today = timezone.localdate()
    return Competition(
        title=fields.pop("title", "杭州职工技能竞赛"),
        year=today.year,
        venue="杭州技师学院",
        starts_on=today + datetime.timedelta(days=40),
        ends_on=today + datetime.timedelta(days=41),
        registration_deadline=timezone.now() + datetime.timedelta(days=20),
        **fields,
    )


@pytest.fixture
def hz_only(hz, agreement):
    """A competition hosted by HZ alone, in draft: NB (a partner) reads it, WZ does not."""
    return CompetitionFactory(title="杭州市内赛", hosts=[hz], status=Competition.Status.DRAFT)


# --- competitions ---------------------------------------------------------------------------


def test_staff_create_a_draft_their_federation_hosts(hz_staff, hz, nb):
    competition = services.competition_save(
        actor=hz_staff,
        competition=new_competition(status=Competition.Status.PUBLISHED),
        hosts=[hz, nb],
    )
    competition.refresh_from_db()
    assert competition.status == Competition.Status.DRAFT  # statuses move by advancing
    assert set(competition.hosts.all()) == {hz, nb}
    history = competition.history.order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~"]  # the hosts: the second row
    assert {h.history_user for h in history} == {hz_staff}
    assert set(history.last().hosts.values_list("federation", flat=True)) == {hz.pk, nb.pk}


def test_the_own_federation_must_host(nb_staff, hz):
    with pytest.raises(ValidationError) as caught:
        services.competition_save(actor=nb_staff, competition=new_competition(), hosts=[hz])
    assert caught.value.error_dict["hosts"][0].code == "not_host"
    assert not Competition.objects.exists()


@pytest.mark.parametrize("actor", ["hz_leader", "hz_judge"])
def test_leaders_and_judges_create_no_competition(request, actor, hz):
    with pytest.raises(PermissionDenied):
        services.competition_save(
            actor=request.getfixturevalue(actor), competition=new_competition(), hosts=[hz]
        )
    assert not Competition.objects.exists()


def test_owner_changes_a_competition_keeping_its_status(hz_staff, hz_only, hz):
    hz_only.title = "杭州市内赛（改）"
    hz_only.status = Competition.Status.OPEN  # not how a competition moves on
    services.competition_save(actor=hz_staff, competition=hz_only, hosts=[hz])
    hz_only.refresh_from_db()
    assert (hz_only.title, hz_only.status) == ("杭州市内赛（改）", Competition.Status.DRAFT)
    assert hz_only.history.latest("history_date").history_user == hz_staff


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_partner_outsider_leader_and_judge_change_no_competition(request, actor, hz_only, hz, nb):
    hz_only.title = "改名"
    with pytest.raises(PermissionDenied):
        services.competition_save(
            actor=request.getfixturevalue(actor), competition=hz_only, hosts=[hz, nb]
        )
    hz_only.refresh_from_db()
    assert hz_only.title == "杭州市内赛"
    assert list(hz_only.hosts.all()) == [hz]


def test_only_an_administrator_deletes_a_competition(hz_staff, superuser, hz_only):
    with pytest.raises(PermissionDenied):
        services.competition_delete(actor=hz_staff, competition=hz_only)
    services.competition_delete(actor=superuser, competition=hz_only)
    assert not Competition.objects.exists()
    assert Competition.history.get(history_type="-").history_user == superuser


def test_nothing_of_a_published_competition_changes(hz_staff, superuser, hz_only, hz):
    event = EventFactory(competition=hz_only)
    part = event.parts.first()
    set_status(hz_only, Competition.Status.PUBLISHED)
    writes = [
        lambda: services.competition_save(actor=hz_staff, competition=hz_only, hosts=[hz]),
        lambda: services.competition_delete(actor=superuser, competition=hz_only),
        lambda: services.event_save(actor=hz_staff, event=event),
        lambda: services.event_save(actor=hz_staff, event=Event(competition=hz_only, name="新")),
        lambda: services.event_delete(actor=hz_staff, event=event),
        lambda: services.scoring_part_save(actor=hz_staff, part=part),
        lambda: services.scoring_part_delete(actor=hz_staff, part=part),
    ]
    for write in writes:
        with pytest.raises(ValidationError) as caught:
            write()
        assert caught.value.code == "published"
    assert Event.objects.count() == 1 and ScoringPart.objects.count() == 2


# --- events and scoring parts ---------------------------------------------------------------


def test_owner_adds_an_event_with_judges(hz_staff, hz_only, hz_judge):
    event = services.event_save(
        actor=hz_staff,
        event=Event(competition=hz_only, name="电工", cap_per_federation=3),
        judges=[hz_judge],
    )
    assert list(event.judges.all()) == [hz_judge]
    assert {h.history_user for h in event.history.all()} == {hz_staff}


def test_only_judges_judge_an_event_saved_by_the_service(hz_staff, hz_only, hz_approver):
    with pytest.raises(ValidationError) as caught:
        services.event_save(
            actor=hz_staff,
            event=Event(competition=hz_only, name="电工", cap_per_federation=3),
            judges=[hz_approver],
        )
    assert caught.value.code == "not_judge_role"
    assert not Event.objects.exists()


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_partner_outsider_leader_and_judge_add_change_and_delete_no_event(request, actor, hz_only):
    user = request.getfixturevalue(actor)
    event = EventFactory(competition=hz_only, name="电工")
    with pytest.raises(PermissionDenied):
        services.event_save(
            actor=user, event=Event(competition=hz_only, name="焊工", cap_per_federation=2)
        )
    event.name = "改名"
    with pytest.raises(PermissionDenied):
        services.event_save(actor=user, event=event)
    with pytest.raises(PermissionDenied):
        services.event_delete(actor=user, event=event)
    assert list(Event.objects.values_list("name", flat=True)) == ["电工"]


def test_staff_move_no_event_into_a_competition_they_do_not_host(hz_staff, hz_only, nb):
    event = EventFactory(competition=hz_only)
    event.competition = CompetitionFactory(hosts=[nb])
    with pytest.raises(PermissionDenied):
        services.event_save(actor=hz_staff, event=event)
    event.refresh_from_db()
    assert event.competition == hz_only


def test_owner_deletes_an_event(hz_staff, hz_only):
    event = EventFactory(competition=hz_only)
    services.event_delete(actor=hz_staff, event=event)
    assert not Event.objects.exists()
    assert Event.history.get(history_type="-").history_user == hz_staff


def test_owner_sets_the_scoring_parts(hz_staff, hz_only):
    event = EventFactory(competition=hz_only, parts=[("理论", 100, None)])
    practical = services.scoring_part_save(
        actor=hz_staff, part=ScoringPart(event=event, name="实操", weight=70)
    )
    theory = event.parts.get(name="理论")
    theory.weight = 30
    services.scoring_part_save(actor=hz_staff, part=theory)
    assert event.weights_problem() is None
    services.scoring_part_delete(actor=hz_staff, part=practical)
    assert list(event.parts.values_list("name", flat=True)) == ["理论"]


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_partner_outsider_leader_and_judge_touch_no_scoring_part(request, actor, hz_only):
    user = request.getfixturevalue(actor)
    event = EventFactory(competition=hz_only)
    part = event.parts.first()
    with pytest.raises(PermissionDenied):
        services.scoring_part_save(actor=user, part=ScoringPart(event=event, name="新", weight=1))
    part.weight = 50
    with pytest.raises(PermissionDenied):
        services.scoring_part_save(actor=user, part=part)
    with pytest.raises(PermissionDenied):
        services.scoring_part_delete(actor=user, part=part)
    assert sorted(event.parts.values_list("weight", flat=True)) == [30, 70]
