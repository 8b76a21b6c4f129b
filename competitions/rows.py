"""The rows of the competitions' entry list, in Python for speed: see members.rows."""

from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext

from members.display import choice_label
from members.links import pk_url
from members.rows import rows


def entry_rows(entries, *, csrf_token):
    """`entries` read with their event, member (organisation and its federation) and
    federation, each with `show_personal` (the ID number in full) and `can_withdraw`."""
    withdraw = gettext("Withdraw")

    def row(entry):
        member = entry.member
        return format_html(
            "<tr>"
            '<td class="portal-stack-title">{}</td><td>{}</td>'
            '<td class="portal-mono">{}</td><td>{}</td><td>{}</td>'
            '<td class="portal-mono">{}</td><td>{}</td><td>{}</td>'
            '<td class="portal-stack-actions">{}</td>'
            "</tr>",
            member.name,
            entry.event.name,
            entry.number,
            entry.federation.display_short,
            member.organisation.display_name,
            member.id_number if entry.show_personal else member.masked_id_number,
            entry.years_in_job,
            capfirst(choice_label(entry, "status")),
            format_html(
                '<form method="post" action="{}" class="d-inline">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<button type="submit" class="btn btn-sm btn-outline-danger text-nowrap">{}'
                "</button></form>",
                pk_url("competitions:entry_withdraw", entry.pk),
                csrf_token,
                withdraw,
            )
            if entry.can_withdraw
            else "",
        )

    return rows(entries, row)
