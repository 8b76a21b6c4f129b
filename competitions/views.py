from collections import Counter, defaultdict
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from competitions import services
from competitions.filters import EntryFilterSet
from competitions.forms import EntryForm, score_field_name, score_sheet_values
from competitions.models import Competition, Entry, Event, Score, ScoringPart
from competitions.rows import competition_cards, entry_rows
from members.access import get_object_for_user
from members.files import private_file_response
from members.filters import LIST_PAGE_SIZE, paginate
from members.pagecache import public_page
from members.rows import csrf_input
from members.scoping import can_see_personal_data, personal_data_shown, with_federations
from members.spreadsheets import safe_cell
from members.web import error_messages

PAGE_SIZE = LIST_PAGE_SIZE


def get_competition_for_user(request, pk):
    """A competition anyone may see (not a draft), or a draft of a readable federation."""
    return get_object_or_404(Competition.objects.visible_to(request.user), pk=pk)


def get_certificate_entry(request, token):
    """The live entry of a published competition with that certificate address, else 404.
    The address is random (Entry.certificate_token): it is found only through the results
    page, never by counting."""
    return get_object_or_404(
        Entry.objects.active()
        .filter(event__competition__status=Competition.Status.PUBLISHED)
        .select_related("event__competition", "member__organisation__federation", "federation"),
        certificate_token=token,
    )


def get_event_for_judge(request, pk):
    """An event the user judges, else 404: judges see only their own events."""
    return get_object_or_404(
        Event.objects.judged_by(request.user).select_related("competition"), pk=pk
    )


def competition_rights(user, competition):
    """(can manage, can enter): the one rule behind the buttons of every page. A user manages
    a competition when they may change it (staff or approver of a host federation, or an
    administrator); they may enter members while registration is open."""
    can_manage = user.has_perm("competitions.change_competition", competition)
    can_enter = (
        can_manage and competition.registration_is_open and user.has_perm("competitions.add_entry")
    )
    return can_manage, can_enter


# --- public pages -------------------------------------------------------------------------


@public_page("competitions")
def competition_list(request):
    competitions = (
        Competition.objects.visible_to(request.user)
        .prefetch_related("hosts")
        .annotate(event_count=Count("events", distinct=True))
        .order_by("-starts_on", "title")
    )
    page = paginate(request, competitions, PAGE_SIZE)
    return render(
        request,
        "competitions/competition_list.html",
        {"page": page, "cards": competition_cards(page)},
    )


@public_page("competitions")
def competition_detail(request, pk):
    competition = get_competition_for_user(request, pk)
    events = list(
        competition.events.prefetch_related(
            Prefetch("parts", queryset=ScoringPart.objects.order_by("position", "pk"))
        )
    )
    can_manage, can_enter = competition_rights(request.user, competition)
    used = dict(
        Entry.objects.active()
        .of_users_federation(request.user)
        .filter(event__competition=competition)
        .values_list("event_id")
        .annotate(n=Count("pk"))
    )
    for event in events:
        event.places_used = used.get(event.pk, 0)
    return render(
        request,
        "competitions/competition_detail.html",
        {
            "competition": competition,
            "hosts": list(competition.hosts.all()),
            "events": events,
            "can_manage": can_manage,
            "next_status_label": Competition.Status(competition.next_status).label
            if competition.next_status
            else "",
            "can_enter": can_enter,
            "show_entries": request.user.has_perm("competitions.view_entry")
            and request.user.has_perm("competitions.view_competition", competition),
            "judged_events": Event.objects.judged_by(request.user).filter(competition=competition),
        },
    )


def _results_by_event(competition):
    """The events of a published competition with their ranked live entries: three queries
    whatever the number of events and entrants."""
    events = list(competition.events.all())
    entries = (
        Entry.objects.active()
        .filter(event__competition=competition)
        .select_related("member__organisation__federation", "federation")
        .prefetch_related("title")
        .order_by(F("rank").asc(nulls_last=True), "number")
    )
    grouped = defaultdict(list)
    for entry in entries:
        grouped[entry.event_id].append(entry)
    for event in events:
        event.results = grouped[event.pk]
        shared = Counter(entry.rank for entry in event.results if entry.rank)
        for entry in event.results:
            entry.tied = shared[entry.rank] > 1
    return events


