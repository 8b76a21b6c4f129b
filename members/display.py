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
import functools

from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.html import format_html
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


def _time(value, text):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        machine = value.isoformat(timespec="minutes")
    else:
        machine = value.isoformat()
    return format_html('<time class="text-nowrap" datetime="{}">{}</time>', machine, text)


@functools.lru_cache(maxsize=4096)
def _time_element(value, tzinfo, language, with_time):
    """The `<time>` element of `value`: a pure function of its arguments, kept because
    Django's date formatting reads the format letter by letter, which in a table of dates
    costs more than the rest of the row. `tzinfo` is in the key because two aware moments
    in different zones compare equal yet read differently; `language` because the format
    is the language's."""
    text = local_datetime(value) if with_time else local_date(value)
    return _time(value, text)


def date_element(value) -> str:
    """`value` (a date, or a moment's day) as `local_date` writes it, in a `<time>` element
    that never breaks across two lines; "" for no date."""
    if not value:
        return ""
    return _time_element(value, getattr(value, "tzinfo", None), get_language(), False)


def datetime_element(value) -> str:
    """A moment as `local_datetime` writes it, in a `<time>` element; "" for none."""
    if not value:
        return ""
    return _time_element(value, getattr(value, "tzinfo", None), get_language(), True)


#: field → {value: label} of its choices (the labels stay lazy, translated when shown).
_CHOICE_LABELS = {}


def choice_label(obj, name):
    """The label of the choice in `obj`'s field `name`, as `obj.get_<name>_display()` gives
    it. Django's method rebuilds the field's choices for each call and hashes every label,
    which translates each of them: in a table's rows that costs more than the row itself.
    Here the choices are read once per field and only the label shown is translated."""
    field = obj._meta.get_field(name)
    labels = _CHOICE_LABELS.get(field)
    if labels is None:
        labels = _CHOICE_LABELS[field] = dict(field.flatchoices)
    value = getattr(obj, field.attname)
    return force_str(labels.get(value, value), strings_only=True)
