"""Joint skill competitions (技能竞赛): competitions, events (工种), scoring parts, entries,
judges' scores and the titles (技术能手 …) both federations recognise.

Ownership: a competition and its events belong to its host federations (one or more); an
entry belongs to its member's federation. Results and titles are public once published; an
entrant's personal data never leaves their federation unmasked.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members import idcard
from members.models import Role
from members.scoping import FederationScopedQuerySet, user_scope
from members.uploads import UploadValidator, upload_name


def rules_attachment_path(instance, filename):
    # A random name with the extension of the content (members.uploads), never the uploader's.
    return upload_name("competitions/rules", instance.attachment)


class DistinctScopedQuerySet(FederationScopedQuerySet):
    """Scoping through a many-to-many (a competition's hosts) joins one row per host:
    distinct() keeps a joint competition from appearing twice."""

    def for_user(self, user):
        return super().for_user(user).distinct()

    def editable_by(self, user):
        return super().editable_by(user).distinct()


class CompetitionQuerySet(DistinctScopedQuerySet):
    federation_field = "hosts"

    def public(self):
        """Competitions anyone may see: everything but drafts."""
        return self.exclude(status=Competition.Status.DRAFT)

    def visible_to(self, user):
        """The public ones, and the drafts of federations the user may read."""
        readable = self.for_user(user).filter(status=Competition.Status.DRAFT)
        return self.filter(Q(pk__in=readable.values("pk")) | ~Q(status=Competition.Status.DRAFT))


class CompetitionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("registration open")
    CLOSED = "closed", _("registration closed")
    JUDGING = "judging", _("judging")
    PUBLISHED = "published", _("results published")


class Competition(models.Model):
    Status = CompetitionStatus

    # The one way forward through the statuses (services.competition_advance).
    NEXT_STATUS = {
        Status.DRAFT: Status.OPEN,
        Status.OPEN: Status.CLOSED,
        Status.CLOSED: Status.JUDGING,
        Status.JUDGING: Status.PUBLISHED,
    }
    #: Entries may be withdrawn until judging starts: then the entrant numbers are drawn.
    WITHDRAWAL_STATUSES = (Status.OPEN, Status.CLOSED)

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    hosts = models.ManyToManyField(
        "members.Federation",
        verbose_name=_("host federations"),
        related_name="hosted_competitions",
        help_text=_("Members of the host federations may enter; their staff manage it."),
    )
    venue = models.CharField(_("venue"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    registration_deadline = models.DateTimeField(
        _("registration deadline"), help_text=_("Entries are accepted until this moment.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    rules = models.TextField(_("rules"), blank=True)
    attachment = models.FileField(
        _("rules attachment"),
        upload_to=rules_attachment_path,
        blank=True,
        validators=[UploadValidator()],
        help_text=_("A PDF or an image, at most 10 MB."),
    )
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CompetitionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[hosts], excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="competitions_competition_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CompetitionStatus.values),
                name="competitions_competition_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="competitions_competition_year_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("competitions:detail", args=[self.pk])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("The competition cannot end before it starts.")},
                code="dates_reversed",
            )

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def published_on(self) -> datetime.date | None:
        """The day the results were published, in the portal's time zone (Asia/Shanghai),
        whoever looks: the date on the certificates."""
        if self.published_at is None:
            return None
        return timezone.localdate(self.published_at, timezone.get_default_timezone())

    @property
    def registration_is_open(self):
        return self.status == self.Status.OPEN and timezone.now() <= self.registration_deadline

    @property
    def next_status(self):
        return self.NEXT_STATUS.get(self.status)

    @property
    def allows_withdrawal(self):
        return self.status in self.WITHDRAWAL_STATUSES

    @property
    def numbers_drawn(self):
        """Whether the entrant numbers have been shuffled (judging has started): until then
        they follow entry order, one federation's block after the other's."""
        return self.status in (self.Status.JUDGING, self.Status.PUBLISHED)


class EventQuerySet(DistinctScopedQuerySet):
    federation_field = "competition__hosts"

    def judged_by(self, user):
        """Events the user is assigned to judge, while the user has the judge role."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(judges=user, judges__staff_profile__role=Role.JUDGE)


def judge_candidates():
    """The only users who may judge: those with the judge role. Staff and approvers can open
    the entries list and see who each entrant number is, so they never judge (blind judging)."""
    from members.models import User

    return User.objects.filter(staff_profile__role=Role.JUDGE)


class AwardScheme(models.TextChoices):
    MEDALS = "medals", _("gold, silver and bronze")
    PRIZES = "prizes", _("first, second and third prize")


class TitleKind(models.TextChoices):
    NONE = "", _("no title")
    TECHNICAL_EXPERT = "technical_expert", _("technical expert")
    YOUNG_EXPERT = "young_expert", _("young post expert")


class Event(models.Model):
    """A trade (工种) or event (赛项) of a competition."""

    AwardScheme = AwardScheme
    TitleKind = TitleKind

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="events"
    )
    name = models.CharField(_("trade"), max_length=100)
    cap_per_federation = models.PositiveSmallIntegerField(
        _("entries per federation"),
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("How many entrants each federation may enter."),
    )
    min_years_in_job = models.PositiveSmallIntegerField(
        _("minimum years in the job"), default=0, validators=[MaxValueValidator(50)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("age limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(16), MaxValueValidator(70)],
        help_text=_("Oldest age allowed on the first day of the competition; empty for none."),
    )
    award_scheme = models.CharField(
        _("award scheme"), max_length=10, choices=AwardScheme.choices, default=AwardScheme.MEDALS
    )
    first_awards = models.PositiveSmallIntegerField(
        _("gold or first prizes"), default=1, validators=[MaxValueValidator(100)]
    )
    second_awards = models.PositiveSmallIntegerField(
        _("silver or second prizes"), default=2, validators=[MaxValueValidator(100)]
    )
    third_awards = models.PositiveSmallIntegerField(
        _("bronze or third prizes"), default=3, validators=[MaxValueValidator(100)]
    )
    title_kind = models.CharField(
        _("title granted"),
        max_length=20,
        choices=TitleKind.choices,
        blank=True,
        default=TitleKind.NONE,
    )
    title_top = models.PositiveSmallIntegerField(
        _("title for the top"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("The title goes to passing entrants ranked this high or better."),
    )
    title_max_age = models.PositiveSmallIntegerField(
        _("title age limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(16), MaxValueValidator(70)],
        help_text=_("For example 35 for the young post expert title; empty for none."),
    )
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judges"),
        related_name="judged_events",
        blank=True,
    )

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[judges])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["competition", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "name"], name="competitions_event_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(cap_per_federation__gte=1), name="competitions_event_cap_positive"
            ),
            models.CheckConstraint(
                condition=Q(award_scheme__in=AwardScheme.values),
                name="competitions_event_award_scheme_valid",
            ),
            models.CheckConstraint(
                condition=Q(title_kind__in=TitleKind.values),
                name="competitions_event_title_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.competition} · {self.name}"

    def clean(self):
        if self.title_kind and not self.title_top:
            raise ValidationError(
                {"title_top": _("Say how many top entrants receive the title.")},
                code="title_without_places",
            )

    @property
    def award_counts(self):
        return (self.first_awards, self.second_awards, self.third_awards)

    @property
    def award_places(self):
        """How many of each award, as people write it: 一等奖 1 名 / 1 first prize, … (a
        list for `join_names`); awards given to no one are left out."""
        first, second, third = self.award_counts
        if self.award_scheme == AwardScheme.MEDALS:
            places = [
                (first, ngettext("%(count)s gold medal", "%(count)s gold medals", first)),
                (second, ngettext("%(count)s silver medal", "%(count)s silver medals", second)),
                (third, ngettext("%(count)s bronze medal", "%(count)s bronze medals", third)),
            ]
        else:
            places = [
                (first, ngettext("%(count)s first prize", "%(count)s first prizes", first)),
                (second, ngettext("%(count)s second prize", "%(count)s second prizes", second)),
                (third, ngettext("%(count)s third prize", "%(count)s third prizes", third)),
            ]
        return [text % {"count": count} for count, text in places if count]

    def weights_problem(self, parts=None):
        """A translated message when the parts' weights do not sum to 100, else None."""
        parts = list(self.parts.all()) if parts is None else parts
        total = sum(part.weight for part in parts)
        if not parts or total != 100:
            return _("The weights of the scoring parts sum to %(total)s %%, not 100 %%.") % {
                "total": total
            }
        return None


class ScoringPartQuerySet(DistinctScopedQuerySet):
    federation_field = "event__competition__hosts"


class ScoringPart(models.Model):
    """A weighted part of an event's score (theory 30 %, practical 70 % …), scored out of
    100 by each judge."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="parts"
    )
    name = models.CharField(_("part"), max_length=50)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Entrants scoring below it in this part get no award; empty for none."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=[MaxValueValidator(1000)]
    )

    objects = ScoringPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring part")
        verbose_name_plural = _("scoring parts")
        ordering = ["event", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name"], name="competitions_scoringpart_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100),
                name="competitions_scoringpart_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__isnull=True) | (Q(pass_mark__gte=0) & Q(pass_mark__lte=100)),
                name="competitions_scoringpart_pass_mark_range",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight} %)"

    @property
    def label(self):
        """The part as an event's page lists it: 理论知识 30%（合格分 60 分） / 理论知识 30%
        (pass mark 60); a pass mark without trailing zeros."""
        if self.pass_mark is None:
            return f"{self.name} {self.weight}%"
        return gettext("%(part)s %(weight)s%% (pass mark %(mark)s)") % {
            "part": self.name,
            "weight": self.weight,
            "mark": f"{Decimal(self.pass_mark).normalize():f}",
        }


class EntryQuerySet(FederationScopedQuerySet):
    federation_field = "federation"

    def active(self):
        return self.filter(status=Entry.Status.ENTERED)

    def of_users_federation(self, user):
        """The entries of the user's own federation (none for a user without one)."""
        federation_id = user_scope(user).federation_id
        if federation_id is None:
            return self.none()
        return self.filter(federation_id=federation_id)


class EntryStatus(models.TextChoices):
    ENTERED = "entered", _("entered")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Award(models.TextChoices):
    NONE = "", _("no award")
    GOLD = "gold", _("gold")
    SILVER = "silver", _("silver")
    BRONZE = "bronze", _("bronze")
    FIRST = "first", _("first prize")
    SECOND = "second", _("second prize")
    THIRD = "third", _("third prize")


class Entry(models.Model):
    Status = EntryStatus
    Award = Award

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="entries"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="competition_entries",
    )
    federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="competition_entries",
        editable=False,
        help_text=_("Always the member's federation."),
    )
    number = models.PositiveIntegerField(
        _("entrant number"),
        validators=[MaxValueValidator(99_999)],
        help_text=_("What judges see instead of the entrant's name."),
    )
    years_in_job = models.PositiveSmallIntegerField(
        _("years in the job"), validators=[MaxValueValidator(60)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    # Results, computed from the judges' scores when the results are published.
    total = models.DecimalField(
        _("total"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True, editable=False)
    passed = models.BooleanField(_("passed"), default=False, editable=False)
    award = models.CharField(
        _("award"), max_length=10, choices=Award.choices, blank=True, default="", editable=False
    )
    # The certificate's public address: random, so that one certificate's address says
    # nothing of another's (entry ids are sequential). An address, not a fact about the
    # entry, so the history leaves it out.
    certificate_token = models.UUIDField(
        _("certificate address"), default=uuid.uuid4, unique=True, editable=False
    )

    objects = EntryQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["certificate_token"])

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["event", "number"]
        constraints = [
            # A member has at most one live entry per event; a withdrawn one may be replaced.
            models.UniqueConstraint(
                fields=["event", "member"],
                condition=Q(status=EntryStatus.ENTERED),
                name="competitions_entry_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["event", "number"], name="competitions_entry_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values),
                name="competitions_entry_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(award__in=Award.values),
                name="competitions_entry_award_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "federation", "status"], name="competitions_entry_cap")
        ]

    def __str__(self):
        return f"{self.event.name} #{self.number}"

    def save(self, *args, **kwargs):
        # The one place the entry's federation is set: it follows the member.
        self.federation_id = self.member.federation_id
        super().save(*args, **kwargs)

    def get_certificate_url(self):
        return reverse("competitions:certificate", kwargs={"token": self.certificate_token})

    def age_on(self, day: datetime.date) -> int:
        born = idcard.birth_date(self.member.id_number)
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


AWARD_BY_TIER = {
    AwardScheme.MEDALS: {1: Award.GOLD, 2: Award.SILVER, 3: Award.BRONZE},
    AwardScheme.PRIZES: {1: Award.FIRST, 2: Award.SECOND, 3: Award.THIRD},
}


class ScoreQuerySet(FederationScopedQuerySet):
    federation_field = "entry__federation"


class Score(models.Model):
    """One judge's score of one entry in one part, out of 100."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="scores"
    )
    part = models.ForeignKey(
        ScoringPart, verbose_name=_("part"), on_delete=models.PROTECT, related_name="scores"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.PROTECT,
        related_name="competition_scores",
    )
    value = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScoreQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["entry", "part", "judge"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "part", "judge"], name="competitions_score_one_per_judge"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=100),
                name="competitions_score_value_range",
            ),
        ]

    def __str__(self):
        return f"{self.entry} · {self.part.name} · {self.value}"


class TitleQuerySet(FederationScopedQuerySet):
    federation_field = "federation"


class Title(models.Model):
    """A title (技术能手, 青年岗位能手 …) granted by a joint competition and recognised by
    every host federation; shown on the member's record in each of them."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="titles"
    )
    # The member's federation, set by results_publish, which grants every title.
    federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    entry = models.OneToOneField(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="title"
    )
    kind = models.CharField(_("honorary title"), max_length=20, choices=TitleKind.choices)
    granted_on = models.DateField(_("granted on"))
    recognised_by = models.ManyToManyField(
        "members.Federation",
        verbose_name=_("recognised by"),
        related_name="recognised_titles",
    )

    objects = TitleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("honorary title")
        verbose_name_plural = _("honorary titles")
        ordering = ["-granted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[kind for kind in TitleKind.values if kind]),
                name="competitions_title_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{capfirst(self.get_kind_display())} · {self.entry.event}"


@receiver(m2m_changed, sender=Event.judges.through)
def _only_judges_judge(sender, instance, action, reverse, pk_set, **kwargs):
    """Refuse, wherever it comes from (admin, shell, code), assigning anyone but a user with
    the judge role to an event: blind judging depends on it."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # user.judged_events.add(event): the user is the instance
        users = judge_candidates().filter(pk=instance.pk)
        expected = 1
    else:
        users = judge_candidates().filter(pk__in=pk_set)
        expected = len(pk_set)
    if users.count() != expected:
        raise ValidationError(
            _("Only users with the judge role can judge an event."), code="not_judge_role"
        )
