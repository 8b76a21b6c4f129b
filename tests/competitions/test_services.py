"""Entering, withdrawing, scoring, moving through the statuses and publishing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from competitions import services
from competitions.models import Competition, Entry, Event, Score, Title
from members import idcard
from members.models import Role, User
from tests.competitions.factories import EventFactory, score, set_status
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def enter(actor, event, member, years=5, **kwargs):
    return services.entry_create(
        actor=actor, event=event, member=member, years_in_job=years, **kwargs
    )


def score_one(judge, entry, part, value):
    """The judge's score of one cell of the sheet."""
    return services.scores_submit(
        actor=judge, event=entry.event, values={(entry.number, part.pk): value}
    )


def refused(code, call, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


# --- entering -------------------------------------------------------------------------------


def test_staff_enter_their_own_members_with_numbers(
    event, hz_staff, nb_staff, hz_members, nb_members
):
    first = enter(hz_staff, event, hz_members[0])
    second = enter(nb_staff, event, nb_members[0])
    assert (first.number, second.number) == (1, 2)
    assert first.federation == hz_members[0].federation
    assert second.federation == nb_members[0].federation
    assert first.entered_by == hz_staff


def test_cap_per_federation(event, hz_staff, nb_staff, hz_members, nb_members):
    enter(hz_staff, event, hz_members[0])
    enter(hz_staff, event, hz_members[1])
    error = refused("cap_reached", enter, hz_staff, event, hz_members[2])
    assert "2" in error.messages[0]
    # the partner's places are its own
    enter(nb_staff, event, nb_members[0])
    assert Entry.objects.filter(event=event, federation=hz_members[0].federation).count() == 2


def test_withdrawn_entry_frees_the_place(event, hz_staff, hz_members):
    enter(hz_staff, event, hz_members[0])
    second = enter(hz_staff, event, hz_members[1])
    refused("cap_reached", enter, hz_staff, event, hz_members[2])
    services.entry_withdraw(actor=hz_staff, entry=second)
    third = enter(hz_staff, event, hz_members[2])
    assert third.number == 3  # numbers are never reused
    # and the withdrawn member may be entered again once a place is free
    services.entry_withdraw(actor=hz_staff, entry=third)
    assert enter(hz_staff, event, hz_members[1]).status == Entry.Status.ENTERED


def test_duplicate_entry_refused(event, hz_staff, hz_members):
    enter(hz_staff, event, hz_members[0])
    refused("duplicate_entry", enter, hz_staff, event, hz_members[0])
    assert Entry.objects.filter(member=hz_members[0]).count() == 1


def test_duplicate_entry_is_also_a_database_constraint(event, hz_staff, hz_members):
    entry = enter(hz_staff, event, hz_members[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            event=event, member=entry.member, number=99, years_in_job=3, entered_by=hz_staff
        )


def test_deadline(event, hz_staff, hz_members):
    late = event.competition.registration_deadline + datetime.timedelta(seconds=1)
    refused("deadline_passed", enter, hz_staff, event, hz_members[0], now=late)
    on_time = event.competition.registration_deadline
    assert enter(hz_staff, event, hz_members[0], now=on_time)


@pytest.mark.parametrize("status", ["draft", "closed", "judging", "published"])
def test_registration_must_be_open(event, hz_staff, hz_members, status):
    set_status(event.competition, status)
    refused("registration_not_open", enter, hz_staff, event, hz_members[0])
    assert not Entry.objects.exists()


def test_years_in_the_job(competition, hz_staff, hz_members):
    event = EventFactory(competition=competition, min_years_in_job=3)
    refused("too_few_years", enter, hz_staff, event, hz_members[0], years=2)
    assert enter(hz_staff, event, hz_members[0], years=3)


def test_age_limit_on_the_first_day(competition, hz_staff, hz_org):
    event = EventFactory(competition=competition, max_age=35)
    start = competition.starts_on
    born_36_years_before = start.replace(year=start.year - 36)
    turns_36_after = born_36_years_before + datetime.timedelta(days=1)
    too_old = MemberFactory(
        organisation=hz_org, id_number=idcard.make("330106", born_36_years_before, 11)
    )
    still_35 = MemberFactory(
        organisation=hz_org, id_number=idcard.make("330106", turns_36_after, 13)
    )
    refused("too_old", enter, hz_staff, event, too_old)
    assert enter(hz_staff, event, still_35)


def test_only_members_of_participating_federations(
    competition, event, wz, wz_org, hz_staff, superuser
):
    outsider = MemberFactory(organisation=wz_org)
    refused("not_participating", enter, superuser, event, outsider)


def test_staff_enter_only_their_own_federations_members(
    event, hz_staff, nb_staff, hz_leader, hz_judge, hz_members, nb_members
):
    refused("other_federation_member", enter, hz_staff, event, nb_members[0])
    refused("other_federation_member", enter, nb_staff, event, hz_members[0])
    refused("other_federation_member", enter, hz_leader, event, hz_members[0])
    refused("other_federation_member", enter, hz_judge, event, hz_members[0])
    assert not Entry.objects.exists()


@pytest.mark.parametrize("actor", ["nb_staff", "wz_staff", "hz_leader", "hz_judge"])
def test_partner_outsider_leader_and_judge_cannot_withdraw(
    request, actor, event, hz_staff, hz_members
):
    entry = enter(hz_staff, event, hz_members[0])
    refused("not_yours", services.entry_withdraw, actor=request.getfixturevalue(actor), entry=entry)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.ENTERED


def test_entering_and_withdrawing_name_the_staff_on_the_history(
    event, hz_staff, hz_approver, hz_members
):
    entry = enter(hz_staff, event, hz_members[0])
    services.entry_withdraw(actor=hz_approver, entry=entry)
    assert list(entry.history.order_by("history_date").values_list("status", "history_user")) == [
        (Entry.Status.ENTERED, hz_staff.pk),
        (Entry.Status.WITHDRAWN, hz_approver.pk),
    ]


@pytest.mark.parametrize(
    ("status", "allowed"),
    [("open", True), ("closed", True), ("judging", False), ("published", False)],
)
def test_entries_are_withdrawn_until_judging_starts(event, hz_staff, hz_members, status, allowed):
    entry = enter(hz_staff, event, hz_members[0])
    set_status(event.competition, status)
    assert event.competition.allows_withdrawal == allowed
    if allowed:
        assert services.entry_withdraw(actor=hz_staff, entry=entry).status == "withdrawn"
    else:
        refused("too_late", services.entry_withdraw, actor=hz_staff, entry=entry)


# --- scoring ------------------------------------------------------------------------------


@pytest.fixture
def judging(event, hz_staff, nb_staff, hz_members, nb_members):
    """Three entries (two HZ, one NB) and the competition judging."""
    entries = [
        enter(hz_staff, event, hz_members[0]),
        enter(hz_staff, event, hz_members[1]),
        enter(nb_staff, event, nb_members[0]),
    ]
    set_status(event.competition, Competition.Status.JUDGING)
    return entries


def test_one_score_per_judge_per_entry_per_part_is_a_constraint(event, judging, hz_judge):
    part = event.parts.first()
    Score.objects.create(entry=judging[0], part=part, judge=hz_judge, value=Decimal(80))
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(entry=judging[0], part=part, judge=hz_judge, value=Decimal(90))


def test_a_judge_changes_their_score_rather_than_adding_one(event, judging, hz_judge):
    part = event.parts.first()
    score_one(hz_judge, judging[0], part, "80")
    score_one(hz_judge, judging[0], part, "85.5")
    assert list(Score.objects.values_list("value", flat=True)) == [Decimal("85.50")]


def test_only_the_events_judges_score(event, judging, hz_staff, hz_leader):
    part = event.parts.first()
    refused("not_a_judge", score_one, hz_staff, judging[0], part, "80")
    refused("not_a_judge", score_one, hz_leader, judging[0], part, "80")
    assert not Score.objects.exists()


def test_score_out_of_range_refused(event, judging, hz_judge):
    part = event.parts.first()
    with pytest.raises(ValidationError):
        score_one(hz_judge, judging[0], part, "100.5")
    assert not Score.objects.exists()


def test_no_scores_before_judging(event, hz_staff, hz_members, hz_judge):
    entry = enter(hz_staff, event, hz_members[0])
    refused("not_judging", score_one, hz_judge, entry, event.parts.first(), "80")


def test_weighted_total_is_the_weighted_mean_of_judges(
    event, judging, hz_staff, hz_judge, nb_judge
):
    theory, practical = event.parts.all()
    for judge, t, p in [(hz_judge, "80", "90"), (nb_judge, "70", "85")]:
        score_one(judge, judging[0], theory, t)
        score_one(judge, judging[0], practical, p)
    for entry in judging[1:]:
        score(entry, [hz_judge, nb_judge], 理论知识=60, 实际操作=60)
    services.results_publish(actor=hz_staff, competition=event.competition)
    judging[0].refresh_from_db()
    # theory mean 75 × 30 % + practical mean 87.5 × 70 % = 22.5 + 61.25
    assert judging[0].total == Decimal("83.75")


def test_ties_share_a_rank_and_pass_marks_withhold_awards(
    event, judging, hz_staff, hz_judge, nb_judge
):
    judges = [hz_judge, nb_judge]
    score(judging[0], judges, 理论知识=90, 实际操作=90)
    score(judging[1], judges, 理论知识=90, 实际操作=90)
    score(judging[2], judges, 理论知识=100, 实际操作=59)  # total 71.3 but practical < 60
    services.results_publish(actor=hz_staff, competition=event.competition)
    got = {e.pk: (e.rank, e.award, e.passed) for e in Entry.objects.all()}
    assert got[judging[0].pk] == (1, Entry.Award.GOLD, True)
    assert got[judging[1].pk] == (1, Entry.Award.GOLD, True)
    assert got[judging[2].pk] == (3, "", False)


def test_publish_refused_while_entries_are_unscored(event, judging, hz_staff, hz_judge, nb_judge):
    score(judging[0], [hz_judge], 理论知识=90, 实际操作=90)
    refused("unscored", services.results_publish, actor=hz_staff, competition=event.competition)
    event.competition.refresh_from_db()
    assert event.competition.status == Competition.Status.JUDGING


def test_publish_grants_titles_and_locks_scores(
    competition, hz_staff, nb_staff, hz_members, nb_members, hz_judge
):
    event = EventFactory(
        competition=competition,
        title_kind=Event.TitleKind.TECHNICAL_EXPERT,
        title_top=1,
        judges=[hz_judge],
    )
    a = enter(hz_staff, event, hz_members[0])
    b = enter(nb_staff, event, nb_members[0])
    set_status(competition, Competition.Status.JUDGING)
    score(a, [hz_judge], 理论知识=70, 实际操作=80)
    score(b, [hz_judge], 理论知识=90, 实际操作=95)
    refused("not_host", services.results_publish, actor=hz_judge, competition=competition)
    services.results_publish(
        actor=hz_staff,
        competition=competition,
        at=datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC),  # 00:30 in Shanghai
    )
    competition.refresh_from_db()
    assert competition.status == Competition.Status.PUBLISHED
    [title] = Title.objects.all()
    assert (title.member, title.kind, title.federation) == (
        b.member,
        "technical_expert",
        b.federation,
    )
    assert set(title.recognised_by.all()) == set(competition.hosts.all())
    # published, and the title granted, on that day in Shanghai
    assert competition.published_on == title.granted_on == datetime.date(2026, 12, 1)
    # locked: the service refuses a judge's change, of one cell or of a whole sheet
    part = event.parts.first()
    refused("scores_locked", score_one, hz_judge, a, part, "100")
    refused(
        "scores_locked",
        services.scores_submit,
        actor=hz_judge,
        event=event,
        values={(a.number, part.pk): "100"},
    )
    assert Score.objects.get(entry=a, part=part).value == Decimal(70)


def test_advance_needs_weights_summing_to_100(competition, hz_staff, nb_staff, wz_staff):
    set_status(competition, Competition.Status.DRAFT)
    EventFactory(competition=competition, parts=[("理论", 30, None), ("实操", 60, None)])
    refused("weights", services.competition_advance, actor=hz_staff, competition=competition)
    refused("not_host", services.competition_advance, actor=wz_staff, competition=competition)
    competition.events.get().parts.filter(name="实操").update(weight=70)
    # both host federations' staff manage a joint competition
    assert services.competition_advance(actor=nb_staff, competition=competition).status == "open"
    assert competition.history.latest("history_date").history_user == nb_staff


@pytest.mark.parametrize("actor", ["wz_staff", "hz_leader", "hz_judge"])
def test_outsider_leader_and_judge_move_no_competition_on(request, actor, competition):
    refused(
        "not_host",
        services.competition_advance,
        actor=request.getfixturevalue(actor),
        competition=competition,
    )
    competition.refresh_from_db()
    assert competition.status == Competition.Status.OPEN


def test_the_last_step_publishes_the_results(event, judging, hz_staff, hz_judge, nb_judge):
    for entry in judging:
        score(entry, [hz_judge, nb_judge], 理论知识=80, 实际操作=80)
    competition = services.competition_advance(actor=hz_staff, competition=event.competition)
    assert competition.is_published and competition.published_at is not None
    assert competition.history.latest("history_date").history_user == hz_staff
    assert set(Entry.objects.values_list("rank", flat=True)) == {1}
    placed = Entry.history.filter(rank=1)
    assert placed.count() == 3 and {h.history_user for h in placed} == {hz_staff}
    refused("no_next_step", services.competition_advance, actor=hz_staff, competition=competition)


def test_deadline_in_the_past_means_registration_is_closed(competition):
    competition.registration_deadline = timezone.now() - datetime.timedelta(minutes=1)
    assert not competition.registration_is_open


def test_deadline_message_uses_the_languages_date_format(event, hz_staff, hz_members):
    late = event.competition.registration_deadline + datetime.timedelta(seconds=1)
    shown = timezone.localtime(event.competition.registration_deadline)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            error = refused("deadline_passed", enter, hz_staff, event, hz_members[0], now=late)
            assert date_format(shown, "DATETIME_FORMAT") in error.messages[0], language
    with translation.override("en"):
        error = refused("deadline_passed", enter, hz_staff, event, hz_members[0], now=late)
    assert shown.strftime("%Y-%m-%d %H:%M") not in error.messages[0]


# --- blind judging: who judges, and which numbers they see --------------------------------


def test_only_users_with_the_judge_role_can_be_assigned(
    event, hz_staff, hz_approver, hz_leader, hz_judge, superuser
):
    # (each attempt in its own atomic block: the refusal breaks the transaction it is in)
    for user in (hz_staff, hz_approver, hz_leader, superuser):
        with pytest.raises(ValidationError) as caught, transaction.atomic():
            event.judges.add(user)
        assert caught.value.code == "not_judge_role", user
        with pytest.raises(ValidationError), transaction.atomic():
            user.judged_events.add(event)  # the other side of the relation too
        with pytest.raises(ValidationError), transaction.atomic():
            event.judges.set([hz_judge, user])
    assert set(event.judges.values_list("username", flat=True)) == {"hz-judge", "nb-judge"}


def test_a_judge_who_becomes_staff_no_longer_scores(event, judging, hz_judge):
    hz_judge.staff_profile.role = Role.STAFF
    hz_judge.staff_profile.save()
    assert not Event.objects.judged_by(hz_judge).exists()
    refused("not_a_judge", score_one, hz_judge, judging[0], event.parts.first(), "80")


class Reverse:
    """A predictable stand-in for random.SystemRandom: reverses the list."""

    def shuffle(self, items):
        items.reverse()


def advance_to_judging(actor, competition):
    while competition.status != Competition.Status.JUDGING:
        competition = services.competition_advance(actor=actor, competition=competition)
    return competition


def test_judging_renumbers_entries_out_of_entry_order(
    competition, hz_staff, nb_staff, hz_members, nb_members, monkeypatch
):
    event = EventFactory(competition=competition, cap_per_federation=3)
    hz_entries = [enter(hz_staff, event, member) for member in hz_members[:3]]
    nb_entries = [enter(nb_staff, event, member) for member in nb_members[:2]]
    assert [e.number for e in hz_entries + nb_entries] == [1, 2, 3, 4, 5]  # by federation
    services.entry_withdraw(actor=hz_staff, entry=hz_entries[1])
    monkeypatch.setattr(services, "_random", Reverse())
    advance_to_judging(hz_staff, competition)
    numbers = dict(Entry.objects.filter(event=event).values_list("pk", "number"))
    live = [hz_entries[0], hz_entries[2], *nb_entries]
    # the live entries share their old numbers, no longer in entry order
    assert sorted(numbers[e.pk] for e in live) == [1, 3, 4, 5]
    assert [numbers[e.pk] for e in live] == [5, 4, 3, 1]
    assert numbers[hz_entries[1].pk] == 2  # the withdrawn entry keeps its number
    latest = Entry.history.filter(id=nb_entries[1].pk).latest("history_date")
    assert (latest.number, latest.history_user) == (1, hz_staff)


def test_judging_numbers_are_a_permutation(competition, hz_staff, nb_staff, hz_org, nb_org):
    event = EventFactory(competition=competition, cap_per_federation=20)
    for i in range(20):
        staff, org = (hz_staff, hz_org) if i < 10 else (nb_staff, nb_org)
        enter(staff, event, MemberFactory(organisation=org))
    before = dict(Entry.objects.values_list("pk", "number"))
    advance_to_judging(hz_staff, competition)
    after = dict(Entry.objects.values_list("pk", "number"))
    assert sorted(after.values()) == list(range(1, 21))
    assert after != before  # a 1 in 20! chance of failing by luck


# --- scoring a whole sheet ----------------------------------------------------------------


def test_scores_submit_saves_a_sheet_and_keeps_history(event, judging, hz_judge):
    theory, practical = event.parts.all()
    score_one(hz_judge, judging[0], theory, "70")
    saved = services.scores_submit(
        actor=hz_judge,
        event=event,
        values={
            (judging[0].number, theory.pk): "70.00",  # unchanged: not written again
            (judging[0].number, practical.pk): "81",
            (judging[1].number, theory.pk): 90,
            (judging[2].number, theory.pk): "",  # a blank cell changes nothing
        },
    )
    assert saved == 2
    got = {(s.entry_id, s.part_id): s.value for s in Score.objects.filter(judge=hz_judge)}
    assert got == {
        (judging[0].pk, theory.pk): Decimal(70),
        (judging[0].pk, practical.pk): Decimal(81),
        (judging[1].pk, theory.pk): Decimal(90),
    }
    assert Score.history.count() == 3
    assert {h.history_user for h in Score.history.all()} == {hz_judge}
    services.scores_submit(
        actor=hz_judge, event=event, values={(judging[0].number, theory.pk): "75"}
    )
    assert Score.history.filter(history_type="~").get().value == Decimal(75)


def test_scores_submit_reports_every_bad_cell_and_saves_nothing(
    event, judging, hz_judge, hz_staff, other_event
):
    theory, practical = event.parts.all()
    Entry.objects.filter(pk=judging[2].pk).update(status=Entry.Status.WITHDRAWN)
    with pytest.raises(ValidationError) as caught:
        services.scores_submit(
            actor=hz_judge,
            event=event,
            values={
                (judging[0].number, theory.pk): "80",
                (judging[0].number, practical.pk): "120",
                (judging[1].number, theory.pk): "abc",
                (judging[2].number, theory.pk): "50",
                (judging[0].number, other_event.parts.first().pk): "50",
                (99, theory.pk): "",  # no such entrant: refused even when blank
            },
        )
    codes = sorted(e.code for e in caught.value.error_list)
    assert codes == ["invalid", "max_value", "unknown_entrant", "withdrawn", "wrong_part"]
    assert not Score.objects.exists()


# --- publishing ---------------------------------------------------------------------------


def test_publish_refused_when_the_weights_no_longer_sum_to_100(
    event, judging, hz_staff, hz_judge, nb_judge
):
    for entry in judging:
        score(entry, [hz_judge, nb_judge], 理论知识=80, 实际操作=80)
    event.parts.filter(name="实际操作").update(weight=60)  # edited in the admin while judging
    error = refused(
        "weights", services.results_publish, actor=hz_staff, competition=event.competition
    )
    assert "90" in error.messages[0]
    event.competition.refresh_from_db()
    assert event.competition.status == Competition.Status.JUDGING
    assert not Entry.objects.filter(rank__isnull=False).exists()


def test_top_ranked_entrant_over_the_title_age_gets_no_title(
    competition, hz_staff, hz_org, hz_judge
):
    event = EventFactory(
        competition=competition,
        title_kind=Event.TitleKind.YOUNG_EXPERT,
        title_top=1,
        title_max_age=35,
        judges=[hz_judge],
    )
    start = competition.starts_on
    older = MemberFactory(
        organisation=hz_org,
        id_number=idcard.make("330106", start.replace(year=start.year - 40), 11),
    )
    younger = MemberFactory(
        organisation=hz_org,
        id_number=idcard.make("330106", start.replace(year=start.year - 30), 13),
    )
    best, second = enter(hz_staff, event, older), enter(hz_staff, event, younger)
    set_status(competition, Competition.Status.JUDGING)
    score(best, [hz_judge], 理论知识=95, 实际操作=95)
    score(second, [hz_judge], 理论知识=80, 实际操作=80)
    services.results_publish(actor=hz_staff, competition=competition)
    best.refresh_from_db()
    assert (best.rank, best.award) == (1, Entry.Award.GOLD)  # the award stands
    assert not Title.objects.filter(member=older).exists()
    assert not Title.objects.exists()  # and the title is not handed down to rank 2


def test_publish_query_count_does_not_grow_with_events_entrants_or_titles(
    hz, nb, agreement, hz_staff, hz_org, nb_org, hz_judge
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.competitions.factories import CompetitionFactory

    def build(events, per_event):
        competition = CompetitionFactory(hosts=[hz, nb])
        for _ in range(events):
            event = EventFactory(
                competition=competition,
                cap_per_federation=50,
                title_kind=Event.TitleKind.TECHNICAL_EXPERT,
                title_top=per_event,
                judges=[hz_judge],
            )
            for i in range(per_event):
                entry = Entry.objects.create(
                    event=event,
                    member=MemberFactory(organisation=hz_org if i % 2 else nb_org),
                    number=i + 1,
                    years_in_job=3,
                    entered_by=hz_staff,
                )
                score(entry, [hz_judge], 理论知识=70 + i, 实际操作=80)
        set_status(competition, Competition.Status.JUDGING)
        actor = User.objects.get(pk=hz_staff.pk)  # a fresh user: nothing cached on it
        with CaptureQueriesContext(connection) as queries:
            services.results_publish(actor=actor, competition=competition)
        return len(queries.captured_queries)

    small = build(1, 2)
    assert Title.objects.count() == 2
    large = build(3, 10)
    assert Title.objects.count() == 2 + 30
    assert large == small
    title = Title.objects.order_by("pk").last()
    assert set(title.recognised_by.values_list("code", flat=True)) == {"HZ", "NB"}
    assert title.history.get().history_user == hz_staff


# --- the rules attachment -----------------------------------------------------------------


def test_rules_attachment_is_sniffed_on_upload_not_re_read_later(competition):
    competition.attachment = SimpleUploadedFile(
        "rules.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as caught:
        competition.full_clean()
    assert "attachment" in caught.value.error_dict
    competition.attachment = SimpleUploadedFile(
        "rules.pdf", b"%PDF-1.4 rules", content_type="application/pdf"
    )
    competition.full_clean()
    # a stored file that has gone missing does not block saving (or publishing) later
    Competition.objects.filter(pk=competition.pk).update(attachment="competitions/rules/gone.pdf")
    competition.refresh_from_db()
    competition.full_clean()
