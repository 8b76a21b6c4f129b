"""Writes of the competitions app: setting up competitions, events and scoring parts (the
admin), entering and withdrawing, scoring, moving a competition through its statuses and
publishing its results. Each is one transaction with the acting user on the history rows;
each checks who acts and refuses with a translated ValidationError (code=…) that the pages
show as it is, or PermissionDenied where the admin has already hidden the action."""

from __future__ import annotations

import random
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from competitions import ranking
from competitions.models import (
    AWARD_BY_TIER,
    Competition,
    Entry,
    Event,
    Score,
    ScoringPart,
    Title,
    judge_candidates,
)
from members import pagecache
from members.models import Member
from members.scoping import user_scope
from members.services import record_delete, record_save, require_perm

#: Shuffles the entrant numbers when judging starts; a test may put a predictable one here.
_random = random.SystemRandom()


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params or None)


def _locked_event(event_id) -> Event:
    # The row lock serialises every entry into the same event: the count of entries and the
    # insert that follows happen with no one else between them (pretix's capacity locking).
    return Event.objects.select_for_update().select_related("competition").get(pk=event_id)


def _refuse_if_published(competition: Competition) -> None:
    # Results, certificates and titles rest on the competition as it was when published.
    if competition.is_published:
        _refuse(
            _(
                "The results are published: the competition, its events and scoring parts "
                "can no longer be changed."
            ),
            "published",
        )


# --- competitions, events and scoring parts (set up in the admin) -------------------------


def validate_hosts(*, actor, hosts) -> None:
    """Refuse (a ValidationError on `hosts`) unless the actor's own federation is among the
    hosts: staff manage only the competitions their federation hosts. Administrators and
    commands (actor None) name any hosts. The admin's form asks it too, to show the message
    on the field."""
    if actor is None or user_scope(actor).is_superuser:
        return
    if user_scope(actor).federation_id not in {host.pk for host in hosts}:
        raise ValidationError(
            {
                "hosts": ValidationError(
                    _("Your own federation must be one of the hosts."), code="not_host"
                )
            }
        )


def competition_save(*, actor, competition: Competition, hosts) -> Competition:
    """Create or change a competition and name its host federations.

    A new competition starts as a draft, and the stored status of an existing one is kept:
    the status moves only through competition_advance. Refused unless the actor may add (or
    change) the competition, the actor's federation is among the hosts and the results are
    not published."""
    with transaction.atomic():
        if competition.pk is None:
            require_perm(actor, "competitions.add_competition")
            competition.status, competition.published_at = Competition.Status.DRAFT, None
        else:
            require_perm(actor, "competitions.change_competition", competition)
            stored = Competition.objects.select_for_update().get(pk=competition.pk)
            _refuse_if_published(stored)
            competition.status, competition.published_at = stored.status, stored.published_at
        validate_hosts(actor=actor, hosts=hosts)
        record_save(competition, actor=actor)
        competition.hosts.set(hosts)
    return competition


def competition_delete(*, actor, competition: Competition) -> None:
    """Delete a competition with its events (the database refuses while one has entries)."""
    with transaction.atomic():
        require_perm(actor, "competitions.delete_competition", competition)
        _refuse_if_published(competition)
        record_delete(competition, actor=actor)


def event_save(*, actor, event: Event, judges=None) -> Event:
    """Create or change an event of a competition the actor manages and, when `judges` is
    given, name its judges (the model refuses anyone without the judge role)."""
    with transaction.atomic():
        if event.pk is None:
            require_perm(actor, "competitions.add_event")
        else:
            require_perm(actor, "competitions.change_event", event)
        competition = Competition.objects.select_for_update().get(pk=event.competition_id)
        require_perm(actor, "competitions.change_competition", competition)
        _refuse_if_published(competition)
        record_save(event, actor=actor)
        if judges is not None:
            event.judges.set(judges)
    return event


def event_delete(*, actor, event: Event) -> None:
    with transaction.atomic():
        require_perm(actor, "competitions.delete_event", event)
        _refuse_if_published(event.competition)
        record_delete(event, actor=actor)


