"""The leaders' dashboard (驾驶舱): who may open it, each figure against hand-computed
fixtures (a federation with nothing, a year with nothing), a query count that does not grow
with the data, the short-lived cache, and the .xlsx whose numbers are the page's."""

import datetime
import io
import zoneinfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from competitions.models import Competition, Entry, Title
from cooperation import dashboard
from cooperation.models import Pillar, ProjectStatus
from members.models import Member
from sanatoriums.models import Recognition
from tests.competitions.factories import CompetitionFactory, EntryFactory, EventFactory
from tests.cooperation.factories import MilestoneFactory, ProgressUpdateFactory, ProjectFactory
from tests.factories import MemberFactory
from tests.sanatoriums.factories import RecognitionFactory, SanatoriumFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
URL = reverse("cooperation:dashboard")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def tile(board, key):
    return next(data for registered, data in board.tiles if registered.key == key)


def figures(board, key):
    """{English label: {federation code: value}} of one tile."""
    codes = {f.pk: f.code for f in board.federations}
    with translation.override("en"):
        return {
            dashboard.label_text(figure.label): {codes[pk]: figure.value(pk) for pk in codes}
            for figure in tile(board, key).figures
        }


@pytest.fixture
def hangzhou_year(hz, nb, hz_org, nb_org, agreement, wz, wz_org):
    """2025 as hand-counted: Hangzhou has everything, Ningbo next to nothing, Wenzhou (no
    agreement) has records that must never be counted."""
    skills = Pillar.objects.get(key="skills")
    wellbeing = Pillar.objects.get(key="wellbeing")
    common = {"agreement": agreement, "lead_federation": hz}
    on_track = ProjectFactory(
        **common,
        pillar=skills,
        status=ProjectStatus.IN_PROGRESS,
        target_beneficiaries=100,
        actual_beneficiaries=40,
    )
    delayed = ProjectFactory(
        **common,
        pillar=wellbeing,
        status=ProjectStatus.IN_PROGRESS,
        target_beneficiaries=300,
        actual_beneficiaries=60,
    )
    # Overdue on the year's last day (the day a past year's figures refer to).
    MilestoneFactory(project=delayed, due_on=datetime.date(2025, 6, 30))
    MilestoneFactory(project=on_track, due_on=datetime.date(2026, 6, 30))
    ProjectFactory(**common, pillar=skills, status=ProjectStatus.COMPLETED)
    # Outside the year: not counted.
    ProjectFactory(
        **common,
        planned_start=datetime.date(2023, 1, 1),
        planned_end=datetime.date(2024, 12, 31),
    )
    ProgressUpdateFactory(project=on_track, happened_on=datetime.date(2025, 3, 5))
    ProgressUpdateFactory(project=on_track, happened_on=datetime.date(2025, 3, 20))
    ProgressUpdateFactory(project=delayed, happened_on=datetime.date(2025, 11, 2))
    ProgressUpdateFactory(project=delayed, federation=nb, happened_on=datetime.date(2025, 11, 9))
    ProgressUpdateFactory(project=delayed, happened_on=datetime.date(2024, 11, 9))
    # Wenzhou's own project: no agreement with it, never in anyone's figures but its own.
    wz_agreement = type(agreement).objects.create(
        title="温州自有", signed_on=datetime.date(2021, 1, 1), valid_from=datetime.date(2021, 1, 1)
    )
    wz_agreement.parties.add(wz)
    ProjectFactory(agreement=wz_agreement, lead_federation=wz, status=ProjectStatus.IN_PROGRESS)

    # Members: joined before, in and after 2025; two in new forms of employment.
    MemberFactory(organisation=hz_org, join_date=datetime.date(2019, 1, 1))
    MemberFactory(
        organisation=hz_org,
        join_date=datetime.date(2025, 2, 1),
        employment_form=Member.EmploymentForm.COURIER,
    )
    MemberFactory(
        organisation=hz_org,
        join_date=datetime.date(2025, 12, 31),
        employment_form=Member.EmploymentForm.DELIVERY_RIDER,
    )
    MemberFactory(organisation=hz_org, join_date=datetime.date(2026, 1, 1))
    MemberFactory(organisation=wz_org, join_date=datetime.date(2025, 1, 1))

    # Bases: Hangzhou's two are recognised by Ningbo (one valid through 2025, one expired
    # in the middle of it); Ningbo's one base is recognised by nobody.
    hz_base = SanatoriumFactory(federation=hz)
    hz_old = SanatoriumFactory(federation=hz)
    SanatoriumFactory(federation=nb)
    RecognitionFactory(sanatorium=hz_base, federation=nb, approved=True)
    RecognitionFactory(
        sanatorium=hz_old,
        federation=nb,
        status=Recognition.Status.APPROVED,
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2025, 6, 30),
    )

    # A joint competition of 2025 with published results: two Hangzhou entrants (one with a
    # gold and a title), one Ningbo entrant without an award, one withdrawn.
    competition = CompetitionFactory(year=2025, hosts=[hz, nb])
    event = EventFactory(competition=competition)
    gold = EntryFactory(event=event, member=MemberFactory(organisation=hz_org))
    EntryFactory(event=event, member=MemberFactory(organisation=hz_org))
    EntryFactory(event=event, member=MemberFactory(organisation=nb_org))
    EntryFactory(
        event=event, member=MemberFactory(organisation=nb_org), status=Entry.Status.WITHDRAWN
    )
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.PUBLISHED)
    Entry.objects.filter(pk=gold.pk).update(award=Entry.Award.GOLD, rank=1)
    Title.objects.create(
        member=gold.member,
        federation=hz,
        entry=gold,
        kind="technical_expert",
        granted_on=datetime.date(2025, 10, 1),
    )
    return {"delayed": delayed, "on_track": on_track}


