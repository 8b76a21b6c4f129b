"""The competition journey in Chromium, in Chinese: hz-staff and nb-staff enter members, a
judge scores blind, the results page shows a shared rank on a phone."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from competitions.models import Competition, Entry, Event, ScoringPart
from members.models import Federation, Member, User
from tests.conftest import DEMO_PASSWORD as PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "screenshots"))


@pytest.fixture
def contest(demo):
    """A fresh joint competition with one event (电工) judged by hz-judge, open for entries."""
    competition = Competition.objects.create(
        title="杭甬职工电工技能邀请赛",
        year=timezone.localdate().year,
        venue="杭州技师学院",
        starts_on=timezone.localdate() + datetime.timedelta(days=30),
        ends_on=timezone.localdate() + datetime.timedelta(days=31),
        registration_deadline=timezone.now() + datetime.timedelta(days=10),
        status=Competition.Status.OPEN,
    )
    competition.hosts.add(*Federation.objects.filter(code__in=["HZ", "NB"]))
    event = Event.objects.create(competition=competition, name="电工", cap_per_federation=3)
    ScoringPart.objects.create(event=event, name="理论知识", weight=30, pass_mark=60, position=0)
    ScoringPart.objects.create(event=event, name="实际操作", weight=70, pass_mark=60, position=1)
    event.judges.add(User.objects.get(username="hz-judge"))
    return competition


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def signed_in(browser, live_server, username, **context_args):
    context = browser.new_context(locale="zh-CN", **context_args)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def enter(page, live_server, competition, member):
    page.goto(f"{live_server.url}/competitions/{competition.pk}/")
    page.get_by_role("link", name="为会员报名").click()
    page.get_by_label("工种").select_option(label="电工")
    page.get_by_label("会员卡号").fill(member.card_number)
    page.get_by_label("从业年限").fill("6")
    page.get_by_role("button", name="报名", exact=True).click()
    assert page.get_by_text(f"已为 {member.name} 报名电工").is_visible()


def test_entries_blind_judging_and_shared_rank(browser, live_server, contest):
    hz_a, hz_b = Member.objects.filter(federation__code="HZ").order_by("card_number")[20:22]
    nb_a = Member.objects.filter(federation__code="NB").order_by("card_number")[20]

    hz_context, hz_page = signed_in(browser, live_server, "hz-staff")
    enter(hz_page, live_server, contest, hz_a)
    enter(hz_page, live_server, contest, hz_b)
    nb_context, nb_page = signed_in(browser, live_server, "nb-staff")
    enter(nb_page, live_server, contest, nb_a)
    # the partner sees HZ entrants with masked ID numbers
    assert hz_a.id_number not in nb_page.locator("main").inner_text()
    assert hz_a.masked_id_number in nb_page.locator("main").inner_text()
    shot(nb_page, "competition-entries-nb-staff-zh")
    nb_context.close()

    # registration closed, judging starts
    hz_page.goto(f"{live_server.url}/competitions/{contest.pk}/")
    hz_page.get_by_role("button", name="进入下一阶段：报名已截止").click()
    hz_page.get_by_role("button", name="进入下一阶段：评分中").click()
    assert hz_page.get_by_text("竞赛当前状态：评分中").is_visible()

    judge_context, judge_page = signed_in(browser, live_server, "hz-judge")
    judge_page.goto(f"{live_server.url}/competitions/judging/")
    judge_page.get_by_role("link", name="杭甬职工电工技能邀请赛").click()
    main = judge_page.locator("main").inner_text()
    for hidden in ["杭州市总工会", "宁波市总工会", hz_a.name, nb_a.name, hz_a.organisation.name]:
        assert hidden not in main, hidden
    numbers = {e.member_id: e.number for e in Entry.objects.filter(event__competition=contest)}
    # HZ's first and NB's entrant tie on 90; HZ's second scores 80
    for member, value in [(hz_a, "90"), (hz_b, "80"), (nb_a, "90")]:
        number = numbers[member.pk]
        judge_page.get_by_label(f"{number} 号选手，理论知识").fill(value)
        judge_page.get_by_label(f"{number} 号选手，实际操作").fill(value)
    shot(judge_page, "competition-judging-sheet-zh")
    judge_page.get_by_role("button", name="保存评分").click()
    assert judge_page.get_by_text("已保存 6 项评分").is_visible()
    judge_context.close()

    hz_page.goto(f"{live_server.url}/competitions/{contest.pk}/")
    hz_page.get_by_role("button", name="公布成绩").click()
    assert hz_page.get_by_text("比赛成绩已公布").is_visible()
    hz_context.close()

    # the public results page on a phone, signed out
    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = phone.new_page()
    page.goto(f"{live_server.url}/competitions/{contest.pk}/results/")
    ranks = page.locator("td[data-rank]").evaluate_all("cells => cells.map(c => c.dataset.rank)")
    assert ranks == ["1", "1", "3"]
    assert page.get_by_text("并列", exact=True).count() == 2
    # in the results themselves (the footer names both federations on every page)
    assert page.locator("main").get_by_text("宁波市总工会").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "competition-results-phone-zh")
    page.get_by_role("link", name="金奖").first.click()
    assert page.get_by_role("heading", name="荣誉证书").is_visible()
    shot(page, "competition-certificate-phone-zh")
    phone.close()


def test_demo_results_and_list_on_a_phone(browser, live_server, demo):
    past = Competition.objects.get(status=Competition.Status.PUBLISHED)
    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = phone.new_page()
    page.goto(f"{live_server.url}/competitions/")
    assert page.get_by_text("报名中").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "competition-list-phone-zh")
    page.goto(f"{live_server.url}/competitions/{past.pk}/results/")
    for trade in ["电工", "焊工", "快递员", "网约配送员"]:
        assert page.get_by_role("heading", name=trade, exact=True).is_visible()
    assert page.get_by_text("未达合格分").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "competition-demo-results-phone-zh")
    phone.close()