def scoring_part_save(*, actor, part: ScoringPart) -> ScoringPart:
    """Create or change a scoring part of an event the actor manages. The weights may still
    change while judging: publishing checks again that they sum to 100."""
    with transaction.atomic():
        if part.pk is None:
            require_perm(actor, "competitions.add_scoringpart")
        else:
            require_perm(actor, "competitions.change_scoringpart", part)
        event = Event.objects.select_related("competition").get(pk=part.event_id)
        require_perm(actor, "competitions.change_event", event)
        _refuse_if_published(event.competition)
        record_save(part, actor=actor)
    return part


def scoring_part_delete(*, actor, part: ScoringPart) -> None:
    with transaction.atomic():
        require_perm(actor, "competitions.delete_scoringpart", part)
        _refuse_if_published(part.event.competition)
        record_delete(part, actor=actor)


# --- entries ------------------------------------------------------------------------------


def entry_create(*, actor, event: Event, member: Member, years_in_job: int, now=None) -> Entry:
    """Enter `member` into `event` for the member's federation, at `now` (by default the
    present moment).

    Refused unless the actor is staff of the member's federation, the member's federation
    hosts the competition, registration is open and the deadline not passed, the member is
    eligible, has no live entry in the event yet, and the federation's cap is not reached."""
    now = now or timezone.now()
    if not (
        actor.has_perm("competitions.add_entry") and actor.has_perm("members.change_member", member)
    ):
        _refuse(_("You can only enter members of your own federation."), "other_federation_member")
    with transaction.atomic():
        event = _locked_event(event.pk)
        competition = event.competition
        if not competition.hosts.filter(pk=member.federation_id).exists():
            _refuse(
                _("Members of %(federation)s cannot enter: it does not take part."),
                "not_participating",
                federation=member.federation.display_name,
            )
        if competition.status != Competition.Status.OPEN:
            _refuse(_("Registration for this competition is not open."), "registration_not_open")
        if now > competition.registration_deadline:
            _refuse(
                _("The registration deadline (%(deadline)s) has passed."),
                "deadline_passed",
                deadline=date_format(
                    timezone.localtime(competition.registration_deadline), "DATETIME_FORMAT"
                ),
            )
        if years_in_job < event.min_years_in_job:
            _refuse(
                ngettext(
                    "%(name)s has %(years)s year in the job; this event asks for %(minimum)s.",
                    "%(name)s has %(years)s years in the job; this event asks for %(minimum)s.",
                    years_in_job,
                ),
                "too_few_years",
                name=member.name,
                years=years_in_job,
                minimum=event.min_years_in_job,
            )
        if event.max_age is not None:
            probe = Entry(member=member)
            age = probe.age_on(competition.starts_on)
            if age > event.max_age:
                _refuse(
                    _("%(name)s will be %(age)s; the age limit of this event is %(limit)s."),
                    "too_old",
                    name=member.name,
                    age=age,
                    limit=event.max_age,
                )
        live = Entry.objects.filter(event=event, status=Entry.Status.ENTERED)
        if live.filter(member=member).exists():
            _refuse(
                _("%(name)s is already entered in %(event)s."),
                "duplicate_entry",
                name=member.name,
                event=event.name,
            )
        if live.filter(federation_id=member.federation_id).count() >= event.cap_per_federation:
            _refuse(
                ngettext(
                    "%(federation)s has used its %(cap)s place in %(event)s.",
                    "%(federation)s has used all %(cap)s places in %(event)s.",
                    event.cap_per_federation,
                ),
                "cap_reached",
                federation=member.federation.display_name,
                cap=event.cap_per_federation,
                event=event.name,
            )
        number = (Entry.objects.filter(event=event).aggregate(top=Max("number"))["top"] or 0) + 1
        entry = Entry(
            event=event,
            member=member,
            number=number,
            years_in_job=years_in_job,
            entered_by=actor,
            entered_at=now,
        )
        # The federation is the member's, set when the entry is saved (Entry.save).
        entry.full_clean(exclude=["federation"])
        record_save(entry, actor=actor, clean=False)
    return entry


