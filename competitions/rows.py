"""The rows of the competitions' entry list and the cards of their list, in Python for
speed: see members.rows."""

from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from members.display import choice_label, date_element, join_names
from members.links import pk_url
from members.rows import blocktranslated, rows


def entry_rows(entries, *, csrf):
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
                "{}"
                '<button type="submit" class="btn btn-sm btn-outline-danger text-nowrap">{}'
                "</button></form>",
                pk_url("competitions:entry_withdraw", entry.pk),
                csrf,
                withdraw,
            )
            if entry.can_withdraw
            else "",
        )

    return rows(entries, row)


def competition_cards(competitions):
    """The cards of the competition list: `competitions` read with their hosts and
    annotated with `event_count`."""
    hosts_label, results = gettext("Hosts:"), gettext("Results")

    def card(competition):
        published = competition.is_published
        if published:
            badge = "text-bg-success"
        elif competition.status == "open":
            badge = "text-bg-primary"
        else:
            badge = "text-bg-secondary"
        count = competition.event_count
        return format_html(
            '<div class="col-12 col-md-6"><article class="card h-100"><div class="card-body">'
            '<h2 class="h5 card-title portal-wrap"><a href="{}">{}</a></h2>'
            '<p class="mb-1"><span class="badge {}">{}</span></p>'
            '<p class="small mb-1">{} – {} · {}</p>'
            '<p class="small mb-2">{} {}</p>'
            '<p class="small text-body-secondary mb-2">{}</p>{}'
            "</div></article></div>",
            pk_url("competitions:detail", competition.pk),
            competition.title,
            badge,
            capfirst(choice_label(competition, "status")),
            date_element(competition.starts_on),
            date_element(competition.ends_on),
            competition.venue,
            hosts_label,
            join_names(competition.hosts.all()),
            blocktranslated(
                ngettext("%(counter)s event", "%(counter)s events", count), counter=count
            ),
            format_html(
                '<a class="btn btn-sm btn-success" href="{}">'
                '<i class="bi bi-trophy" aria-hidden="true"></i> {}</a>',
                pk_url("competitions:results", competition.pk),
                results,
            )
            if published
            else "",
        )

    return rows(competitions, card)
