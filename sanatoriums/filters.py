"""The public directory's filters. They travel in the URL, so a link can be shared:
`?open_to=NB&city=HZ&theme=seaside&stars=4&q=千岛湖`."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members.filters import FederationFilter, PortalFilterSet
from members.models import Federation
from sanatoriums.models import Batch, Booking, Theme


class DirectoryFilterSet(PortalFilterSet):
    """Anyone may filter by any federation: the directory is public, so its choices are
    every federation (one query), not those a signed-in user reads."""

    q = django_filters.CharFilter(label=_("Search by name"), method="search", max_length=50)
    open_to = django_filters.ChoiceFilter(
        label=_("Open to members of"), empty_label=_("Anyone"), method="filter_open_to"
    )
    city = django_filters.ChoiceFilter(
        label=_("City"), field_name="federation__code", empty_label=_("All cities")
    )
    theme = django_filters.ChoiceFilter(
        label=_("Theme"), field_name="themes__key", empty_label=_("All themes"), distinct=True
    )
    stars = django_filters.ChoiceFilter(
        label=_("Star rating"), field_name="stars", lookup_expr="gte", empty_label=_("Any rating")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.federations = {federation.code: federation for federation in Federation.objects.all()}
        self.filters["open_to"].extra["choices"] = [
            (code, gettext("%(city)s members") % {"city": federation.display_city})
            for code, federation in self.federations.items()
        ]
        self.filters["city"].extra["choices"] = [
            (code, federation.display_city) for code, federation in self.federations.items()
        ]
        self.filters["theme"].extra["choices"] = [
            (theme.key, theme.name) for theme in Theme.objects.all()
        ]
        self.filters["stars"].extra["choices"] = [
            (n, ngettext("%(n)s star or more", "%(n)s stars or more", n) % {"n": n})
            for n in range(5, 0, -1)
        ]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(region__icontains=value))

    def filter_open_to(self, queryset, name, value):
        return queryset.open_to(self.federations[value])

    @property
    def open_to_federation(self):
        """The federation chosen under "open to members of", if a valid one was."""
        if not self.is_bound:
            return None
        self.form.is_valid()
        return self.federations.get(self.form.cleaned_data.get("open_to"))


class BatchFilterSet(PortalFilterSet):
    """The staff's list of batches: `?city=HZ&status=open&q=千岛湖`."""

    q = django_filters.CharFilter(
        label=_("Search by base or route"), method="search", max_length=50
    )
    city = FederationFilter(
        field_name="route__sanatorium__federation__code",
        label=_("City of the base"),
        empty_label=_("All cities"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Batch.Status.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = Batch
        fields = ["q", "city", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(route__name__icontains=value) | Q(route__sanatorium__name__icontains=value)
        )


class BookingFilterSet(PortalFilterSet):
    """Bookings: `?federation=NB&status=waiting`."""

    federation = FederationFilter(field_name="federation__code")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Booking.Status.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = Booking
        fields = ["federation", "status"]
