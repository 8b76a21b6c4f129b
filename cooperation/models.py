"""The agreement, its five commons (Pillar) and the projects (载体) that carry them.

Ownership for scoping: a project belongs to its lead federation; milestones follow their
project; a progress update belongs to the federation of the staff who wrote it (partners
write updates on the lead's projects); a venue belongs to its federation.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperation.commons import FIVE_COMMONS
from members import masking
from members.display import local_date
from members.links import pk_url
from members.scoping import EDITING_ROLES, FederationScopedQuerySet, user_scope
from members.uploads import DOCUMENT_KINDS, UploadValidator, upload_name
from members.validators import validate_id_number, validate_mobile

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
#: More workers than a project of two cities' federations can reach (their members number a
#: few million): a figure above it is a typing mistake.
MAX_BENEFICIARIES = 10_000_000


def today():
    return timezone.localdate()


# Stored names are random, with the extension of the content (members.uploads): the name
# people gave a file is kept in a field (document_name, original_name) for the download only.


def agreement_document_path(instance, filename):
    return upload_name("cooperation/agreements", instance.document)


def attachment_path(instance, filename):
    return upload_name("cooperation/updates", instance.file)


#: `reading_party(user)` for a user who reads every agreement (an administrator).
ALL = object()


def reading_party(user):
    """Through which federation the user reads agreements (and their projects): ALL for an
    administrator, None for a user who reads none (no federation, or a role that reads no
    shared records), else their own federation's id. An agreement and its projects stay
    readable to its parties after it has ended: they are the record of what was done
    together. Other records are shared only while an agreement is in force
    (members.scoping)."""
    scope = user_scope(user)
    if scope.is_superuser:
        return ALL
    if scope.federation_id is None or not scope.readable_federation_ids:
        return None
    return scope.federation_id


class AgreementQuerySet(FederationScopedQuerySet):
    """An agreement is readable by staff of its parties — not by a party's partners under
    other agreements — and editable by nobody but administrators, who use the admin."""

    federation_field = "parties"

    def for_user(self, user):
        party = reading_party(user)
        if party is None:
            return self.none()
        if party is ALL:
            return self
        # Through the many-to-many: filter on ids so that rows are not repeated.
        return self.filter(pk__in=self.model.objects.filter(parties=party).values("pk"))

    def editable_by(self, user):
        return self.filter(pk__in=super().editable_by(user).values("pk"))


class Agreement(models.Model):
    """A cooperation agreement between two or more federations.

    The parties of an agreement are partners: their staff read each other's shared records.
    A third federation joins by being added as a party — data, not code.
    """

    title = models.CharField(_("title"), max_length=200)
    parties = models.ManyToManyField(
        "members.Federation", verbose_name=_("parties"), related_name="agreements"
    )
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    document = models.FileField(
        _("signed document"),
        upload_to=agreement_document_path,
        blank=True,
        validators=[UploadValidator(kinds=DOCUMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)],
        help_text=_("The signed agreement as a PDF or a scanned image, at most 10 MB."),
    )
    document_name = models.CharField(_("document file name"), max_length=200, blank=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="cooperation_agreement_term_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cooperation:agreement", args=[self.pk])

    def clean(self):
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("The end of the term cannot be before its start.")},
                code="term_reversed",
            )


class AgreementPhase(models.Model):
    """A named period of the agreement (分阶段), e.g. 建立机制 then 全面推进."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    goals = models.TextField(_("goals"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement phase")
        verbose_name_plural = _("agreement phases")
        ordering = ["agreement", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="cooperation_agreementphase_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["agreement", "name"], name="cooperation_agreementphase_name_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("A phase cannot end before it starts.")}, code="phase_reversed"
            )

    @property
    def is_current(self):
        return self.starts_on <= today() <= self.ends_on


class PillarManager(models.Manager):
    def ensure(self):
        """Create the five rows if they are missing (a flushed test database, say)."""
        for common in FIVE_COMMONS:
            self.get_or_create(
                key=common["key"],
                defaults={k: v for k, v in common.items() if k != "key"},
            )
        return self.all()


