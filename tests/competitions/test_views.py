"""The pages: public list and results, staff entries, judges' sheets, export, certificate."""

import datetime
import uuid
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from competitions import services
from competitions.models import Competition, Entry, Score, Title
from competitions.views import PAGE_SIZE
from tests.competitions.factories import CompetitionFactory, EventFactory, score, set_status
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def enter(actor, event, member):
    return services.entry_create(actor=actor, event=event, member=member, years_in_job=5)


@pytest.fixture
def entries(event, hz_staff, nb_staff, hz_members, nb_members):
    return [
        enter(hz_staff, event, hz_members[0]),
        enter(hz_staff, event, hz_members[1]),
        enter(nb_staff, event, nb_members[0]),
    ]


@pytest.fixture
def published(event, entries, hz_staff, hz_judge, nb_judge):
    """Results published: two entrants tied first, one failing the practical."""
    set_status(event.competition, Competition.Status.JUDGING)
    judges = [hz_judge, nb_judge]
    score(entries[0], judges, 理论知识=90, 实际操作=90)
    score(entries[1], judges, 理论知识=85, 实际操作=80)
    score(entries[2], judges, 理论知识=90, 实际操作=90)
    services.results_publish(actor=hz_staff, competition=event.competition)
    return event.competition


# --- public pages -------------------------------------------------------------------------


def test_public_list_hides_drafts(client, competition, hz, nb):
    draft = CompetitionFactory(title="内部草稿竞赛", status=Competition.Status.DRAFT, hosts=[hz])
    response = client.get(reverse("competitions:list"))
    assert response.status_code == 200
    assert competition.title in response.text
    assert draft.title not in response.text
    assert client.get(reverse("competitions:detail", args=[draft.pk])).status_code == 404


