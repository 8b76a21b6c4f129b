"""Writes of the competitions app: entering, withdrawing, scoring, computing and publishing
results. Each is one transaction; each checks who acts and refuses with a translated
ValidationError (code=…) that the pages show as it is."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from competitions import ranking
from competitions.models import AWARD_BY_TIER, Competition, Entry, Event, Score, Title
from members.models import Member
from members.scoping import user_scope


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params or None)


def _locked_event(event_id) -> Event:
    # The row lock serialises every entry into the same event: the count of entries and the
    # insert that follows happen with no one else between them (pretix's capacity locking).
    return Event.objects.select_for_update().select_related("competition").get(pk=event_id)


def entry_create(
    *, actor, event: Event, member: Member, years_in_job: int, now=None, lock: bool = True
) -> Entry:
    """Enter `member` into `event` for the member's federation.

    Refused unless the actor is staff of the member's federation, the member's federation
    hosts the competition, registration is open and the deadline not passed, the member is
    eligible, has no live entry in the event yet, and the federation's cap is not reached.
    `lock=False` exists only for the race test's negative control."""
    now = now or timezone.now()
    scope = user_scope(actor)
    if not (scope.is_superuser or (scope.can_edit and scope.federation_id == member.federation_id)):
        _refuse(_("You can only enter members of your own federation."), "other_federation_member")
    with transaction.atomic():
        event = _locked_event(event.pk) if lock else Event.objects.get(pk=event.pk)
        competition = event.competition
        if not competition.hosts.filter(pk=member.federation_id).exists():
            _refuse(
                _("Members of %(federation)s cannot enter: it does not take part."),
                "not_participating",
                federation=member.federation.name,
            )
        if competition.status != Competition.Status.OPEN:
            _refuse(_("Registration for this competition is not open."), "registration_not_open")
        if now > competition.registration_deadline:
            _refuse(
                _("The registration deadline (%(deadline)s) has passed."),
                "deadline_passed",
                deadline=timezone.localtime(competition.registration_deadline).strftime(
                    "%Y-%m-%d %H:%M"
                ),
            )
        if years_in_job < event.min_years_in_job:
            _refuse(
                _("%(name)s has %(years)s years in the job; this event asks for %(minimum)s."),
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
                _("%(federation)s has used all %(cap)s places in %(event)s."),
                "cap_reached",
                federation=member.federation.name,
                cap=event.cap_per_federation,
                event=event.name,
            )
        number = (Entry.objects.filter(event=event).aggregate(top=Max("number"))["top"] or 0) + 1
        entry = Entry(
            event=event,
            member=member,
            federation_id=member.federation_id,
            number=number,
            years_in_job=years_in_job,
            entered_by=actor,
            entered_at=now,
        )
        entry.full_clean()
        entry.save()
    return entry


def entry_withdraw(*, actor, entry: Entry) -> Entry:
    """Withdraw an entry; its place is free again. Only before judging starts."""
    with transaction.atomic():
        _locked_event(entry.event_id)
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if not Entry.objects.editable_by(actor).filter(pk=entry.pk).exists():
            _refuse(_("You can only withdraw your own federation's entries."), "not_yours")
        if entry.event.competition.status not in (
            Competition.Status.OPEN,
            Competition.Status.CLOSED,
        ):
            _refuse(_("Entries can no longer be withdrawn once judging has started."), "too_late")
        if entry.status == Entry.Status.WITHDRAWN:
            return entry
        entry.status = Entry.Status.WITHDRAWN
        entry.full_clean()
        entry.save()
    return entry


def score_submit(*, actor, entry: Entry, part, value) -> Score:
    """The actor's score of `entry` in `part`: created, or changed while judging lasts."""
    with transaction.atomic():
        event = _locked_event(entry.event_id)
        competition = event.competition
        if part.event_id != event.pk:
            _refuse(_("This part does not belong to the entry's event."), "wrong_part")
        if not event.judges.filter(pk=actor.pk).exists():
            _refuse(_("You are not a judge of this event."), "not_a_judge")
        if competition.status == Competition.Status.PUBLISHED:
            _refuse(_("The results are published; scores are locked."), "scores_locked")
        if competition.status != Competition.Status.JUDGING:
            _refuse(
                _("Scores can only be entered while the competition is judging."), "not_judging"
            )
        if entry.status != Entry.Status.ENTERED:
            _refuse(_("This entry has been withdrawn."), "withdrawn")
        score = Score.objects.filter(entry=entry, part=part, judge=actor).first() or Score(
            entry=entry, part=part, judge=actor
        )
        score.value = value
        score.full_clean()
        score.save()
    return score


