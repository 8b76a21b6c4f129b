"""The cooperation app's tiles of the leaders' dashboard: the projects (载体) of the five
commons — by status, on track or delayed, workers reached against the target, by common —
with the month-by-month activity of the year and the milestones that are overdue."""

from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    ActionItem,
    ActionItemStatus,
    LiaisonLevel,
    Meeting,
    MeetingStatus,
    Milestone,
    Pillar,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Referral,
    ReferralStatus,
)
from members.dashboard import (
    Attention,
    Chart,
    Figure,
    TileData,
    category_chart,
    count_by,
    count_by_pair,
    median_days_by,
    monthly_by,
    percentage,
    sum_by,
)
from members.registry import registry

#: How many items a list of what needs action shows (the oldest first).
ATTENTION_LIMIT = 20


@registry.register_tile(10, key="projects", title=_("Projects"), icon="kanban")
def projects_tile(period):
    projects = Project.objects.for_user(period.user).active_in(period.year).with_delay(period.on)
    by_status = count_by_pair(projects, "lead_federation", "status")
    total = count_by(projects, "lead_federation")
    running = projects.exclude(status=ProjectStatus.SUSPENDED)
    delayed = count_by(running.filter(is_delayed=True), "lead_federation")
    on_track = count_by(running.filter(is_delayed=False), "lead_federation")
    target = sum_by(projects, "lead_federation", "target_beneficiaries")
    reached = sum_by(projects, "lead_federation", "actual_beneficiaries")
    pillars = list(Pillar.objects.all())
    by_pillar = count_by_pair(projects, "lead_federation", "pillar")
    updates = ProgressUpdate.objects.for_user(period.user).filter(
        happened_on__range=(period.first, period.last)
    )
    ids = period.federation_ids
    figures = [Figure(_("Projects in the year"), total)]
    figures += [
        Figure(label, {pk: by_status.get((pk, value), 0) for pk in ids})
        for value, label in ProjectStatus.choices
    ]
    figures += [
        Figure(_("On track"), on_track),
        Figure(_("Delayed"), delayed),
        Figure(_("Target beneficiaries"), target),
        Figure(_("Beneficiaries so far"), reached),
        Figure(
            _("Share of the target reached"),
            {pk: percentage(reached.get(pk), target.get(pk)) for pk in ids},
            unit="%",
            total=False,
        ),
    ]
    overdue = (
        Milestone.objects.for_user(period.user)
        .filter(
            Q(project__status__in=[ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS]),
            done_on__isnull=True,
            due_on__lt=period.today,
        )
        .select_related("project")
        .order_by("due_on", "pk")
    )
    return TileData(
        figures=figures,
        charts=[
            category_chart("donut", _("Projects by status"), ProjectStatus.choices, by_status, ids),
            Chart(
                "bar",
                _("Projects by common"),
                pillars,  # names in the language of the page that shows them
                {pk: [by_pillar.get((pk, pillar.pk), 0) for pillar in pillars] for pk in ids},
            ),
            Chart(
                "month",
                _("Progress updates by month"),
                [],
                _all_federations(monthly_by(updates, "federation", "happened_on"), ids),
            ),
        ],
        attention=[
            Attention(
                kind=_("Milestone overdue"),
                label=f"{milestone.project.title} · {milestone.title}",
                federation_id=milestone.project.lead_federation_id,
                due=milestone.due_on,
                url=milestone.project.get_absolute_url(),
            )
            for milestone in overdue[:ATTENTION_LIMIT]
        ],
    )


def _all_federations(months, federation_ids):
    """Twelve months for every compared federation, zeros where it has none."""
    return {pk: months.get(pk, [0] * 12) for pk in federation_ids}