# --- who may open it -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("cooperation:dashboard_export")).status_code == 302


def test_judges_may_not_open_it(client, hz_judge):
    client.force_login(hz_judge)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("cooperation:dashboard_export")).status_code == 403


@pytest.mark.parametrize("role", ["hz_leader", "hz_staff", "hz_approver", "superuser"])
def test_leaders_staff_approvers_and_administrators_open_it(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert b"portal-chart" in response.content


# --- the figures -------------------------------------------------------------------------------


def test_project_figures_per_federation(hangzhou_year, hz_leader):
    board = dashboard.build_dashboard(hz_leader, YEAR)
    assert [f.code for f in board.federations] == ["HZ", "NB"]
    projects = figures(board, "projects")
    assert projects["Projects in the year"] == {"HZ": 3, "NB": 0}
    assert projects["In progress"] == {"HZ": 2, "NB": 0}
    assert projects["Completed"] == {"HZ": 1, "NB": 0}
    assert projects["On track"] == {"HZ": 2, "NB": 0}
    assert projects["Delayed"] == {"HZ": 1, "NB": 0}
    assert projects["Target beneficiaries"] == {"HZ": 500, "NB": 0}
    assert projects["Beneficiaries so far"] == {"HZ": 110, "NB": 0}
    # 110 of 500; Ningbo has no target, so no share (not 0 %).
    assert projects["Share of the target reached"] == {"HZ": 22.0, "NB": None}


def test_project_charts_count_by_status_common_and_month(hangzhou_year, hz_leader, hz, nb):
    board = dashboard.build_dashboard(hz_leader, YEAR)
    donut, by_common, months = tile(board, "projects").charts
    in_progress = ProjectStatus.values.index(ProjectStatus.IN_PROGRESS)
    assert donut.series["all"][in_progress] == 2
    skills = [p.key for p in Pillar.objects.all()].index("skills")
    assert by_common.series[hz.pk][skills] == 2
    assert by_common.series[nb.pk] == [0] * 5
    # March: two Hangzhou updates; November: one each (the partner's counts for Ningbo).
    assert months.series[hz.pk][2] == 2 and months.series[hz.pk][10] == 1
    assert months.series[nb.pk][10] == 1 and sum(months.series[nb.pk]) == 1


def test_members_wellbeing_and_skills_figures(hangzhou_year, hz_leader):
    board = dashboard.build_dashboard(hz_leader, YEAR)
    members = figures(board, "members")
    # The 2026 joiner is not yet a member at the end of 2025; the competition entrants
    # (joined 2020 by the factory) are.
    assert members["Members at the end of the year"] == {"HZ": 3 + 2, "NB": 2}
    assert members["Joined in the year"] == {"HZ": 2, "NB": 0}
    assert members["Members in new forms of employment"] == {"HZ": 2, "NB": 0}
    wellbeing = figures(board, "wellbeing")
    assert wellbeing["Active bases"] == {"HZ": 2, "NB": 1}
    # On 31 Dec 2025 one recognition is still valid: Ningbo recognises one Hangzhou base.
    assert wellbeing["Partner bases it recognises"] == {"HZ": 0, "NB": 1}
    assert wellbeing["Its bases recognised by partners"] == {"HZ": 1, "NB": 0}
    skills = figures(board, "skills")
    assert skills["Competitions hosted"] == {"HZ": 1, "NB": 1}
    assert skills["Entrants"] == {"HZ": 2, "NB": 1}
    assert skills["Awards won"] == {"HZ": 1, "NB": 0}
    assert skills["Titles granted"] == {"HZ": 1, "NB": 0}


def test_a_joint_competition_is_not_added_up_twice(hangzhou_year, hz_leader):
    board = dashboard.build_dashboard(hz_leader, YEAR)
    with translation.override("en"):
        hosted = next(f for f in tile(board, "skills").figures if f.label == "Competitions hosted")
    assert hosted.total_of([f.pk for f in board.federations]) is None


def test_a_year_with_no_data_shows_zeros(hangzhou_year, hz_leader, client):
    board = dashboard.build_dashboard(hz_leader, 2022)
    for key in ("projects", "members", "skills"):
        for label, values in figures(board, key).items():
            if label == "Members at the end of the year":
                assert values == {"HZ": 3, "NB": 2}  # joined in 2019 and 2020
            else:
                assert values in ({"HZ": 0, "NB": 0}, {"HZ": None, "NB": None}), label
    client.force_login(hz_leader)
    assert client.get(URL, {"year": 2022}).status_code == 200


def test_a_third_federation_sees_only_itself(hangzhou_year, wz_staff):
    board = dashboard.build_dashboard(wz_staff, YEAR)
    assert [f.code for f in board.federations] == ["WZ"]
    assert figures(board, "projects")["Projects in the year"] == {"WZ": 1}
    assert figures(board, "members")["Joined in the year"] == {"WZ": 1}


def test_needs_action_lists_overdue_milestones_and_expiring_recognitions(
    client, hz_leader, hz, nb, agreement
):
    today = timezone.localdate()
    project = ProjectFactory(
        agreement=agreement,
        lead_federation=hz,
        title="逾期项目",
        status=ProjectStatus.IN_PROGRESS,
        planned_start=today - datetime.timedelta(days=100),
        planned_end=today + datetime.timedelta(days=100),
    )
    MilestoneFactory(project=project, title="逾期节点", due_on=today - datetime.timedelta(days=1))
    MilestoneFactory(project=project, title="按时节点", due_on=today + datetime.timedelta(days=1))
    base = SanatoriumFactory(federation=hz, name="将到期基地")
    RecognitionFactory(
        sanatorium=base,
        federation=nb,
        status=Recognition.Status.APPROVED,
        valid_from=today - datetime.timedelta(days=300),
        valid_until=today + datetime.timedelta(days=59),
    )
    later = SanatoriumFactory(federation=hz, name="远期基地")
    RecognitionFactory(
        sanatorium=later,
        federation=nb,
        status=Recognition.Status.APPROVED,
        valid_from=today - datetime.timedelta(days=300),
        valid_until=today + datetime.timedelta(days=61),
    )
    client.force_login(hz_leader)
    page = client.get(URL).content.decode()
    assert "逾期节点" in page and "按时节点" not in page
    assert f'href="{project.get_absolute_url()}"' in page
    assert "将到期基地" in page and "远期基地" not in page
    assert f'href="{base.get_absolute_url()}"' in page


# --- speed and cache -------------------------------------------------------------------------


def _queries(client):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"year": YEAR}).status_code == 200
    return len(captured.captured_queries)


