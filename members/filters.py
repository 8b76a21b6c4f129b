"""What every list page's filters share (django-filter).

A list view builds its FilterSet with the request (`PortalFilterSet(request.GET, queryset,
request=request)`), reads `filterset.qs` and pages it with `paginate`; the template shows
the filter form and `includes/pagination.html`, whose links keep the filters through
Django's `{% querystring %}`. A federation filter offers the federations the user reads,
named in the active language, and "All federations".
"""

from __future__ import annotations

import django_filters
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Member
from members.scoping import readable_federations


class FederationFilter(django_filters.ChoiceFilter):
    """Filter by a federation's code (`?federation=HZ`), among those the user reads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Federation"))
        kwargs.setdefault("empty_label", _("All federations"))
        kwargs.setdefault("choices", [])
        super().__init__(*args, **kwargs)


class PortalFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = request.user if request is not None else None
        for name, flt in self.filters.items():
            if isinstance(flt, FederationFilter):
                self.filters[name].extra["choices"] = [
                    (f.code, f.display_name) for f in readable_federations(user)
                ]


# Every list page shows at most this many rows: a page of 20 renders in a few milliseconds
# whatever the size of the list (issue 15), and the pages look alike.
LIST_PAGE_SIZE = 20


def paginate(request, queryset, per_page):
    """The page of `queryset` that the request asks for (the last one when out of range)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class MemberFilterSet(PortalFilterSet):
    """`?q=` (name, card number, or a full ID or mobile number), `?federation=`,
    `?employment_form=`."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    federation = FederationFilter(field_name="federation__code")
    employment_form = django_filters.ChoiceFilter(
        label=_("Employment form"),
        choices=Member.EmploymentForm.choices,
        empty_label=_("All employment forms"),
    )

    class Meta:
        model = Member
        fields = ["q", "federation", "employment_form"]

    def search(self, queryset, name, value):
        match = Q(name__icontains=value) | Q(card_number__icontains=value)
        # Searching by ID or phone number only finds members whose numbers the user may see:
        # otherwise a search would confirm a partner member's full number.
        visible = Member.objects.personal_data_visible_to(self.request.user)
        match |= Q(pk__in=visible.filter(Q(id_number=value.upper()) | Q(mobile=value)).values("pk"))
        return queryset.filter(match)