def entry_withdraw(*, actor, entry: Entry) -> Entry:
    """Withdraw an entry; its place is free again. Only while the competition allows it
    (Competition.WITHDRAWAL_STATUSES)."""
    with transaction.atomic():
        event = _locked_event(entry.event_id)
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if not actor.has_perm("competitions.change_entry", entry):
            _refuse(_("You can only withdraw your own federation's entries."), "not_yours")
        if not event.competition.allows_withdrawal:
            _refuse(_("Entries can no longer be withdrawn once judging has started."), "too_late")
        if entry.status == Entry.Status.WITHDRAWN:
            return entry
        entry.status = Entry.Status.WITHDRAWN
        record_save(entry, actor=actor)
    return entry


# --- scores -------------------------------------------------------------------------------


def scoring_closed(competition: Competition) -> str | None:
    """Why scores cannot be entered or changed now (a translated message), or None while
    the competition is judging. The one place of this rule: the sheet shows the message."""
    if competition.status == Competition.Status.PUBLISHED:
        return _("The results are published; scores are locked.")
    if competition.status != Competition.Status.JUDGING:
        return _("Scores can only be entered while the competition is judging.")
    return None


def scores_submit(*, actor, event: Event, values) -> int:
    """Save the actor's scores of a whole sheet at once, or nothing.

    `values` maps (entrant number, part pk) to the value typed (a string or a number; a blank
    cell changes nothing). Judging is blind, so the sheet knows entrants by their number
    alone, never by the entry's primary key (which follows entry order, one federation's
    block after the other's): the numbers are matched here, under the event's lock and among
    the entries of this event only. New scores are created and changed ones updated in bulk,
    with history; unchanged ones are left. Refused unless the actor judges the event and the
    competition is judging; every bad cell (a number no entrant of the event has, a part of
    another event, a withdrawn entrant, a bad value) is reported and nothing is saved.
    Returns how many scores were created or changed. The query count does not grow with the
    sheet."""
    with transaction.atomic():
        event = _locked_event(event.pk)
        if not judge_candidates().filter(pk=actor.pk, judged_events=event).exists():
            _refuse(_("You are not a judge of this event."), "not_a_judge")
        closed = scoring_closed(event.competition)
        if closed:
            code = "scores_locked" if event.competition.is_published else "not_judging"
            _refuse(closed, code)
        # Numbers change only when judging starts: once the competition is seen judging
        # (under the lock), they hold.
        parts = {part.pk: part for part in event.parts.all()}
        entries = {
            entry.number: entry
            for entry in Entry.objects.filter(
                event=event, number__in={number for number, _part_id in values}
            ).only("pk", "number", "status", "event_id")
        }
        mine = {
            (score.entry_id, score.part_id): score
            for score in Score.objects.filter(entry__event=event, judge=actor)
        }
        now = timezone.now()
        created, changed, errors = [], [], []
        for (number, part_id), value in sorted(values.items()):
            entry, part = entries.get(number), parts.get(part_id)
            if entry is None:
                errors.append(
                    ValidationError(
                        _("There is no entrant number %(number)s in this event.")
                        % {"number": number},
                        code="unknown_entrant",
                    )
                )
                continue
            if part is None:
                errors.append(
                    ValidationError(
                        _("This part does not belong to the entry's event."), code="wrong_part"
                    )
                )
                continue
            if value is None or value == "":
                continue
            if entry.status != Entry.Status.ENTERED:
                cell_errors = [
                    ValidationError(_("This entry has been withdrawn."), code="withdrawn")
                ]
            else:
                score = mine.get((entry.pk, part_id))
                before = score.value if score else None
                score = score or Score(entry=entry, part=part, judge=actor)
                score.value = value
                try:
                    score.clean_fields(exclude=["entry", "part", "judge"])
                except ValidationError as error:
                    cell_errors = error.error_dict["value"]
                else:
                    cell_errors = []
                    if score.pk is None:
                        created.append(score)
                    elif score.value != before:
                        score.updated_at = now
                        changed.append(score)
            for error in cell_errors:
                for message in error.messages:
                    errors.append(
                        ValidationError(
                            _("Entrant %(number)s, %(part)s: %(message)s")
                            % {"number": entry.number, "part": part.name, "message": message},
                            code=error.code,
                        )
                    )
        if errors:
            raise ValidationError(errors)
        bulk_create_with_history(created, Score, default_user=actor)
        bulk_update_with_history(changed, Score, ["value", "updated_at"], default_user=actor)
        pagecache.model_changed(Score)
    return len(created) + len(changed)


