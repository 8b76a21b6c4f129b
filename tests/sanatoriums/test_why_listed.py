"""The directory never lists a base without saying why: each card says whose members may use
it today, and with "open to members of" chosen, that it is open to that city's members —
the chosen federation's own bases too."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.sanatoriums.factories import RecognitionFactory, SanatoriumFactory

pytestmark = pytest.mark.django_db

URL = reverse("sanatoriums:directory")
TODAY = timezone.localdate()
YEAR = datetime.timedelta(days=365)


def recognise(base, federation, proposed_by, *, start=TODAY - YEAR, end=TODAY + YEAR):
    return RecognitionFactory(
        sanatorium=base,
        federation=federation,
        proposed_by=proposed_by,
        status="approved",
        valid_from=start,
        valid_until=end,
    )


@pytest.fixture
def bases(hz, nb, hz_staff):
    """Ningbo's own bases (one also recognised by Hangzhou), a Hangzhou base Ningbo
    recognises, and one whose recognition by Ningbo has expired."""
    for federation, city_en in ((hz, "Hangzhou"), (nb, "Ningbo")):
        federation.city_en = city_en
        federation.save()
    nb_own = SanatoriumFactory(federation=nb, name="象山海滨职工疗休养基地")
    recognise(nb_own, hz, hz_staff)
    nb_plain = SanatoriumFactory(federation=nb, name="奉化溪口疗休养基地")
    hz_recognised = SanatoriumFactory(federation=hz, name="千岛湖职工疗休养基地")
    recognise(hz_recognised, nb, hz_staff)
    hz_expired = SanatoriumFactory(federation=hz, name="临安天目山疗休养基地")
    recognise(hz_expired, nb, hz_staff, start=TODAY - 2 * YEAR, end=TODAY - YEAR)
    return {"nb_own": nb_own, "nb_plain": nb_plain, "hz_recognised": hz_recognised}


def cards(response):
    """Each listed base's card: its name and the text of its badges."""
    found = {}
    for article in re.findall(r"<article.*?</article>", response.text, flags=re.S):
        name = re.search(r'class="stretched-link[^"]*"[^>]*>([^<]+)</a>', article).group(1)
        badges = re.findall(r'<span class="badge san-badge[^"]*">(.*?)</span>', article, re.S)
        found[name] = [" ".join(re.sub(r"<[^>]+>", " ", badge).split()) for badge in badges]
    return found


def test_open_to_ningbo_every_base_says_it_is_open_to_ningbo_members(client, bases):
    listed = cards(client.get(URL, {"open_to": "NB"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert set(listed) == {base.name for base in bases.values()}
    for name, badges in listed.items():
        # one reason, the one asked about: not "open to Hangzhou members" on a Ningbo base
        assert len(badges) == 1, (name, badges)
        assert badges[0].startswith("Open to Ningbo members"), (name, badges)
    assert listed["象山海滨职工疗休养基地"] == ["Open to Ningbo members · a Ningbo base"]
    assert listed["奉化溪口疗休养基地"] == ["Open to Ningbo members · a Ningbo base"]
    assert listed["千岛湖职工疗休养基地"][0].startswith("Open to Ningbo members · valid until")


def test_open_to_ningbo_in_chinese_names_ningbo_on_every_card(client, bases):
    listed = cards(client.get(URL, {"open_to": "NB"}))
    assert len(listed) == 3
    for name, badges in listed.items():
        assert badges and all("宁波" in badge and "杭州" not in badge for badge in badges), (
            name,
            badges,
        )


def test_without_a_choice_every_card_says_whose_members_may_come(client, bases):
    listed = cards(client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))
    assert len(listed) == 4
    assert all(badges for badges in listed.values()), listed
    # Ningbo's base recognised by Hangzhou: open to both cities' members
    assert listed["象山海滨职工疗休养基地"][0].startswith("Open to Hangzhou members · valid until")
    assert listed["象山海滨职工疗休养基地"][1] == "Open to Ningbo members · a Ningbo base"
    # the expired recognition gives no badge; the owner's members still may come
    assert listed["临安天目山疗休养基地"] == ["Open to Hangzhou members · a Hangzhou base"]


def test_the_base_page_says_whose_members_may_come(client, bases):
    response = client.get(bases["nb_own"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    text = " ".join(re.sub(r"<[^>]+>", " ", response.text).split())
    assert "Open to Hangzhou members · valid until" in text
    assert "Open to Ningbo members · a Ningbo base" in text


def test_a_suspended_base_says_no_one_may_come(client, hz_staff, hz):
    base = SanatoriumFactory(federation=hz, status="suspended")
    client.force_login(hz_staff)
    response = client.get(base.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "san-badge" not in response.text
