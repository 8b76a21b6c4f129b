"""Every page in English, for the public, staff, an approver, the leader, a judge and the
administrator, over the demo data (federations with English names): no Chinese character
is left outside data that has no English form, and labels start with a capital letter.

Data with no English form is what people typed: members' and users' names, organisations,
bases, projects, addresses, free text. Its values are taken from the database and cut out
of each page before Chinese is looked for. Federations, commons and themes have English
names, so their Chinese names are not cut out: they must not appear at all. An
organisation that is a federation's own office carries the federation's name, so it is
named in English too.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import models, transaction
from django.urls import reverse

from tests.test_access_matrix import ROUTES, _kwargs, _portal_routes

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")

ROLES = ["anonymous", "hz-staff", "hz-approver", "leader", "hz-judge", "admin"]

# Routes that answer no HTML page (files, JSON, a spreadsheet) or only to a POST.
NOT_PAGES = {
    "healthz",
    "photo_file",
    "cooperation:attachment",
    "cooperation:agreement_document",
    "cooperation:referral_attachment",
    "competitions:rules",
    "competitions:results_export",
    # --- liaison ---
    "cooperation:meeting_minutes",
    "cooperation:meeting_ics",
    "cooperation:calendar_feed",
    # --- excel --- spreadsheets and JSON
    "members:export",
    "cooperation:projects_export",
    "cooperation:contacts_export",
    "sanatoriums:bookings_export",
    "imports:template",
    "imports:job_status",
    "imports:job_errors",
}


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo data, seeded once for this module and rolled back after it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", force=True, verbosity=0, stdout=_Null())
            yield
            transaction.set_rollback(True)


class _Null:
    def write(self, *args):
        pass

    def flush(self):
        pass


def _english_counterpart_fields(model):
    """Fields that hold the Chinese form of something with an English form beside it
    (name/name_en, name_zh/name_en, …)."""
    names = {f.name for f in model._meta.get_fields()}
    chinese = set()
    for name in names:
        if name.endswith("_en"):
            stem = name[: -len("_en")]
            chinese |= {stem, f"{stem}_zh"} & names
    return chinese


def data_without_english_form(*, admin_pages=False):
    """Every text value typed into the database that has no English form, longest first.
    The admin edits both forms of a name, so on its pages the Chinese forms are data too."""
    from members.models import Federation

    federation_words = set()
    for federation in Federation.objects.all():
        federation_words |= {federation.name, federation.city, federation.short_name}
    values = set(federation_words) if admin_pages else set()
    if admin_pages:
        # The help text of the field that holds the Chinese short name shows two of them.
        values.add(str(Federation._meta.get_field("short_name").help_text))
    for model in apps.get_models(include_auto_created=False):
        if model is Federation:
            continue
        skip = set() if admin_pages else _english_counterpart_fields(model)
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and f.name not in skip
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value and HAN.search(str(value)):
                    for line in str(value).splitlines():
                        line = line.strip()
                        if line and line not in federation_words:
                            values.add(line)
    # --- excel --- the Chinese column headers of an import are the file's format (the
    # template's headers), shown as they are written in the file.
    from members.imports import SPECS

    values |= {column.header for spec in SPECS.values() for column in spec.columns}
    return sorted(values, key=len, reverse=True)


def chinese_left(page, known):
    """The Chinese passages of `page` (HTML) that are not data; with some context."""
    text = html.unescape(page)
    # The language switch names Chinese in Chinese, as every language switch does.
    text = text.replace("简体中文", "")
    for value in known:
        text = text.replace(value, "")
    left = []
    for match in HAN.finditer(text):
        after = text[match.end() : match.end() + 1]
        if after == "…" and any(value.startswith(match.group()) for value in known):
            continue  # a long text cut short (truncatechars)
        left.append(text[max(0, match.start() - 60) : match.end() + 30].replace("\n", " "))
    return left


class _Page(HTMLParser):
    """The text of each label, column head, term, heading, button and badge; and the text
    that is not inside a <time> element (nor a script or a form field's value)."""

    TAGS = {"label", "th", "dt", "button", "h1", "h2", "h3", "h4", "h5", "h6", "legend"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"}
    NOT_TEXT = {"time", "script", "style", "textarea"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.labels = []
        self.loose_text = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hidden = "visually-hidden" in classes
        label = (tag in self.TAGS or "badge" in classes) and not hidden
        self.stack.append([tag, label, ""])

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, label, text = self.stack.pop()
            if label and text.strip():
                self.labels.append(text.strip())
            if self.stack:
                self.stack[-1][2] += text
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2] += data
        if not any(tag in self.NOT_TEXT for tag, _label, _text in self.stack):
            self.loose_text.append(data)


def _parse(page):
    parser = _Page()
    parser.feed(page)
    return parser


def lower_case_labels(page):
    return [text for text in _parse(page).labels if re.match(r"[a-z]", text)]


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
LOCAL_DATE = re.compile(rf"\b\d{{1,2}} ({MONTHS})[a-z]* \d{{4}}\b|\d{{4}}年\d{{1,2}}月\d{{1,2}}日")


def loose_dates(page):
    """Dates written outside a <time> element (members.templatetags.display): an ISO date,
    or a date in the language's format that may break across two lines."""
    text = " ".join(_parse(page).loose_text)
    return [m.group() for m in ISO_DATE.finditer(text)] + [
        m.group() for m in LOCAL_DATE.finditer(text)
    ]


def _records():
    """For each kind of record in an address, the demo records to try (public ones first)."""
    from competitions.models import Competition, Entry, Event
    from cooperation.models import Agreement, Contact, Meeting, Milestone, Project, Referral, Venue
    from members.models import Member
    from sanatoriums.models import Photo, Recognition, Sanatorium

    return {
        "member": list(Member.objects.filter(honours__isnull=False).distinct()[:1])
        + list(Member.objects.filter(federation__code="NB")[:1]),
        "project": list(Project.objects.filter(is_public=True)[:1])
        + list(Project.objects.filter(is_public=False)[:1]),
        "milestone": list(Milestone.objects.all()[:1]),
        "agreement": list(Agreement.objects.all()[:1]),
        "venue": list(Venue.objects.all()[:1]),
        # --- liaison ---
        "contact": list(Contact.objects.filter(federation__code="HZ")[:1]),
        "meeting": list(Meeting.objects.filter(status="held", outcomes__isnull=False)[:1])
        + list(Meeting.objects.filter(status="planned")[:1]),
        "sanatorium": list(Sanatorium.objects.filter(recognitions__isnull=False)[:1]),
        "photo": list(Photo.objects.all()[:1]),
        "recognition": list(Recognition.objects.all()),
        "competition": list(Competition.objects.filter(status="published")[:1])
        + list(Competition.objects.exclude(status="published")[:1]),
        "event": list(Event.objects.filter(judges__username="hz-judge")[:2]),
        "entry": list(Entry.objects.filter(award__gt="")[:1]),
        # --- referrals --- one in each status, both directions
        "referral": list(
            {r.status: r for r in Referral.objects.order_by("from_federation", "pk")}.values()
        ),
        # --- excel --- the demo has no import jobs: tests/members/test_import_views.py
        # renders each state of the job page in English.
        "importjob": [],
        **_places_records(),
    }


def _places_records():
    from sanatoriums.models import Batch, Booking, Route

    return {
        "route": list(Route.objects.all()[:1]),
        "batch": list(Batch.objects.filter(status="finished")[:1])
        + list(Batch.objects.filter(eligibility="award_winners")[:1])
        + list(Batch.objects.filter(bookings__status="waiting").distinct()[:1]),
        "booking": list(Booking.objects.filter(batch__status="finished")[:1])
        + list(Booking.objects.filter(status="waiting")[:1]),
    }


def _portal_pages(records):
    for name in _portal_routes():
        route = ROUTES.get(name)  # a route missing there fails tests/test_access_matrix.py
        if route is None or name in NOT_PAGES or route.get is None:
            continue
        if route.record is None:
            yield name, reverse(name)
        elif name == "competitions:certificate":
            # At an address that cannot be guessed, found through the results page.
            for record in records[route.record]:
                yield name, record.get_certificate_url()
        else:
            for record in records[route.record]:
                yield name, reverse(name, kwargs=_kwargs(name, route, record))


def _admin_pages():
    yield "admin:index", reverse("admin:index")
    for model in admin.site._registry:
        opts = model._meta
        info = f"admin:{opts.app_label}_{opts.model_name}"
        yield f"{info}_changelist", reverse(f"{info}_changelist")
        yield f"{info}_add", reverse(f"{info}_add")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield f"{info}_change", reverse(f"{info}_change", args=[first.pk])


@pytest.mark.parametrize("role", ROLES)
def test_every_page_in_english_is_english(client, demo_world, role):
    from members.models import User

    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    known = data_without_english_form()
    known_in_admin = data_without_english_form(admin_pages=True)
    pages = list(_portal_pages(_records()))
    if role in ("hz-staff", "hz-approver", "admin"):
        pages += list(_admin_pages())
    problems, seen = [], 0
    for name, url in pages:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        seen += 1
        page = response.content.decode()
        assert '<html lang="en"' in page, url
        in_admin = name.startswith("admin:")
        for passage in chinese_left(page, known_in_admin if in_admin else known):
            problems.append(f"{url} ({name}): Chinese: …{passage}…")
        if in_admin:
            continue  # the admin's row headings are records (user names, keys), not labels
        for label in lower_case_labels(page):
            problems.append(f"{url} ({name}): lower-case label: {label!r}")
        for date in loose_dates(page):
            problems.append(f"{url} ({name}): date outside <time>: {date!r}")
    assert seen >= 8, f"only {seen} pages answered"
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_demo_deadlines_fall_in_office_hours(demo_world):
    """The demo's deadlines are local times of day (17:00 in Hangzhou), not UTC ones that
    show as 01:00 at night."""
    from django.utils import timezone

    from competitions.models import Competition

    hours = {timezone.localtime(c.registration_deadline).hour for c in Competition.objects.all()}
    assert hours and all(8 <= hour <= 18 for hour in hours), hours
