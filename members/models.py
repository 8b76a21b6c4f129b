from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members import masking
from members.display import in_english
from members.links import pk_url
from members.scoping import (
    ADMIN_ROLES,
    FederationScopedQuerySet,
    can_see_personal_data,
    user_scope,
)
from members.validators import normalise_mobile, validate_id_number, validate_mobile


class User(AbstractUser):
    """A person who signs in. One `name` field: Chinese names have no first/last split."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username


class FederationQuerySet(FederationScopedQuerySet):
    """for_user: the user's own federation and its partners; editable_by: their own."""

    federation_field = "pk"


class Federation(models.Model):
    """A city federation of trade unions (市总工会), a party to cooperation agreements."""

    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        help_text=_("Short upper-case code used in addresses, e.g. HZ or NB."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    city_en = models.CharField(_("city in English"), max_length=50, blank=True)
    short_name = models.CharField(
        _("short name"), max_length=10, help_text=_("One-character short name, e.g. 杭 or 甬.")
    )

    objects = FederationQuerySet.as_manager()

    class Meta:
        verbose_name = _("federation")
        verbose_name_plural = _("federations")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2,10}$"), name="members_federation_code_upper"
            ),
        ]

    def __str__(self):
        return self.display_name

    # The one way pages name a federation in the active language: the full name, the city,
    # and the short form of tables and lists. Chinese is shown unless English is active; in
    # English the Chinese name stays only where no English name was entered.

    @property
    def display_name(self):
        """Full name: 杭州市总工会 / Hangzhou Federation of Trade Unions."""
        return self.name_en if self.name_en and in_english() else self.name

    @property
    def display_city(self):
        """City: 杭州 / Hangzhou."""
        return self.city_en if self.city_en and in_english() else self.city

    @property
    def display_short(self):
        """Short form for tables, lists and progress lines: the one-character 杭 / 甬 in
        Chinese. English has no such abbreviations, and a code such as HZ means nothing to a
        reader from outside, so English shows the city (Hangzhou), or the code when no
        English city was entered (never a Chinese character)."""
        if in_english():
            return self.city_en or self.code
        return self.short_name


class OrganisationQuerySet(FederationScopedQuerySet):
    federation_field = "federation"


class OrganisationKind(models.TextChoices):
    FEDERATION = "federation", _("federation office")
    DISTRICT = "district", _("district or county union")
    INDUSTRY = "industry", _("industry union")
    GRASSROOTS = "grassroots", _("grassroots union")


