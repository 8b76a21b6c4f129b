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

from django import template

from members import display, links

register = template.Library()


@register.filter
def join_names(values, attribute=None):
    return display.join_names(values or [], attribute)


@register.filter(expects_localtime=True)
def as_date(value):
    return display.date_element(value)


@register.filter(expects_localtime=True)
def as_datetime(value):
    return display.datetime_element(value)


@register.filter
def choice_label(obj, name):
    """What `obj.get_<name>_display()` says, for less (members.display.choice_label)."""
    return display.choice_label(obj, name)


@register.simple_tag
def pk_url(viewname, pk):
    return links.pk_url(viewname, pk)
