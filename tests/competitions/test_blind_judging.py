"""Blind judging, issue 8 hole 5: nothing on a judge's pages carries an identifier that follows
entry order, federation or name. Entry and member primary keys follow entry order (one city
enters as a block, then the other), so the scoring sheet is keyed by entrant number (shuffled
when judging starts) in its HTML and in its POST, and the server maps numbers back to entries
of the judge's own event only."""

import random
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from competitions import services
from competitions.models import Competition, Entry, Score
from tests.competitions.factories import CompetitionFactory, EventFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


class Attributes(HTMLParser):
    """Every attribute value of a piece of HTML but the CSRF token (random letters and digits)."""

    def __init__(self, html):
        super().__init__()
        self.values = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("name") == "csrfmiddlewaretoken":
            return
        self.values.extend(f"{name}={value or ''}" for name, value in attrs.items())


def main_of(html):
    return html[html.index("<main") : html.index("</main>")]


def integers(text):
    return {int(token) for token in re.findall(r"\d+", text)}


@pytest.fixture
def contest(hz, nb, agreement, hz_staff, nb_staff, hz_org, nb_org, hz_judge, monkeypatch):
    """A joint competition whose event 电工 has three HZ entries, entered first, then three NB
    entries; judging has started (numbers shuffled by a seeded shuffle that is not the
    identity). Another event already had twelve entries, so that entry and member keys
    (13 and up) are never also an entrant number (1 to 6) of 电工: a key on the page is seen."""
    competition = CompetitionFactory(title="杭甬盲评竞赛", hosts=[hz, nb])
    earlier = EventFactory(competition=competition, name="焊工", cap_per_federation=20)
    for number in range(1, 13):
        Entry.objects.create(
            event=earlier,
            member=MemberFactory(organisation=hz_org),
            number=number,
            years_in_job=3,
            entered_by=hz_staff,
        )
    event = EventFactory(
        competition=competition, name="电工", cap_per_federation=3, judges=[hz_judge]
    )
    for staff, org in [(hz_staff, hz_org)] * 3 + [(nb_staff, nb_org)] * 3:
        services.entry_create(
            actor=staff, event=event, member=MemberFactory(organisation=org), years_in_job=5
        )
    monkeypatch.setattr(services, "_random", random.Random(8))
    while competition.status != Competition.Status.JUDGING:
        competition = services.competition_advance(actor=hz_staff, competition=competition)
    entries = list(event.entries.order_by("pk").select_related("member"))
    numbers = [entry.number for entry in entries]
    assert numbers != sorted(numbers)  # the seeded shuffle left entry order behind
    assert not {e.pk for e in entries} & set(numbers)
    assert not {e.member_id for e in entries} & set(numbers)
    return event, entries


def sheet_url(event):
    return reverse("competitions:judging_sheet", args=[event.pk])


def test_the_sheet_carries_no_entry_or_member_key(client, contest, hz_judge):
    event, entries = contest
    theory, practical = event.parts.order_by("position")
    client.force_login(hz_judge)
    response = client.get(sheet_url(event))
    assert response.status_code == 200
    page = response.text
    main = main_of(page)
    numbers = sorted(entry.number for entry in entries)
    # every cell is named, labelled and identified by entrant number and part
    cells = {f"score-{n}-{p.pk}" for n in numbers for p in (theory, practical)}
    assert set(re.findall(r'name="(score-[^"]*)"', main)) == cells
    assert set(re.findall(r'id="(score-[^"]*)"', main)) == cells
    assert set(re.findall(r'for="(score-[^"]*)"', main)) == cells
    # rows in entrant-number order, which is not entry order
    rows = [int(n) for n in re.findall(r'<th scope="row"[^>]*>(\d+)</th>', main)]
    assert rows == numbers
    assert [e.number for e in entries] != numbers
    # no key of an entry or its member anywhere: not in a field name, id, label, value, data
    # attribute, hidden field or link, nor in the text of the page
    keys = {e.pk for e in entries} | {e.member_id for e in entries}
    for key in keys:
        assert not re.search(rf"score-{key}-", page), key
    harmless = set(numbers) | {theory.pk, practical.pk, event.pk, 0, 1, 30, 70, 100}
    checked = keys - harmless  # (on PostgreSQL a key may equal a part's: that one is skipped)
    assert checked
    attributes = Attributes(main).values
    for value in attributes:
        assert not integers(value) & checked, value
    assert (
        not integers(re.sub(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', "", main))
        & checked
    )
    assert not [value for value in attributes if value.startswith("data-")]
    assert main.count('type="hidden"') == 1  # the CSRF token alone


ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2})?)?")