def _grow(hz, nb, hz_org, agreement, times):
    for _n in range(times):
        project = ProjectFactory(agreement=agreement, lead_federation=hz)
        MilestoneFactory(project=project, due_on=datetime.date(2025, 1, 1))
        ProgressUpdateFactory(project=project, happened_on=datetime.date(2025, 5, 1))
        MemberFactory(organisation=hz_org, join_date=datetime.date(2025, 4, 1))
        base = SanatoriumFactory(federation=hz)
        RecognitionFactory(sanatorium=base, federation=nb, approved=True)


def test_query_count_does_not_grow_with_the_data(client, hz_leader, hz, nb, hz_org, agreement):
    _grow(hz, nb, hz_org, agreement, 2)
    client.force_login(hz_leader)
    small = _queries(client)
    _grow(hz, nb, hz_org, agreement, 20)
    assert _queries(client) == small


def test_figures_come_from_the_cache_and_say_when_they_were_computed(
    client, hangzhou_year, hz_leader, hz, agreement
):
    client.force_login(hz_leader)
    first = client.get(URL, {"year": YEAR})
    assert "Figures computed at" in first.content.decode() or "数据计算于" in first.content.decode()
    ProjectFactory(agreement=agreement, lead_federation=hz)
    # Within the cache's lifetime the page still shows what was computed…
    again = dashboard.build_dashboard(hz_leader, YEAR)
    assert figures(again, "projects")["Projects in the year"]["HZ"] == 3
    # …and computes afresh once it has run out.
    cache.clear()
    fresh = dashboard.build_dashboard(hz_leader, YEAR)
    assert figures(fresh, "projects")["Projects in the year"]["HZ"] == 4