def test_draft_visible_to_host_and_partner_staff_not_outsider(
    client, hz, hz_staff, nb_staff, wz_staff
):
    draft = CompetitionFactory(title="内部草稿竞赛", status=Competition.Status.DRAFT, hosts=[hz])
    url = reverse("competitions:detail", args=[draft.pk])
    for user, status in [(hz_staff, 200), (nb_staff, 200), (wz_staff, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_results_page_shows_shared_ranks_and_no_personal_data(
    client, published, entries, hz_members
):
    response = client.get(reverse("competitions:results", args=[published.pk]))
    assert response.status_code == 200
    text = response.text
    ranks = [e.rank for e in Entry.objects.order_by("rank", "number")]
    assert ranks == [1, 1, 3]
    assert text.count('data-rank="1"') == 2 and text.count('data-rank="3"') == 1
    assert "并列" in text
    main = text[text.index("<main") : text.index("</main>")]  # the footer names them too
    assert "杭州选手0" in main and "宁波选手0" in main
    assert "宁波市总工会" in main and "鄞州区总工会" in main
    for member in hz_members[:2]:
        assert member.id_number not in text
        assert member.masked_id_number not in text
        assert member.mobile not in text
    assert "90.00" in text


def test_results_before_publishing_show_nothing(client, event, entries):
    response = client.get(reverse("competitions:results", args=[event.competition.pk]))
    assert response.status_code == 200
    assert "杭州选手0" not in response.text
    assert "尚未公布" in response.text
    assert (
        client.get(reverse("competitions:results_export", args=[event.competition.pk])).status_code
        == 404
    )


def test_results_query_count_is_flat(
    client, django_assert_num_queries, competition, hz_staff, hz_org, nb_staff, nb_org, hz_judge
):
    def build(events, per_event):
        for _ in range(events):
            event = EventFactory(competition=competition, cap_per_federation=50, judges=[hz_judge])
            for i in range(per_event):
                member = MemberFactory(organisation=hz_org if i % 2 else nb_org)
                entry = Entry.objects.create(
                    event=event, member=member, number=i + 1, years_in_job=3, entered_by=hz_staff
                )
                score(entry, [hz_judge], 理论知识=70 + i % 3, 实际操作=80)
        Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.JUDGING)
        services.results_publish(
            actor=hz_staff, competition=Competition.objects.get(pk=competition.pk)
        )

    build(1, 2)
    url = reverse("competitions:results", args=[competition.pk])
    with django_assert_num_queries(4) as small:
        client.get(url)
    build(3, 30)  # more rows than a page, more events
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.text.count("data-rank=") == 2 + 90


def test_results_export_is_formula_safe(client, published, entries):
    member = entries[0].member
    member.name = "=HYPERLINK(1)"
    member.save()
    response = client.get(reverse("competitions:results_export", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("工种", "名次", "姓名")
    assert len(rows) == 4
    names = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK(1)" in names
    assert all(member.id_number not in str(row) for row in rows)


def test_certificate_of_an_award(client, published, entries):
    entry = Entry.objects.get(pk=entries[0].pk)
    response = client.get(entry.get_certificate_url())
    assert response.status_code == 200
    assert "荣誉证书" in response.text and entry.member.name in response.text
    assert "competitions-print.css" in response.text
    assert entry.member.id_number not in response.text


def test_no_certificate_without_an_award_or_before_publishing(
    client, event, entries, nb_staff, nb_members, hz_staff, hz_judge, nb_judge
):
    failing = enter(nb_staff, event, nb_members[1])
    set_status(event.competition, Competition.Status.JUDGING)
    judges = [hz_judge, nb_judge]
    score(entries[0], judges, 理论知识=90, 实际操作=90)
    score(entries[1], judges, 理论知识=85, 实际操作=80)
    score(entries[2], judges, 理论知识=80, 实际操作=70)
    score(failing, judges, 理论知识=95, 实际操作=50)  # below the practical's pass mark
    services.results_publish(actor=hz_staff, competition=event.competition)
    failing.refresh_from_db()
    assert (failing.award, failing.passed, hasattr(failing, "title")) == ("", False, False)
    bronze = Entry.objects.get(pk=entries[2].pk)
    assert bronze.award == Entry.Award.BRONZE
    assert client.get(bronze.get_certificate_url()).status_code == 200
    assert client.get(failing.get_certificate_url()).status_code == 404
    other = CompetitionFactory(hosts=list(event.competition.hosts.all()))
    other_event = EventFactory(competition=other)
    unpublished = Entry.objects.create(
        event=other_event,
        member=entries[0].member,
        number=1,
        years_in_job=1,
        entered_by=hz_staff,
    )
    assert client.get(unpublished.get_certificate_url()).status_code == 404


def test_certificates_have_addresses_that_cannot_be_counted(client, published, entries):
    entry = Entry.objects.get(pk=entries[0].pk)
    token = str(entry.certificate_token)
    assert entry.get_certificate_url() == f"/competitions/certificates/{token}/"
    assert client.get(entry.get_certificate_url()).status_code == 200
    # the old sequential address is gone
    assert client.get(f"/competitions/entries/{entry.pk}/certificate/").status_code == 404
    # every entry has its own random address
    tokens = set(Entry.objects.values_list("certificate_token", flat=True))
    assert len(tokens) == Entry.objects.count()
    assert client.get(f"/competitions/certificates/{uuid.uuid4()}/").status_code == 404
    # the results page links to the certificates by their addresses
    results = client.get(reverse("competitions:results", args=[published.pk])).text
    assert entry.get_certificate_url() in results
    assert "/certificate/" not in results


def test_a_certificate_is_dated_the_day_the_results_were_published(client, published, entries):
    # 23:30 UTC on 25 October is 07:30 on 26 October in Shanghai
    Competition.objects.filter(pk=published.pk).update(
        published_at=datetime.datetime(2025, 10, 25, 23, 30, tzinfo=datetime.UTC)
    )
    entry = Entry.objects.get(pk=entries[0].pk)
    with translation.override("zh-hans"):
        publish_day = date_format(datetime.date(2025, 10, 26), "DATE_FORMAT")
        eve = date_format(datetime.date(2025, 10, 25), "DATE_FORMAT")
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    text = client.get(entry.get_certificate_url()).text
    assert publish_day in text
    assert eve not in text and today not in text


# --- staff: entries -----------------------------------------------------------------------


def test_entries_list_owner_partner_outsider(
    client, competition, entries, hz_staff, nb_staff, wz_staff, hz_members, nb_members
):
    url = reverse("competitions:entries", args=[competition.pk])
    client.force_login(hz_staff)
    text = client.get(url).text
    assert hz_members[0].id_number in text  # own federation: in full
    assert nb_members[0].id_number not in text and nb_members[0].masked_id_number in text
    assert "撤销报名" in text or "退赛" in text
    client.force_login(nb_staff)
    text = client.get(url).text
    assert hz_members[0].id_number not in text and hz_members[0].masked_id_number in text
    client.force_login(wz_staff)
    assert client.get(url).status_code == 404


def test_entries_list_closed_to_judges_and_public(client, competition, entries, hz_judge):
    url = reverse("competitions:entries", args=[competition.pk])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(hz_judge)
    assert client.get(url).status_code == 403


def test_entries_list_query_count_is_flat(
    client, django_assert_num_queries, competition, hz_staff, hz_org
):
    event = EventFactory(competition=competition, cap_per_federation=100)
    client.force_login(hz_staff)
    url = reverse("competitions:entries", args=[competition.pk])

    def add(count):
        start = Entry.objects.count()
        for i in range(count):
            Entry.objects.create(
                event=event,
                member=MemberFactory(organisation=hz_org),
                number=start + i + 1,
                years_in_job=3,
                entered_by=hz_staff,
            )

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(40)  # more than a page
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.text.count("<tr>") == 1 + PAGE_SIZE


def test_staff_enter_a_member_through_the_page(client, event, hz_staff, hz_members):
    client.force_login(hz_staff)
    url = reverse("competitions:entry_create", args=[event.competition.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"event": event.pk, "card_number": hz_members[0].card_number, "years_in_job": 4}
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.member, entry.years_in_job, entry.entered_by) == (hz_members[0], 4, hz_staff)


def test_entering_a_partner_member_by_card_number_is_refused(client, event, hz_staff, nb_members):
    client.force_login(hz_staff)
    url = reverse("competitions:entry_create", args=[event.competition.pk])
    response = client.post(
        url, {"event": event.pk, "card_number": nb_members[0].card_number, "years_in_job": 4}
    )
    assert response.status_code == 200
    assert f"本市总工会没有会员卡号为 {nb_members[0].card_number} 的会员" in response.text
    assert not Entry.objects.exists()


def test_cap_message_shown_in_chinese(client, event, hz_staff, hz_members):
    client.force_login(hz_staff)
    url = reverse("competitions:entry_create", args=[event.competition.pk])
    for member in hz_members[:3]:
        response = client.post(
            url, {"event": event.pk, "card_number": member.card_number, "years_in_job": 4}
        )
    assert response.status_code == 200
    assert "杭州市总工会在电工的 2 个名额已全部用完" in response.text
    assert Entry.objects.count() == 2


def test_entry_create_closed_to_partner_leader_and_outsider(
    client, event, nb_staff, hz_leader, wz_staff
):
    url = reverse("competitions:entry_create", args=[event.competition.pk])
    client.force_login(hz_leader)
    assert client.get(url).status_code == 403
    client.force_login(wz_staff)
    assert client.get(url).status_code == 404


def test_withdraw_owner_and_partner(client, event, entries, hz_staff, nb_staff):
    url = reverse("competitions:entry_withdraw", args=[entries[0].pk])
    client.force_login(nb_staff)
    assert client.post(url).status_code == 404
    assert Entry.objects.get(pk=entries[0].pk).status == Entry.Status.ENTERED
    client.force_login(hz_staff)
    assert client.post(url).status_code == 302
    assert Entry.objects.get(pk=entries[0].pk).status == Entry.Status.WITHDRAWN


def test_advance_and_publish_through_the_page(
    client, event, entries, hz_staff, nb_staff, wz_staff, hz_judge, nb_judge
):
    competition = event.competition
    url = reverse("competitions:advance", args=[competition.pk])
    client.force_login(wz_staff)
    assert client.post(url).status_code == 404
    client.force_login(nb_staff)
    client.post(url)
    client.post(url)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.JUDGING
    response = client.post(url, follow=True)
    assert "尚未完成评分" in response.text or "未完成" in response.text
    for entry in entries:
        score(entry, [hz_judge, nb_judge], 理论知识=80, 实际操作=80)
    client.post(url)
    competition.refresh_from_db()
    assert competition.is_published


# --- judges -------------------------------------------------------------------------------


def test_judge_sees_only_their_events(client, event, other_event, hz_judge, entries):
    client.force_login(hz_judge)
    response = client.get(reverse("competitions:judging"))
    assert event.name in response.text and other_event.name not in response.text
    assert (
        client.get(reverse("competitions:judging_sheet", args=[other_event.pk])).status_code == 404
    )
    assert client.get(reverse("competitions:judging_sheet", args=[event.pk])).status_code == 200


def test_judging_is_blind(client, event, entries, hz_judge, hz_members, nb_members):
    set_status(event.competition, Competition.Status.JUDGING)
    client.force_login(hz_judge)
    page = client.get(reverse("competitions:judging_sheet", args=[event.pk])).text
    # the page's own content (the site footer names the two federations on every page)
    text = page[page.index("<main") : page.index("</main>")]
    for forbidden in [
        "杭州市总工会",
        "宁波市总工会",
        "西湖区总工会",
        "鄞州区总工会",
        "杭州选手",
        "宁波选手",
    ]:
        assert forbidden not in text, forbidden
    assert f"score-{entries[2].number}-" in text


def test_judge_scores_through_the_page(client, event, entries, hz_judge):
    set_status(event.competition, Competition.Status.JUDGING)
    client.force_login(hz_judge)
    url = reverse("competitions:judging_sheet", args=[event.pk])
    theory, practical = event.parts.all()
    data = {
        f"score-{entries[0].number}-{theory.pk}": "88",
        f"score-{entries[0].number}-{practical.pk}": "91.5",
    }
    assert client.post(url, data).status_code == 302
    assert sorted(Score.objects.values_list("value", flat=True)) == [Decimal("88"), Decimal("91.5")]


def test_a_bad_score_saves_nothing(client, event, entries, hz_judge):
    set_status(event.competition, Competition.Status.JUDGING)
    client.force_login(hz_judge)
    url = reverse("competitions:judging_sheet", args=[event.pk])
    theory, practical = event.parts.all()
    data = {
        f"score-{entries[0].number}-{theory.pk}": "88",
        f"score-{entries[0].number}-{practical.pk}": "120",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "未保存" in response.text
    assert not Score.objects.exists()


def test_scores_locked_after_publishing_on_the_page(client, published, event, entries, hz_judge):
    client.force_login(hz_judge)
    url = reverse("competitions:judging_sheet", args=[event.pk])
    theory = event.parts.first()
    before = list(Score.objects.order_by("pk").values_list("value", flat=True))
    response = client.post(url, {f"score-{entries[0].number}-{theory.pk}": "10"})
    assert response.status_code == 400
    assert "成绩已公布，评分已锁定" in errors_shown(response)
    assert list(Score.objects.order_by("pk").values_list("value", flat=True)) == before


def errors_shown(response):
    """The text of the sheet's "nothing was saved" alert (empty when there is none)."""
    text = response.text
    if "alert-danger" not in text:
        return ""
    start = text.index("alert-danger")
    return text[start : text.index("</div>", start)]


def test_scores_before_judging_are_refused_by_the_service(client, event, entries, hz_judge):
    client.force_login(hz_judge)
    url = reverse("competitions:judging_sheet", args=[event.pk])
    theory = event.parts.first()
    response = client.post(url, {f"score-{entries[0].number}-{theory.pk}": "80"})
    assert response.status_code == 400
    assert "只有在评分阶段才能录入评分" in errors_shown(response)
    assert not Score.objects.exists()


def test_saving_a_sheet_costs_the_same_queries_for_2_or_10_entrants(
    client, competition, hz_staff, hz_org, hz_judge
):
    set_status(competition, Competition.Status.JUDGING)
    client.force_login(hz_judge)

    def save_sheet(entrants, value):
        event = EventFactory(competition=competition, cap_per_federation=50, judges=[hz_judge])
        for i in range(entrants):
            Entry.objects.create(
                event=event,
                member=MemberFactory(organisation=hz_org),
                number=i + 1,
                years_in_job=3,
                entered_by=hz_staff,
            )
        data = {
            f"score-{entry.number}-{part.pk}": value
            for entry in event.entries.all()
            for part in event.parts.all()
        }
        url = reverse("competitions:judging_sheet", args=[event.pk])
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        assert response.status_code == 302
        assert Score.objects.filter(entry__event=event).count() == 2 * entrants
        return len(queries.captured_queries)

    assert save_sheet(2, "80") == save_sheet(10, "75.5")


def test_partner_staff_not_hosting_cannot_enter(client, hz, hz_staff, nb_staff, hz_members):
    hz_only = CompetitionFactory(title="杭州市内赛", hosts=[hz])
    EventFactory(competition=hz_only)
    entries_url = reverse("competitions:entries", args=[hz_only.pk])
    create_url = reverse("competitions:entry_create", args=[hz_only.pk])
    client.force_login(nb_staff)
    assert client.get(entries_url).status_code == 200  # a partner reads
    assert create_url not in client.get(entries_url).text
    assert create_url not in client.get(hz_only.get_absolute_url()).text
    assert client.get(create_url).status_code == 404
    client.force_login(hz_staff)
    assert create_url in client.get(entries_url).text
    assert create_url in client.get(hz_only.get_absolute_url()).text
    set_status(hz_only, Competition.Status.CLOSED)
    assert create_url not in client.get(entries_url).text
    assert create_url not in client.get(hz_only.get_absolute_url()).text


def test_withdraw_buttons_only_on_own_federations_entries(client, competition, entries, nb_staff):
    client.force_login(nb_staff)
    text = client.get(reverse("competitions:entries", args=[competition.pk])).text
    assert text.count("/withdraw/") == 1
    assert reverse("competitions:entry_withdraw", args=[entries[2].pk]) in text


def test_english_pages_have_no_chinese_separators(client, competition, event, entries, published):
    client.cookies["django_language"] = "en"
    detail = client.get(competition.get_absolute_url()).text
    assert "杭州市总工会, 宁波市总工会" in detail
    assert "理论知识 30%" in detail
    listing = client.get(reverse("competitions:list")).text
    assert "杭州市总工会, 宁波市总工会" in listing
    certificate = client.get(entries[0].get_certificate_url()).text
    for text in (detail, listing, certificate):
        main = text[text.index("<main") : text.index("</main>")]
        assert "、" not in main and "\u3000" not in main
    client.cookies["django_language"] = "zh-hans"
    assert "杭州市总工会、宁波市总工会" in client.get(competition.get_absolute_url()).text


# --- titles on the member's record --------------------------------------------------------


def test_title_shows_on_the_member_page_in_both_federations(
    client, competition, hz_staff, nb_staff, wz_staff, hz_members, hz_judge
):
    from competitions.models import Event

    event = EventFactory(
        competition=competition,
        name="焊工",
        title_kind=Event.TitleKind.TECHNICAL_EXPERT,
        title_top=1,
        judges=[hz_judge],
    )
    entry = enter(hz_staff, event, hz_members[0])
    set_status(competition, Competition.Status.JUDGING)
    score(entry, [hz_judge], 理论知识=80, 实际操作=80)
    services.results_publish(actor=hz_staff, competition=competition)
    assert Title.objects.count() == 1
    url = hz_members[0].get_absolute_url()
    for user in (hz_staff, nb_staff):
        client.force_login(user)
        text = client.get(url).text
        assert "技术能手" in text and competition.title in text, user
    client.force_login(wz_staff)
    assert client.get(url).status_code == 404


def test_member_page_names_the_federations_recognising_each_title(
    client, hz, competition, hz_staff, hz_members, hz_judge, django_assert_num_queries
):
    from competitions.models import Event

    def titled(competition, member):
        event = EventFactory(
            competition=competition,
            title_kind=Event.TitleKind.TECHNICAL_EXPERT,
            title_top=1,
            judges=[hz_judge],
        )
        entry = enter(hz_staff, event, member)
        set_status(competition, Competition.Status.JUDGING)
        score(entry, [hz_judge], 理论知识=80, 实际操作=80)
        services.results_publish(actor=hz_staff, competition=competition)

    titled(CompetitionFactory(title="杭州市内赛", hosts=[hz]), hz_members[0])
    client.force_login(hz_staff)
    url = hz_members[0].get_absolute_url()
    with CaptureQueriesContext(connection) as one:
        text = client.get(url).text
    assert "杭州市总工会认可" in text
    assert "宁波市总工会认可" not in text and "两市互认" not in text
    titled(competition, hz_members[0])  # the joint one: both hosts
    titled(
        CompetitionFactory(title="又一届杭甬赛", hosts=list(competition.hosts.all())), hz_members[0]
    )
    with django_assert_num_queries(len(one.captured_queries)):
        text = client.get(url).text
    assert text.count("杭州市总工会、宁波市总工会认可") == 2


def test_entries_filter_by_event_and_status_and_the_pages_keep_the_filter(
    client, competition, event, other_event, hz_staff, hz_org
):
    def add(event, number, status=Entry.Status.ENTERED):
        return Entry.objects.create(
            event=event,
            member=MemberFactory(organisation=hz_org),
            number=number,
            years_in_job=3,
            status=status,
            entered_by=hz_staff,
        )

    for number in range(1, 31):
        add(event, number)
    withdrawn = add(event, 31, Entry.Status.WITHDRAWN)
    elsewhere = add(other_event, 1)
    client.force_login(hz_staff)
    url = reverse("competitions:entries", args=[competition.pk])
    text = client.get(url, {"event": event.pk, "status": "withdrawn"}).text
    assert text.count("<tr>") == 1 + 1 and withdrawn.member.name in text
    assert '<option value="withdrawn" selected>' in text
    assert f'<option value="{event.pk}" selected>' in text
    text = client.get(url, {"event": other_event.pk}).text
    assert text.count("<tr>") == 1 + 1 and elsewhere.member.name in text
    text = client.get(url, {"event": event.pk}).text
    assert text.count("<tr>") == 1 + PAGE_SIZE
    assert f'href="?event={event.pk}&amp;page=2"' in text
    second = client.get(url, {"event": event.pk, "page": 2}).text
    assert second.count("<tr>") == 1 + 31 - PAGE_SIZE
    assert f'href="?event={event.pk}&amp;page=1"' in second
