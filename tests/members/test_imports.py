"""The member roster import (members.imports, members.member_import): every validation rule,
each encoding and date form, all-or-nothing, update existing, history and scope, through
the engine and the `import_members` command (the page has its own module)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from members import imports
from members.models import Member
from tests.factories import MemberFactory, OrganisationFactory, id_number_for
from tests.members.spreadsheets import HEADERS, csv_bytes, good_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(content, *, federation, actor=None, name="roster.xlsx", write=True, update=False):
    """Check (and write) a file as the page's task does, in one transaction."""
    from django.db import transaction

    file = upload(content, name)
    kind = imports.check_upload(file)
    ctx = imports.Context(actor=actor, federation=federation, update_existing=update)
    with transaction.atomic():
        outcome = imports.process(imports.get_spec("members"), file, kind, ctx=ctx, write=write)
        if outcome.errors:
            transaction.set_rollback(True)
    return outcome


def errors_of(outcome):
    return [(e["row"], e["column"], e["message"]) for e in outcome.errors]


def test_a_good_file_is_written_with_every_field(hz, hz_org):
    outcome = run(xlsx_bytes([good_row(0, hz_org.name)]), federation=hz)
    assert (outcome.errors, outcome.created, outcome.written) == ([], 1, True)
    member = Member.objects.get(card_number="IMP0000000")
    assert member.name == "导入会员0"
    assert member.federation == hz and member.organisation == hz_org
    assert member.id_number == id_number_for(50_000)
    assert member.mobile == "13900000000"
    assert member.gender == "M"
    assert member.employment_form == Member.EmploymentForm.COURIER
    assert member.join_date == datetime.date(2024, 3, 1)


def _bad(row_changes, hz_org):
    row = good_row(0, hz_org.name)
    for index, value in row_changes.items():
        row[index] = value
    return row


# (column index, bad value, header reported, words of the reason)
RULES = [
    (0, "", "姓名", "required"),
    (0, "名" * 101, "姓名", "At most 100"),
    (1, "", "性别", "required"),
    (1, "未知", "性别", "M or F"),
    (1, "女", "性别", "does not match the ID number"),
    (2, "", "身份证号", "required"),
    (2, "33010619800101001", "身份证号", "18-character"),
    (
        2,
        id_number_for(50_000)[:17] + ("0" if id_number_for(50_000)[17] != "0" else "1"),
        "身份证号",
        "check digit",
    ),
    (2, "330106198002300010", "身份证号", "birth date"),
    (3, "", "手机号", "required"),
    (3, "1234567", "手机号", "11-digit"),
    (3, "23812345678", "手机号", "11-digit"),
    (4, "", "会员卡号", "required"),
    (4, "C" * 31, "会员卡号", "At most 30"),
    (5, "", "所属工会", "required"),
    (5, "不存在的工会", "所属工会", "no union named"),
    (6, "外星人", "就业形态", "employment forms"),
    (7, "", "入会日期", "required"),
    (7, "2024-13-01", "入会日期", "Not a date"),
    (7, "三月一日", "入会日期", "Not a date"),
]


@pytest.mark.parametrize(("index", "value", "header", "words"), RULES)
def test_each_rule_names_the_row_the_column_and_the_reason(hz, hz_org, index, value, header, words):
    with translation.override("en"):
        outcome = run(
            xlsx_bytes([good_row(1, hz_org.name), _bad({index: value}, hz_org)]), federation=hz
        )
    assert [(row, column) for row, column, _m in errors_of(outcome)] == [(3, header)]
    assert words in outcome.errors[0]["message"]
    assert not outcome.written
    assert not Member.objects.exists()


def test_reasons_are_in_the_users_language(hz, hz_org):
    with translation.override("zh-hans"):
        outcome = run(xlsx_bytes([_bad({3: "123"}, hz_org)]), federation=hz)
    assert errors_of(outcome) == [
        (2, "手机号", "请输入以 1 开头的 11 位手机号码，例如 13812345678。")
    ]


def test_a_union_of_another_federation_is_not_found(hz, hz_org, nb_org):
    outcome = run(xlsx_bytes([good_row(0, nb_org.name)]), federation=hz)
    assert [e["column"] for e in outcome.errors] == ["所属工会"]


def test_duplicates_inside_the_file_name_the_first_row(hz, hz_org):
    first = good_row(0, hz_org.name)
    same_id = good_row(1, hz_org.name)
    same_id[2] = first[2]
    same_card = good_row(2, hz_org.name)
    same_card[4] = first[4]
    with translation.override("en"):
        outcome = run(xlsx_bytes([first, same_id, same_card]), federation=hz)
    assert errors_of(outcome) == [
        (3, "身份证号", "The same ID number is in row 2."),
        (4, "会员卡号", "The same member card number is in row 2."),
    ]