@registry.register_tile(20, key="mechanism", title=_("Liaison mechanism"), icon="people")
def mechanism_tile(period):
    """Meetings held by level, and how the action items they decided are followed up:
    the fifth must (机制保障)."""
    meetings = Meeting.objects.for_user(period.user).filter(
        starts_at__date__range=(period.first, period.last)
    )
    held = meetings.filter(status=MeetingStatus.HELD)
    held_by_level = count_by_pair(held, "host_federation", "level")
    items = ActionItem.objects.for_user(period.user)
    decided = items.filter(meeting__in=meetings)
    overdue = items.filter(status=ActionItemStatus.OPEN, due_on__lt=period.today)
    ids = period.federation_ids
    return TileData(
        figures=[
            Figure(_("Meetings held"), count_by(held, "host_federation")),
            Figure(
                _("Meetings planned"),
                count_by(meetings.filter(status=MeetingStatus.PLANNED), "host_federation"),
            ),
            Figure(_("Action items decided in the year"), count_by(decided, "owner_federation")),
            Figure(
                _("Action items done"),
                count_by(decided.filter(status=ActionItemStatus.DONE), "owner_federation"),
            ),
            Figure(
                _("Action items open now"),
                count_by(items.filter(status=ActionItemStatus.OPEN), "owner_federation"),
            ),
            Figure(_("Action items overdue now"), count_by(overdue, "owner_federation")),
        ],
        charts=[
            category_chart(
                "bar", _("Meetings held by level"), LiaisonLevel.choices, held_by_level, ids
            ),
            Chart(
                "month",
                _("Meetings held by month"),
                [],
                _all_federations(monthly_by(held, "host_federation", "starts_at"), ids),
            ),
        ],
        attention=[
            Attention(
                kind=_("Action item overdue"),
                label=f"{item.meeting.title} · {item.title}",
                federation_id=item.owner_federation_id,
                due=item.due_on,
                url=item.get_absolute_url(),
            )
            for item in overdue.select_related("meeting").order_by("due_on", "pk")[:ATTENTION_LIMIT]
        ],
    )


@registry.register_tile(30, key="rights", title=_("Workers' rights"), icon="shield-check")
def rights_tile(period):
    """Cross-city referrals (维权协作) by the federation they were addressed to: how many,
    in which state, answered within the deadline, and how long they took to resolve. Counts
    only: leaders see these figures though they may not open a referral."""
    referrals = Referral.objects.counted_for(period.user)
    in_year = referrals.filter(submitted_at__date__range=(period.first, period.last))
    # Answered, or past the day they were to be answered by: those that could be on time.
    due = in_year.filter(Q(acknowledged_at__isnull=False) | Q(acknowledge_by__lt=period.today))
    on_time = due.annotate(answered_on=TruncDate("acknowledged_at")).filter(
        answered_on__lte=F("acknowledge_by")
    )
    due_count = count_by(due, "to_federation")
    on_time_count = count_by(on_time, "to_federation")
    by_status = count_by_pair(in_year, "to_federation", "status")
    awaiting = referrals.filter(status=ReferralStatus.SUBMITTED)
    ids = period.federation_ids
    figures = [
        Figure(_("Referrals sent"), count_by(in_year, "from_federation")),
        Figure(_("Referrals received"), count_by(in_year, "to_federation")),
    ]
    figures += [
        Figure(label, {pk: by_status.get((pk, value), 0) for pk in ids})
        for value, label in ReferralStatus.choices
    ]
    figures += [
        Figure(
            _("Answered on time"),
            {pk: percentage(on_time_count.get(pk), due_count.get(pk)) for pk in ids},
            unit="%",
            total=False,
        ),
        Figure(
            _("Median time to resolve"),
            median_days_by(
                in_year.filter(status=ReferralStatus.RESOLVED),
                "to_federation",
                "submitted_at",
                "resolved_at",
            ),
            unit="days",
            total=False,
        ),
        Figure(_("Awaiting an answer now"), count_by(awaiting, "to_federation")),
        Figure(
            _("Of them past the deadline"),
            count_by(awaiting.filter(acknowledge_by__lt=period.today), "to_federation"),
        ),
    ]
    # Those the reader may open are listed; for the others (a leader's view) only how many
    # wait at each federation, and since when: never which cases they are.
    readable = awaiting & Referral.objects.for_user(period.user)
    waiting = list(readable.order_by("acknowledge_by", "pk")[:ATTENTION_LIMIT])
    hidden = (
        awaiting.exclude(pk__in=readable.values("pk"))
        .order_by()
        .values("to_federation")
        .annotate(n=Count("pk"), first_due=Min("acknowledge_by"))
    )
    attention = [
        Attention(
            kind=_("Referral awaiting an answer"),
            label=referral.reference,
            federation_id=referral.to_federation_id,
            due=referral.acknowledge_by,
            url=referral.get_absolute_url(),
        )
        for referral in waiting
    ] + [
        Attention(
            kind=_("Referral awaiting an answer"),
            label="",
            federation_id=row["to_federation"],
            due=row["first_due"],
            count=row["n"],
        )
        for row in hidden
    ]
    return TileData(
        figures=figures,
        charts=[
            category_chart(
                "bar", _("Referrals received by status"), ReferralStatus.choices, by_status, ids
            )
        ],
        attention=attention,
    )
