"""Resident identity card numbers (居民身份证号码) after GB 11643-1999.

Plain Python, no Django: an 18-character number is a 6-digit address code, an 8-digit birth
date (YYYYMMDD), a 3-digit sequence code (odd for men, even for women) and one check
character computed with ISO 7064 MOD 11-2.
"""

from __future__ import annotations

import datetime
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


class IdNumberError(ValueError):
    """Why a string is not a valid ID number; `code` names the rule that failed."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise(value: str) -> str:
    """Strip blanks and upper-case the check character (people type a small x)."""
    return re.sub(r"\s+", "", value or "").upper()


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def birth_date(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def validate(value: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised number or raise IdNumberError(code).

    Codes: ``format`` (not 18 characters of the right kind), ``birth_date`` (no such day, or
    in the future, or before 1900) and ``checksum`` (the check character does not match).
    """
    number = normalise(value)
    if not _SHAPE.match(number):
        raise IdNumberError("format")
    try:
        born = birth_date(number)
    except ValueError:
        raise IdNumberError("birth_date") from None
    today = today or datetime.date.today()  # noqa: DTZ011 - a calendar date, zone-free
    if born > today or born.year < 1900:
        raise IdNumberError("birth_date")
    if check_char(number[:17]) != number[17]:
        raise IdNumberError("checksum")
    return number


def is_male(number: str) -> bool:
    """The sequence code (17th character) is odd for men and even for women."""
    return int(number[16]) % 2 == 1


def make(area: str, born: datetime.date, sequence: int) -> str:
    """Build a valid number (for demo data and tests) from its parts."""
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
