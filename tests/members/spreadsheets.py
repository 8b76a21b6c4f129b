"""Roster files built in the tests: .xlsx and .csv from rows, in the encodings staff send."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.factories import id_number_for

HEADERS = ["姓名", "性别", "身份证号", "手机号", "会员卡号", "所属工会", "就业形态", "入会日期"]


def good_row(n: int, organisation: str, *, join="2024-03-01"):
    """A valid row for the n-th imported member (n ≥ 0), distinct from factory members."""
    return [
        f"导入会员{n}",
        "男",
        id_number_for(50_000 + n),
        f"139{n:08d}",
        f"IMP{n:07d}",
        organisation,
        "快递员",
        join,
    ]


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS, *, encoding="utf-8") -> bytes:
    lines = [",".join(headers)] + [
        ",".join(v.isoformat() if isinstance(v, datetime.date) else str(v) for v in row)
        for row in rows
    ]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(content: bytes, name="roster.xlsx"):
    return SimpleUploadedFile(name, content)
