"""The import pages: upload → background check → preview → confirm → background write →
result; the job found again; owner, partner and outsider on every page; the file back with
its error column; the template. Tasks run at once in the tests (ImmediateBackend)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.imports import ERROR_HEADER
from members.models import ImportJob, Member
from tests.factories import MemberFactory
from tests.members.spreadsheets import HEADERS, csv_bytes, good_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

START = reverse("imports:start")


def post_file(client, content, name="roster.xlsx", **extra):
    return client.post(START, {"kind": "members", "file": upload(content, name), **extra})


@pytest.fixture
def staff_client(client, hz_staff):
    client.force_login(hz_staff)
    return client


def _job(response):
    assert response.status_code == 302, response.content[:500]
    return ImportJob.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_upload_checks_in_the_background_and_previews_every_row(staff_client, hz_org, hz_staff):
    rows = [good_row(n, hz_org.name) for n in range(3)]
    job = _job(post_file(staff_client, xlsx_bytes(rows)))
    assert (job.status, job.rows_total, job.rows_done, job.created_count) == ("ready", 3, 3, 3)
    assert job.created_by == hz_staff and job.federation.code == "HZ"
    assert not Member.objects.exists()  # nothing before confirming
    page = staff_client.get(job.get_absolute_url())
    assert page.status_code == 200
    for n in range(3):
        assert f"导入会员{n}" in page.text
    assert reverse("imports:job_confirm", args=[job.pk]) in page.text


def test_confirm_writes_every_row_with_the_acting_user(staff_client, hz_org, hz_staff):
    job = _job(post_file(staff_client, xlsx_bytes([good_row(n, hz_org.name) for n in range(3)])))
    response = staff_client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 3)
    assert Member.objects.count() == 3
    assert {h.history_user for h in Member.history.all()} == {hz_staff}
    # Confirming again writes nothing more.
    staff_client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert Member.objects.count() == 3


def test_a_file_with_bad_rows_lists_them_and_cannot_be_confirmed(staff_client, hz_org):
    rows = [good_row(0, hz_org.name), good_row(1, hz_org.name)]
    rows[1][3] = "12345"
    job = _job(post_file(staff_client, csv_bytes(rows, encoding="gb18030"), "名单.csv"))
    assert job.status == "invalid" and job.error_count == 1
    page = staff_client.get(job.get_absolute_url())
    assert "手机号" in page.text and "请输入以 1 开头的 11 位手机号码" in page.text
    assert reverse("imports:job_confirm", args=[job.pk]) not in page.text
    staff_client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "invalid"
    assert not Member.objects.exists()


def test_what_changed_since_the_preview_is_checked_again_at_confirm(staff_client, hz_org):
    job = _job(post_file(staff_client, xlsx_bytes([good_row(0, hz_org.name)])))
    assert job.status == "ready"
    MemberFactory(organisation=hz_org, card_number="IMP0000000")  # someone took the number
    staff_client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "invalid"
    assert [e["column"] for e in job.errors] == ["会员卡号"]
    assert Member.objects.count() == 1


def test_the_file_comes_back_with_an_error_column(staff_client, hz_org):
    rows = [good_row(0, hz_org.name), good_row(1, hz_org.name), good_row(2, hz_org.name)]
    rows[1][2] = "33010619800101001X"
    job = _job(post_file(staff_client, xlsx_bytes(rows)))
    response = staff_client.get(reverse("imports:job_errors", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0] == [*HEADERS, ERROR_HEADER]
    assert table[1][-1] in (None, "")
    assert table[2][0] == "导入会员1" and table[2][-1].startswith("身份证号: ")
    assert table[3][-1] in (None, "")


def test_a_refused_file_is_refused_on_the_form_with_the_formats(staff_client):
    response = post_file(staff_client, b"MZ\x90\x00" + b"\x00" * 64, "roster.xlsx")
    assert response.status_code == 200
    assert "GB18030/GBK" in response.text
    assert not ImportJob.objects.exists()


def test_the_page_names_formats_and_limits_and_offers_the_template(staff_client):
    response = staff_client.get(START)
    assert response.status_code == 200
    assert ".xlsx" in response.text and "GB18030/GBK" in response.text
    assert "10.0" in response.text and "100,000" in response.text
    assert reverse("imports:template") + "?kind=members" in response.text


def test_the_template_has_the_chinese_headers_and_notes(staff_client):
    response = staff_client.get(reverse("imports:template"), {"kind": "members"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADERS
    notes = [[c.value for c in row] for row in workbook.worksheets[1].iter_rows()]
    assert ["身份证号", "ID number"] == notes[3][:2]


def test_leaving_and_coming_back_finds_the_job(staff_client, hz_org, hz_approver, client):
    job = _job(post_file(staff_client, xlsx_bytes([good_row(0, hz_org.name)])))
    assert job.get_absolute_url() in staff_client.get(START).text
    # A colleague of the same federation finds it too.
    client.force_login(hz_approver)
    assert job.get_absolute_url() in client.get(START).text


def test_status_answers_rows_done_of_rows_total(staff_client, hz_org):
    job = _job(post_file(staff_client, xlsx_bytes([good_row(n, hz_org.name) for n in range(4)])))
    answer = staff_client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert answer == {
        "status": "ready",
        "label": job.get_status_display(),
        "done": 4,
        "total": 4,
        "running": False,
    }


def test_a_running_job_shows_the_progress_bar_and_its_script(staff_client, hz, hz_staff):
    job = ImportJob.objects.create(
        kind="members",
        federation=hz,
        created_by=hz_staff,
        original_name="a.csv",
        status="checking",
        rows_total=200,
        rows_done=50,
    )
    page = staff_client.get(job.get_absolute_url())
    assert 'role="progressbar"' in page.text
    assert reverse("imports:job_status", args=[job.pk]) in page.text
    assert "js/import-progress.js" in page.text
    assert "<script>" not in page.text


def test_update_existing_from_the_page(staff_client, hz_org):
    from tests.factories import id_number_for

    MemberFactory(organisation=hz_org, id_number=id_number_for(50_000), name="旧名")
    job = _job(
        post_file(staff_client, xlsx_bytes([good_row(0, hz_org.name)]), update_existing="on")
    )
    assert (job.status, job.updated_count) == ("ready", 1)
    staff_client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert Member.objects.get().name == "导入会员0"


def test_an_unknown_kind_is_404(staff_client):
    assert staff_client.get(START, {"kind": "nothing"}).status_code == 404


# --- who may: owner, partner, outsider --------------------------------------------------------


@pytest.fixture
def hz_job(staff_client, hz_org):
    return _job(post_file(staff_client, xlsx_bytes([good_row(0, hz_org.name)])))


JOB_PAGES = ["imports:job", "imports:job_status", "imports:job_errors"]


@pytest.mark.parametrize("name", JOB_PAGES)
def test_the_owner_opens_each_job_page(staff_client, hz_job, name):
    assert staff_client.get(reverse(name, args=[hz_job.pk])).status_code == 200


@pytest.mark.parametrize("name", [*JOB_PAGES, "imports:job_confirm"])
@pytest.mark.parametrize("who", ["nb_staff", "wz_staff"])
def test_partner_and_outsider_get_404_on_each_job_page(client, request, hz_job, name, who):
    client.force_login(request.getfixturevalue(who))
    method = client.post if name == "imports:job_confirm" else client.get
    assert method(reverse(name, args=[hz_job.pk])).status_code == 404
    hz_job.refresh_from_db()
    assert hz_job.status == "ready"


def test_partner_imports_into_their_own_federation_only(client, nb_staff, hz_org, nb_org):
    client.force_login(nb_staff)
    job = _job(post_file(client, xlsx_bytes([good_row(0, hz_org.name)])))
    assert job.federation.code == "NB"
    assert job.status == "invalid"  # 西湖区总工会 is not a union of 宁波
    job = _job(post_file(client, xlsx_bytes([good_row(0, nb_org.name)])))
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert Member.objects.get().federation.code == "NB"


@pytest.mark.parametrize("who", ["hz_leader", "hz_judge"])
def test_leaders_and_judges_may_not_import(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(START).status_code == 403
    assert client.get(reverse("imports:template")).status_code == 403
    assert post_file(client, b"a,b\n").status_code == 403


def test_visitors_are_sent_to_sign_in(client, hz_job):
    client.logout()
    for url in (START, hz_job.get_absolute_url()):
        assert client.get(url).url.startswith(reverse("login"))


def test_every_state_of_the_job_page_is_english_in_english(staff_client, hz_org, hz, hz_staff):
    """The demo has no import jobs, so tests/test_english_pages.py cannot open this page."""
    from tests.test_english_pages import chinese_left

    rows = [good_row(0, hz_org.name), good_row(1, hz_org.name)]
    rows[1][3] = "1"
    staff_client.cookies["django_language"] = "en"
    invalid = _job(post_file(staff_client, xlsx_bytes(rows)))
    ready = _job(post_file(staff_client, xlsx_bytes(rows[:1])))
    done = _job(post_file(staff_client, xlsx_bytes([good_row(5, hz_org.name)])))
    staff_client.post(reverse("imports:job_confirm", args=[done.pk]))
    refused = ImportJob.objects.create(
        kind="members",
        federation=hz,
        created_by=hz_staff,
        original_name="a.csv",
        status="refused",
        message="The workbook is damaged.",
    )
    running = ImportJob.objects.create(
        kind="members",
        federation=hz,
        created_by=hz_staff,
        original_name="b.csv",
        status="writing",
        rows_total=10,
        rows_done=3,
    )
    data = {*HEADERS, hz_org.name, hz.name, str(hz_staff), *[f"导入会员{n}" for n in range(6)]}
    known = sorted(data, key=len, reverse=True)
    for job in (invalid, ready, done, refused, running):
        page = staff_client.get(job.get_absolute_url()).content.decode()
        assert '<html lang="en"' in page
        assert not chinese_left(page, known), (job.status, chinese_left(page, known))
    assert not chinese_left(staff_client.get(START).content.decode(), known)
