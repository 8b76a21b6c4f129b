"""The filters of the project and venue lists. Their query parameters and values are the
lists' addresses (bookmarks, links from the agreement page): `?pillar=skills`,
`?federation=NB`, `?status=in_progress`, `?delayed=yes`, `?year=2026`, `?kind=…`,
`?open_to_partners=no`."""

import django_filters
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cooperation.models import (
    LiaisonLevel,
    MeetingStatus,
    Pillar,
    ProjectStatus,
    ReferralCategory,
    ReferralStatus,
    VenueKind,
)
from members.filters import FederationFilter, PortalFilterSet
from members.scoping import user_scope


class YesNoFilter(django_filters.ChoiceFilter):
    """A yes/no question on a boolean field (`?delayed=yes`), or "All"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("yes", _("Yes")), ("no", _("No"))])
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{self.field_name: value == "yes"})


class ProjectFilterSet(PortalFilterSet):
    """Filters a queryset of projects annotated by `with_delay()`."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    pillar = django_filters.ModelChoiceFilter(
        label=_("Common"),
        queryset=Pillar.objects.all(),
        to_field_name="key",
        empty_label=_("All commons"),
    )
    federation = FederationFilter(method="involving")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProjectStatus.choices, empty_label=_("All statuses")
    )
    delayed = YesNoFilter(label=_("Delayed"), field_name="is_delayed")
    year = django_filters.ChoiceFilter(
        label=pgettext_lazy("filter", "Year"), empty_label=_("All years"), method="active_in"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The years of the planned periods of the projects the user reads, latest first.
        span = self.queryset.aggregate(first=Min("planned_start"), last=Max("planned_end"))
        years = range(span["last"].year, span["first"].year - 1, -1) if span["first"] else []
        self.filters["year"].extra["choices"] = [(year, year) for year in years]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(department__icontains=value)
        )

    def involving(self, queryset, name, value):
        return queryset.involving(value)

    def active_in(self, queryset, name, value):
        return queryset.active_in(int(value))


class VenueFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    federation = FederationFilter(field_name="federation__code")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=VenueKind.choices, empty_label=_("All kinds")
    )
    open_to_partners = YesNoFilter(label=_("Open to partner members"))

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))


# --- liaison ---


class ContactFilterSet(PortalFilterSet):
    """`?federation=NB`, `?level=department`, `?q=` (name, department, position)."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    federation = FederationFilter(field_name="federation__code")
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=LiaisonLevel.choices, empty_label=_("All levels")
    )

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(department__icontains=value) | Q(title__icontains=value)
        )


class MeetingFilterSet(PortalFilterSet):
    """`?level=`, `?status=held`, `?federation=HZ` (the host), `?year=2026`."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=LiaisonLevel.choices, empty_label=_("All levels")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MeetingStatus.choices, empty_label=_("All statuses")
    )
    federation = FederationFilter(field_name="host_federation__code", label=_("Host"))
    year = django_filters.ChoiceFilter(
        label=pgettext_lazy("filter", "Year"), empty_label=_("All years"), method="in_year"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        span = self.queryset.aggregate(first=Min("starts_at"), last=Max("starts_at"))
        years = []
        if span["first"]:
            first, last = (timezone.localtime(span[k]).year for k in ("first", "last"))
            years = range(last, first - 1, -1)
        self.filters["year"].extra["choices"] = [(year, year) for year in years]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(place__icontains=value) | Q(agenda__icontains=value)
        )

    def in_year(self, queryset, name, value):
        # The year in Shanghai: a meeting at 07:00 on 1 January is that year's.
        return queryset.filter(starts_at__year=int(value))


# --- referrals ---


class ReferralFilterSet(PortalFilterSet):
    """`?direction=sent|received`, `?status=`, `?category=`, `?overdue=yes|no` over a
    queryset annotated by `with_overdue()`."""

    direction = django_filters.ChoiceFilter(
        label=_("Direction"),
        choices=[
            ("sent", _("Sent by my federation")),
            ("received", _("Received by my federation")),
        ],
        empty_label=_("Both directions"),
        method="by_direction",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReferralStatus.choices, empty_label=_("All statuses")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=ReferralCategory.choices, empty_label=_("All categories")
    )
    overdue = YesNoFilter(label=_("Overdue"), field_name="is_overdue")

    def by_direction(self, queryset, name, value):
        federation_id = user_scope(self.request.user).federation_id
        if federation_id is None:
            return queryset
        if value == "sent":
            return queryset.filter(from_federation_id=federation_id)
        return queryset.filter(to_federation_id=federation_id)