class PillarKey(models.TextChoices):
    IDEOLOGY = "ideology", _("shared ideological guidance")
    RIGHTS = "rights", _("jointly protecting workers' rights")
    SKILLS = "skills", _("joint skill improvement")
    WELLBEING = "wellbeing", _("caring for body and mind together")
    PROJECTS = "projects", _("joint research projects")


class Pillar(models.Model):
    """One of the five commons. Fixed rows from a data migration; not editable in the UI."""

    Key = PillarKey

    key = models.CharField(_("key"), max_length=20, unique=True, choices=PillarKey.choices)
    position = models.PositiveSmallIntegerField(_("position"), validators=[MaxValueValidator(1000)])
    icon = models.CharField(_("icon"), max_length=40)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100)
    description_zh = models.CharField(_("Chinese description"), max_length=200)
    description_en = models.CharField(_("English description"), max_length=300)

    objects = PillarManager()

    class Meta:
        verbose_name = _("common")
        verbose_name_plural = _("the five commons")
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key__in=PillarKey.values), name="cooperation_pillar_key_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en

    @property
    def description(self):
        return (
            self.description_zh
            if (get_language() or "").startswith("zh")
            else (self.description_en)
        )


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("project status", "planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("project status", "in progress")
    COMPLETED = "completed", pgettext_lazy("project status", "completed")
    SUSPENDED = "suspended", pgettext_lazy("project status", "on hold")


# Where a project may go from each status. Completed is final.
ALLOWED_TRANSITIONS = {
    ProjectStatus.PLANNED: {ProjectStatus.IN_PROGRESS, ProjectStatus.SUSPENDED},
    ProjectStatus.IN_PROGRESS: {ProjectStatus.COMPLETED, ProjectStatus.SUSPENDED},
    ProjectStatus.SUSPENDED: {ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS},
    ProjectStatus.COMPLETED: set(),
}
# Only a project still under way can fall behind its milestones.
RUNNING_STATUSES = [ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS]


def overdue_milestones(project_ref, on=None):
    return Milestone.objects.filter(
        project=project_ref, done_on__isnull=True, due_on__lt=on or today()
    )


class ProjectQuerySet(FederationScopedQuerySet):
    """Read by every party to the project's agreement ("everyone in the agreement reads");
    changed by staff of the lead federation."""

    federation_field = "lead_federation"

    def for_user(self, user):
        """The projects of the agreements the user reads (AgreementQuerySet.for_user), as a
        join on the agreement's parties rather than a subquery within a subquery: a project
        has one agreement and a party is on it once, so no row is repeated."""
        party = reading_party(user)
        if party is None:
            return self.none()
        if party is ALL:
            return self
        return self.filter(agreement__parties=party)

    def with_delay(self, on=None):
        """Annotate `is_delayed`: still under way with a milestone past its due date and not
        done. Derived on every read, never stored."""
        return self.annotate(
            is_delayed=Case(
                When(
                    Q(status__in=RUNNING_STATUSES)
                    & Q(Exists(overdue_milestones(OuterRef("pk"), on))),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def on_track(self, on=None):
        """Neither delayed nor on hold: the figure the public home page shows per common."""
        return self.with_delay(on).filter(is_delayed=False).exclude(status=ProjectStatus.SUSPENDED)

    def public(self):
        return self.filter(is_public=True)

    def involving(self, federation_code):
        """Projects a federation leads or is a partner in."""
        return self._led_or_partnered(federation__code=federation_code)

    def _led_or_partnered(self, **federation):
        """Projects the federation (given as one lookup on it) leads or is a partner in."""
        lead = {f"lead_{key}": value for key, value in federation.items()}
        partnered = Project.partner_federations.through.objects.filter(**federation).values(
            "project_id"
        )
        return self.filter(Q(**lead) | Q(pk__in=partnered))

    def active_in(self, year):
        """Projects whose planned period overlaps the calendar year."""
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(planned_start__lte=last, planned_end__gte=first)

    def updatable_by(self, user):
        """Projects on which the user may post progress updates: staff of the lead
        federation and of the partner federations."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if not scope.can_edit:
            return self.none()
        return self._led_or_partnered(federation_id=scope.federation_id)


class Project(models.Model):
    """A project (载体) that makes one of the five commons concrete."""

    Status = ProjectStatus

    pillar = models.ForeignKey(
        Pillar, verbose_name=_("common"), on_delete=models.PROTECT, related_name="projects"
    )
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lead_federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("lead federation"),
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    partner_federations = models.ManyToManyField(
        "members.Federation",
        verbose_name=_("partner federations"),
        related_name="partner_projects",
        blank=True,
    )
    department = models.CharField(_("responsible department"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    target_beneficiaries = models.PositiveIntegerField(
        _("target beneficiaries"),
        default=0,
        validators=[MaxValueValidator(MAX_BENEFICIARIES)],
        help_text=_("How many workers the project means to reach."),
    )
    actual_beneficiaries = models.PositiveIntegerField(
        _("beneficiaries so far"),
        default=0,
        validators=[MaxValueValidator(MAX_BENEFICIARIES)],
        help_text=_("How many workers it has reached."),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Shown on the public project page and its public updates on the home page."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[partner_federations], excluded_fields=["created_at", "updated_at"]
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["pillar__position", "-planned_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="cooperation_project_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="cooperation_project_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["lead_federation", "status"], name="coop_project_lead_st")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return pk_url("cooperation:project", self.pk)

    def clean(self):
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            raise ValidationError(
                {
                    "planned_end": ValidationError(
                        _("The planned end cannot be before the planned start."),
                        code="dates_reversed",
                    )
                }
            )

    @property
    def beneficiary_share(self):
        """Percentage of the target reached (0–100), for the progress bar."""
        if not self.target_beneficiaries:
            return 0
        return min(100, round(100 * self.actual_beneficiaries / self.target_beneficiaries))


def transition_error(old, new):
    """A ValidationError if a project may not go from `old` to `new`, else None."""
    if new in ALLOWED_TRANSITIONS.get(old, set()):
        return None
    return ValidationError(
        _("A project cannot go from “%(old)s” to “%(new)s”."),
        code="illegal_transition",
        params={"old": ProjectStatus(old).label, "new": ProjectStatus(new).label},
    )


class ProjectPartQuerySet(FederationScopedQuerySet):
    """Rows that belong to a project (milestones, updates, attachments) are read by whoever
    reads the project; `federation_field` says who changes them."""

    project_field = "project"

    def for_user(self, user):
        return self.filter(**{f"{self.project_field}__in": Project.objects.for_user(user)})


class MilestoneQuerySet(ProjectPartQuerySet):
    federation_field = "project__lead_federation"


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.done_on and self.done_on > today():
            raise ValidationError(
                {"done_on": _("A milestone cannot be done in the future.")}, code="done_future"
            )

    @property
    def is_overdue(self):
        return self.done_on is None and self.due_on < today()


class ProgressUpdateQuerySet(ProjectPartQuerySet):
    # Written by the lead or a partner: each federation changes its own updates.
    federation_field = "federation"

    def public(self):
        return self.filter(is_public=True, project__is_public=True)


class ProgressUpdate(models.Model):
    """A dated report of progress, by the lead or a partner federation."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="updates"
    )
    federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="progress_updates",
        help_text=_("The federation of the staff who wrote the update."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    happened_on = models.DateField(_("date"))
    text = models.TextField(_("text"))
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown to everyone if the project is public.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProgressUpdateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["is_public", "-happened_on"], name="coop_update_public")]

    def __str__(self):
        return f"{self.project} · {local_date(self.happened_on)}"

    def clean(self):
        if self.happened_on and self.happened_on > today():
            raise ValidationError(
                {"happened_on": _("A progress update cannot be dated in the future.")},
                code="update_future",
            )


class AttachmentQuerySet(ProjectPartQuerySet):
    project_field = "update__project"
    federation_field = "update__federation"

    def readable_by(self, user):
        """Attachments of public updates of public projects, and those of projects the user
        reads as staff."""
        public = ProgressUpdate.objects.public()
        return self.filter(Q(update__in=public) | Q(pk__in=self.for_user(user).values("pk")))


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("image")
    PDF = "pdf", _("PDF")


class Attachment(models.Model):
    """An image or PDF of a progress update. Served only through a view that checks access."""

    Kind = AttachmentKind

    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("progress update"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"),
        upload_to=attachment_path,
        validators=[UploadValidator(kinds=DOCUMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)],
    )
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AttachmentKind.values),
                name="cooperation_attachment_kind_valid",
            ),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("cooperation:attachment", args=[self.pk])


