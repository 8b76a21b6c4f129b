"""Names, lists and dates in the active language, for every template (members.display has
the rules): `{% load display %}`, then

- `{{ federations|join_names }}`, `{{ federations|join_names:"display_short" }}`: a list in
  the language's way ("A、B" in Chinese, "A, B" in English);
- `{{ day|as_date }}`, `{{ moment|as_datetime }}`: the language's date format in a `<time>`
  element that never breaks across two lines;
- `{{ project|choice_label:"status" }}`: what `project.get_status_display` says, for less
  (see `choice_label`);
- `{% pk_url "sanatoriums:batch" batch.pk %}`: what `{% url %}` gives for a pattern whose
  one argument is a key, reversed once per pattern (members.links), for rows of lists.
"""

import datetime
import functools

from django import template
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.translation import get_language

from members import display, links

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


@functools.lru_cache(maxsize=4096)
def _time_element(value, tzinfo, language, with_time):
    """The `<time>` element of `value`: a pure function of its arguments, kept because
    Django's date formatting reads the format letter by letter, which in a table of dates
    costs more than the rest of the row. `tzinfo` is in the key because two aware moments
    in different zones compare equal yet read differently; `language` because the format
    is the language's."""
    text = display.local_datetime(value) if with_time else display.local_date(value)
    return _time(value, text)


@register.filter(expects_localtime=True)
def as_date(value):
    if not value:
        return ""
    return _time_element(value, getattr(value, "tzinfo", None), get_language(), False)


@register.filter(expects_localtime=True)
def as_datetime(value):
    if not value:
        return ""
    return _time_element(value, getattr(value, "tzinfo", None), get_language(), True)


#: field → {value: label} of its choices (the labels stay lazy, translated when shown).
_CHOICE_LABELS = {}


@register.filter
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


@register.simple_tag
def pk_url(viewname, pk):
    return links.pk_url(viewname, pk)
