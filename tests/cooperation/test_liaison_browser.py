"""The liaison journey in Chromium, in Chinese: 杭州 staff open a meeting and download its
.ics (parsed back), plan a meeting and record a task for 宁波; 宁波 staff find it among their
open items and mark it done. And the liaison pages at 375 px and 1366 px, in both languages."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from cooperation.models import ActionItem, Meeting
from tests.conftest import DEMO_PASSWORD as PASSWORD
from tests.test_browser import shot
from tests.test_layout_browser import LAPTOP, MEASURE_TABLE, PHONE, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, username):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_liaison_journey(browser, live_server, demo, tmp_path):
    errors = []
    hz = sign_in(browser, live_server, "hz-staff")
    hz.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # A held meeting of the demo, with its outcomes, downloads as a valid .ics
    hz.get_by_role("link", name="对接", exact=True).click()
    assert hz.get_by_role("heading", name="对接会议", level=1).is_visible()
    held = Meeting.objects.filter(status="held", outcomes__kind="task").first()
    hz.get_by_role("link", name=held.title, exact=True).click()
    assert hz.get_by_role("heading", name=held.title, level=1).is_visible()
    assert hz.get_by_role("heading", name="会议成果").is_visible()
    with hz.expect_download() as download_info:
        hz.get_by_role("link", name="加入日历（.ics）").click()
    download = download_info.value
    assert download.suggested_filename == f"meeting-{held.pk}.ics"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == held.title
    assert event.decoded("DTSTART") == held.starts_at.replace(microsecond=0)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"

    # Plan a meeting with attendees of both cities
    hz.get_by_role("link", name="对接会议").first.click()
    hz.get_by_role("link", name="新增会议").click()
    day = timezone.localdate() + datetime.timedelta(days=5)
    hz.locator("#id_title").fill("杭甬新就业形态劳动者权益保障对接会")
    hz.locator("#id_level").select_option(label="部门")
    hz.locator("#id_starts_at").fill(f"{day.isoformat()}T14:00")
    hz.locator("#id_ends_at").fill(f"{day.isoformat()}T16:00")
    hz.locator("#id_place").fill("杭州市职工服务中心 二楼")
    hz.get_by_label("王立军 · 权益保障部").check()
    hz.get_by_label("何建国 · 权益工作部").check()
    hz.locator("#id_agenda").fill("一、外卖骑手权益保障\n二、跨市维权协作")
    shot(hz, "liaison-meeting-form-zh")
    hz.get_by_role("button", name="保存").click()
    assert hz.get_by_role(
        "heading", name="杭甬新就业形态劳动者权益保障对接会", level=1
    ).is_visible()
    assert hz.get_by_text("会议 杭甬新就业形态劳动者权益保障对接会 已保存。").is_visible()

    # Record a task for 宁波: it becomes an action item
    hz.locator("#id_outcome-kind").select_option(label="工作任务")
    hz.locator("#id_outcome-text").fill("联合开展外卖骑手权益调研")
    hz.locator("#id_outcome-owner_federation").select_option(label="宁波市总工会")
    hz.locator("#id_outcome-assignee").select_option(label="何建国 · 权益工作部")
    due = timezone.localdate() + datetime.timedelta(days=40)
    hz.locator("#id_outcome-due_on").fill(due.isoformat())
    hz.get_by_role("button", name="添加成果").click()
    assert hz.get_by_text("会议成果已添加。").is_visible()
    outcomes = hz.locator("ol.list-group").first
    assert outcomes.get_by_text("联合开展外卖骑手权益调研").is_visible()
    assert outcomes.get_by_text("办理中").is_visible()
    shot(hz, "liaison-meeting-detail-zh")
    item = ActionItem.objects.get(title="联合开展外卖骑手权益调研")
    assert item.owner_federation.code == "NB" and item.due_on == due

    # 宁波 staff find it among their open items and mark it done on the meeting page
    nb = sign_in(browser, live_server, "nb-staff")
    nb.goto(f"{live_server.url}/liaison/actions/")
    assert nb.locator("tr[data-overdue]").count() >= 1  # the demo's overdue items
    first_row = nb.locator("tbody tr").first
    assert first_row.get_attribute("data-overdue") is not None  # overdue ones first
    shot(nb, "liaison-actions-zh")
    nb.get_by_role("link", name="联合开展外卖骑手权益调研").click()
    nb.locator(f"#action-{item.pk}").get_by_role("button", name="标记为完成").click()
    assert nb.get_by_text("督办事项状态已变为“已完成”。").is_visible()
    item.refresh_from_db()
    assert item.status == "done"
    assert not [e for e in errors if "Content Security Policy" in e], errors


def liaison_pages():
    meeting = Meeting.objects.filter(status="held", outcomes__kind="task").first()
    return {
        "meetings": "/liaison/",
        "contacts": "/liaison/contacts/",
        "actions": "/liaison/actions/",
        "meeting": f"/liaison/meetings/{meeting.pk}/",
        "calendar": "/liaison/calendar/",
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_liaison_pages_on_a_phone_and_a_laptop(browser, live_server, demo, language, size):
    viewport = PHONE if size == "phone" else LAPTOP
    page = open_page(browser, live_server, viewport, language, "nb-staff")
    for name, path in liaison_pages().items():
        page.goto(f"{live_server.url}{path}")
        measured = page.evaluate(MEASURE_TABLE)
        assert not measured["narrow"], (name, measured["narrow"])
        assert measured["pageWidth"] <= viewport["width"], (name, measured["pageWidth"])
        shot(page, f"liaison-{name}-{size}-{language}")
    page.context.close()