class VenueQuerySet(FederationScopedQuerySet):
    federation_field = "federation"


class VenueKind(models.TextChoices):
    WORKER_SCHOOL = "worker_school", _("worker school")
    INNOVATION_STUDIO = "innovation_studio", _("model-worker and craftsman innovation studio")
    SERVICE_STATION = "service_station", _("worker service station")
    READING_ROOM = "reading_room", _("worker library or reading room")
    EDUCATION_BASE = "education_base", _("education base")
    OTHER = "other", pgettext_lazy("venue kind", "other")


class Venue(models.Model):
    """A shared venue (共同阵地) of the ideology common, run by one federation."""

    Kind = VenueKind

    federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="venues",
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=VenueKind.choices)
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    open_to_partners = models.BooleanField(
        _("open to partner members"),
        default=True,
        help_text=_("Members of the partner federations may use the venue."),
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = VenueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["federation__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "name"], name="cooperation_venue_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=VenueKind.values), name="cooperation_venue_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return pk_url("cooperation:venue", self.pk)

    def clean(self):
        # Checked here as well as by the unique constraint, for a message naming the venue.
        clash = Venue.objects.filter(federation_id=self.federation_id, name=self.name)
        if self.federation_id and clash.exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "name": ValidationError(
                        _("Your federation already has a venue called %(name)s."),
                        code="duplicate_venue",
                        params={"name": self.name},
                    )
                }
            )