def event_standings(event: Event, entries=None):
    """Each live entry's part means, total and pass, from the scores (three queries)."""
    parts = list(event.parts.all())
    entries = (
        list(event.entries.active().select_related("member")) if entries is None else list(entries)
    )
    values = defaultdict(list)
    for entry_id, part_id, value in Score.objects.filter(
        entry__in=[e.pk for e in entries]
    ).values_list("entry_id", "part_id", "value"):
        values[(entry_id, part_id)].append(value)
    rows = []
    for entry in entries:
        means = {part.pk: ranking.mean(values[(entry.pk, part.pk)]) for part in parts}
        total = ranking.weighted_total([(means[part.pk], part.weight) for part in parts])
        passed = total is not None and all(
            part.pass_mark is None or means[part.pk] >= part.pass_mark for part in parts
        )
        rows.append((entry, means, total, passed))
    return parts, rows


def results_compute(*, event: Event) -> list[Entry]:
    """Recompute totals, ranks, awards and passes of the event's live entries from the
    judges' scores and store them on the entries. Totals are never typed in."""
    competition = event.competition
    _parts, rows = event_standings(event)
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
    changed = []
    for entry, _means, total, passed in rows:
        placing = placings[entry.pk]
        entry.total = total
        entry.rank = placing.rank
        entry.passed = passed
        entry.award = AWARD_BY_TIER[event.award_scheme][placing.tier] if placing.tier else ""
        entry.titled = placing.titled
        changed.append(entry)
    Entry.objects.bulk_update(changed, ["total", "rank", "passed", "award"])
    return changed


def _unscored(event: Event) -> int:
    """How many live entries miss a score in some part."""
    _parts, rows = event_standings(event)
    return sum(1 for _entry, _means, total, _passed in rows if total is None)


def competition_advance(*, actor, competition: Competition) -> Competition:
    """Move a competition one status forward (draft → open → closed → judging); publishing
    goes through results_publish."""
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        if not Competition.objects.editable_by(actor).filter(pk=competition.pk).exists():
            _refuse(_("Only staff of a host federation can change this competition."), "not_host")
        target = competition.next_status
        if target is None or target == Competition.Status.PUBLISHED:
            _refuse(_("This step is not possible here."), "no_next_step")
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
        competition.status = target
        competition.full_clean()
        competition.save()
    return competition


def results_publish(*, actor, competition: Competition, today=None) -> Competition:
    """Compute every event's results, lock the scores and grant the titles.

    Refused unless the actor is staff of a host federation, the competition is judging and
    every live entry has a score in every part."""
    today = today or timezone.localdate()
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        if not Competition.objects.editable_by(actor).filter(pk=competition.pk).exists():
            _refuse(_("Only staff of a host federation can change this competition."), "not_host")
        if competition.status != Competition.Status.JUDGING:
            _refuse(_("Results can only be published after judging."), "not_judging")
        events = list(competition.events.select_related("competition"))
        for event in events:
            missing = _unscored(event)
            if missing:
                _refuse(
                    _("%(event)s: %(count)s entries are not fully scored yet."),
                    "unscored",
                    event=event.name,
                    count=missing,
                )
        hosts = list(competition.hosts.all())
        for event in events:
            for entry in results_compute(event=event):
                if entry.titled:
                    title = Title(
                        member=entry.member,
                        entry=entry,
                        kind=event.title_kind,
                        granted_on=today,
                        federation_id=entry.federation_id,
                    )
                    title.full_clean(exclude=["recognised_by"])
                    title.save()
                    title.recognised_by.set(hosts)
        competition.status = Competition.Status.PUBLISHED
        competition.published_at = timezone.now()
        competition.full_clean()
        competition.save()
    return competition
