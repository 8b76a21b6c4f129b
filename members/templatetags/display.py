"""Names, lists and dates in the active language, for every template (members.display has
the rules): `{% load display %}`, then

- `{{ federations|join_names }}`, `{{ federations|join_names:"display_short" }}`: a list in
  the language's way ("A、B" in Chinese, "A, B" in English);
- `{{ day|as_date }}`, `{{ moment|as_datetime }}`: the language's date format in a `<time>`
  element that never breaks across two lines.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from members import display

register = template.Library()


@register.filter
def join_names(values, attribute=None):
    return display.join_names(values or [], attribute)


def _time(value, text):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        machine = value.isoformat(timespec="minutes")
    else:
        machine = value.isoformat()
    return format_html('<time class="text-nowrap" datetime="{}">{}</time>', machine, text)


@register.filter(expects_localtime=True)
def as_date(value):
    if not value:
        return ""
    return _time(value, display.local_date(value))


@register.filter(expects_localtime=True)
def as_datetime(value):
    if not value:
        return ""
    return _time(value, display.local_datetime(value))
