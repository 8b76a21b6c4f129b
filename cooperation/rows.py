"""The rows of cooperation's staff lists (projects, venues, contacts, meetings, action items
and referrals), in Python for speed: see members.rows. Each function takes the page's
objects, read by its view with what the rows show, and returns the `<tr>` elements."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from members.display import choice_label, date_element, datetime_element, join_names
from members.links import pk_url
from members.rows import DASH, blocktranslated, rows

_PROJECT_BADGE = {
    "completed": "text-bg-success",
    "in_progress": "text-bg-primary",
    "suspended": "text-bg-secondary",
}
_MEETING_BADGE = {"held": "text-bg-success", "cancelled": "text-bg-secondary"}
_ITEM_BADGE = {"done": "text-bg-success", "dropped": "text-bg-secondary"}
_REFERRAL_BADGE = {
    "resolved": "text-bg-success",
    "accepted": "text-bg-warning",
    "forwarded": "text-bg-info",
    "declined": "text-bg-secondary",
    "closed": "text-bg-dark",
}
_OVERDUE_ICON = mark_safe('<i class="bi bi-exclamation-triangle" aria-hidden="true"></i>')
_OVERDUE_ROW = mark_safe(' class="table-danger" data-overdue')
_OUTGOING = mark_safe('<i class="bi bi-box-arrow-up-right" aria-hidden="true"></i>')
_INCOMING = mark_safe('<i class="bi bi-box-arrow-in-down-left" aria-hidden="true"></i>')


def _overdue_badge(label):
    return format_html(
        ' <span class="badge text-bg-danger" data-overdue>{} {}</span>',
        _OVERDUE_ICON,
        label,
    )


# --- status badges: the lists' rows and the detail pages (cooperation_status tags) ---


def project_status(project, *, delayed=None):
    """The project's status badge, and "Delayed" when it is (`delayed`: that label,
    translated once by a caller that draws many)."""
    badge = format_html(
        '<span class="badge {}">{}</span>',
        _PROJECT_BADGE.get(project.status, "text-bg-light border"),
        capfirst(choice_label(project, "status")),
    )
    if not project.is_delayed:
        return badge
    return format_html(
        '{} <span class="badge text-bg-danger">{} {}</span>',
        badge,
        _OVERDUE_ICON,
        delayed or gettext("Delayed"),
    )


def meeting_status(meeting):
    return format_html(
        '<span class="badge {}">{}</span>',
        _MEETING_BADGE.get(meeting.status, "text-bg-info"),
        capfirst(choice_label(meeting, "status")),
    )


def action_item_status(item, *, overdue=None):
    """The item's status badge, and "Overdue" when it is (`overdue`: that badge, built
    once by a caller that draws many)."""
    return format_html(
        '<span class="badge {}">{}</span>{}',
        _ITEM_BADGE.get(item.status, "text-bg-light border"),
        capfirst(choice_label(item, "status")),
        (overdue or _overdue_badge(gettext("Overdue"))) if item.is_overdue else "",
    )


def referral_status(referral, *, overdue=None):
    """The referral's status badge (with its status for scripts and tests), and "Overdue"
    when it is unanswered past its day."""
    return format_html(
        '<span data-status="{}" class="badge {}">{}</span>{}',
        referral.status,
        _REFERRAL_BADGE.get(referral.status, "text-bg-light border"),
        capfirst(choice_label(referral, "status")),
        (overdue or _overdue_badge(gettext("Overdue"))) if referral.overdue else "",
    )


# --- the lists' rows ---


def project_rows(projects):
    public, delayed = gettext("Public"), gettext("Delayed")

    def row(project):
        return format_html(
            "<tr>"
            '<td class="portal-wrap portal-stack-title"><a href="{}">{}</a>{}</td>'
            "<td>{}</td><td>{}</td><td>{}</td>"
            "<td>{}</td>"
            '<td class="small">{} – {}</td>'
            '<td class="text-end">{} / {}</td>'
            "</tr>",
            pk_url("cooperation:project", project.pk),
            project.title,
            format_html(
                ' <i class="bi bi-globe2 text-body-secondary" title="{}" aria-label="{}"></i>',
                public,
                public,
            )
            if project.is_public
            else "",
            project.pillar.name,
            project.lead_federation.display_short,
            join_names(project.partner_federations.all(), "display_short") or DASH,
            project_status(project, delayed=delayed),
            date_element(project.planned_start),
            date_element(project.planned_end),
            project.actual_beneficiaries,
            project.target_beneficiaries,
        )

    return rows(projects, row)


def venue_rows(venues):
    yes = format_html(
        '<i class="bi bi-check-circle-fill text-success" aria-hidden="true"></i> {}',
        gettext("Yes"),
    )
    no = gettext("No")
    return rows(
        venues,
        lambda venue: format_html(
            "<tr>"
            '<td class="portal-wrap portal-stack-title"><a href="{}">{}</a></td>'
            "<td>{}</td><td>{}</td>"
            '<td class="portal-wrap small">{}</td><td class="small">{}</td><td>{}</td>'
            "</tr>",
            pk_url("cooperation:venue", venue.pk),
            venue.name,
            capfirst(choice_label(venue, "kind")),
            venue.federation.display_short,
            venue.address,
            venue.opening_hours or DASH,
            yes if venue.open_to_partners else no,
        ),
    )


def _link_or_dash(scheme, value):
    return format_html('<a href="{}:{}">{}</a>', scheme, value, value) if value else DASH


def contact_rows(contacts):
    def row(contact):
        counterpart = contact.counterpart
        return format_html(
            "<tr>"
            '<td class="portal-wrap portal-stack-title">{}</td>'
            "<td>{}</td><td>{}</td>"
            '<td class="portal-wrap">{}</td><td class="portal-wrap">{}</td>'
            '<td class="text-nowrap">{}</td><td class="portal-wrap small">{}</td>'
            '<td class="portal-wrap">{}</td>'
            "</tr>",
            format_html(
                '<a href="{}">{}</a>',
                pk_url("cooperation:contact_update", contact.pk),
                contact.name,
            )
            if contact.can_edit
            else contact.name,
            contact.federation.display_short,
            capfirst(choice_label(contact, "level")),
            contact.department or DASH,
            contact.title or DASH,
            _link_or_dash("tel", contact.phone),
            _link_or_dash("mailto", contact.email),
            format_html("{} · {}", counterpart.name, counterpart.federation.display_short)
            if counterpart
            else DASH,
        )

    return rows(contacts, row)


def meeting_rows(meetings):
    def row(meeting):
        overdue = meeting.overdue_items
        return format_html(
            "<tr>"
            '<td class="portal-wrap portal-stack-title"><a href="{}">{}</a></td>'
            "<td>{}</td><td>{}</td><td>{}</td>"
            '<td class="portal-wrap small">{}</td>'
            "<td>{}</td>"
            "<td>{}{}</td>"
            "</tr>",
            pk_url("cooperation:meeting", meeting.pk),
            meeting.title,
            datetime_element(meeting.starts_at),
            capfirst(choice_label(meeting, "level")),
            meeting.host_federation.display_short,
            meeting.place,
            meeting_status(meeting),
            meeting.open_items,
            format_html(
                ' <span class="badge text-bg-danger">{}</span>',
                blocktranslated(
                    ngettext("%(counter)s overdue", "%(counter)s overdue", overdue),
                    counter=overdue,
                ),
            )
            if overdue
            else "",
        )

    return rows(meetings, row)


def action_item_rows(items):
    overdue = _overdue_badge(gettext("Overdue"))

    def row(item):
        return format_html(
            "<tr{}>"
            '<td class="portal-wrap portal-stack-title"><a href="{}">{}</a></td>'
            '<td class="portal-wrap small"><a href="{}">{}</a></td>'
            "<td>{}</td><td>{}</td><td>{}</td>"
            "</tr>",
            _OVERDUE_ROW if item.overdue else "",
            item.get_absolute_url(),
            item.title,
            pk_url("cooperation:meeting", item.meeting_id),
            item.meeting.title,
            (item.assignee.name if item.assignee else "") or DASH,
            date_element(item.due_on),
            action_item_status(item, overdue=overdue),
        )

    return rows(items, row)


def referral_rows(referrals, *, own_federation_id):
    overdue = _overdue_badge(gettext("Overdue"))
    member = format_html('<span class="badge text-bg-light border">{}</span> ', gettext("Member"))
    to_text, from_text = gettext("To %(name)s"), gettext("From %(name)s")

    def direction(referral):
        if referral.from_federation_id == own_federation_id:
            icon, text, other = _OUTGOING, to_text, referral.to_federation
        else:
            icon, text, other = _INCOMING, from_text, referral.from_federation
        return format_html("{} {}", icon, blocktranslated(text, name=other.display_city))

    def row(referral):
        return format_html(
            '<tr data-referral="{}">'
            '<td class="portal-stack-title"><a href="{}">{}</a> · {}</td>'
            '<td class="small text-nowrap">{}</td>'
            '<td class="small">{}{}</td>'
            "<td>{}</td>"
            '<td class="small">{}</td><td class="small">{}</td>'
            "</tr>",
            referral.pk,
            pk_url("cooperation:referral", referral.pk),
            referral.reference,
            capfirst(choice_label(referral, "category")),
            direction(referral),
            member if referral.member_id else "",
            referral.masked_contact or DASH,
            referral_status(referral, overdue=overdue),
            date_element(referral.submitted_at),
            date_element(referral.acknowledge_by),
        )

    return rows(referrals, row)
