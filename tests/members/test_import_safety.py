"""File safety of imports (members.imports): each refusal, with fixture files made here — an
oversized file, a wrong-magic file, a zip bomb, a zip of too many parts, a billion-laughs
workbook, too many rows, an unknown encoding — and each message naming the formats and
limits."""

import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from members import imports
from tests.members.spreadsheets import csv_bytes, good_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def refusal(content, name="roster.xlsx", *, read=True):
    """The refusal's code and message for a file, through the upload check and reading."""
    file = upload(content, name)
    with translation.override("en"):
        try:
            kind = imports.check_upload(file)
            if read:
                table = imports.open_table(file, kind)
                list(table.rows)
        except imports.ImportRefused as refused:
            return refused.code, refused.messages[0]
    return None


def assert_names_formats(message):
    assert ".xlsx" in message and "GB18030/GBK" in message and "10.0\xa0MB" in message
    assert "100,000" in message


def test_a_good_workbook_and_csv_pass():
    assert refusal(xlsx_bytes([good_row(0, "x")])) is None
    assert refusal(csv_bytes([good_row(0, "x")]), "roster.csv") is None


def test_an_oversized_file_is_refused_before_it_is_read(settings):
    content = csv_bytes([good_row(n, "x") for n in range(20)])
    settings.IMPORT_MAX_BYTES = len(content) - 1
    code, message = refusal(content, "roster.csv")
    assert code == "file_too_large"
    assert "too large" in message


def test_the_default_size_limit_is_10_mb(settings):
    assert settings.IMPORT_MAX_BYTES == 10 * 1024 * 1024
    code, message = refusal(b"a,b\n" + b"1,2\n" * (10 * 1024 * 1024 // 4), "big.csv")
    assert code == "file_too_large"
    assert_names_formats(message)


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,  # a Windows executable
        b"\x7fELF\x02\x01\x01" + b"\x00" * 200,  # a Linux executable
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200,  # an old .xls
        b"%PDF-1.4\n%...",
        b"\x89PNG\r\n\x1a\n\x00\x00",  # binary with NUL bytes
    ],
)
def test_a_file_of_the_wrong_content_is_refused_whatever_its_name(content):
    for name in ("roster.xlsx", "roster.csv"):
        code, message = refusal(content, name)
        assert code == "file_type"
        assert_names_formats(message)


def test_an_xlsx_name_on_a_text_file_is_read_as_what_it_is():
    # Content decides, never the name: a CSV called .xlsx is a CSV.
    assert imports.check_upload(upload(csv_bytes([good_row(0, "x")]), "roster.xlsx")) == "csv"


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_that_is_no_workbook_is_refused():
    code, _message = refusal(_zip([("hello.txt", b"hello")]))
    assert code == "not_workbook"


def test_a_damaged_zip_is_refused():
    code, _message = refusal(b"PK\x03\x04" + b"garbage" * 30)
    assert code == "file_broken"


def test_a_zip_bomb_is_refused_from_its_directory_before_parsing(monkeypatch):
    # 210 MB of zeros packs into a few hundred KB; the limit is what it unpacks to.
    bomb = _zip([("xl/workbook.xml", b"<x/>"), ("xl/worksheets/sheet1.xml", b"\0" * 210_000_000)])
    assert len(bomb) < 1_000_000

    def never(*args, **kwargs):
        raise AssertionError("parsed before the check")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    code, message = refusal(bomb)
    assert code == "zip_bomb"
    assert "unpack" in message
    assert_names_formats(message)


def test_a_zip_of_too_many_entries_is_refused(settings):
    entries = [("xl/workbook.xml", b"<x/>")] + [(f"part{n}.xml", b"") for n in range(200)]
    code, _message = refusal(_zip(entries))
    assert code == "zip_entries"


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>
"""


def _with_sheet(sheet_xml):
    """A real workbook whose first sheet is replaced by `sheet_xml`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([good_row(0, "x")])))
    entries = [
        (
            item.filename,
            sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item),
        )
        for item in source.infolist()
    ]
    return _zip(entries)


def test_a_billion_laughs_workbook_is_refused():
    code, message = refusal(_with_sheet(BILLION_LAUGHS))
    assert code == "unsafe_xml"
    assert "XML" in message


def test_too_many_rows_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [good_row(n, "x") for n in range(6)]
    code, message = refusal(csv_bytes(rows), "roster.csv")
    assert code == "too_many_rows"
    assert "6 data rows" in message
    assert refusal(csv_bytes(rows[:5]), "roster.csv") is None


def test_the_row_limit_is_checked_on_the_rows_read(settings, hz, hz_org):
    settings.IMPORT_MAX_ROWS = 5
    file = upload(xlsx_bytes([good_row(n, hz_org.name) for n in range(6)]))
    ctx = imports.Context(actor=None, federation=hz, update_existing=False)
    with pytest.raises(imports.ImportRefused) as refused:
        imports.process(imports.get_spec("members"), file, "xlsx", ctx=ctx, write=False)
    assert refused.value.code == "too_many_rows"


def test_text_in_neither_encoding_is_refused():
    # Not UTF-8, and 0x80 followed by 0x20 is no GB18030 sequence.
    code, message = refusal("姓名\n".encode() + b"\x80\x20\xff\x20\n", "roster.csv")
    assert code == "encoding"
    assert "GB18030" in message


def test_an_empty_file_is_refused():
    assert refusal(b"", "roster.csv")[0] == "file_empty"


def test_refusals_are_translated():
    with translation.override("zh-hans"):
        try:
            imports.check_upload(upload(b"MZ\x00\x00", "a.xlsx"))
        except imports.ImportRefused as refused:
            message = refused.messages[0]
    assert "GB18030/GBK" in message and "文件" in message