# --- liaison ---
#
# The liaison mechanism (机制保障): a directory of who liaises with whom at every level, the
# meetings (对接会, 联席会议) between the federations, what they decided, and the action items
# their tasks became. Ownership for scoping: a contact belongs to its federation, a meeting to
# its host federation (outcomes follow their meeting), an action item to the federation that
# owns the task. Partners (the parties of an agreement in force) read them all.


def minutes_file_path(instance, filename):
    return upload_name("cooperation/minutes", instance.minutes_file)


class LiaisonLevel(models.TextChoices):
    """The levels of the liaison mechanism, as the agreement names them."""

    EXECUTIVE_VICE_CHAIR = "executive_vice_chair", _("executive vice-chair")
    LEADER_IN_CHARGE = "leader_in_charge", _("leader in charge")
    DEPARTMENT = "department", pgettext_lazy("liaison level", "department")
    INDUSTRY_UNION = "industry_union", _("industry union")
    DISTRICT_UNION = "district_union", _("district or county union")


class ContactQuerySet(FederationScopedQuerySet):
    federation_field = "federation"

    def in_level_order(self):
        """By federation, then from the executive vice-chair down to the district unions."""
        rank = Case(
            *(When(level=value, then=Value(i)) for i, value in enumerate(LiaisonLevel.values)),
            output_field=models.IntegerField(),
        )
        return self.alias(level_rank=rank).order_by(
            "federation__code", "level_rank", "department", "name", "pk"
        )


class Contact(models.Model):
    """A person of a federation who liaises with the partner at one level (对接人). The
    telephone is a work number: staff pages show it; no public page shows a contact."""

    Level = LiaisonLevel

    federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="liaison_contacts",
    )
    level = models.CharField(_("level"), max_length=30, choices=LiaisonLevel.choices)
    department = models.CharField(_("department or union"), max_length=100, blank=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    title = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("work telephone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    counterpart = models.ForeignKey(
        "self",
        verbose_name=_("counterpart in the partner federation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counterpart_of",
    )

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison contact")
        verbose_name_plural = _("liaison contacts")
        ordering = ["federation__code", "level", "department", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=LiaisonLevel.values), name="cooperation_contact_level_valid"
            ),
            models.CheckConstraint(
                condition=~Q(counterpart=F("pk")), name="cooperation_contact_not_own_counterpart"
            ),
        ]

    def __str__(self):
        if self.department:
            return f"{self.name} · {self.department}"
        return self.name

    def clean(self):
        if self.counterpart_id is not None and self.federation_id is not None:
            if self.counterpart.federation_id == self.federation_id:
                raise ValidationError(
                    {
                        "counterpart": ValidationError(
                            _("The counterpart must be a contact of a partner federation."),
                            code="counterpart_same_federation",
                        )
                    }
                )


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "planned")
    HELD = "held", pgettext_lazy("meeting status", "held")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "cancelled")