def test_the_judges_other_pages_carry_no_entry_or_member_key(client, contest, hz_judge):
    event, entries = contest
    keys = {e.pk for e in entries} | {e.member_id for e in entries}
    harmless = {event.competition.pk, *event.competition.events.values_list("pk", flat=True)}
    client.force_login(hz_judge)
    for url in (reverse("competitions:judging"), event.competition.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
        for value in Attributes(main_of(response.text)).values:
            if value.startswith("datetime=") and ISO_MOMENT.fullmatch(value[9:]):
                continue  # a <time datetime="…"> of the competition's own dates
            assert not integers(value) & (keys - harmless), (url, value)
        assert "score-" not in response.text


def test_scores_posted_by_entrant_number_reach_the_right_entries(client, contest, hz_judge):
    event, entries = contest
    theory, practical = event.parts.order_by("position")
    client.force_login(hz_judge)
    data = {}
    for i, entry in enumerate(entries):
        data[f"score-{entry.number}-{theory.pk}"] = str(60 + i)
        data[f"score-{entry.number}-{practical.pk}"] = str(80 + i)
    response = client.post(sheet_url(event), data)
    assert response.status_code == 302
    got = {(s.entry_id, s.part_id): s.value for s in Score.objects.filter(judge=hz_judge)}
    assert got == {
        **{(e.pk, theory.pk): Decimal(60 + i) for i, e in enumerate(entries)},
        **{(e.pk, practical.pk): Decimal(80 + i) for i, e in enumerate(entries)},
    }
    # entrant 1 of 电工, not entrant 1 of the other event
    assert not Score.objects.exclude(entry__event=event).exists()


@pytest.mark.parametrize(
    "bad",
    [
        "number of another event",  # 焊工 has entrants 1 to 12; 电工 only 1 to 6
        "entry key",  # score-<entry pk>-<part pk>, the old shape
        "member key",
        "unknown number, blank",
        "malformed",
    ],
)
def test_a_key_that_is_no_entrant_of_the_event_changes_nothing(client, contest, hz_judge, bad):
    event, entries = contest
    theory, practical = event.parts.order_by("position")
    client.force_login(hz_judge)
    first = entries[0]
    Score.objects.create(entry=first, part=theory, judge=hz_judge, value=Decimal(50))
    key, value = {
        "number of another event": (f"score-9-{theory.pk}", "70"),
        "entry key": (f"score-{entries[3].pk}-{theory.pk}", "70"),
        "member key": (f"score-{entries[4].member_id}-{practical.pk}", "70"),
        "unknown number, blank": (f"score-{max(e.number for e in entries) + 1}-{theory.pk}", ""),
        "malformed": (f"score-x{first.number}-{theory.pk}", "70"),
    }[bad]
    data = {
        f"score-{first.number}-{theory.pk}": "95",  # a good cell, not saved either
        f"score-{first.number}-{practical.pk}": "90",
        key: value,
    }
    client.cookies["django_language"] = "en"
    response = client.post(sheet_url(event), data)
    assert response.status_code == 400
    alert = response.text[response.text.index("alert-danger") :]
    alert = alert[: alert.index("</div>")]
    assert "Nothing was saved" in alert
    if bad == "malformed":
        assert "The scoring sheet has no field" in alert
    else:
        number = key.split("-")[1]
        assert f"There is no entrant number {number} in this event." in alert
    assert list(Score.objects.values_list("entry_id", "part_id", "value")) == [
        (first.pk, theory.pk, Decimal(50))
    ]


def test_before_judging_the_sheet_shows_no_numbers(
    client, hz, nb, agreement, hz_staff, hz_org, hz_judge
):
    """Numbers follow entry order until judging starts and shuffles them: no rows until then."""
    competition = CompetitionFactory(hosts=[hz, nb], status=Competition.Status.CLOSED)
    event = EventFactory(competition=competition, judges=[hz_judge])
    for number in (1, 2):
        Entry.objects.create(
            event=event,
            member=MemberFactory(organisation=hz_org),
            number=number,
            years_in_job=3,
            entered_by=hz_staff,
        )
    client.force_login(hz_judge)
    response = client.get(sheet_url(event))
    assert response.status_code == 200
    assert "score-" not in response.text
    assert "只有在评分阶段才能录入评分" in response.text
