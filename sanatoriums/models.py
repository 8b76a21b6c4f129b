"""Sanatorium bases (疗休养基地) and their mutual recognition (互认) between federations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.links import pk_url
from members.scoping import FederationScopedQuerySet, user_scope
from members.uploads import generated_name

PHOTO_MAX_BYTES = 8 * 1024 * 1024

validate_contact_phone = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4})$",
    _("Enter a mobile number (13812345678) or a landline with its area code (0571-87654321)."),
    code="invalid_phone",
)


class Theme(models.Model):
    """What a base offers (seaside, hot spring, red culture …): reference data kept by the
    administrators, with a name in each language."""

    key = models.SlugField(_("key"), max_length=30, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=30)
    name_en = models.CharField(_("English name"), max_length=50)
    icon = models.CharField(
        _("icon"), max_length=40, default="tree", help_text=_("A Bootstrap Icons name.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=[MaxValueValidator(1000)]
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "key"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if get_language() == "en" else self.name_zh


class SanatoriumQuerySet(FederationScopedQuerySet):
    federation_field = "federation"

    def active(self):
        return self.filter(status=Sanatorium.Status.ACTIVE)

    def open_to(self, federation, *, on=None):
        """Bases whose doors are open to members of `federation` on a day (today in the
        portal's time zone by default): its own active bases, and active bases of other
        federations that it has recognised with a validity covering that day."""
        on = on or timezone.localdate()
        recognised = Recognition.objects.filter(
            federation=federation,
            status=Recognition.Status.APPROVED,
            valid_from__lte=on,
            valid_until__gte=on,
        ).values("sanatorium_id")
        return self.active().filter(Q(federation=federation) | Q(pk__in=recognised))


class SanatoriumStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")


class Sanatorium(models.Model):
    Status = SanatoriumStatus

    federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("owner federation"),
        on_delete=models.PROTECT,
        related_name="sanatoriums",
    )
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(
        _("district or county"), max_length=50, help_text=_("For example 淳安县 or 象山县.")
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="sanatoriums")
    stars = models.PositiveSmallIntegerField(
        _("star rating"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 to 5 stars, from the sanatorium-base evaluation."),
    )
    certified_on = models.DateField(_("certification date"), null=True, blank=True)
    beds = models.PositiveIntegerField(_("beds"), default=0, validators=[MaxValueValidator(10_000)])
    meal_seats = models.PositiveIntegerField(
        _("meal seats"), default=0, validators=[MaxValueValidator(10_000)]
    )
    facilities = models.TextField(_("facilities"), blank=True)
    accessibility = models.TextField(_("accessibility notes"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, validators=[validate_contact_phone]
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SanatoriumStatus.choices,
        default=SanatoriumStatus.ACTIVE,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SanatoriumQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], m2m_fields=[themes])

    class Meta:
        verbose_name = _("sanatorium base")
        verbose_name_plural = _("sanatorium bases")
        ordering = ["federation__code", "-stars", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="sanatoriums_sanatorium_stars_1_5"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SanatoriumStatus.values),
                name="sanatoriums_sanatorium_status_valid",
            ),
            models.UniqueConstraint(
                fields=["federation", "name"], name="sanatoriums_sanatorium_name_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return pk_url("sanatoriums:detail", self.pk)

    @property
    def map_url(self):
        """A link to the base on a map site — a plain link, no map script on our pages."""
        from urllib.parse import quote

        if self.latitude is not None and self.longitude is not None:
            return (
                f"https://uri.amap.com/marker?position={self.longitude},{self.latitude}"
                f"&name={quote(self.name)}"
            )
        return f"https://uri.amap.com/search?keyword={quote(self.address)}"


def photo_path(instance, filename):
    # Photos are always re-encoded as JPEG (sanatoriums.services): a random name ending .jpg.
    # These names are the only ones with a public address (sanatoriums.views.photo_file).
    return generated_name(f"sanatoriums/{instance.sanatorium_id}", "jpeg")


class PhotoQuerySet(FederationScopedQuerySet):
    federation_field = "sanatorium__federation"


class Photo(models.Model):
    """A photo of a base, re-encoded on upload: a phone-sized image and a thumbnail, both
    JPEG without the original's metadata (which may hold where and when it was taken)."""

    sanatorium = models.ForeignKey(
        Sanatorium,
        verbose_name=_("sanatorium base"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(_("image"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=[MaxValueValidator(1000)]
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = PhotoQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]

    def __str__(self):
        return self.caption or f"{self.sanatorium} #{self.pk}"


class RecognitionQuerySet(FederationScopedQuerySet):
    # Read access follows the base's owner; the recognising federation is always a partner.
    federation_field = "sanatorium__federation"

    def open(self):
        return self.filter(status__in=OPEN_RECOGNITION_STATUSES)

    def current(self, *, on=None):
        """Approved and valid on the day (today in Asia/Shanghai by default)."""
        on = on or timezone.localdate()
        return self.filter(
            status=Recognition.Status.APPROVED, valid_from__lte=on, valid_until__gte=on
        )

    def involving(self, user):
        """Recognitions the user's federation is party to, as owner of the base or as the
        recognising federation (administrators: all)."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if scope.federation_id is None:
            return self.none()
        return self.filter(
            Q(federation_id=scope.federation_id) | Q(owner_federation_id=scope.federation_id)
        )

    def decidable_by(self, user):
        """Recognitions this user may decide (approve, reject, renew, revoke): addressed to
        their own federation — never one of its own bases — and they hold the permission."""
        scope = user_scope(user)
        if scope.federation_id is None or not user.has_perm("sanatoriums.decide_recognition"):
            return self.none()
        return self.filter(federation_id=scope.federation_id).exclude(
            owner_federation_id=scope.federation_id
        )

    def awaiting(self, user):
        """Proposals waiting for this user's decision."""
        return self.decidable_by(user).filter(status=Recognition.Status.PROPOSED)


class RecognitionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    REVOKED = "revoked", _("revoked")


class RecognitionState(models.TextChoices):
    """Where a recognition stands for a person reading it: its stored status, with an approved
    one told apart by its dates. Derived (`Recognition.state`), never stored."""

    PROPOSED = "proposed", _("proposed")
    CURRENT = "current", _("approved")
    NOT_YET_VALID = "not_yet_valid", _("approved, not yet valid")
    EXPIRED = "expired", _("expired")
    REJECTED = "rejected", _("rejected")
    REVOKED = "revoked", _("revoked")


#: The states in which the recognising federation may renew (approve again with new dates)
#: and revoke. An expired recognition can be renewed; there is nothing left to revoke.
RENEWABLE_STATES = [
    RecognitionState.CURRENT,
    RecognitionState.NOT_YET_VALID,
    RecognitionState.EXPIRED,
]
REVOCABLE_STATES = [RecognitionState.CURRENT, RecognitionState.NOT_YET_VALID]

#: At most one open recognition per base and recognising federation.
OPEN_RECOGNITION_STATUSES = [RecognitionStatus.PROPOSED, RecognitionStatus.APPROVED]
#: Closed by a decision that must give its reason.
REASONED_RECOGNITION_STATUSES = [RecognitionStatus.REJECTED, RecognitionStatus.REVOKED]


class Recognition(models.Model):
    """A federation's recognition (互认) of another federation's base for its own members.

    proposed → approved (valid from/until) or rejected (reason); approved → revoked (reason);
    an approved recognition can be renewed with new dates. "Expired" is not stored: it is an
    approved recognition whose validity ended before today.
    """

    Status = RecognitionStatus
    State = RecognitionState

    sanatorium = models.ForeignKey(
        Sanatorium,
        verbose_name=_("sanatorium base"),
        on_delete=models.CASCADE,
        related_name="recognitions",
    )
    # Copied from the base so that the database itself can refuse self-recognition.
    owner_federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("owner federation"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("recognising federation"),
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecognitionStatus.choices,
        default=RecognitionStatus.PROPOSED,
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = RecognitionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-proposed_at"]
        permissions = [
            ("decide_recognition", _("Can decide recognitions addressed to own federation")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sanatorium", "federation"],
                condition=Q(status__in=OPEN_RECOGNITION_STATUSES),
                name="sanatoriums_recognition_one_open",
                violation_error_message=_(
                    "This base already has an open recognition by this federation."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(federation=F("owner_federation")),
                name="sanatoriums_recognition_not_own_base",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RecognitionStatus.values),
                name="sanatoriums_recognition_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=RecognitionStatus.APPROVED)
                | (
                    Q(valid_from__isnull=False)
                    & Q(valid_until__isnull=False)
                    & Q(valid_until__gte=F("valid_from"))
                ),
                name="sanatoriums_recognition_approved_has_validity",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=REASONED_RECOGNITION_STATUSES) | ~Q(reason=""),
                name="sanatoriums_recognition_reason_given",
            ),
        ]

    def __str__(self):
        return f"{self.sanatorium} · {self.federation} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        self.owner_federation_id = self.sanatorium.federation_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.sanatorium_id and self.federation_id:
            if self.sanatorium.federation_id == self.federation_id:
                raise ValidationError(
                    {"federation": _("A federation cannot recognise its own base.")},
                    code="own_base",
                )

    @property
    def state(self):
        """Where the recognition stands today (in the portal's time zone): its status, an
        approved one told apart by its dates ('expired', 'not yet valid'). The one home of
        that rule in Python; `current()` is the same rule as a query."""
        if self.status == self.Status.APPROVED:
            today = timezone.localdate()
            if self.valid_until < today:
                return RecognitionState.EXPIRED
            if self.valid_from > today:
                return RecognitionState.NOT_YET_VALID
            return RecognitionState.CURRENT
        return RecognitionState(self.status)

    @property
    def state_label(self):
        """The state a person reads."""
        return self.state.label

    @property
    def can_be_renewed(self):
        return self.state in RENEWABLE_STATES

    @property
    def can_be_revoked(self):
        return self.state in REVOCABLE_STATES


# --- places (名额): routes, batches, allocations, group bookings and feedback ---------------


class RouteQuerySet(FederationScopedQuerySet):
    federation_field = "sanatorium__federation"


class Route(models.Model):
    """A recuperation route (疗休养线路) of a base: what a group does there, for how long and
    at what price."""

    sanatorium = models.ForeignKey(
        Sanatorium,
        verbose_name=_("sanatorium base"),
        on_delete=models.PROTECT,
        related_name="routes",
    )
    name = models.CharField(_("name"), max_length=100)
    days = models.PositiveSmallIntegerField(
        _("days"),
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Usually no more than 5."),
    )
    price_per_day = models.DecimalField(
        _("price per person per day"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
        help_text=_("In yuan."),
    )
    season_start = models.PositiveSmallIntegerField(
        _("season starts in month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    season_end = models.PositiveSmallIntegerField(
        _("season ends in month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    itinerary = models.TextField(_("itinerary"), blank=True)
    eligibility_notes = models.TextField(
        _("eligibility notes"), blank=True, help_text=_("For example: model workers first.")
    )

    objects = RouteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        ordering = ["sanatorium__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1) & Q(days__lte=30), name="sanatoriums_route_days_1_30"
            ),
            models.CheckConstraint(
                condition=Q(price_per_day__gte=0), name="sanatoriums_route_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(season_start__gte=1)
                & Q(season_start__lte=12)
                & Q(season_end__gte=1)
                & Q(season_end__lte=12),
                name="sanatoriums_route_season_months",
            ),
            models.UniqueConstraint(
                fields=["sanatorium", "name"], name="sanatoriums_route_name_unique"
            ),
        ]

    def __str__(self):
        return f"{self.sanatorium} · {self.name}"

    def get_absolute_url(self):
        return pk_url("sanatoriums:detail", self.sanatorium_id)

    @property
    def season_months(self):
        """The season's first and last month by name, in the active language."""
        from django.utils.dates import MONTHS

        return MONTHS[self.season_start], MONTHS[self.season_end]


class BatchQuerySet(FederationScopedQuerySet):
    federation_field = "route__sanatorium__federation"

    def upcoming(self, *, on=None):
        """Batches that have not started yet and still take place."""
        on = on or timezone.localdate()
        return self.filter(start_date__gte=on).exclude(status__in=ENDED_BATCH_STATUSES)


class BatchStatus(models.TextChoices):
    OPEN = "open", _("open for sign-up")
    CONFIRMED = "confirmed", _("confirmed")
    CLOSED = "closed", _("sign-up closed")
    FINISHED = "finished", _("finished")
    NOT_FORMED = "not_formed", _("not formed")
    CANCELLED = "cancelled", _("cancelled")


class Eligibility(models.TextChoices):
    """Who a batch is reserved for: the skills common rewarded with the wellbeing common."""

    ANYONE = "anyone", _("all members")
    MODEL_WORKERS = "model_workers", _("model workers")
    CRAFTSMEN = "craftsmen", _("craftsmen")
    HONOURED = "honoured", _("model workers and craftsmen")
    AWARD_WINNERS = "award_winners", _("title holders of a skill competition")


#: Sign-up is possible in these statuses (until the deadline).
BOOKABLE_BATCH_STATUSES = [BatchStatus.OPEN, BatchStatus.CONFIRMED]
#: The batch will not (or did not) take place, or is over.
ENDED_BATCH_STATUSES = [BatchStatus.FINISHED, BatchStatus.NOT_FORMED, BatchStatus.CANCELLED]


class Batch(models.Model):
    """A batch (批次/团期) of a route: dates and places.

    open → confirmed (the minimum group size is reached) → closed (at the sign-up deadline)
    → finished; or not formed (closed below the minimum) / cancelled. The places are given
    to federations by allocations; `allocated_places` is the sum of them, kept by the
    services under the batch's row lock, and the database refuses a sum above the places.
    """

    Status = BatchStatus
    Eligibility = Eligibility

    route = models.ForeignKey(
        Route, verbose_name=_("route"), on_delete=models.PROTECT, related_name="batches"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    places = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    min_group = models.PositiveIntegerField(
        _("minimum to go ahead"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text=_("The batch is confirmed when this many places are booked."),
    )
    signup_deadline = models.DateField(_("sign-up deadline"))
    offer_days = models.PositiveSmallIntegerField(
        _("days to take up an offer"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("How long a waiting-list group has to confirm the places offered to it."),
    )
    eligibility = models.CharField(
        _("reserved for"),
        max_length=20,
        choices=Eligibility.choices,
        default=Eligibility.ANYONE,
    )
    competition = models.ForeignKey(
        "competitions.Competition",
        verbose_name=_("competition"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Whose title holders the batch is reserved for."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.OPEN
    )
    allocated_places = models.PositiveIntegerField(_("allocated places"), default=0, editable=False)
    note = models.TextField(_("note"), blank=True)

    objects = BatchQuerySet.as_manager()
    # The counter moves with every allocation; the allocations' own history tells why.
    history = HistoricalRecords(excluded_fields=["allocated_places"])

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="sanatoriums_batch_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=F("start_date")),
                name="sanatoriums_batch_deadline_before_start",
            ),
            models.CheckConstraint(
                condition=Q(places__gt=0), name="sanatoriums_batch_places_positive"
            ),
            models.CheckConstraint(
                condition=Q(min_group__gt=0) & Q(min_group__lte=F("places")),
                name="sanatoriums_batch_min_group_within_places",
            ),
            models.CheckConstraint(
                condition=Q(allocated_places__lte=F("places")),
                name="sanatoriums_batch_not_over_allocated",
            ),
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="sanatoriums_batch_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(eligibility__in=Eligibility.values),
                name="sanatoriums_batch_eligibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(eligibility=Eligibility.AWARD_WINNERS, competition__isnull=False)
                | (~Q(eligibility=Eligibility.AWARD_WINNERS) & Q(competition__isnull=True)),
                name="sanatoriums_batch_competition_for_award_winners",
            ),
        ]

    def __str__(self):
        from members.display import local_date

        return f"{self.route.name} · {local_date(self.start_date)}"

    def get_absolute_url(self):
        return pk_url("sanatoriums:batch", self.pk)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(
                _("The batch cannot end before it starts."), code="dates_reversed"
            )
        if self.start_date and self.signup_deadline and self.signup_deadline > self.start_date:
            errors["signup_deadline"] = ValidationError(
                _("The sign-up deadline must not be after the start date."),
                code="deadline_after_start",
            )
        if self.places and self.min_group and self.min_group > self.places:
            errors["min_group"] = ValidationError(
                _("The minimum group size cannot be larger than the places."),
                code="min_above_places",
            )
        if self.places is not None and self.places < self.allocated_places:
            errors["places"] = ValidationError(
                _("%(allocated)s places are already allocated: the batch needs at least as many."),
                code="below_allocated",
                params={"allocated": self.allocated_places},
            )
        if self.eligibility == Eligibility.AWARD_WINNERS and not self.competition_id:
            errors["competition"] = ValidationError(
                _("Choose the competition whose title holders the batch is reserved for."),
                code="competition_required",
            )
        if self.eligibility != Eligibility.AWARD_WINNERS and self.competition_id:
            errors["competition"] = ValidationError(
                _("A competition is named only for a batch reserved for its title holders."),
                code="competition_not_needed",
            )
        if errors:
            raise ValidationError(errors)

    @property
    def sanatorium(self):
        return self.route.sanatorium

    @property
    def is_bookable(self):
        return (
            self.status in BOOKABLE_BATCH_STATUSES and timezone.localdate() <= self.signup_deadline
        )

    @property
    def unallocated_places(self):
        return self.places - self.allocated_places


class AllocationQuerySet(FederationScopedQuerySet):
    # Managed by the base's owner; read by its partners (whose places these are).
    federation_field = "batch__route__sanatorium__federation"


class Allocation(models.Model):
    """Places (名额) of a batch that the base's owner gives to a federation, its own or a
    partner's. `booked_places` is the headcount of the federation's counted bookings (pending
    and confirmed), kept under the batch's row lock; the database refuses more than the
    allocation."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="allocations"
    )
    federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    places = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    booked_places = models.PositiveIntegerField(_("booked places"), default=0, editable=False)

    objects = AllocationQuerySet.as_manager()
    # The counter moves with every booking; the bookings' own history tells why.
    history = HistoricalRecords(excluded_fields=["booked_places"])

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["batch", "federation__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "federation"], name="sanatoriums_allocation_one_per_federation"
            ),
            models.CheckConstraint(
                condition=Q(places__gt=0), name="sanatoriums_allocation_places_positive"
            ),
            models.CheckConstraint(
                condition=Q(booked_places__lte=F("places")),
                name="sanatoriums_allocation_not_oversold",
            ),
        ]

    def __str__(self):
        return f"{self.batch} · {self.federation.display_short} · {self.places}"

    @property
    def remaining(self):
        return max(self.places - self.booked_places, 0)

    @property
    def places_left_label(self):
        """What a places badge says, for an allocation annotated with `counted`
        (sanatoriums.views.allocations_with_counts). Said here rather than by a
        blocktranslate in the badge: the batch list shows one or two badges a row."""
        return gettext("%(city)s places: %(left)s of %(places)s left") % {
            "city": self.federation.display_city,
            "left": self.places - self.counted,
            "places": self.places,
        }


class BookingQuerySet(FederationScopedQuerySet):
    # Each federation manages its own bookings; partners (the base's owner) read them.
    federation_field = "federation"

    def counted(self):
        return self.filter(status__in=COUNTED_BOOKING_STATUSES)

    def waiting_in_order(self):
        """The waiting list: by priority (higher first), then by the time of booking."""
        return self.filter(status=BookingStatus.WAITING).order_by("-priority", "created_at", "pk")


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    CONFIRMED = "confirmed", _("confirmed")
    WAITING = "waiting", _("waiting list")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("offer expired")


#: Statuses that hold places (CiviCRM's counted statuses); the others do not.
COUNTED_BOOKING_STATUSES = [BookingStatus.PENDING, BookingStatus.CONFIRMED]
#: A booking in these statuses is over: its members are free for other batches.
CLOSED_BOOKING_STATUSES = [BookingStatus.CANCELLED, BookingStatus.EXPIRED]


class Booking(models.Model):
    """A group (团组) booked by a federation's staff for an organisation under it.

    pending → confirmed, or cancelled; waiting list → pending (offered, with a date by which
    it must be confirmed) → confirmed, or expired. Pending and confirmed hold places."""

    Status = BookingStatus

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="bookings"
    )
    federation = models.ForeignKey(
        "members.Federation",
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="bookings",
        editable=False,
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    headcount = models.PositiveIntegerField(
        _("headcount"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.PENDING
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=0,
        validators=[MaxValueValidator(9)],
        help_text=_("On the waiting list, a higher priority is offered places first."),
    )
    offer_expires_on = models.DateField(_("offer expires on"), null=True, blank=True)
    contact_name = models.CharField(_("group leader"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)

    objects = BookingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__gt=0), name="sanatoriums_booking_headcount_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values),
                name="sanatoriums_booking_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(offer_expires_on__isnull=True)
                | Q(status=BookingStatus.PENDING)
                | Q(status=BookingStatus.EXPIRED),
                name="sanatoriums_booking_offer_only_when_offered",
            ),
        ]
        indexes = [models.Index(fields=["batch", "status"], name="sanatoriums_booking_batch_st")]

    def __str__(self):
        return f"{self.organisation} · {self.batch} · {self.headcount}"

    def save(self, *args, **kwargs):
        # The booking federation is always the organisation's.
        self.federation_id = self.organisation.federation_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return pk_url("sanatoriums:booking", self.pk)

    @property
    def is_counted(self):
        return self.status in COUNTED_BOOKING_STATUSES

    @property
    def is_offer(self):
        return self.status == BookingStatus.PENDING and self.offer_expires_on is not None


class ParticipantQuerySet(FederationScopedQuerySet):
    federation_field = "booking__federation"


class Participant(models.Model):
    """A member in a booked group. The batch, its dates and whether the booking still holds
    (not cancelled, no expired offer) are copied from the booking so that the database can
    refuse the same member twice in one batch, and, on PostgreSQL, in two batches whose dates
    overlap (invariant 3; the exclusion constraint of migration 0005)."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="participants"
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("start date"), editable=False)
    end_date = models.DateField(_("end date"), editable=False)
    holds = models.BooleanField(_("holds a place"), default=True, editable=False)

    objects = ParticipantQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["start_date", "end_date", "holds"])

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["booking", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "member"], name="sanatoriums_participant_once_per_batch"
            ),
        ]

    def __str__(self):
        return f"{self.member.name} · {self.booking}"

    def save(self, *args, **kwargs):
        batch = self.booking.batch
        self.batch_id, self.start_date, self.end_date = batch.pk, batch.start_date, batch.end_date
        self.holds = self.booking.status not in CLOSED_BOOKING_STATUSES
        super().save(*args, **kwargs)


class FeedbackQuerySet(FederationScopedQuerySet):
    federation_field = "participant__booking__federation"


class Feedback(models.Model):
    """A participant's rating (1–5) and comment after a finished batch, entered by staff of
    the booking federation."""

    participant = models.OneToOneField(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    objects = FeedbackQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-entered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="sanatoriums_feedback_rating_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.participant.member.name} · {self.rating}"
