"""The rows of the sanatorium staff lists (the bases to manage, the recognitions, batches and
bookings), in Python for speed: see members.rows."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from members.display import choice_label, date_element
from members.links import pk_url
from members.rows import blocktranslated, join, rows

_NO_RECOGNITION = mark_safe('<span class="text-body-secondary">—</span>')


def base_rows(bases):
    """`bases` read with `all_recognitions` (each with its federation)."""

    def recognitions(base):
        badges = [
            format_html(
                '<span class="badge text-bg-light border">{} · {}</span>',
                recognition.federation.display_short,
                recognition.state_label,
            )
            for recognition in base.all_recognitions
        ]
        return join(badges) if badges else _NO_RECOGNITION

    return rows(
        bases,
        lambda base: format_html(
            "<tr>"
            '<td class="portal-stack-title"><a href="{}">{}</a></td>'
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "</tr>",
            pk_url("sanatoriums:detail", base.pk),
            base.name,
            base.federation.display_short,
            base.region,
            base.stars,
            capfirst(choice_label(base, "status")),
            recognitions(base),
        ),
    )


def batch_rows(batches):
    """`batches` read with `allocation_list` (sanatoriums.views.allocations_with_counts)."""
    no_places = format_html(
        '<span class="text-body-secondary small">{}</span>', gettext("No places allocated yet.")
    )

    def places(batch):
        badges = [
            format_html(
                '<span class="badge text-bg-light border me-1 text-wrap">{}</span>',
                allocation.places_left_label,
            )
            for allocation in batch.allocation_list
        ]
        return join(badges) if badges else no_places

    def row(batch):
        base = batch.route.sanatorium
        return format_html(
            "<tr>"
            '<td class="portal-stack-title"><a href="{}">{}</a></td>'
            "<td>{} ({})</td><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td>"
            "</tr>",
            pk_url("sanatoriums:batch", batch.pk),
            batch.route.name,
            base.name,
            base.federation.display_short,
            date_element(batch.start_date),
            date_element(batch.end_date),
            capfirst(choice_label(batch, "status")),
            batch.places,
            places(batch),
        )

    return rows(batches, row)


def booking_rows(bookings):
    def row(booking):
        batch = booking.batch
        return format_html(
            "<tr>"
            '<td class="portal-stack-title"><a href="{}">{}</a></td>'
            "<td>{} · {}</td><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "</tr>",
            pk_url("sanatoriums:booking", booking.pk),
            booking.organisation.display_name,
            batch.route.sanatorium.name,
            batch.route.name,
            date_element(batch.start_date),
            date_element(batch.end_date),
            booking.federation.display_short,
            booking.headcount,
            booking.named,
            capfirst(choice_label(booking, "status")),
        )

    return rows(bookings, row)


def recognition_rows(recognitions, *, decidable, csrf):
    """The recognition queue's rows; the actions only on the rows in `decidable` (keys),
    and only those that apply to the row's state (`csrf`: members.rows.csrf_input)."""
    decide, renew, revoke = gettext("Decide"), gettext("Renew"), gettext("Revoke")
    reason_label, confirm = gettext("Reason for revocation"), gettext("Confirm revocation")

    def actions(recognition):
        if recognition.pk not in decidable:
            return ""
        pk = recognition.pk
        url = pk_url("sanatoriums:decide", pk)
        buttons = []
        if recognition.status == "proposed":
            buttons.append(
                format_html(
                    '<a class="btn btn-primary btn-sm text-nowrap" href="{}">{}</a>', url, decide
                )
            )
        if recognition.can_be_renewed:
            buttons.append(
                format_html(
                    '<a class="btn btn-outline-primary btn-sm text-nowrap" href="{}">{}</a>',
                    url,
                    renew,
                )
            )
        form = ""
        if recognition.can_be_revoked:
            buttons.append(
                format_html(
                    '<button type="button" class="btn btn-outline-danger btn-sm text-nowrap" '
                    'data-bs-toggle="collapse" data-bs-target="#revoke-{}" aria-expanded="false" '
                    'aria-controls="revoke-{}">{}</button>',
                    pk,
                    pk,
                    revoke,
                )
            )
            form = format_html(
                '<form id="revoke-{}" method="post" action="{}" '
                'class="collapse portal-reason-form mt-2">'
                "{}"
                '<label class="form-label small mb-1" for="reason-{}">{}</label>'
                '<input id="reason-{}" name="reason" class="form-control form-control-sm mb-1" '
                "required>"
                '<button type="submit" class="btn btn-danger btn-sm text-nowrap">{}</button>'
                "</form>",
                pk,
                pk_url("sanatoriums:revoke", pk),
                csrf,
                pk,
                reason_label,
                pk,
                confirm,
            )
        return format_html('<div class="d-flex gap-1">{}</div>{}', join(buttons), form)

    def row(recognition):
        base = recognition.sanatorium
        return format_html(
            "<tr>"
            '<td class="portal-stack-title"><a href="{}">{}</a></td>'
            "<td>{}</td><td>{}</td><td>{}{}</td>"
            '<td class="text-nowrap">{}</td><td>{}</td>'
            '<td class="portal-stack-actions">{}</td>'
            "</tr>",
            pk_url("sanatoriums:detail", base.pk),
            base.name,
            base.federation.display_short,
            recognition.federation.display_short,
            capfirst(recognition.state_label),
            format_html('<div class="small text-body-secondary">{}</div>', recognition.reason)
            if recognition.reason
            else "",
            format_html(
                "{} –<br>{}",
                date_element(recognition.valid_from),
                date_element(recognition.valid_until),
            )
            if recognition.valid_from
            else "",
            recognition.decided_by or "",
            actions(recognition),
        )

    return rows(recognitions, row)


def awaiting_rows(recognitions):
    """The proposals waiting for the reader's decision (`<li>`), each read with its base and
    the base's federation, and who proposed it."""
    decide = gettext("Decide")
    proposed = gettext("Proposed by %(who)s on %(date)s")

    def row(recognition):
        base = recognition.sanatorium
        return format_html(
            '<li class="list-group-item d-flex flex-wrap justify-content-between '
            'align-items-center gap-2"><div>'
            '<a href="{}" class="fw-semibold">{}</a> '
            '<span class="text-body-secondary">· {}</span>'
            '<div class="small text-body-secondary">{}{}</div></div>'
            '<a class="btn btn-primary btn-sm" href="{}">{}</a></li>',
            pk_url("sanatoriums:detail", base.pk),
            base.name,
            base.federation.display_name,
            blocktranslated(
                proposed, who=recognition.proposed_by, date=date_element(recognition.proposed_at)
            ),
            format_html(" · {}", recognition.note) if recognition.note else "",
            pk_url("sanatoriums:decide", recognition.pk),
            decide,
        )

    return rows(recognitions, row)


def participant_rows(participants, *, show_personal):
    """One group's participants on the printable list, numbered, each read with its member;
    the ID numbers in full only with `show_personal`."""
    return join(
        format_html(
            '<tr><td>{}</td><td>{}</td><td class="portal-mono">{}</td>'
            '<td class="portal-mono">{}</td></tr>',
            number,
            participant.member.name,
            participant.member.card_number,
            participant.member.id_number if show_personal else participant.member.masked_id_number,
        )
        for number, participant in enumerate(participants, 1)
    )