# A meeting is held or called off once; neither is undone.
MEETING_TRANSITIONS = {
    MeetingStatus.PLANNED: {MeetingStatus.HELD, MeetingStatus.CANCELLED},
    MeetingStatus.HELD: set(),
    MeetingStatus.CANCELLED: set(),
}


def meeting_transition_error(old, new):
    if new in MEETING_TRANSITIONS.get(old, set()):
        return None
    return ValidationError(
        _("A meeting cannot go from “%(old)s” to “%(new)s”."),
        code="illegal_transition",
        params={"old": MeetingStatus(old).label, "new": MeetingStatus(new).label},
    )


class MeetingQuerySet(FederationScopedQuerySet):
    federation_field = "host_federation"

    def upcoming(self, now=None):
        """Planned meetings from the start of today (Shanghai) on, and cancelled ones in
        that span, so that a calendar feed removes them from its readers' calendars."""
        start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return self.filter(starts_at__gte=start).exclude(status=MeetingStatus.HELD)


class Meeting(models.Model):
    """A liaison meeting (对接会, 联席会议) hosted by one federation."""

    Status = MeetingStatus
    Level = LiaisonLevel

    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=30, choices=LiaisonLevel.choices)
    host_federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("host federation"),
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.ManyToManyField(
        Contact, verbose_name=_("attending contacts"), related_name="meetings", blank=True
    )
    other_attendees = models.TextField(
        _("other attendees"),
        blank=True,
        help_text=_("People who are not in the liaison directory, one per line."),
    )
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(
        _("minutes file"),
        upload_to=minutes_file_path,
        blank=True,
        validators=[UploadValidator(kinds=DOCUMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)],
        help_text=_("The signed minutes as a PDF or a scanned image, at most 10 MB."),
    )
    minutes_file_name = models.CharField(_("minutes file name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[attendees], excluded_fields=["created_at", "updated_at"]
    )

    class Meta:
        verbose_name = _("liaison meeting")
        verbose_name_plural = _("liaison meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values),
                name="cooperation_meeting_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(level__in=LiaisonLevel.values), name="cooperation_meeting_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="cooperation_meeting_times_ordered",
            ),
        ]
        indexes = [models.Index(fields=["host_federation", "starts_at"], name="coop_meeting_host")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return pk_url("cooperation:meeting", self.pk)

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError(
                {
                    "ends_at": ValidationError(
                        _("A meeting cannot end before it starts."), code="times_reversed"
                    )
                }
            )

    @property
    def ics_filename(self):
        return f"meeting-{self.pk}.ics"


class OutcomeKind(models.TextChoices):
    INFORMATION = "information", _("information")
    DECISION = "decision", _("decision")
    TASK = "task", _("task")


class MeetingOutcomeQuerySet(FederationScopedQuerySet):
    federation_field = "meeting__host_federation"


class MeetingOutcome(models.Model):
    """What a meeting produced: information shared, a decision, or a task (which becomes an
    action item)."""

    Kind = OutcomeKind

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="outcomes"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MeetingOutcomeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OutcomeKind.values),
                name="cooperation_meetingoutcome_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.text[:40]}"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action item status", "open")
    DONE = "done", pgettext_lazy("action item status", "done")
    DROPPED = "dropped", pgettext_lazy("action item status", "dropped")


ACTION_ITEM_TRANSITIONS = {
    ActionItemStatus.OPEN: {ActionItemStatus.DONE, ActionItemStatus.DROPPED},
    ActionItemStatus.DONE: set(),
    ActionItemStatus.DROPPED: set(),
}


def action_item_transition_error(old, new):
    if new in ACTION_ITEM_TRANSITIONS.get(old, set()):
        return None
    return ValidationError(
        _("An action item cannot go from “%(old)s” to “%(new)s”."),
        code="illegal_transition",
        params={"old": ActionItemStatus(old).label, "new": ActionItemStatus(new).label},
    )


