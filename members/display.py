"""How names, lists and dates are written in the active language: the one home of the rules
that pages, messages and the history share (the `display` template library wraps them).

- A list of names is joined with the language's list separator: "杭州市总工会、宁波市总工会"
  in Chinese, "Hangzhou Federation of Trade Unions, Ningbo Federation of Trade Unions" in
  English.
- A date is the language's DATE_FORMAT (config/formats): 2027年11月11日, 11 Nov 2027; a
  moment is DATETIME_FORMAT in the portal's time zone. Never an ISO date.
"""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext


def in_english() -> bool:
    """Whether English is the active language (Chinese is the default and the fallback)."""
    return (get_language() or "").startswith("en")


def join_names(values, attribute: str | None = None) -> str:
    """`values` (objects or strings) as text, joined by the language's list separator; with
    `attribute`, each value's attribute (`display_short`, say) instead of its text."""
    if attribute:
        values = (getattr(value, attribute) for value in values)
    return pgettext("list separator", ", ").join(str(value) for value in values)


def local_date(value) -> str:
    """A date (or the day of a moment, in the portal's time zone) in the language's format."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")


def local_datetime(value) -> str:
    """A moment in the portal's time zone, in the language's format."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")
