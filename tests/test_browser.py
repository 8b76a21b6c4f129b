"""User journeys in Chromium (Debian's /usr/bin/chromium, driven by Playwright), in Chinese."""

import os
from pathlib import Path

import pytest

from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots for people to look at; not compared by the tests.
SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parent.parent / "screenshots")
)


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_hz_staff_signs_in_in_chinese_and_sees_the_home_page(page, live_server, demo):
    sign_in(page, live_server, "hz-staff")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", name="五个共").is_visible()
    assert page.get_by_role("heading", name="思想共同引领").is_visible()
    # signed in: the user menu and the staff links are there
    assert page.get_by_role("link", name="会员").is_visible()
    assert (
        page.get_by_role("button", name="杭州工作人员").count()
        + page.get_by_text("杭州工作人员").count()
    )
    shot(page, "home-hz-staff-zh")


def test_member_page_masks_partner_data_in_the_browser(page, live_server, demo):
    sign_in(page, live_server, "nb-staff")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="会员").click()
    page.get_by_label("市总工会").select_option("HZ")
    page.get_by_role("button", name="筛选").click()
    first = page.locator("tbody tr").first
    assert "**********" in first.inner_text()
    shot(page, "members-nb-staff-zh")


def test_wrong_password_shows_a_chinese_error(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("hz-staff")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_text("请输入一个正确的").is_visible()


def test_home_page_on_a_phone_switches_language(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    shot(page, "home-phone-zh")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "no horizontal scrolling on a phone"
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="The five commons").is_visible()
    shot(page, "home-phone-en")
    context.close()


def test_no_csp_violations_on_pages(page, live_server, demo):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, live_server, "hz-staff")
    page.wait_for_url(f"{live_server.url}/")
    for path in ["/", "/members/", "/accounts/password/", "/admin/"]:
        page.goto(f"{live_server.url}{path}")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_staff_pages_fit_a_laptop_screen_in_english(browser, live_server, demo):
    """The longest menu (English, every staff entry) must not push a 1280 px page sideways."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "hz-staff")
    page.get_by_role("button", name="English").click()
    for path in ["/projects/", "/members/", "/sanatoriums/manage/", "/competitions/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
        assert page.get_by_role("link", name="Members").is_visible(), path
    context.close()
