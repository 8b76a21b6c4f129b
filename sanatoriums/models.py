"""Sanatorium bases (疗休养基地) and their mutual recognition (互认) between federations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
        return reverse("sanatoriums:detail", args=[self.pk])

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