# --- the status flow and the results ------------------------------------------------------


def _standings(events):
    """Each event's live entries with their part means, total and pass, from the scores:
    {event pk: (parts, [(entry, means, total, passed), …])}. Three queries for any number of
    events (`events` should have their parts prefetched)."""
    entries = defaultdict(list)
    for entry in (
        Entry.objects.active()
        .filter(event__in=[event.pk for event in events])
        .select_related("member")
        .order_by("number")
    ):
        entries[entry.event_id].append(entry)
    values = defaultdict(list)
    for entry_id, part_id, value in Score.objects.filter(
        entry__event__in=[event.pk for event in events], entry__status=Entry.Status.ENTERED
    ).values_list("entry_id", "part_id", "value"):
        values[(entry_id, part_id)].append(value)
    result = {}
    for event in events:
        parts = list(event.parts.all())
        rows = []
        for entry in entries[event.pk]:
            means = {part.pk: ranking.mean(values[(entry.pk, part.pk)]) for part in parts}
            total = ranking.weighted_total([(means[part.pk], part.weight) for part in parts])
            passed = total is not None and all(
                part.pass_mark is None or means[part.pk] >= part.pass_mark for part in parts
            )
            rows.append((entry, means, total, passed))
        result[event.pk] = (parts, rows)
    return result


def _placed(event: Event, rows) -> list[Entry]:
    """The entries of `rows` with total, rank, pass, award and `titled` set (not saved)."""
    competition = event.competition
    standings = [
        ranking.Standing(
            key=entry.pk,
            total=total,
            passed=passed,
            title_eligible=event.title_max_age is None
            or entry.age_on(competition.starts_on) <= event.title_max_age,
        )
        for entry, _means, total, passed in rows
    ]
    placings = {
        p.key: p
        for p in ranking.rank(
            standings,
            award_counts=event.award_counts,
            title_top=event.title_top if event.title_kind else 0,
        )
    }
    placed = []
    for entry, _means, total, passed in rows:
        placing = placings[entry.pk]
        entry.total = total
        entry.rank = placing.rank
        entry.passed = passed
        entry.award = AWARD_BY_TIER[event.award_scheme][placing.tier] if placing.tier else ""
        entry.titled = placing.titled
        placed.append(entry)
    return placed


RESULT_FIELDS = ["total", "rank", "passed", "award"]


def _renumber(competition: Competition, *, actor) -> None:
    """Give each event's live entries their numbers again in a random order.

    Numbers were handed out in entry order, so they clustered by federation (HZ 1–4, NB 5–8)
    and told the judges where an entrant came from. The live entries keep the same set of
    numbers, shuffled. Two steps because (event, number) is unique at every row: first every
    live number is moved above the event's highest, then to its new place."""
    for event in competition.events.all():
        live = list(event.entries.active().order_by("number"))
        if len(live) < 2:
            continue
        numbers = [entry.number for entry in live]
        top = Entry.objects.filter(event=event).aggregate(top=Max("number"))["top"]
        Entry.objects.filter(pk__in=[entry.pk for entry in live]).update(number=F("number") + top)
        _random.shuffle(numbers)
        for entry, number in zip(live, numbers, strict=True):
            entry.number = number
        bulk_update_with_history(live, Entry, ["number"], default_user=actor)
        pagecache.model_changed(Entry)