def test_cached_figures_are_kept_apart_per_federation(hangzhou_year, hz_leader, wz_staff):
    dashboard.build_dashboard(hz_leader, YEAR)
    board = dashboard.build_dashboard(wz_staff, YEAR)
    assert [f.code for f in board.federations] == ["WZ"]
    assert figures(board, "projects")["Projects in the year"] == {"WZ": 1}


def test_cached_labels_follow_the_readers_language(client, hangzhou_year, hz_leader):
    client.force_login(hz_leader)
    client.cookies["django_language"] = "en"
    assert "Projects in the year" in client.get(URL, {"year": YEAR}).content.decode()
    client.cookies["django_language"] = "zh-hans"
    page = client.get(URL, {"year": YEAR}).content.decode()
    assert "Projects in the year" not in page
    assert "本年度项目" in page


# --- the workbook ----------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_tile_with_the_pages_numbers(client, hangzhou_year, hz_leader):
    client.force_login(hz_leader)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("cooperation:dashboard_export"), {"year": YEAR})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert {"Projects", "Worker recuperation", "Skill competitions", "Members"} <= set(
        book.sheetnames
    )
    board = dashboard.build_dashboard(hz_leader, YEAR)
    sheet = book["Projects"]
    rows = {}
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if not row[0]:
            break  # the figures end where the first chart's table begins
        rows[row[0]] = row[1:]
    assert rows["Projects in the year"][:3] == (3, 0, 3)
    assert rows["Share of the target reached"][:3] == (22.0, None, None)
    for figure in tile(board, "projects").figures:
        hz_value, nb_value = (figure.value(f.pk) for f in board.federations)
        with translation.override("en"):
            label = dashboard.label_text(figure.label)
        assert rows[label][:2] == (hz_value, nb_value)
    # The page shows the same numbers.
    page = client.get(URL, {"year": YEAR}).content.decode()
    assert "22 %" in page
    # What needs action: the same items as the page, in its order (both milestones of the
    # fixture are overdue today).
    needs = [row[1] for row in book["Needs action"].iter_rows(min_row=2, values_only=True)]
    assert needs == [item.label for item in dashboard.attention_items(board)]
    assert len(needs) == 2 and all(label in page for label in needs)


