"""Spreadsheet cells: cells that cannot run formulas (CSV/Excel formula injection), and the
cells of an imported roster read as what a person typed.

Plain Python, no Django. A text cell that starts with =, +, - or @ (or a tab or carriage
return) would be taken for a formula by Excel or WPS; a leading apostrophe makes it text.
"""

from __future__ import annotations

import datetime
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_text(value) -> str:
    """A cell as the text a person typed: numbers without a trailing ".0" (Excel stores an
    11-digit phone typed into a number cell as 13812345678.0), blanks stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value) -> datetime.date | None:
    """A date cell (Excel's own date, or text such as 2024-03-01, 2024/3/1, 2024.3.1 or
    2024年3月1日); None when it is not a date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE.match(cell_text(value))
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
