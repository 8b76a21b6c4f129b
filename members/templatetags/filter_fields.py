"""The fields of a list page's filter form, as crispy's Bootstrap 5 pack draws them, without
its templates: `{% load filter_fields %}`, then `{{ filterset.form.status|as_filter_field }}`.

`|as_crispy_field` renders each field through a dozen nested templates (the field, its
label, help text and errors, the widget, one template per option and one per option's
attributes): on a staff list it costs more than the table itself. A filter field is almost
always a plain text box or a drop-down list with a label and nothing else, so this filter
writes that markup directly, with the same element, classes, attributes and options that
crispy and Django's widget templates write (the options straight from the widget's choices,
without a context and a dict per option), and hands every other field — one with errors,
help text, a required mark, another widget or a crispy helper — to `as_crispy_field`
unchanged.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

#: The widgets drawn here, and the Bootstrap class that crispy's field template gives each.
_BOOTSTRAP_CLASS = {forms.TextInput: "form-control", forms.Select: "form-select"}


def _is_plain(bound):
    """Whether crispy would draw `bound` as a label above a bare widget (nothing else)."""
    field = bound.field
    return (
        type(field.widget) in _BOOTSTRAP_CLASS
        and not getattr(bound.form, "helper", None)
        and not field.show_hidden_initial
        and not field.required
        and not field.localize
        and bound.label
        and not bound.help_text
        and not bound.errors
        and not bound.css_classes()
    )


def _widget_class(widget):
    """The widget's class attribute as crispy's `crispy_field` tag sets it: its own classes,
    the widget's name in lower case, then the Bootstrap class."""
    name = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if not css:
        css = name
    elif name not in css:
        css = f"{css} {name}"
    wanted = _BOOTSTRAP_CLASS[type(widget)]
    if wanted not in css.split():
        css = f"{css} {wanted}"
    return css


def _attrs(attrs):
    """Attributes as django/forms/widgets/attrs.html writes them: in their order, a True
    value as the bare name, a False one left out (flatatt would sort them)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _option(value, label, selected):
    return format_html(
        '  <option value="{}"{}>{}</option>', value, " selected" if selected else "", label
    )


def _choices(widget):
    """The widget's choices. A model choice field's iterator reads its rows with
    `QuerySet.iterator()`, which on PostgreSQL is a server-side cursor (three round trips
    where one will do, for a handful of rows): read them with one plain query instead."""
    choices = widget.choices
    if not isinstance(choices, ModelChoiceIterator):
        return choices
    field = choices.field
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    return empty + [choices.choice(obj) for obj in field.queryset.all()]


def _select(widget, name, value, attrs):
    """What django/forms/widgets/select.html writes, from the widget's choices directly (a
    single-choice drop-down: the first option whose value matches is selected)."""
    wanted = [str(v) if v is not None else "" for v in widget.format_value(value)]
    chosen = False
    parts = []

    def option(subvalue, sublabel):
        nonlocal chosen
        subvalue = "" if subvalue is None else str(subvalue)
        selected = not chosen and subvalue in wanted
        chosen = chosen or selected
        return _option(subvalue, sublabel, selected)

    for choice_value, choice_label in _choices(widget):
        if isinstance(choice_label, (list, tuple)):
            options = "\n".join(option(v, label) for v, label in choice_label)
            parts.append(
                format_html(
                    '  <optgroup label="{}">\n{}\n  </optgroup>',
                    choice_value,
                    mark_safe(options),  # noqa: S308 (each option is built by format_html)
                )
            )
        else:
            parts.append(option(choice_value, choice_label))
    return format_html(
        '<select name="{}"{}>\n{}\n</select>',
        name,
        _attrs(attrs),
        mark_safe("\n".join(parts)),  # noqa: S308 (each part is built by format_html)
    )


def _widget(bound):
    widget = bound.field.widget
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    # The attributes Widget.get_context would give, with crispy's class.
    attrs = widget.build_attrs({**widget.attrs, "class": _widget_class(widget)}, attrs)
    if isinstance(widget, forms.Select):
        return _select(widget, bound.html_name, bound.value(), attrs)
    value = widget.format_value(bound.value())
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        bound.html_name,
        format_html(' value="{}"', str(value)) if value is not None else "",
        _attrs(attrs),
    )


@register.filter
def as_filter_field(bound):
    """`bound` (a field of a filter form) as `|as_crispy_field` would draw it."""
    if not _is_plain(bound):
        return as_crispy_field(bound)
    label_for = bound.id_for_label
    return format_html(
        '<div id="div_{}" class="mb-3">\n<label{} class="form-label">{}</label>\n{}\n</div>',
        bound.auto_id,
        format_html(' for="{}"', label_for) if label_for else "",
        conditional_escape(bound.label),
        _widget(bound),
    )