def competition_rules(request, pk):
    """The rules attachment, to whoever may see the competition; never from a public
    address of the media folder."""
    competition = get_competition_for_user(request, pk)
    if not competition.attachment:
        raise Http404
    public = competition.status != Competition.Status.DRAFT
    return private_file_response(
        competition.attachment,
        filename=f"competition-{competition.pk}-rules",
        cache_control="public, max-age=3600" if public else "private, no-store",
    )


@public_page("competitions")
def competition_results(request, pk):
    competition = get_competition_for_user(request, pk)
    events = _results_by_event(competition) if competition.is_published else []
    return render(
        request,
        "competitions/competition_results.html",
        {"competition": competition, "events": events},
    )


def competition_results_export(request, pk):
    """The published results as .xlsx: the same public columns as the results page, every
    cell through safe_cell (names typed by people must not become formulas)."""
    from openpyxl import Workbook

    competition = get_competition_for_user(request, pk)
    if not competition.is_published:
        raise Http404
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Results")[:31]
    sheet.append(
        [
            safe_cell(str(label))
            for label in (
                _("Event"),
                _("Rank"),
                _("Entrant name"),
                _("Federation"),
                _("Organisation"),
                _("Total"),
                _("Award"),
                _("Honorary title"),
            )
        ]
    )
    for event in _results_by_event(competition):
        for entry in event.results:
            title = getattr(entry, "title", None)
            sheet.append(
                [
                    safe_cell(value)
                    for value in (
                        event.name,
                        entry.rank,
                        entry.member.name,
                        entry.federation.display_name,
                        entry.member.organisation.display_name,
                        float(entry.total) if entry.total is not None else None,
                        str(entry.get_award_display()) if entry.award else "",
                        str(title.get_kind_display()) if title else "",
                    )
                ]
            )
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="competition-{competition.pk}.xlsx"'
    return response


def entry_certificate(request, token):
    """A printable certificate of an award (or a title) of a published competition, dated
    the day its results were published."""
    entry = get_certificate_entry(request, token)
    title = entry.title if hasattr(entry, "title") else None
    if not entry.award and title is None:
        raise Http404
    competition = entry.event.competition
    return render(
        request,
        "competitions/certificate.html",
        {
            "entry": entry,
            "competition": competition,
            "hosts": list(competition.hosts.all()),
            "title": title,
            "issued_on": competition.published_on,
        },
    )


# --- staff pages --------------------------------------------------------------------------


@login_required
@permission_required("competitions.view_entry", raise_exception=True)
def entry_list(request, pk):
    competition = get_object_for_user(request, Competition, pk)
    filterset = EntryFilterSet(
        request.GET,
        Entry.objects.for_user(request.user)
        .filter(event__competition=competition)
        # The federations (the entry's, the organisation's) come from with_federations.
        .select_related("event", "member__organisation")
        .order_by("event__name", "number"),
        request=request,
        competition=competition,
    )
    page = paginate(request, filterset.qs, PAGE_SIZE)
    with_federations(page, request.user, "federation", "member.organisation.federation")
    # has_perm("competitions.change_entry", entry) for the whole page in one query: the
    # entries the user changes are those of their own federation (Entry.objects.editable_by).
    withdrawable = (
        set(
            Entry.objects.editable_by(request.user)
            .filter(pk__in=[entry.pk for entry in page])
            .values_list("pk", flat=True)
        )
        if competition.allows_withdrawal and request.user.has_perm("competitions.change_entry")
        else set()
    )
    for entry in page:
        entry.show_personal = can_see_personal_data(request.user, entry.federation_id)
        entry.can_withdraw = entry.pk in withdrawable and entry.status == Entry.Status.ENTERED
    _can_manage, can_enter = competition_rights(request.user, competition)
    return render(
        request,
        "competitions/entry_list.html",
        {
            "competition": competition,
            "filterset": filterset,
            "page": page,
            "rows": entry_rows(page, csrf=csrf_input(request)),
            "can_enter": can_enter,
            "personal_data": personal_data_shown(request.user),
        },
    )


