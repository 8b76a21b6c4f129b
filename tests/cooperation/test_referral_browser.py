"""The rights-referral journey in Chromium, in Chinese: 宁波 staff refer a worker's case to
杭州; 杭州's approver finds it in the inbox, accepts it and resolves it; both inboxes show
the right notifications. Screenshots at phone and laptop widths, in Chinese and English."""

import io
import re

import pytest
from PIL import Image

from tests.conftest import DEMO_PASSWORD as PASSWORD
from tests.test_browser import SHOTS, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 900}


def sign_in(browser, live_server, username, *, viewport=LAPTOP, locale="zh-CN"):
    context = browser.new_context(locale=locale, timezone_id="Asia/Shanghai", viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def in_english(page):
    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()


def test_referral_journey(browser, live_server, demo, tmp_path):
    errors = []

    # 宁波 staff refer a case to 杭州, with a pay slip
    nb = sign_in(browser, live_server, "nb-staff")
    nb.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    nb.get_by_role("link", name="维权协作", exact=True).click()
    nb.get_by_role("link", name="转介案件").click()
    nb.locator("#id_to_federation").select_option(label="杭州市总工会")
    nb.locator("#id_category").select_option(label="欠薪")
    nb.get_by_label("职工姓名").fill("林小海")
    nb.get_by_label("职工手机号码").fill("13905749999")
    nb.get_by_label("案情摘要").fill("在杭州余杭区某电商仓库务工，被拖欠两个月工资共1.1万元。")
    nb.get_by_label("请求协助事项").fill("协助联系属地工会和劳动监察部门追讨欠薪。")
    slip = tmp_path / "工资条.png"
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (40, 120, 200)).save(buffer, format="PNG")
    slip.write_bytes(buffer.getvalue())
    nb.locator("#id_files").set_input_files(str(slip))
    shot(nb, "referral-form-zh")
    nb.get_by_role("button", name="发送转介").click()
    assert nb.get_by_text(re.compile(r"转介 RF-\d+ 已发送至杭州市总工会")).is_visible()
    heading = nb.get_by_role("heading", level=1).inner_text()
    reference = re.search(r"RF-\d+", heading).group()
    referral_url = nb.url
    assert nb.locator("[data-mobile]").inner_text() == "13905749999"  # the sender's own
    assert nb.get_by_role("link", name="工资条.png").is_visible()

    # 杭州's approver: the inbox names the case; accept it, then resolve it
    hz = sign_in(browser, live_server, "hz-approver")
    hz.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    assert int(hz.locator("[data-inbox-unread]").inner_text().split()[0]) >= 1
    hz.locator("[data-inbox-link]").click()
    item = hz.locator("[data-notification]", has_text=reference)
    assert "宁波市总工会向本市总工会转介了一件欠薪案件" in item.inner_text()
    shot(hz, "referral-inbox-zh")
    item.get_by_role("button", name="查看").click()
    hz.wait_for_url(referral_url)
    assert hz.locator("[data-mobile]").inner_text() == "139****9999"  # masked for the receiver
    hz.get_by_role("button", name="受理", exact=True).click()
    assert hz.get_by_text(f"转介 {reference} 已受理。").is_visible()
    hz.get_by_label("办理结果").fill("经余杭区总工会协调，企业已补发全部欠薪。")
    hz.get_by_role("button", name="标为已办结").click()
    assert hz.get_by_text(f"转介 {reference} 已办结。").is_visible()
    assert hz.locator("main [data-status]").first.inner_text() == "已办结"
    history = hz.locator(".list-group-numbered")
    assert history.get_by_text("已受理").first.is_visible()
    shot(hz, "referral-detail-zh")

    # 宁波's inbox: accepted, then resolved; 杭州's has the submission, now read
    nb.goto(f"{live_server.url}/inbox/")
    mine = nb.locator("[data-notification]", has_text=reference)
    texts = mine.all_inner_texts()
    assert any(f"杭州市总工会已受理转介 {reference}" in t for t in texts)
    assert any(f"杭州市总工会已办结转介 {reference}" in t for t in texts)
    assert len(texts) == 2
    nb.get_by_role("button", name="全部标为已读").click()
    assert nb.locator("[data-inbox-unread]").count() == 0
    hz.goto(f"{live_server.url}/inbox/")
    theirs = hz.locator("[data-notification]", has_text=reference)
    assert theirs.count() == 1
    assert theirs.get_by_text("新", exact=True).count() == 0  # opened: read

    # The list and the leader's counts, at phone and laptop widths, in both languages
    for viewport, size in ((PHONE, "375"), (LAPTOP, "1366")):
        page = sign_in(browser, live_server, "hz-staff", viewport=viewport)
        page.goto(f"{live_server.url}/rights/referrals/")
        assert page.locator("[data-referral]").count() >= 10
        assert page.locator("[data-overdue]").count() >= 1
        shot(page, f"referral-list-zh-{size}")
        page.goto(referral_url)
        shot(page, f"referral-detail-zh-{size}")
        page.goto(f"{live_server.url}/inbox/")
        shot(page, f"referral-inbox-zh-{size}")
        in_english(page)
        shot(page, f"referral-inbox-en-{size}")
        page.goto(f"{live_server.url}/rights/referrals/")
        shot(page, f"referral-list-en-{size}")
        page.goto(referral_url)
        shot(page, f"referral-detail-en-{size}")
        page.context.close()
    leader = sign_in(browser, live_server, "leader")
    leader.goto(f"{live_server.url}/rights/referrals/")
    assert leader.locator("[data-referral-counts]").is_visible()
    assert leader.locator("[data-referral]").count() == 0
    shot(leader, "referral-leader-counts-zh")
    assert leader.goto(referral_url).status == 404
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert SHOTS.exists()
