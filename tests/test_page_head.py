"""What a browser, a share card and a visitor sent to sign in are told before the page body:
the icons, a description per public page, the share tags, and why the sign-in page came up."""

import html
import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from cooperation.models import Pillar
from tests.competitions.factories import CompetitionFactory, set_status
from tests.cooperation.factories import ProjectFactory
from tests.sanatoriums.factories import SanatoriumFactory

pytestmark = pytest.mark.django_db

SITE_DESCRIPTION = (
    'The Hangzhou–Ningbo "Twin Cities" cooperation of the municipal federations of trade unions.'
)


def head_tags(response):
    """{name or property: content} of the page's <meta> tags, and its <link> icons by rel."""
    head = response.text[: response.text.index("</head>")]
    metas = {
        key: html.unescape(content)
        for key, content in re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', head)
    }
    links = {rel: href for rel, href in re.findall(r'<link rel="([^"]+)" href="([^"]+)"', head)}
    return metas, links


def fetch(client, url):
    """A static file as the browser gets it (whitenoise serves them in the tests too)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_favicon_address_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = Image.open(io.BytesIO(fetch(client, response["Location"])))
    assert icon.format == "ICO"


def test_every_page_names_its_icons_and_they_exist(client, db):
    _, links = head_tags(client.get("/"))
    assert links["icon"].endswith(".svg") or links["icon"].endswith(".ico")
    svg = fetch(client, re.search(r'<link rel="icon" href="([^"]+\.svg)"', client.get("/").text)[1])
    assert svg.startswith(b"<svg")
    touch = Image.open(io.BytesIO(fetch(client, links["apple-touch-icon"])))
    assert (touch.format, touch.size) == ("PNG", (180, 180))


@pytest.fixture
def public_pages(hz, nb, agreement, hz_staff):
    """Each public page and a few words its description must carry."""
    Pillar.objects.ensure()
    base = SanatoriumFactory(federation=hz, name="千岛湖职工疗休养基地", description="")
    competition = CompetitionFactory(title="杭甬职工技能竞赛", hosts=[hz, nb])
    set_status(competition, "published")
    project = ProjectFactory(
        agreement=agreement,
        lead_federation=hz,
        is_public=True,
        title="两地劳模工匠交流",
        description="两地劳模工匠互访交流，共建创新工作室。",
    )
    return {
        "home": ("/", "five commons", None),
        "directory": (reverse("sanatoriums:directory"), "recuperation bases", None),
        "base": (base.get_absolute_url(), "千岛湖职工疗休养基地", "千岛湖职工疗休养基地"),
        "competitions": (reverse("competitions:list"), "skill competitions", None),
        "results": (
            reverse("competitions:results", args=[competition.pk]),
            "杭甬职工技能竞赛",
            "杭甬职工技能竞赛",
        ),
        "project": (project.get_absolute_url(), "创新工作室", "两地劳模工匠交流"),
    }


@pytest.mark.parametrize(
    "name", ["home", "directory", "base", "competitions", "results", "project"]
)
def test_public_pages_describe_themselves_and_carry_a_share_card(client, public_pages, name):
    url, described_by, titled = public_pages[name]
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    metas, _ = head_tags(response)
    description = metas["description"]
    assert description != SITE_DESCRIPTION, "a page of its own, not the portal's default"
    assert described_by.lower() in description.lower()
    assert metas["og:description"] == description
    assert metas["og:title"]
    if titled:
        assert titled in metas["og:title"]
    # absolute addresses: a card pasted into WeChat is read away from the portal
    assert metas["og:url"] == f"http://testserver{url}"
    assert re.fullmatch(r"http://testserver/static/icons/share[.\w]*\.png", metas["og:image"])
    fetch(client, metas["og:image"].removeprefix("http://testserver"))


def test_other_pages_carry_the_portals_own_description(client, hz_staff):
    client.force_login(hz_staff)
    metas, _ = head_tags(client.get(reverse("members:list"), HTTP_ACCEPT_LANGUAGE="en"))
    assert metas["description"] == SITE_DESCRIPTION


def test_a_visitor_sent_to_sign_in_is_told_why(client, db):
    response = client.get(reverse("members:list"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login") + "?next=")
    assert "Please sign in to see this page." in response.text


def test_signing_in_of_ones_own_accord_needs_no_explanation(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Please sign in to see this page." not in response.text


def test_quotes_and_ampersands_in_a_title_are_escaped_once(client, hz, nb):
    competition = CompetitionFactory(title='"双城记" & 技能竞赛', hosts=[hz, nb])
    set_status(competition, "published")
    response = client.get(
        reverse("competitions:results", args=[competition.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert 'content="Results of &quot;双城记&quot; &amp; 技能竞赛"' in response.text
    metas, _ = head_tags(response)
    assert metas["og:title"] == 'Results of "双城记" & 技能竞赛'
    assert (
        metas["description"]
        == 'The published results of "双城记" & 技能竞赛: ranks, totals and awards.'
    )
