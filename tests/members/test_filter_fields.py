"""`|as_filter_field` draws a list's filter fields as `|as_crispy_field` does (the same
elements, classes, attributes and options; whitespace aside), without crispy's templates."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test import RequestFactory
from django.utils import translation

from competitions.filters import EntryFilterSet
from competitions.models import Entry
from cooperation.filters import (
    ContactFilterSet,
    MeetingFilterSet,
    ProjectFilterSet,
    ReferralFilterSet,
    VenueFilterSet,
)
from cooperation.models import Contact, Meeting, Project, Referral, Venue
from members.filters import MemberFilterSet
from members.models import Member
from members.templatetags.filter_fields import as_filter_field
from sanatoriums.filters import BatchFilterSet, BookingFilterSet
from sanatoriums.models import Batch, Booking
from tests.competitions.factories import CompetitionFactory, EventFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    {},
    {"q": 'a "quoted" <b>', "federation": "NB", "status": "planned", "year": "2026"},
    {"status": "no-such-status", "federation": "XX", "level": "department"},
]


def normalised(html):
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def filtersets(user, data, competition):
    request = RequestFactory().get("/", data)
    request.user = user
    kwargs = {"request": request}
    return [
        ProjectFilterSet(request.GET, Project.objects.with_delay(), **kwargs),
        VenueFilterSet(request.GET, Venue.objects.all(), **kwargs),
        ContactFilterSet(request.GET, Contact.objects.all(), **kwargs),
        MeetingFilterSet(request.GET, Meeting.objects.all(), **kwargs),
        ReferralFilterSet(request.GET, Referral.objects.with_overdue(), **kwargs),
        MemberFilterSet(request.GET, Member.objects.all(), **kwargs),
        BatchFilterSet(request.GET, Batch.objects.all(), **kwargs),
        BookingFilterSet(request.GET, Booking.objects.all(), **kwargs),
        EntryFilterSet(request.GET, Entry.objects.all(), competition=competition, **kwargs),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("data", QUERIES)
def test_each_filter_field_is_drawn_as_crispy_draws_it(hz_staff, hz, nb, data, language):
    competition = CompetitionFactory(hosts=[hz, nb])
    EventFactory(competition=competition, name="焊工 <A>")
    with translation.override(language):
        for filterset in filtersets(hz_staff, data, competition):
            for bound in filterset.form:
                ours = normalised(as_filter_field(bound))
                assert ours == normalised(as_crispy_field(bound)), bound.name
                assert ours.startswith(f'<div id="div_id_{bound.name}"')


def test_a_field_with_errors_is_left_to_crispy(hz_staff, hz, nb):
    request = RequestFactory().get("/", {"status": "no-such-status"})
    request.user = hz_staff
    field = ProjectFilterSet(request.GET, Project.objects.with_delay(), request=request).form[
        "status"
    ]
    assert field.errors
    assert "invalid-feedback" in as_filter_field(field)
