"""The display library's shortcuts say what the slower way says: `|choice_label` what
`get_<field>_display()` says, and a date remembered by `|as_date` reads as it would afresh,
in each language and time zone."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from competitions.models import Entry, EntryStatus
from cooperation.models import LiaisonLevel, Meeting, MeetingStatus, Project, ProjectStatus
from members.models import Member

LANGUAGES = ["zh-hans", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        (Project, "status", ProjectStatus.values),
        (Meeting, "status", MeetingStatus.values),
        (Meeting, "level", LiaisonLevel.values),
        (Member, "employment_form", Member.EmploymentForm.values),
        (Entry, "status", EntryStatus.values),
    ],
)
def test_choice_label_says_what_get_display_says(model, field, values, language):
    template = Template(f'{{% load display %}}{{{{ obj|choice_label:"{field}" }}}}')
    with translation.override(language):
        for value in [*values, "no-such-value"]:
            obj = model(**{field: value})
            expected = getattr(obj, f"get_{field}_display")()
            assert template.render(Context({"obj": obj})) == expected
    assert template.render(Context({"obj": model(**{field: "no-such-value"})})) == "no-such-value"


def test_a_remembered_date_follows_the_language_and_the_time_zone():
    template = Template("{% load display %}{{ day|as_date }}|{{ moment|as_datetime }}")
    context = Context(
        {
            "day": datetime.date(2027, 11, 11),
            "moment": datetime.datetime(2027, 11, 11, 9, 0, tzinfo=datetime.UTC),
        }
    )
    for _ in range(2):
        with translation.override("zh-hans"):
            assert template.render(context).endswith(">2027年11月11日 17:00</time>")
        with translation.override("en"):
            assert template.render(context) == (
                '<time class="text-nowrap" datetime="2027-11-11">11 Nov 2027</time>|'
                '<time class="text-nowrap" datetime="2027-11-11T17:00+08:00">'
                "11 Nov 2027, 17:00</time>"
            )
        # The same moment read in another zone is another time of day.
        with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("Europe/London")):
            assert template.render(context).endswith(
                'datetime="2027-11-11T09:00+00:00">11 Nov 2027, 09:00</time>'
            )