def test_workbook_text_cannot_become_a_formula(client, hz_leader, hz, agreement):
    today = timezone.localdate()
    project = ProjectFactory(
        agreement=agreement,
        lead_federation=hz,
        title="=HYPERLINK(1)",
        status=ProjectStatus.IN_PROGRESS,
        planned_start=today - datetime.timedelta(days=10),
        planned_end=today + datetime.timedelta(days=10),
    )
    MilestoneFactory(project=project, title="x", due_on=today - datetime.timedelta(days=1))
    client.force_login(hz_leader)
    response = client.get(reverse("cooperation:dashboard_export"))
    book = load_workbook(io.BytesIO(response.content))
    labels = [row[1] for row in book.worksheets[-1].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1) · x" in labels


# --- the liaison mechanism -----------------------------------------------------------------


def _at(year, month, day, hour, minute=0):
    """A moment given in Shanghai time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def meetings_2025(hz, nb, agreement):
    from cooperation.models import ActionItem, Meeting
    from tests.cooperation.factories import (
        ActionItemFactory,
        MeetingFactory,
        MeetingOutcomeFactory,
    )

    held = Meeting.Status.HELD
    department = MeetingFactory(
        host_federation=hz, status=held, starts_at=_at(2025, 3, 3, 9), level="department"
    )
    # The last evening of 2025 in Shanghai is still 2025, though it is 15:30 UTC.
    MeetingFactory(
        host_federation=hz, status=held, starts_at=_at(2025, 12, 31, 23, 30), level="district_union"
    )
    # Half past midnight on New Year's Day in Shanghai is 2026 (16:30 UTC on 31 December).
    MeetingFactory(host_federation=hz, status=held, starts_at=_at(2026, 1, 1, 0, 30))
    MeetingFactory(host_federation=hz, starts_at=_at(2025, 12, 20, 9))  # planned
    executive = MeetingFactory(
        host_federation=nb, status=held, starts_at=_at(2025, 6, 1, 9), level="executive_vice_chair"
    )
    today = timezone.localdate()
    ActionItemFactory(
        outcome=MeetingOutcomeFactory(meeting=department),
        owner_federation=nb,
        title="逾期任务",
        due_on=today - datetime.timedelta(days=3),
    )
    ActionItemFactory(
        outcome=MeetingOutcomeFactory(meeting=department),
        owner_federation=hz,
        status=ActionItem.Status.DONE,
        done_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 4, 30),
    )
    ActionItemFactory(
        outcome=MeetingOutcomeFactory(meeting=executive),
        owner_federation=nb,
        due_on=today + datetime.timedelta(days=30),
    )
    return department


def test_mechanism_figures_per_federation(meetings_2025, hz_leader, hz, nb):
    board = dashboard.build_dashboard(hz_leader, YEAR)
    mechanism = figures(board, "mechanism")
    assert mechanism["Meetings held"] == {"HZ": 2, "NB": 1}
    assert mechanism["Meetings planned"] == {"HZ": 1, "NB": 0}
    assert mechanism["Action items decided in the year"] == {"HZ": 1, "NB": 2}
    assert mechanism["Action items done"] == {"HZ": 1, "NB": 0}
    assert mechanism["Action items open now"] == {"HZ": 0, "NB": 2}
    assert mechanism["Action items overdue now"] == {"HZ": 0, "NB": 1}
    by_level, by_month = tile(board, "mechanism").charts
    levels = [value for value, _label in type(meetings_2025).Level.choices]
    assert by_level.series[hz.pk][levels.index("department")] == 1
    assert by_level.series[hz.pk][levels.index("district_union")] == 1
    assert by_level.series[nb.pk][levels.index("executive_vice_chair")] == 1
    assert by_month.series[hz.pk][11] == 1 and by_month.series[hz.pk][0] == 0
    assert by_month.series[nb.pk][5] == 1


def test_overdue_action_items_need_action(client, meetings_2025, hz_leader):
    client.force_login(hz_leader)
    page = client.get(URL).content.decode()
    assert "逾期任务" in page
    item = meetings_2025.action_items.get(title="逾期任务")
    assert f'href="{item.get_absolute_url()}"' in page


# --- workers' rights ---------------------------------------------------------------------


@pytest.fixture
def referrals_2025(hz, nb, agreement):
    from cooperation.models import Referral
    from tests.cooperation.referral_factories import ReferralFactory

    status = Referral.Status

    def referral(sender, receiver, submitted, answered=None, resolved=None, **fields):
        return ReferralFactory(
            from_federation=sender,
            to_federation=receiver,
            submitted_at=submitted,
            acknowledge_by=(submitted + datetime.timedelta(days=3)).date(),
            acknowledged_at=answered,
            resolved_at=resolved,
            **fields,
        )

    march = _at(2025, 3, 1, 10)
    # Three referrals to Hangzhou: answered on day 2 and resolved after 4 and 10 days; one
    # answered on day 5 (late) and still open.
    referral(
        nb,
        hz,
        march,
        answered=march + datetime.timedelta(days=2),
        resolved=march + datetime.timedelta(days=4),
        status=status.RESOLVED,
        outcome="已追回",
    )
    referral(
        nb,
        hz,
        march,
        answered=march + datetime.timedelta(days=2),
        resolved=march + datetime.timedelta(days=10),
        status=status.RESOLVED,
        outcome="已调解",
    )
    referral(nb, hz, march, answered=march + datetime.timedelta(days=5), status=status.ACCEPTED)
    # Submitted at 23:30 on the deadline's eve and answered at 23:50 Shanghai time on the
    # last day: on time, though it is 15:50 UTC.
    evening = _at(2025, 6, 10, 23, 30)
    referral(
        hz,
        nb,
        evening,
        answered=_at(2025, 6, 13, 23, 50),
        status=status.DECLINED,
        reason="不属于受理范围",
    )
    # Never answered, long overdue.
    return referral(hz, nb, _at(2025, 9, 1, 9))


def test_rights_figures_per_receiving_federation(referrals_2025, hz_leader):
    board = dashboard.build_dashboard(hz_leader, YEAR)
    rights = figures(board, "rights")
    assert rights["Referrals sent"] == {"HZ": 2, "NB": 3}
    assert rights["Referrals received"] == {"HZ": 3, "NB": 2}
    assert rights["Resolved"] == {"HZ": 2, "NB": 0}
    assert rights["Declined"] == {"HZ": 0, "NB": 1}
    assert rights["Submitted"] == {"HZ": 0, "NB": 1}
    # Hangzhou answered two of three on time; Ningbo one of two (the other is overdue).
    assert rights["Answered on time"] == {"HZ": 66.7, "NB": 50.0}
    # Four and ten days: the median of two is their mean; Ningbo resolved none.
    assert rights["Median time to resolve"] == {"HZ": 7.0, "NB": None}
    assert rights["Awaiting an answer now"] == {"HZ": 0, "NB": 1}
    assert rights["Of them past the deadline"] == {"HZ": 0, "NB": 1}


def test_median_time_to_resolve_of_an_odd_number(hz_leader, hz, nb, agreement):
    from cooperation.models import Referral
    from tests.cooperation.referral_factories import ReferralFactory

    start = _at(2025, 4, 1, 9)
    for days in (9, 1, 2):
        ReferralFactory(
            from_federation=hz,
            to_federation=nb,
            submitted_at=start,
            acknowledged_at=start,
            resolved_at=start + datetime.timedelta(days=days),
            status=Referral.Status.RESOLVED,
            outcome="已解决",
        )
    board = dashboard.build_dashboard(hz_leader, YEAR)
    assert figures(board, "rights")["Median time to resolve"] == {"HZ": None, "NB": 2.0}


def test_a_leader_sees_a_waiting_referral_but_cannot_open_it(
    client, referrals_2025, hz_leader, nb_staff
):
    # Waiting now: submitted today, to Ningbo.
    from tests.cooperation.referral_factories import ReferralFactory

    waiting = ReferralFactory(
        from_federation=referrals_2025.from_federation, to_federation=referrals_2025.to_federation
    )
    client.force_login(hz_leader)
    page = client.get(URL).content.decode()
    # Counted (with the overdue one of September), never named, never linked.
    assert "2 件（仅涉及的两个市总工会可以查看）" in page
    assert waiting.reference not in page and referrals_2025.reference not in page
    assert waiting.get_absolute_url() not in page
    assert waiting.worker_name not in page
    client.force_login(nb_staff)
    page = client.get(URL).content.decode()
    assert f'href="{waiting.get_absolute_url()}"' in page


# --- places ------------------------------------------------------------------------------


def test_places_figures_per_federation(hz_leader, hz, nb, hz_org, nb_org, agreement):
    from sanatoriums.models import Batch, Booking, Feedback, Participant
    from tests.sanatoriums.factories import BatchFactory, RouteFactory, allocate

    base = SanatoriumFactory(federation=hz)
    finished = BatchFactory(
        route=RouteFactory(sanatorium=base),
        start_date=datetime.date(2025, 5, 10),
        end_date=datetime.date(2025, 5, 14),
        signup_deadline=datetime.date(2025, 4, 30),
        status=Batch.Status.FINISHED,
    )
    allocate(finished, hz, 10)
    allocate(finished, nb, 20)
    nb_group = Booking.objects.create(
        batch=finished, organisation=nb_org, headcount=12, status=Booking.Status.CONFIRMED
    )
    Booking.objects.create(
        batch=finished, organisation=nb_org, headcount=8, status=Booking.Status.WAITING
    )
    hz_group = Booking.objects.create(
        batch=finished, organisation=hz_org, headcount=5, status=Booking.Status.CONFIRMED
    )
    nb_people = [
        Participant.objects.create(booking=nb_group, member=MemberFactory(organisation=nb_org))
        for _n in range(3)
    ]
    for _member in range(2):
        Participant.objects.create(booking=hz_group, member=MemberFactory(organisation=hz_org))
    Feedback.objects.create(participant=nb_people[0], rating=4, entered_by=hz_leader)
    Feedback.objects.create(participant=nb_people[1], rating=5, entered_by=hz_leader)
    # A batch of 2026: not in 2025's figures.
    later = BatchFactory(
        route=RouteFactory(sanatorium=base),
        start_date=datetime.date(2026, 5, 10),
        end_date=datetime.date(2026, 5, 14),
        signup_deadline=datetime.date(2026, 4, 30),
    )
    allocate(later, nb, 7)

    board = dashboard.build_dashboard(hz_leader, YEAR)
    wellbeing = figures(board, "wellbeing")
    assert wellbeing["Places allocated to it"] == {"HZ": 10, "NB": 20}
    # The waiting list does not count against places.
    assert wellbeing["Places booked"] == {"HZ": 5, "NB": 12}
    assert wellbeing["Places used"] == {"HZ": 2, "NB": 3}
    assert wellbeing["Members who visited the partner's bases"] == {"HZ": 0, "NB": 3}
    assert wellbeing["Average feedback rating"] == {"HZ": None, "NB": 4.5}


# seed_demo runs with DEBUG on, which logs its many queries: Django warns that it keeps the last.
@pytest.mark.filterwarnings("ignore:Limit for query logging exceeded")
def test_query_count_is_the_same_at_1x_and_10x_demo_data(client, settings):
    """The issue's measure: the demo data, then ten times as much, the same queries."""
    from django.core.management import call_command

    from members.models import User

    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo", password="demo-pass-123", verbosity=0)
    settings.DEBUG = False
    client.force_login(User.objects.get(username="leader"))
    this_year = timezone.localdate().year

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"year": this_year}).status_code == 200
        return len(captured.captured_queries)

    once = queries()
    members = Member.objects.count()
    settings.DEBUG = True
    call_command("seed_demo", scale=10, password="demo-pass-123", verbosity=0)
    settings.DEBUG = False
    assert Member.objects.count() >= 5 * members  # the data did grow
    assert queries() == once
