"""Places in Chromium, in Chinese: 宁波 staff book a group of 12 at a 杭州 base and see the
remaining places drop, on the batch page and on the public base page."""

import datetime

import pytest
from django.utils import timezone

from sanatoriums.models import Batch
from tests.test_browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE = "西湖职工疗休养基地"


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_nb_staff_book_a_group_of_12_at_a_hangzhou_base(browser, live_server, demo):
    start = timezone.localdate() + datetime.timedelta(days=45)
    batch = Batch.objects.get(route__sanatorium__name=BASE, start_date=start)
    base_url = f"{live_server.url}/sanatoriums/{batch.route.sanatorium_id}/"

    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = phone.new_page()
    page.goto(base_url)
    remaining = page.locator(".places-remaining").nth(1)
    assert "宁波名额 剩余 20/20" in remaining.inner_text()
    assert "参加职工评分" in page.content()
    assert no_horizontal_scroll(page)
    shot(page, "places-phone-base-before-zh")
    phone.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    sign_in(page, live_server, "nb-staff")
    page.goto(f"{live_server.url}/sanatoriums/manage/batches/?q={BASE}")
    shot(page, "places-batch-list-zh")
    page.goto(f"{live_server.url}/sanatoriums/manage/batches/{batch.pk}/")
    page.get_by_role("link", name="预订团组").click()
    page.get_by_label("所属组织").select_option(index=1)
    page.get_by_label("人数").fill("12")
    page.get_by_label("领队").fill("周老师")
    shot(page, "places-booking-form-zh")
    page.get_by_role("button", name="预订", exact=True).click()
    assert page.get_by_text("已预订 12 个名额").is_visible()
    shot(page, "places-booking-zh")
    page.get_by_role("link", name=batch.route.name).click()
    assert "宁波名额 剩余 8/20" in page.locator(".places-remaining").first.inner_text()
    shot(page, "places-batch-after-zh")
    page.get_by_role("link", name="参加人员名单").click()
    shot(page, "places-participants-zh")
    desk.close()

    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = phone.new_page()
    page.goto(base_url)
    assert "宁波名额 剩余 8/20" in page.locator(".places-remaining").nth(1).inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "places-phone-base-after-zh")
    page.get_by_role("button", name="English").click()
    assert "Ningbo places: 8 of 20 left" in page.locator(".places-remaining").nth(1).inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "places-phone-base-after-en")
    phone.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    sign_in(page, live_server, "hz-staff")
    page.goto(f"{live_server.url}/sanatoriums/manage/batches/{batch.pk}/")
    page.get_by_role("button", name="English").click()
    shot(page, "places-batch-owner-en")
    page.goto(f"{live_server.url}/sanatoriums/bookings/")
    shot(page, "places-bookings-en")
    # The partner's participants on the owner's printable list: ID numbers masked.
    first = Batch.objects.get(
        route__sanatorium__name=BASE, start_date=start - datetime.timedelta(days=25)
    )
    page.goto(f"{live_server.url}/sanatoriums/manage/batches/{first.pk}/participants/")
    assert "**********" in page.content()
    shot(page, "places-participants-owner-en")
    desk.close()

    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = phone.new_page()
    sign_in(page, live_server, "nb-staff")
    page.goto(f"{live_server.url}/sanatoriums/manage/batches/?q={BASE}")
    assert no_horizontal_scroll(page)
    shot(page, "places-phone-batch-list-zh")
    page.goto(f"{live_server.url}/sanatoriums/manage/batches/{batch.pk}/")
    assert no_horizontal_scroll(page)
    shot(page, "places-phone-batch-zh")
    phone.close()
