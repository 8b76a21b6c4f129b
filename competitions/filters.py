"""The filters of the competitions' list pages (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from competitions.models import Entry, Event
from members.filters import PortalFilterSet


class EntryFilterSet(PortalFilterSet):
    """The entries of one competition, by event (`?event=<pk>`) and status (`?status=entered`)."""

    event = django_filters.ModelChoiceFilter(
        label=_("Event"), queryset=Event.objects.none(), empty_label=_("All events")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Entry.Status.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = Entry
        fields = ["event", "status"]

    def __init__(self, data=None, queryset=None, *, competition, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["event"].queryset = competition.events.all()
        self.form.fields["event"].label_from_instance = lambda event: event.name
