"""The roster import in Chromium, in Chinese: hz-staff downloads the template, uploads a file
with two bad rows, reads both reasons in Chinese, fixes them, imports, and finds the members
in the list. Also: the progress bar follows a running job until its preview is ready."""

import pytest
from openpyxl import load_workbook

from members.models import ImportJob, Member, Organisation, User
from tests.factories import id_number_for
from tests.test_browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rows(organisation):
    rows = []
    for n in range(4):
        rows.append(
            [
                f"浏览器会员{n}",
                "男",
                id_number_for(70_000 + n),
                f"1370000000{n}",
                f"WEB{n:04d}",
                organisation,
                "外卖送餐员",
                "2024/3/1",
            ]
        )
    return rows


def test_hz_staff_imports_a_roster_after_fixing_two_rows(page, live_server, demo, tmp_path):
    organisation = Organisation.objects.filter(federation__code="HZ", kind="district").first()
    sign_in(page, live_server, "hz-staff")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/members/")
    page.get_by_role("link", name="导入", exact=True).click()
    page.wait_for_url("**/imports/?kind=members")
    shot(page, "import-start-zh")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载模板（.xlsx）").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "姓名",
        "性别",
        "身份证号",
        "手机号",
        "会员卡号",
        "所属工会",
        "就业形态",
        "入会日期",
    ]
    rows = _rows(organisation.name)
    good_id = rows[1][2]
    rows[1][2] = good_id[:17] + ("0" if good_id[17] != "0" else "1")  # a wrong check digit
    rows[3][3] = "1370000"  # too short
    # Typed into the template's rows (its cells are text cells, so that Excel keeps ID
    # numbers as typed), from row 2.
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column).value = value
    roster = tmp_path / "名单.xlsx"
    workbook.save(roster)

    page.get_by_label("文件").set_input_files(roster)
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/imports/jobs/*/")
    assert page.get_by_text("该文件有 2 处错误，因此没有导入任何数据").is_visible()
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert errors.nth(0).inner_text().split("\t")[:2] == ["3", "身份证号"]
    assert "校验码" in errors.nth(0).inner_text()
    assert errors.nth(1).inner_text().split("\t")[:2] == ["5", "手机号"]
    assert "11 位手机号码" in errors.nth(1).inner_text()
    assert not page.get_by_role("button", name="确认导入").count()
    assert not Member.objects.filter(card_number__startswith="WEB").exists()
    shot(page, "import-errors-zh")
    with page.expect_download() as returned:
        page.get_by_role("link", name="下载带错误原因列的文件（.xlsx）").click()
    returned.value.save_as(tmp_path / "errors.xlsx")
    back = load_workbook(tmp_path / "errors.xlsx").worksheets[0]
    assert back.cell(row=1, column=9).value == "错误原因 / error"
    assert back.cell(row=3, column=9).value.startswith("身份证号")

    # Fixed where staff work, in the file, and uploaded again.
    sheet.cell(row=3, column=3).value = good_id
    sheet.cell(row=5, column=4).value = "13700000003"
    workbook.save(roster)
    page.get_by_role("link", name="导入其他文件").click()
    page.get_by_label("文件").set_input_files(roster)
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/imports/jobs/*/")
    assert page.get_by_text("全部 4 行均无误").is_visible()
    page.get_by_role("button", name="确认导入").click()
    assert page.get_by_text("已导入：新增 4 条，更新 0 条").is_visible()
    shot(page, "import-done-zh")

    page.get_by_role("link", name="返回列表").first.click()
    page.get_by_label("搜索").fill("浏览器会员")
    page.get_by_role("button", name="筛选").click()
    listed = page.locator("tbody tr")
    assert listed.count() == 4
    assert "浏览器会员0" in listed.first.inner_text()
    staff = User.objects.get(username="hz-staff")
    assert {h.history_user for h in Member.history.filter(card_number__startswith="WEB")} == {staff}


def test_the_progress_bar_follows_a_running_job(page, live_server, demo):
    staff = User.objects.get(username="hz-staff")
    job = ImportJob.objects.create(
        kind="members",
        federation=staff.staff_profile.organisation.federation,
        created_by=staff,
        original_name="大名单.xlsx",
        status=ImportJob.Status.CHECKING,
        rows_total=1000,
        rows_done=0,
    )
    sign_in(page, live_server, "hz-staff")
    page.wait_for_url(f"{live_server.url}/")
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    ImportJob.objects.filter(pk=job.pk).update(rows_done=400)
    # Polled by static/js/import-progress.js (the CSP forbids Playwright's own evaluation).
    done = page.locator("[data-progress-done]")
    for _tick in range(50):
        if done.inner_text() == "400":
            break
        page.wait_for_timeout(200)
    assert done.inner_text() == "400"
    bar = page.locator("[data-progress-bar]")
    assert "40%" in bar.get_attribute("style")
    shot(page, "import-progress-zh")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.READY, rows_done=1000, created_count=1000
    )
    page.wait_for_selector("text=确认导入")
    assert not errors, errors


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [375, 1366])
def test_import_pages_fit_phones_and_laptops(browser, live_server, demo, language, width):
    """Screenshots in both languages at both widths; no page scrolls sideways."""
    from django.urls import reverse

    staff = User.objects.get(username="hz-staff")
    organisation = staff.staff_profile.organisation
    rows = _rows(organisation.name)
    rows[2][3] = "123"
    job = ImportJob.objects.create(
        kind="members",
        federation=organisation.federation,
        created_by=staff,
        original_name="roster-with-a-long-name-2024-第一批.xlsx",
        status="invalid",
        rows_total=4,
        rows_done=4,
        error_count=1,
        errors=[{"row": 4, "column": "手机号", "message": "Enter an 11-digit mobile number."}],
        preview=[[n + 2, f"{r[0]} {r[4]}", "new", int(n == 2)] for n, r in enumerate(rows)],
    )
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "hz-staff")
    page.wait_for_url(f"{live_server.url}/")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for name, url in (
        ("start", f"{reverse('imports:start')}?kind=members"),
        ("job", job.get_absolute_url()),
        ("bases", f"{reverse('imports:start')}?kind=sanatoriums"),
        ("members", reverse("members:list")),
    ):
        page.goto(f"{live_server.url}{url}")
        shot(page, f"import-{name}-{language}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, url)
    context.close()
