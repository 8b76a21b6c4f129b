"""Sanatorium journeys in Chromium: a member on a phone, and the recognition workflow."""

import pytest

from tests.test_browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_member_on_a_phone_finds_hangzhou_bases_open_to_ningbo(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/sanatoriums/")
    assert no_horizontal_scroll(page)
    page.get_by_label("适用会员").select_option("NB")
    page.get_by_role("button", name="查看基地").click()
    page.wait_for_url("**open_to=NB**")
    assert page.get_by_text("个基地向宁波会员开放").is_visible()
    shot(page, "sanatoriums-phone-open-to-nb-zh")
    # the expired recognition (临安) is not listed; the valid one (西湖) is
    assert page.get_by_role("link", name="临安天目山疗休养基地").count() == 0
    page.get_by_role("link", name="西湖职工疗休养基地").click()
    badge = page.locator(".san-badge").first
    assert "宁波会员可用 · 有效期至" in badge.inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "sanatoriums-phone-base-zh")
    page.get_by_role("button", name="English").click()
    assert "Open to Ningbo members · valid until" in page.locator(".san-badge").first.inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "sanatoriums-phone-base-en")
    page.goto(f"{live_server.url}/sanatoriums/?open_to=NB")
    assert no_horizontal_scroll(page)
    shot(page, "sanatoriums-phone-open-to-nb-en")
    context.close()


def test_proposal_approval_and_the_directory(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "hz-staff")
    page.goto(f"{live_server.url}/sanatoriums/manage/new/")
    page.get_by_label("名称").fill("淳安下姜村职工疗休养基地")
    page.get_by_label("所在区县").fill("淳安县")
    page.get_by_label("地址").fill("杭州市淳安县枫树岭镇下姜村")
    page.get_by_label("乡村田园").check()
    page.get_by_label("星级").fill("4")
    page.get_by_label("联系人").fill("周老师")
    page.get_by_label("联系电话").fill("0571-64880000")
    page.get_by_role("button", name="保存").click()
    page.get_by_label("互认方市总工会").select_option(label="宁波市总工会")
    page.get_by_role("button", name="申请互认").click()
    assert page.get_by_text("已向宁波市总工会提交互认申请").is_visible()
    shot(page, "sanatoriums-proposed-zh")
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "nb-approver")
    page.goto(f"{live_server.url}/sanatoriums/recognitions/")
    shot(page, "sanatoriums-queue-zh")
    row = page.locator("li", has_text="淳安下姜村职工疗休养基地")
    row.get_by_role("link", name="审核").click()
    page.get_by_role("radio", name="同意", exact=True).check()
    page.get_by_role("button", name="保存审核结果").click()
    assert page.get_by_text("已同意互认").is_visible()
    context.close()

    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/sanatoriums/?open_to=NB")
    assert page.get_by_role("link", name="淳安下姜村职工疗休养基地").is_visible()
    context.close()