def test_duplicates_against_the_register(hz, hz_org):
    MemberFactory(organisation=hz_org, id_number=id_number_for(50_000), card_number="OLD1")
    MemberFactory(organisation=hz_org, card_number="IMP0000001")
    with translation.override("en"):
        outcome = run(
            xlsx_bytes([good_row(0, hz_org.name), good_row(1, hz_org.name)]), federation=hz
        )
    found = errors_of(outcome)
    assert [(row, column) for row, column, _m in found] == [(2, "身份证号"), (3, "会员卡号")]
    assert "update existing" in found[0][2]
    assert Member.objects.count() == 2


def test_the_same_numbers_in_another_federation_are_no_duplicates(hz, hz_org, nb_org):
    MemberFactory(organisation=nb_org, id_number=id_number_for(50_000), card_number="IMP0000000")
    outcome = run(xlsx_bytes([good_row(0, hz_org.name)]), federation=hz)
    assert outcome.errors == [] and outcome.created == 1


def test_update_existing_updates_the_member_with_the_same_id_number(hz, hz_org, hz_staff):
    other_org = OrganisationFactory(federation=hz, name="拱墅区总工会")
    member = MemberFactory(organisation=hz_org, id_number=id_number_for(50_000), name="旧名")
    row = good_row(0, other_org.name)
    outcome = run(
        xlsx_bytes([row, good_row(1, hz_org.name)]), federation=hz, actor=hz_staff, update=True
    )
    assert (outcome.errors, outcome.created, outcome.updated) == ([], 1, 1)
    member.refresh_from_db()
    assert (member.name, member.organisation, member.card_number) == (
        "导入会员0",
        other_org,
        "IMP0000000",
    )
    latest = member.history.latest("history_date")
    assert latest.history_type == "~" and latest.history_user == hz_staff


def test_imported_members_have_history_with_the_acting_user(hz, hz_org, hz_staff):
    run(xlsx_bytes([good_row(n, hz_org.name) for n in range(3)]), federation=hz, actor=hz_staff)
    histories = Member.history.filter(card_number__startswith="IMP")
    assert histories.count() == 3
    assert {h.history_user for h in histories} == {hz_staff}
    assert {h.history_type for h in histories} == {"+"}


def test_one_bad_row_among_a_thousand_good_ones_writes_nothing(hz, hz_org, hz_member):
    rows = [good_row(n, hz_org.name) for n in range(1000)]
    bad = good_row(2000, hz_org.name)
    bad[2] = "not-an-id"
    rows.insert(500, bad)  # the 501st data row: row 502 of the sheet
    before = list(Member.objects.values_list("pk", "name", "card_number"))
    history_before = Member.history.count()
    outcome = run(xlsx_bytes(rows), federation=hz)
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(502, "身份证号")]
    assert outcome.total == 1001 and not outcome.written
    assert list(Member.objects.values_list("pk", "name", "card_number")) == before
    assert Member.history.count() == history_before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_each_encoding(hz, hz_org, encoding):
    content = csv_bytes([good_row(0, hz_org.name)], encoding=encoding)
    if encoding == "utf-8-sig":
        assert content.startswith(b"\xef\xbb\xbf")
    outcome = run(content, federation=hz, name="roster.csv")
    assert outcome.errors == []
    member = Member.objects.get()
    assert (member.name, member.organisation) == ("导入会员0", hz_org)


@pytest.mark.parametrize(
    "join",
    [
        "2024-03-01",
        "2024/3/1",
        "2024/03/01",
        "2024.3.1",
        "2024年3月1日",
        datetime.datetime(2024, 3, 1),  # noqa: DTZ001 - an Excel date cell has no zone
        datetime.date(2024, 3, 1),
    ],
)
def test_date_forms(hz, hz_org, join):
    outcome = run(xlsx_bytes([good_row(0, hz_org.name, join=join)]), federation=hz)
    assert outcome.errors == []
    assert Member.objects.get().join_date == datetime.date(2024, 3, 1)


def test_numbers_typed_into_number_cells(hz, hz_org):
    row = good_row(0, hz_org.name)
    row[3] = 13900000000  # Excel keeps a typed phone number as a number
    outcome = run(xlsx_bytes([row]), federation=hz)
    assert outcome.errors == []
    assert Member.objects.get().mobile == "13900000000"


def test_english_headers_and_values_are_accepted(hz, hz_org):
    headers = [
        "Name",
        "Gender",
        "ID number",
        "Mobile",
        "Card number",
        "Organisation",
        "Employment form",
        "Join date",
    ]
    row = good_row(0, hz_org.name)
    row[1], row[6] = "M", "courier"
    outcome = run(xlsx_bytes([row], headers=headers), federation=hz)
    assert outcome.errors == []
    assert Member.objects.get().employment_form == "courier"


