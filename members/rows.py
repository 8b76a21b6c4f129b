"""The rows of the staff lists, written in Python: each app's `rows.py` builds the `<tr>`
elements of its lists with `format_html`, and the list's template draws everything around
them (heading, filters, the table's head, pagination) and puts `{{ rows }}` in its body.

Why not the template language: for each row, each `{{ }}` and `{% %}` goes through the
template engine's layers (a search of the context stack, a dictionary, attribute and index
lookup on each dot, filters, localisation, escaping). For a page of twenty rows that was
3–9 ms, more than everything else the page does; the same markup built here costs a tenth
of it. The Django admin draws its change list's cells in Python for the same reason
(`items_for_result`). The markup is what the templates wrote, cell by cell; every value is
escaped by `format_html` (or `conditional_escape`), and only markup built here is marked
safe.

The text of a row is translated with the usual `gettext`/`ngettext` (makemessages finds
it here as in any Python file), looked up once per page where a label repeats."""

from django.middleware.csrf import get_token
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from members.display import choice_label, datetime_element
from members.links import pk_url

DASH = "—"


def join(parts) -> SafeString:
    """Pieces of markup, each built by `format_html` (or already safe), as one."""
    return mark_safe("".join(parts))  # noqa: S308 (each part is escaped where it is built)


def csrf_input(request) -> SafeString:
    """What `{% csrf_token %}` writes, for a form in a row."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


def rows(objects, row) -> SafeString:
    """`row(obj)` for each object, as one piece of markup ("" for none: the template then
    shows its own empty row)."""
    return join(row(obj) for obj in objects)


def blocktranslated(text, **values) -> SafeString:
    """What `{% blocktranslate with name=value %}` writes: the translated `text` (trusted)
    with each value escaped."""
    return mark_safe(text % {name: conditional_escape(value) for name, value in values.items()})  # noqa: S308


# --- the members app's own lists ---


def member_rows(members):
    """`members` read with their organisation (and its federation) and federation, each
    with `show_personal` set: whether the reader sees the ID and mobile numbers in full."""

    def row(member):
        personal = member.show_personal
        return format_html(
            "<tr>"
            '<td class="portal-stack-title"><a href="{}">{}</a></td>'
            '<td class="portal-mono">{}</td><td>{}</td><td>{}</td>'
            '<td class="portal-mono">{}</td><td class="portal-mono">{}</td><td>{}</td>'
            "</tr>",
            pk_url("members:detail", member.pk),
            member.name,
            member.card_number,
            member.federation.display_short,
            member.organisation.display_name,
            member.id_number if personal else member.masked_id_number,
            member.mobile if personal else member.masked_mobile,
            capfirst(choice_label(member, "employment_form")),
        )

    return rows(members, row)


def notification_rows(notifications, *, csrf):
    """The inbox's items (`<li>`): unread ones marked, each with its buttons (open the page
    it points to, mark it read), which post to `inbox:read` (`csrf`: csrf_input)."""
    new, open_label, read_label = gettext("New"), gettext("Open"), gettext("Mark as read")

    def row(note):
        unread = not note.is_read
        return format_html(
            '<li class="list-group-item d-flex flex-wrap gap-2 justify-content-between '
            'align-items-start{}" data-notification="{}">'
            '<div class="portal-wrap"><div class="{}">{}{}</div>{}'
            '<div class="small text-body-secondary">{}{}</div></div>'
            '<form method="post" action="{}" class="d-flex gap-2">{}{}{}</form>'
            "</li>",
            " list-group-item-warning" if unread else "",
            note.pk,
            "fw-semibold" if unread else "",
            format_html('<span class="badge text-bg-danger me-1">{}</span>', new) if unread else "",
            note.subject,
            format_html('<div class="small">{}</div>', linebreaksbr(note.body))
            if note.body
            else "",
            datetime_element(note.created_at),
            format_html(" · {}", note.actor) if note.actor else "",
            pk_url("inbox:read", note.pk),
            csrf,
            format_html(
                '<button type="submit" name="open" value="1" class="btn btn-sm btn-primary">{}'
                "</button>",
                open_label,
            )
            if note.url
            else "",
            format_html(
                '<button type="submit" class="btn btn-sm btn-outline-secondary">{}</button>',
                read_label,
            )
            if unread
            else "",
        )

    return rows(notifications, row)