class Organisation(models.Model):
    """A union inside a federation's tree: the federation's own office, district/county
    unions, industry unions and grassroots unions."""

    Kind = OrganisationKind

    federation = models.ForeignKey(
        Federation,
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["federation__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "name"], name="members_organisation_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values),
                name="members_organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="members_organisation_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """A federation's own office carries the federation's name: it is named as the
        federation is, in the active language; other organisations by their name."""
        if (
            in_english()
            and self.kind == OrganisationKind.FEDERATION
            and self.name == self.federation.name
        ):
            return self.federation.display_name
        return self.name

    def clean(self):
        if self.parent_id and self.federation_id:
            if self.parent.federation_id != self.federation_id:
                raise ValidationError(
                    {"parent": _("The parent organisation must belong to the same federation.")},
                    code="parent_other_federation",
                )
            ancestor = self.parent
            while ancestor is not None:
                if self.pk and ancestor.pk == self.pk:
                    raise ValidationError(
                        {"parent": _("An organisation cannot be placed under itself.")},
                        code="parent_cycle",
                    )
                ancestor = ancestor.parent


class Role(models.TextChoices):
    """Roles are Django groups of the same name (see members.roles for their permissions)."""

    STAFF = "staff", _("union staff")
    APPROVER = "approver", _("approver")
    JUDGE = "judge", _("judge")
    LEADER = "leader", _("leader")
    ADMINISTRATOR = "administrator", _("administrator")


class StaffProfile(models.Model):
    """Links a user to the organisation they work for and to their role.

    Saving the profile puts the user in exactly the group of the role, which carries the
    permissions; the role field is kept here so that its history is recorded.
    """

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="staff_profiles",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="members_staffprofile_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.sync_groups()

    def sync_groups(self):
        role_groups = Group.objects.filter(name__in=Role.values)
        self.user.groups.remove(*role_groups.exclude(name=self.role))
        group, _created = Group.objects.get_or_create(name=self.role)
        self.user.groups.add(group)
        # Union staff, approvers and administrators work in the Django admin as well as on
        # the portal's pages; leaders and judges do not sign in there.
        is_staff = self.user.is_superuser or self.role in ADMIN_ROLES
        if self.user.is_staff != is_staff:
            self.user.is_staff = is_staff
            self.user.save(update_fields=["is_staff"])

    @property
    def federation(self):
        return self.organisation.federation


class MemberQuerySet(FederationScopedQuerySet):
    federation_field = "federation"

    def personal_data_visible_to(self, user):
        """Members whose ID and phone numbers the user may see in full (the rule of
        can_see_personal_data, as a queryset)."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if not can_see_personal_data(user, scope.federation_id):
            return self.none()
        return self.filter(federation_id=scope.federation_id)


class Gender(models.TextChoices):
    MALE = "M", pgettext_lazy("gender", "male")
    FEMALE = "F", pgettext_lazy("gender", "female")


class Member(models.Model):
    """A union member (会员) of a federation, registered through one of its organisations."""

    Gender = Gender

    class EmploymentForm(models.TextChoices):
        EMPLOYEE = "employee", _("employee with a labour contract")
        DISPATCHED = "dispatched", _("dispatched worker")
        PART_TIME = "part_time", _("part-time worker")
        COURIER = "courier", _("courier")
        DELIVERY_RIDER = "delivery_rider", _("food delivery rider")
        RIDE_HAILING = "ride_hailing", _("ride-hailing driver")
        TRUCK_DRIVER = "truck_driver", _("truck driver")
        DOMESTIC_WORKER = "domestic_worker", _("domestic worker")
        NETWORK_ANCHOR = "network_anchor", _("online streamer")
        OTHER_FLEXIBLE = "other_flexible", _("other flexible employment")

    # The new employment forms (新就业形态) the speech asks unions to recruit.
    NEW_EMPLOYMENT_FORMS = frozenset(
        {
            EmploymentForm.COURIER,
            EmploymentForm.DELIVERY_RIDER,
            EmploymentForm.RIDE_HAILING,
            EmploymentForm.TRUCK_DRIVER,
            EmploymentForm.DOMESTIC_WORKER,
            EmploymentForm.NETWORK_ANCHOR,
            EmploymentForm.OTHER_FLEXIBLE,
        }
    )

    federation = models.ForeignKey(
        Federation,
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="members",
        editable=False,
        help_text=_("Always the federation of the member's organisation."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    card_number = models.CharField(_("member card number"), max_length=30)
    id_number = models.CharField(
        _("resident ID number"),
        max_length=18,
        validators=[validate_id_number],
        help_text=_("18 characters; the last one is a check digit (0-9 or X)."),
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        validators=[validate_mobile],
        help_text=_("11-digit mainland mobile number."),
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    employment_form = models.CharField(
        _("employment form"),
        max_length=20,
        choices=EmploymentForm.choices,
        default=EmploymentForm.EMPLOYEE,
    )
    join_date = models.DateField(_("join date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    PERSONAL_FIELDS = ("id_number", "mobile")

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["federation__code", "card_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "card_number"],
                name="members_member_card_unique_per_federation",
            ),
            models.UniqueConstraint(
                fields=["federation", "id_number"],
                name="members_member_id_number_unique_per_federation",
            ),
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^[1-9][0-9]{16}[0-9X]$"),
                name="members_member_id_number_shape",
            ),
            models.CheckConstraint(
                condition=Q(mobile__regex=r"^1[3-9][0-9]{9}$"),
                name="members_member_mobile_shape",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values), name="members_member_gender_valid"
            ),
        ]
        indexes = [models.Index(fields=["federation", "name"], name="members_member_fed_name")]

    def __str__(self):
        return f"{self.name} ({self.card_number})"

    def save(self, *args, **kwargs):
        # The federation is never chosen by hand: it follows the organisation.
        self.federation_id = self.organisation.federation_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return pk_url("members:detail", self.pk)

    @property
    def is_new_employment_form(self):
        return self.employment_form in self.NEW_EMPLOYMENT_FORMS

    @property
    def masked_id_number(self):
        return masking.mask_id_number(self.id_number)

    @property
    def masked_mobile(self):
        return masking.mask_mobile(self.mobile)

    def clean(self):
        from members import idcard

        self.mobile = normalise_mobile(self.mobile)
        self.id_number = idcard.normalise(self.id_number)
        if self.organisation_id:
            self.federation_id = self.organisation.federation_id
        errors = {}
        if self.federation_id and self.card_number:
            clash = Member.objects.filter(
                federation_id=self.federation_id, card_number=self.card_number
            ).exclude(pk=self.pk)
            if clash.exists():
                errors["card_number"] = ValidationError(
                    _("Member card number %(number)s is already used in this federation."),
                    code="duplicate_card",
                    params={"number": self.card_number},
                )
        if self.federation_id and self.id_number:
            clash = Member.objects.filter(
                federation_id=self.federation_id, id_number=self.id_number
            ).exclude(pk=self.pk)
            if clash.exists():
                errors["id_number"] = ValidationError(
                    _("A member with this ID number is already registered in this federation."),
                    code="duplicate_id_number",
                )
        if self.gender and len(self.id_number) == 18 and self.id_number[16].isdigit():
            expected = self.Gender.MALE if idcard.is_male(self.id_number) else self.Gender.FEMALE
            if self.gender != expected:
                errors["gender"] = ValidationError(
                    _("The gender does not match the ID number."), code="gender_mismatch"
                )
        if errors:
            raise ValidationError(errors)


class HonourQuerySet(FederationScopedQuerySet):
    federation_field = "member__federation"


class Honour(models.Model):
    """An honour a member holds: model worker (劳模), craftsman (工匠), technical expert
    (技术能手)."""

    class Kind(models.TextChoices):
        MODEL_WORKER = "model_worker", _("model worker")
        CRAFTSMAN = "craftsman", _("craftsman")
        TECHNICAL_EXPERT = "technical_expert", _("technical expert")

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        MUNICIPAL = "municipal", _("municipal")
        DISTRICT = "district", pgettext_lazy("honour level", "district or county")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="honours"
    )
    kind = models.CharField(_("honour"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )

    objects = HonourQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "level", "year"], name="members_honour_unique"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1950) & Q(year__lte=2100), name="members_honour_year_range"
            ),
        ]

    def __str__(self):
        # "全国劳动模范（2012）" in Chinese, "National model worker (2012)" in English.
        text = gettext("%(level)s %(kind)s (%(year)s)") % {
            "level": self.get_level_display(),
            "kind": self.get_kind_display(),
            "year": self.year,
        }
        return text[:1].upper() + text[1:]


# --- notifications ---------------------------------------------------------------------------


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One line of a user's in-portal inbox (members.notifications). An event notifies each
    recipient once: the event key is unique per recipient."""

    recipient = models.ForeignKey(
        User,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event_key = models.CharField(
        _("event key"),
        max_length=150,
        help_text=_("What happened, e.g. “referral:12:submitted”: each event notifies once."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("address"), max_length=300, blank=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="members_notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="members_notif_unread"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self):
        return self.read_at is not None


# --- excel --- import jobs (members.imports)


class ImportJobQuerySet(FederationScopedQuerySet):
    federation_field = "federation"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to be checked")
    CHECKING = "checking", _("checking")
    READY = "ready", _("ready to import")
    INVALID = "invalid", _("has bad rows")
    REFUSED = "refused", _("file refused")
    WRITING = "writing", _("importing")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


def import_file_name(instance, filename):
    # Like every stored file: a random name with the extension of what the content is (an
    # .xlsx or .csv has no signature of its own and is stored as .bin).
    from members.uploads import upload_name

    return upload_name("imports", instance.file)


class ImportJob(models.Model):
    """One uploaded file on its way in: checked in the background, previewed, confirmed,
    written in the background. Owned by the federation it imports into; its staff find it
    again from the import page."""

    Status = ImportJobStatus
    RUNNING = frozenset({ImportJobStatus.QUEUED, ImportJobStatus.CHECKING, ImportJobStatus.WRITING})

    kind = models.CharField(_("kind of records"), max_length=30)
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    file = models.FileField(_("file"), upload_to=import_file_name)
    file_kind = models.CharField(_("file format"), max_length=10, default="csv")
    original_name = models.CharField(_("file name"), max_length=200)
    update_existing = models.BooleanField(_("update existing records"), default=False)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=20, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0, editable=False)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0, editable=False)
    created_count = models.PositiveIntegerField(_("new records"), default=0, editable=False)
    updated_count = models.PositiveIntegerField(_("updated records"), default=0, editable=False)
    error_count = models.PositiveIntegerField(_("errors"), default=0, editable=False)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportJobStatus.values),
                name="members_importjob_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("imports:job", args=[self.pk])

    @property
    def is_running(self):
        return self.status in self.RUNNING

    @property
    def percent(self):
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