def test_a_missing_column_is_reported_on_the_header_row(hz, hz_org):
    headers = [h for h in HEADERS if h != "身份证号"]
    row = [v for i, v in enumerate(good_row(0, hz_org.name)) if i != 2]
    outcome = run(xlsx_bytes([row], headers=headers), federation=hz)
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(1, "身份证号")]


def test_blank_lines_are_skipped_and_the_employment_form_is_optional(hz, hz_org):
    row = good_row(0, hz_org.name)
    row[6] = ""
    outcome = run(xlsx_bytes([row, [None] * 8, good_row(1, hz_org.name)]), federation=hz)
    assert (outcome.errors, outcome.total) == ([], 2)
    assert Member.objects.get(card_number="IMP0000000").employment_form == "employee"


def test_check_only_writes_nothing(hz, hz_org):
    outcome = run(xlsx_bytes([good_row(0, hz_org.name)]), federation=hz, write=False)
    assert outcome.errors == [] and outcome.created == 1
    assert not Member.objects.exists()


def test_staff_import_only_into_their_own_federation(hz_staff, nb, nb_org):
    with pytest.raises(PermissionDenied):
        run(xlsx_bytes([good_row(0, nb_org.name)]), federation=nb, actor=hz_staff)
    assert not Member.objects.exists()


def test_leaders_may_not_import(hz_leader, hz, hz_org):
    with pytest.raises(PermissionDenied):
        run(xlsx_bytes([good_row(0, hz_org.name)]), federation=hz, actor=hz_leader)


# --- the command -----------------------------------------------------------------------------


def _file(tmp_path, content, name="roster.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_command_imports_a_good_file_with_exit_status_0(tmp_path, hz, hz_org, capsys):
    path = _file(tmp_path, xlsx_bytes([good_row(n, hz_org.name) for n in range(3)]))
    call_command("import_members", path, "--federation", "HZ")
    assert Member.objects.count() == 3
    assert "3 row(s) imported: 3 new" in capsys.readouterr().out
    assert Member.history.filter(history_change_reason__startswith="import_members").count() == 3


def test_command_dry_run_writes_nothing(tmp_path, hz, hz_org, capsys):
    path = _file(tmp_path, xlsx_bytes([good_row(0, hz_org.name)]))
    call_command("import_members", path, "--federation", "hz", "--dry-run")
    assert not Member.objects.exists()
    assert "dry run" in capsys.readouterr().out


def test_command_prints_every_bad_row_and_exits_1(tmp_path, hz, hz_org, capsys):
    rows = [good_row(0, hz_org.name), _bad({3: "1"}, hz_org), _bad({7: "昨天"}, hz_org)]
    rows[2][4], rows[2][2] = "IMP9", id_number_for(50_009)
    path = _file(tmp_path, csv_bytes(rows, encoding="gbk"), "roster.csv")
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_members", path, "--federation", "HZ")
    assert raised.value.returncode == 1
    err = capsys.readouterr().err
    assert "row 3, 手机号:" in err and "row 4, 入会日期:" in err
    assert not Member.objects.exists()


def test_command_dry_run_with_bad_rows_exits_1(tmp_path, hz, hz_org):
    path = _file(tmp_path, xlsx_bytes([_bad({0: ""}, hz_org)]))
    with pytest.raises(CommandError) as raised:
        call_command("import_members", path, "--federation", "HZ", "--dry-run")
    assert raised.value.returncode == 1


def test_command_refuses_a_bad_file_with_exit_status_2(tmp_path, hz):
    path = _file(tmp_path, b"MZ\x90\x00" + b"\x00" * 100, "roster.xlsx")
    with pytest.raises(CommandError) as raised:
        call_command("import_members", path, "--federation", "HZ")
    assert raised.value.returncode == 2


def test_command_unknown_federation(tmp_path, hz, hz_org):
    path = _file(tmp_path, xlsx_bytes([good_row(0, hz_org.name)]))
    with pytest.raises(CommandError):
        call_command("import_members", path, "--federation", "XX")


def test_command_update_existing(tmp_path, hz, hz_org):
    MemberFactory(organisation=hz_org, id_number=id_number_for(50_000), name="旧名")
    path = _file(tmp_path, xlsx_bytes([good_row(0, hz_org.name)]))
    with pytest.raises(CommandError):
        call_command("import_members", path, "--federation", "HZ")
    call_command("import_members", path, "--federation", "HZ", "--update-existing")
    assert Member.objects.get().name == "导入会员0"


def test_a_template_made_by_the_portal_reads_back(hz, hz_org):
    """The template's own headers are the columns the import reads."""
    import io

    from openpyxl import load_workbook

    buffer = io.BytesIO()
    imports.write_template(imports.get_spec("members"), buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    sheet.append(good_row(0, hz_org.name))
    workbook = sheet.parent
    assert isinstance(workbook, Workbook)
    out = io.BytesIO()
    workbook.save(out)
    assert run(out.getvalue(), federation=hz).errors == []