@login_required
@permission_required("competitions.add_entry", raise_exception=True)
def entry_create(request, pk):
    competition = get_object_for_user(
        request, Competition, pk, perm="competitions.change_competition"
    )
    form = EntryForm(
        request.POST or None,
        competition=competition,
        user=request.user,
        initial={"event": request.GET.get("event")},
    )
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["member"]
        try:
            entry = services.entry_create(
                actor=request.user,
                event=form.cleaned_data["event"],
                member=member,
                years_in_job=form.cleaned_data["years_in_job"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("%(name)s was entered in %(event)s as number %(number)s.")
                % {"name": member.name, "event": entry.event.name, "number": entry.number},
            )
            return redirect("competitions:entries", pk=competition.pk)
    return render(
        request, "competitions/entry_form.html", {"competition": competition, "form": form}
    )


@login_required
@require_POST
@permission_required("competitions.change_entry", raise_exception=True)
def entry_withdraw(request, pk):
    entry = get_object_for_user(
        request, Entry.objects.select_related("member"), pk, perm="competitions.change_entry"
    )
    try:
        services.entry_withdraw(actor=request.user, entry=entry)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request, _("The entry of %(name)s was withdrawn.") % {"name": entry.member.name}
        )
    return redirect("competitions:entries", pk=entry.event.competition_id)


@login_required
@require_POST
@permission_required("competitions.change_competition", raise_exception=True)
def competition_advance(request, pk):
    competition = get_object_for_user(
        request, Competition, pk, perm="competitions.change_competition"
    )
    try:
        competition = services.competition_advance(actor=request.user, competition=competition)
    except ValidationError as error:
        error_messages(request, error)
    else:
        if competition.is_published:
            messages.success(request, _("The results were published."))
        else:
            messages.success(
                request,
                _("The competition is now: %(status)s.")
                % {"status": competition.get_status_display()},
            )
    return redirect(competition)


# --- judges -------------------------------------------------------------------------------


@login_required
def event_judging_list(request):
    """The events the judge is assigned to, latest competition first, a page at a time: a
    judge of many years' competitions would otherwise get every event they ever judged."""
    entries = Entry.objects.filter(event=OuterRef("pk")).order_by()
    events = (
        Event.objects.judged_by(request.user)
        .select_related("competition")
        # Counted row by row: a Count() over the join would group every event the judge
        # ever judged before the page is cut.
        .annotate(
            entry_count=Coalesce(
                Subquery(entries.values("event").annotate(n=Count("pk")).values("n")), 0
            )
        )
        .order_by("-competition__starts_on", "name", "pk")
    )
    page = paginate(request, events, PAGE_SIZE)
    return render(request, "competitions/judging_list.html", {"events": page, "page": page})


@login_required
def score_sheet(request, pk):
    """The judge's own scores for every live entry of the event, by entrant number only
    (blind judging): the page shows neither names, federations nor organisations.

    Entry primary keys follow entry order (one federation enters as a block, then the
    other), so the rows are keyed by entrant number (shuffled when judging starts) in the
    form and in the POST, and the service maps the numbers back to this event's entries.
    Before judging the numbers still follow entry order, so the sheet shows rows only once
    they are drawn."""
    event = get_event_for_judge(request, pk)
    competition = event.competition
    parts = list(event.parts.order_by("position", "pk"))
    numbers = (
        list(event.entries.active().order_by("number").values_list("number", flat=True))
        if competition.numbers_drawn
        else []
    )
    mine = {
        (number, part_id): value
        for number, part_id, value in Score.objects.filter(
            entry__event=event, judge=request.user
        ).values_list("entry__number", "part_id", "value")
    }
    errors = []
    if request.method == "POST":
        values = {}
        try:
            values = score_sheet_values(request.POST)
            # The whole sheet is saved, or nothing: the service says what is wrong.
            saved = services.scores_submit(actor=request.user, event=event, values=values)
        except ValidationError as error:
            errors = error.messages
            # the judge sees what they typed again, to correct it
            mine.update({key: value for key, value in values.items() if value})
        else:
            messages.success(
                request,
                ngettext("%(count)s score was saved.", "%(count)s scores were saved.", saved)
                % {"count": saved},
            )
            return redirect("competitions:judging_sheet", pk=event.pk)
    rows = [
        {
            "number": number,
            "cells": [
                (part, score_field_name(number, part.pk), mine.get((number, part.pk), ""))
                for part in parts
            ],
        }
        for number in numbers
    ]
    return render(
        request,
        "competitions/judging_sheet.html",
        {
            "event": event,
            "competition": competition,
            "parts": parts,
            "rows": rows,
            "numbers_drawn": competition.numbers_drawn,
            "closed": services.scoring_closed(competition),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