def _competition_to_change(actor, competition: Competition) -> Competition:
    """The competition, locked, when the actor manages it (staff of a host federation)."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if not actor.has_perm("competitions.change_competition", competition):
        _refuse(_("Only staff of a host federation can change this competition."), "not_host")
    return competition


def competition_advance(*, actor, competition: Competition) -> Competition:
    """Move a competition one step forward: draft → open → closed → judging → published.

    Opening registration needs events whose scoring weights sum to 100; judging starts by
    shuffling the entrant numbers; the last step publishes the results (results_publish)."""
    with transaction.atomic():
        competition = _competition_to_change(actor, competition)
        target = competition.next_status
        if target is None:
            _refuse(_("This step is not possible here."), "no_next_step")
        if target == Competition.Status.PUBLISHED:
            return _publish(actor=actor, competition=competition, at=timezone.now())
        if target == Competition.Status.OPEN:
            events = list(competition.events.prefetch_related("parts"))
            if not events:
                _refuse(_("Add at least one event before opening registration."), "no_events")
            for event in events:
                problem = event.weights_problem(list(event.parts.all()))
                if problem:
                    _refuse(
                        _("%(event)s: %(problem)s"), "weights", event=event.name, problem=problem
                    )
        if target == Competition.Status.JUDGING:
            _renumber(competition, actor=actor)
        competition.status = target
        record_save(competition, actor=actor)
    return competition


def results_publish(*, actor, competition: Competition, at=None) -> Competition:
    """Compute every event's results, lock the scores and publish them at the moment `at` (by
    default now; the demo publishes in the past): the titles are granted, and the
    certificates dated, on that day in the portal's time zone.

    Refused unless the actor is staff of a host federation, the competition is judging and
    every live entry has a score in every part."""
    at = at or timezone.now()
    with transaction.atomic():
        competition = _competition_to_change(actor, competition)
        if competition.status != Competition.Status.JUDGING:
            _refuse(_("Results can only be published after judging."), "not_judging")
        return _publish(actor=actor, competition=competition, at=at)


def _publish(*, actor, competition: Competition, at) -> Competition:
    """results_publish, on a competition that is locked, judging and the actor's to change."""
    events = list(
        competition.events.select_related("competition").prefetch_related(
            Prefetch("parts", queryset=ScoringPart.objects.order_by("position", "pk"))
        )
    )
    # The weights stay editable in the admin while judging: check them again.
    for event in events:
        problem = event.weights_problem(list(event.parts.all()))
        if problem:
            _refuse(_("%(event)s: %(problem)s"), "weights", event=event.name, problem=problem)
    standings = _standings(events)
    for event in events:
        missing = sum(1 for *_rest, total, _passed in standings[event.pk][1] if total is None)
        if missing:
            _refuse(
                ngettext(
                    "%(event)s: %(count)s entry is not fully scored yet.",
                    "%(event)s: %(count)s entries are not fully scored yet.",
                    missing,
                ),
                "unscored",
                event=event.name,
                count=missing,
            )
    today = timezone.localdate(at, timezone.get_default_timezone())
    placed, titles = [], []
    for event in events:
        for entry in _placed(event, standings[event.pk][1]):
            placed.append(entry)
            if entry.titled:
                title = Title(
                    member=entry.member,
                    entry=entry,
                    kind=event.title_kind,
                    granted_on=today,
                    federation_id=entry.federation_id,
                )
                # The foreign keys and the one-title-per-entry rule are the database's;
                # checking them here would cost queries per title.
                title.clean_fields(exclude=["member", "entry", "federation", "recognised_by"])
                title.clean()
                titles.append(title)
    bulk_update_with_history(placed, Entry, RESULT_FIELDS, default_user=actor)
    titles = bulk_create_with_history(titles, Title, default_user=actor)
    pagecache.model_changed(Title)
    host_ids = list(competition.hosts.values_list("pk", flat=True))
    Recognition = Title.recognised_by.through
    Recognition.objects.bulk_create(
        Recognition(title_id=title.pk, federation_id=host_id)
        for title in titles
        for host_id in host_ids
    )
    competition.status = Competition.Status.PUBLISHED
    competition.published_at = at
    record_save(competition, actor=actor)
    return competition
