"""The cooperation app's tiles of the leaders' dashboard: the projects (载体) of the five
commons — by status, on track or delayed, workers reached against the target, by common —
with the month-by-month activity of the year and the milestones that are overdue."""

from django.db.models import Q
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
)
from members.dashboard import (
    Attention,
    Chart,
    Figure,
    TileData,
    category_chart,
    count_by,
    count_by_pair,
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
