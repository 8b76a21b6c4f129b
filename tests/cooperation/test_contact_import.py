"""Liaison contacts through the one import mechanism (cooperation/imports.py): the same
pages, engine and command as the member roster and the bases, with the contact's own rules,
written through contact_create / contact_update with the acting user."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from cooperation.models import Contact
from members import imports
from members.models import ImportJob
from tests.cooperation.factories import ContactFactory
from tests.members.spreadsheets import csv_bytes, upload

pytestmark = pytest.mark.django_db

START = reverse("imports:start")
HEADERS = ["姓名", "层级", "部门", "职务", "电话", "邮箱"]


def contact_row(n, **changes):
    row = {
        "姓名": f"导入对接人{n}",
        "层级": "部门",
        "部门": "权益保障部",
        "职务": "部长",
        "电话": f"0571-8600{n:04d}",
        "邮箱": f"import{n}@example.cn",
    }
    row.update(changes)
    return [row[h] for h in HEADERS]


def workbook(rows, headers=HEADERS):
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post(client, content, name="contacts.xlsx", **extra):
    return client.post(START, {"kind": "contacts", "file": upload(content, name), **extra})


def run(federation, content, *, write=True, update_existing=False, actor=None, kind="xlsx"):
    """The engine as the background task runs it: one transaction, rolled back on errors."""
    ctx = imports.Context(actor=actor, federation=federation, update_existing=update_existing)
    with translation.override("en"), transaction.atomic():
        outcome = imports.process(
            imports.get_spec("contacts"), upload(content), kind, ctx=ctx, write=write
        )
        if outcome.errors:
            transaction.set_rollback(True)
    return outcome


def _job(response):
    assert response.status_code == 302, response.content[:500]
    return ImportJob.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_staff_import_contacts_with_history_in_their_federation(client, hz_staff, hz):
    client.force_login(hz_staff)
    job = _job(post(client, workbook([contact_row(0), contact_row(1, 层级="industry_union")])))
    assert (job.kind, job.status, job.created_count) == ("contacts", "ready", 2)
    assert not Contact.objects.exists()  # nothing before confirming
    assert "导入对接人1" in client.get(job.get_absolute_url()).text
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 2)
    first = Contact.objects.get(name="导入对接人0")
    assert (first.federation, first.level, first.department) == (hz, "department", "权益保障部")
    assert (first.title, first.phone, first.email) == (
        "部长",
        "0571-86000000",
        "import0@example.cn",
    )
    assert Contact.objects.get(name="导入对接人1").level == "industry_union"
    assert {h.history_user for h in Contact.history.all()} == {hz_staff}
    assert {h.history_type for h in Contact.history.all()} == {"+"}


@pytest.mark.parametrize(
    "written",
    [
        "department",
        "部门",
        "Department",
        "executive vice-chair",
        "常务副主席",
        "District or county union",
        "区县（市）总工会",
    ],
)
def test_a_level_is_matched_by_code_and_by_either_label(hz, written):
    outcome = run(hz, workbook([contact_row(0, 层级=written)]))
    assert outcome.errors == []
    expected = {
        "executive vice-chair": "executive_vice_chair",
        "常务副主席": "executive_vice_chair",
        "District or county union": "district_union",
        "区县（市）总工会": "district_union",
    }.get(written, "department")
    assert Contact.objects.get().level == expected


@pytest.mark.parametrize(
    ("changes", "header", "words"),
    [
        ({"姓名": ""}, "姓名", "required"),
        ({"姓名": "长" * 51}, "姓名", "at most 50 characters"),
        ({"层级": ""}, "层级", "required"),
        ({"层级": "主任"}, "层级", "Not one of the liaison levels"),
        ({"部门": "部" * 101}, "部门", "at most 100 characters"),
        ({"职务": "职" * 101}, "职务", "at most 100 characters"),
        ({"电话": "1" * 31}, "电话", "at most 30 characters"),
        ({"邮箱": "not-an-address"}, "邮箱", "valid email"),
    ],
)
def test_each_contact_rule(hz, changes, header, words):
    outcome = run(hz, workbook([contact_row(0), contact_row(1, **changes)]))
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(3, header)]
    assert words in outcome.errors[0]["message"]
    assert not Contact.objects.exists()


def test_optional_columns_may_be_left_out(hz):
    outcome = run(hz, workbook([["导入对接人0", "部门"]], headers=["姓名", "层级"]))
    assert outcome.errors == []
    contact = Contact.objects.get()
    assert (contact.department, contact.phone, contact.email) == ("", "", "")


def test_english_headers_are_accepted(hz):
    headers = ["Name", "Level", "Department or union", "Position", "Work telephone", "E-mail"]
    outcome = run(hz, workbook([contact_row(0)], headers=headers))
    assert outcome.errors == []
    assert Contact.objects.get().title == "部长"


def test_a_gbk_csv_file(hz):
    rows = [contact_row(0), contact_row(1)]
    outcome = run(hz, csv_bytes(rows, HEADERS, encoding="gbk"), kind="csv")
    assert (outcome.errors, outcome.created) == ([], 2)
    assert Contact.objects.filter(department="权益保障部").count() == 2


def test_one_bad_row_among_many_good_ones_writes_nothing(hz):
    rows = [contact_row(n) for n in range(300)]
    rows[250] = contact_row(250, 邮箱="@@")
    outcome = run(hz, workbook(rows))
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(252, "邮箱")]
    assert not Contact.objects.exists()
    assert not Contact.history.exists()


def test_the_same_person_twice_in_a_file(hz):
    outcome = run(hz, workbook([contact_row(0), contact_row(1), contact_row(0, 职务="副部长")]))
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(4, "姓名")]
    assert "row 2" in outcome.errors[0]["message"]
    # The same name in another department is another person.
    assert run(hz, workbook([contact_row(0), contact_row(0, 部门="组织部")])).errors == []


def test_a_contact_in_the_directory_needs_update_existing(hz, nb, hz_staff):
    stored = ContactFactory(
        federation=hz, name="导入对接人0", department="权益保障部", title="副部长"
    )
    counterpart = ContactFactory(federation=nb)
    Contact.objects.filter(pk=stored.pk).update(counterpart=counterpart)
    outcome = run(hz, workbook([contact_row(0, 职务="部长")]), actor=hz_staff)
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(2, "姓名")]
    assert "update existing" in outcome.errors[0]["message"]
    outcome = run(
        hz,
        workbook([contact_row(0, 职务="部长"), contact_row(1)]),
        update_existing=True,
        actor=hz_staff,
    )
    assert (outcome.errors, outcome.created, outcome.updated) == ([], 1, 1)
    stored.refresh_from_db()
    assert (stored.title, stored.phone) == ("部长", "0571-86000000")
    assert stored.counterpart == counterpart  # not in the file: kept
    assert stored.history.first().history_user == hz_staff
    assert Contact.objects.filter(name="导入对接人0").count() == 1


def test_two_stored_contacts_of_one_name_and_department_are_not_guessed(hz):
    ContactFactory.create_batch(2, federation=hz, name="导入对接人0", department="权益保障部")
    outcome = run(hz, workbook([contact_row(0)]), update_existing=True)
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(2, "姓名")]
    assert "2 contacts" in outcome.errors[0]["message"]


def test_a_partners_contact_of_the_same_name_is_no_clash(client, nb_staff, hz, nb):
    hz_contact = ContactFactory(
        federation=hz, name="导入对接人0", department="权益保障部", title="主席"
    )
    client.force_login(nb_staff)
    job = _job(post(client, workbook([contact_row(0)]), update_existing="on"))
    assert (job.federation, job.created_count, job.updated_count) == (nb, 1, 0)
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert Contact.objects.get(federation=nb, name="导入对接人0").title == "部长"
    hz_contact.refresh_from_db()
    assert hz_contact.title == "主席"  # the partner's import never touches 杭州's contact


def test_staff_import_only_into_their_own_federation(hz_staff, nb):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(nb, workbook([contact_row(0)]), actor=hz_staff)
    assert not Contact.objects.exists()


def test_the_partner_and_the_outsider_cannot_open_the_owners_job(
    client, hz_staff, nb_staff, wz_staff
):
    client.force_login(hz_staff)
    job = _job(post(client, workbook([contact_row(0)])))
    for other in (nb_staff, wz_staff):
        client.force_login(other)
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 404
    assert not Contact.objects.exists()


def test_readers_may_not_import_contacts(client, hz_leader):
    client.force_login(hz_leader)
    assert client.get(START, {"kind": "contacts"}).status_code == 403
    assert client.get(reverse("imports:template"), {"kind": "contacts"}).status_code == 403


def test_the_command_imports_contacts_and_its_dry_run_writes_nothing(tmp_path, hz):
    path = tmp_path / "contacts.xlsx"
    path.write_bytes(workbook([contact_row(0), contact_row(1)]))
    args = ["import_members", str(path), "--federation", "HZ", "--kind", "contacts"]
    call_command(*args, "--dry-run")
    assert not Contact.objects.exists()
    call_command(*args)
    assert Contact.objects.filter(federation=hz).count() == 2
    with pytest.raises(CommandError) as raised:  # now they are in the directory
        call_command(*args)
    assert raised.value.returncode == 1
    path.write_bytes(workbook([contact_row(0, 职务="主席")]))
    call_command(*args, "--update-existing")
    assert Contact.objects.get(name="导入对接人0").title == "主席"


def test_the_template_of_contacts(client, hz_staff):
    client.force_login(hz_staff)
    response = client.get(reverse("imports:template"), {"kind": "contacts"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    notes = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert any("常务副主席" in str(row[3]) for row in notes)  # the levels are listed


def test_the_contact_list_offers_the_import_to_staff_only(client, hz_staff, hz_leader):
    link = START + "?kind=contacts"
    client.force_login(hz_staff)
    assert link in client.get(reverse("cooperation:contacts")).text
    page = client.get(START, {"kind": "contacts"}).text
    assert reverse("cooperation:contacts") in page  # "back to the list"
    client.force_login(hz_leader)
    assert link not in client.get(reverse("cooperation:contacts")).text
