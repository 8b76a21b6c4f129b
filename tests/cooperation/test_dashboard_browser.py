"""The leaders' dashboard in Chromium: the leader opens it, the charts draw (ECharts, served
locally), the year and the language switch, and the page fits a phone."""

import pytest
from django.utils import timezone

from tests.test_browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_opens_the_dashboard_switches_year_and_language(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server, "leader")
    page.get_by_role("link", name="驾驶舱", exact=True).click()
    this_year = timezone.localdate().year
    assert page.get_by_role("heading", name=f"{this_year} 年驾驶舱").is_visible()
    # Every chart drew itself (an svg in its box), with its table beside it for readers.
    charts = page.locator("[data-chart]")
    assert charts.count() >= 8
    page.locator("[data-chart] svg").first.wait_for()
    assert page.locator("[data-chart] svg").count() == charts.count()
    assert page.get_by_role("heading", name="对接机制").is_visible()
    assert page.get_by_text("待办事项").first.is_visible()
    shot(page, "dashboard-zh-1366")

    # Last year: the heading and the year in the export link follow.
    page.get_by_label("年度").select_option(str(this_year - 1))
    page.get_by_role("button", name="查看").click()
    assert page.get_by_role("heading", name=f"{this_year - 1} 年驾驶舱").is_visible()
    export = page.get_by_role("link", name="导出（.xlsx）")
    assert export.get_attribute("href").endswith(f"?year={this_year - 1}")

    # English: labels translated, figures the same.
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name=f"Dashboard {this_year - 1}").is_visible()
    assert page.get_by_role("heading", name="Liaison mechanism").is_visible()
    shot(page, "dashboard-en-1366")
    assert not [e for e in errors if "Content Security Policy" in e or "echarts" in e], errors

    # A phone: nothing pushes the page sideways.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/dashboard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "dashboard-en-375")
    context.close()


def test_the_public_is_sent_to_sign_in(page, live_server, demo):
    page.goto(f"{live_server.url}/dashboard/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("button", name="登录").is_visible()