class ActionItemQuerySet(FederationScopedQuerySet):
    """Read by the parties (the owner's partners include the host); changed by staff of the
    federation that owns the task."""

    federation_field = "owner_federation"

    def with_overdue(self, on=None):
        """Annotate `overdue`: still open and due before today (Shanghai). Derived on every
        read, never stored."""
        return self.annotate(
            overdue=Case(
                When(
                    Q(status=ActionItemStatus.OPEN) & Q(due_on__lt=on or today()),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def open(self):
        return self.filter(status=ActionItemStatus.OPEN)

    def of_own_federation(self, user):
        """The items the user reads that their own federation owns ("my federation's")."""
        return self.for_user(user).filter(owner_federation_id=user_scope(user).federation_id)


class ActionItem(models.Model):
    """A task decided at a meeting, followed up by the federation that owns it."""

    Status = ActionItemStatus

    outcome = models.OneToOneField(
        MeetingOutcome,
        verbose_name=_("meeting outcome"),
        on_delete=models.CASCADE,
        related_name="action_item",
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("task"), max_length=200)
    owner_federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("owner federation"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    assignee = models.ForeignKey(
        Contact,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionItemStatus.values),
                name="cooperation_actionitem_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionItemStatus.DROPPED) | ~Q(drop_reason=""),
                name="cooperation_actionitem_dropped_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_federation", "status", "due_on"], name="coop_action_owner")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#action-{self.pk}"

    def clean(self):
        if self.assignee_id is not None and self.owner_federation_id is not None:
            if self.assignee.federation_id != self.owner_federation_id:
                raise ValidationError(
                    {
                        "assignee": ValidationError(
                            _("The assignee must be a contact of the owner federation."),
                            code="assignee_other_federation",
                        )
                    }
                )
        if self.status == ActionItemStatus.DROPPED and not self.drop_reason.strip():
            raise ValidationError(
                {
                    "drop_reason": ValidationError(
                        _("Please say why the action item is dropped."), code="reason_required"
                    )
                }
            )

    @property
    def is_overdue(self):
        """As the `with_overdue` annotation, for an item read without it."""
        if hasattr(self, "overdue"):
            return self.overdue
        return self.status == ActionItemStatus.OPEN and self.due_on < today()


class CalendarFeed(models.Model):
    """A user's private calendar address: whoever holds the token reads the upcoming
    meetings that the user reads, so the user may replace it at any time (the old address
    then answers 404)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("cooperation:calendar_feed", args=[self.token])


# --- referrals ---
#
# A rights referral (维权协作): a federation's staff refer a worker's case to a partner
# federation, which accepts or declines it within REFERRAL_ACKNOWLEDGE_DAYS (Shanghai
# dates), may forward it to one of its organisations (已转办), and resolves or closes it.
# Confidential to the two federations: only their staff and approvers read a referral;
# leaders and the public see counts (ReferralQuerySet.counted_for).


def referral_attachment_path(instance, filename):
    return upload_name("cooperation/referrals", instance.file)


class ReferralQuerySet(FederationScopedQuerySet):
    """Read by the staff and approvers of the sending and of the receiving federation, and
    by nobody else (not leaders, not a third federation); changed (its details, a
    withdrawal) by the sender's staff. The receiving side's decisions have their own
    permissions (cooperation.rules)."""

    federation_field = "from_federation"

    def for_user(self, user):
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if scope.federation_id is None or scope.role not in EDITING_ROLES:
            return self.none()
        return self.involving(scope.federation_id)

    def involving(self, federation_id):
        return self.filter(Q(from_federation_id=federation_id) | Q(to_federation_id=federation_id))

    def counted_for(self, user):
        """The referrals whose numbers the user sees (never their contents): those involving
        their federation, for every role that reads shared records (leaders included)."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if scope.federation_id is None or not scope.readable_federation_ids:
            return self.none()
        return self.involving(scope.federation_id)

    def received_by_user(self, user):
        """Referrals addressed to the user's own federation."""
        scope = user_scope(user)
        if scope.federation_id is None:
            return self.none()
        return self.filter(to_federation_id=scope.federation_id)

    def overdue(self, on=None):
        """Neither accepted, declined nor forwarded, and past the day it was due (Shanghai)."""
        return self.filter(status=ReferralStatus.SUBMITTED, acknowledge_by__lt=on or today())

    def with_overdue(self, on=None):
        return self.annotate(
            is_overdue=Case(
                When(
                    Q(status=ReferralStatus.SUBMITTED) & Q(acknowledge_by__lt=on or today()),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )


class ReferralCategory(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("wage arrears")
    WORK_INJURY = "work_injury", _("work injury")
    LABOUR_CONTRACT = "labour_contract", _("labour contract")
    SOCIAL_INSURANCE = "social_insurance", _("social insurance")
    OTHER = "other", pgettext_lazy("referral category", "other")


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("referral status", "submitted")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "accepted")
    FORWARDED = "forwarded", pgettext_lazy("referral status", "forwarded")
    RESOLVED = "resolved", pgettext_lazy("referral status", "resolved")
    CLOSED = "closed", pgettext_lazy("referral status", "closed")
    DECLINED = "declined", pgettext_lazy("referral status", "declined")


#: Where a referral may go from each status. Resolved, closed and declined are final; a
#: submitted referral is closed only by its sender (a withdrawal), a later one only by the
#: receiving side (cooperation.services).
REFERRAL_TRANSITIONS = {
    ReferralStatus.SUBMITTED: {
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.FORWARDED,
        ReferralStatus.CLOSED,
    },
    ReferralStatus.ACCEPTED: {
        ReferralStatus.FORWARDED,
        ReferralStatus.RESOLVED,
        ReferralStatus.CLOSED,
    },
    ReferralStatus.FORWARDED: {ReferralStatus.RESOLVED, ReferralStatus.CLOSED},
    ReferralStatus.RESOLVED: set(),
    ReferralStatus.CLOSED: set(),
    ReferralStatus.DECLINED: set(),
}
OPEN_REFERRAL_STATUSES = [
    ReferralStatus.SUBMITTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.FORWARDED,
]


def referral_transition_error(old, new):
    """A ValidationError if a referral may not go from `old` to `new`, else None."""
    if new in REFERRAL_TRANSITIONS.get(old, set()):
        return None
    return ValidationError(
        _("A referral cannot go from “%(old)s” to “%(new)s”."),
        code="illegal_transition",
        params={"old": ReferralStatus(old).label, "new": ReferralStatus(new).label},
    )


class Referral(models.Model):
    """A worker's case referred by one federation to a partner federation (维权协作)."""

    Category = ReferralCategory
    Status = ReferralStatus

    #: Personal data of the worker: masked outside the sending federation's staff.
    PERSONAL_FIELDS = ("id_number", "mobile")

    from_federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    to_federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
        help_text=_("A partner federation, party to an agreement in force with yours."),
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text=_("When the worker is a member of the referring federation."),
    )
    worker_name = models.CharField(_("worker's name"), max_length=100)
    mobile = models.CharField(
        _("worker's mobile number"), max_length=11, blank=True, validators=[validate_mobile]
    )
    id_number = models.CharField(
        _("worker's resident ID number"),
        max_length=18,
        blank=True,
        validators=[validate_id_number],
    )
    category = models.CharField(_("category"), max_length=20, choices=ReferralCategory.choices)
    summary = models.TextField(_("summary of the case"))
    requested_help = models.TextField(_("help requested"))
    sender_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer of the referring federation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sender_officer_name = models.CharField(
        _("name of the referring liaison officer"), max_length=100, blank=True
    )
    receiver_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer of the receiving federation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    receiver_officer_name = models.CharField(
        _("name of the receiving liaison officer"), max_length=100, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    acknowledge_by = models.DateField(
        _("to be accepted or declined by"),
        help_text=_("The last day (Shanghai time) for the receiving federation to answer."),
    )
    acknowledged_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolved_at = models.DateTimeField(
        _("resolved at"),
        null=True,
        blank=True,
        help_text=_("When the outcome was recorded: the dashboard's days to resolve."),
    )
    forwarded_to = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("forwarded to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_forwarded",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was declined, closed or withdrawn.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_created",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReferralQuerySet.as_manager()
    # When it was answered or resolved is the time of the history row that did it.
    history = HistoricalRecords(excluded_fields=["updated_at", "acknowledged_at", "resolved_at"])

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("decide_referral", _("Can accept, decline or forward a referral")),
            ("resolve_referral", _("Can resolve or close a referral")),
            ("count_referrals", _("Can see the number of referrals")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values),
                name="cooperation_referral_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(category__in=ReferralCategory.values),
                name="cooperation_referral_category_valid",
            ),
            models.CheckConstraint(
                condition=~Q(from_federation=F("to_federation")),
                name="cooperation_referral_to_another_federation",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(reason=""),
                name="cooperation_referral_declined_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.RESOLVED) | ~Q(outcome=""),
                name="cooperation_referral_resolved_with_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.FORWARDED) | Q(forwarded_to__isnull=False),
                name="cooperation_referral_forwarded_somewhere",
            ),
        ]
        indexes = [
            models.Index(fields=["to_federation", "status"], name="coop_referral_to_st"),
            models.Index(fields=["from_federation", "status"], name="coop_referral_from_st"),
        ]

    def __str__(self):
        return f"{self.reference} · {self.get_category_display()}"

    def get_absolute_url(self):
        return pk_url("cooperation:referral", self.pk)

    @property
    def reference(self):
        return f"RF-{self.pk:05d}" if self.pk else "RF-new"

    def clean(self):
        errors = {}
        if self.from_federation_id and self.from_federation_id == self.to_federation_id:
            errors["to_federation"] = ValidationError(
                _("A referral goes to another federation than yours."), code="to_self"
            )
        if self.member_id is not None and self.member.federation_id != self.from_federation_id:
            errors["member"] = ValidationError(
                _("The worker must be a member of the referring federation."),
                code="member_elsewhere",
            )
        if self.member_id is None and not (self.mobile or self.id_number):
            errors["mobile"] = ValidationError(
                _("Please give the worker's mobile number or resident ID number."),
                code="worker_contact_required",
            )
        if self.forwarded_to_id is not None and (
            self.forwarded_to.federation_id != self.to_federation_id
        ):
            errors["forwarded_to"] = ValidationError(
                _("A referral is forwarded to an organisation of the receiving federation."),
                code="forwarded_elsewhere",
            )
        if errors:
            raise ValidationError(errors)

    def is_overdue_on(self, day):
        return self.status == ReferralStatus.SUBMITTED and day > self.acknowledge_by

    @property
    def overdue(self):
        """Unanswered past its day. Lists annotate `is_overdue` (with_overdue) instead."""
        if hasattr(self, "is_overdue"):
            return self.is_overdue
        return self.is_overdue_on(today())

    @property
    def sender_officer_display(self):
        return self.sender_officer_name or (str(self.sender_officer) if self.sender_officer else "")

    @property
    def receiver_officer_display(self):
        return self.receiver_officer_name or (
            str(self.receiver_officer) if self.receiver_officer else ""
        )

    @property
    def masked_mobile(self):
        return masking.mask_mobile(self.mobile)

    @property
    def masked_id_number(self):
        return masking.mask_id_number(self.id_number)

    @property
    def masked_contact(self):
        """What a list shows of the worker: the masked mobile, or the masked ID number."""
        return self.masked_mobile or self.masked_id_number


class ReferralAttachmentQuerySet(FederationScopedQuerySet):
    """Read by whoever reads the referral; added by the referring federation."""

    federation_field = "referral__from_federation"

    def for_user(self, user):
        return self.filter(referral__in=Referral.objects.for_user(user))


class ReferralAttachment(models.Model):
    """An image or PDF of a referral (a pay slip, a contract …). Served only through a view
    that checks access (members.files)."""

    referral = models.ForeignKey(
        Referral,
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"),
        upload_to=referral_attachment_path,
        validators=[UploadValidator(kinds=DOCUMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)],
    )
    original_name = models.CharField(_("file name"), max_length=200)
    # Measured from the uploaded file, never typed.
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReferralAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral attachment")
        verbose_name_plural = _("referral attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("cooperation:referral_attachment", args=[self.pk])
