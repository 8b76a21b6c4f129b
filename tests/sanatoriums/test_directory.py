"""The public directory and base page: no login, filters in the URL, flat query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from sanatoriums import views
from sanatoriums.models import Theme
from tests.sanatoriums.factories import RecognitionFactory, SanatoriumFactory

pytestmark = pytest.mark.django_db

URL = reverse("sanatoriums:directory")


@pytest.fixture
def recognised(hz_base, nb, hz_staff):
    return RecognitionFactory(
        sanatorium=hz_base,
        federation=nb,
        proposed_by=hz_staff,
        approved=True,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2099, 6, 30),
    )


def names(response):
    return {base.name for base in response.context["page"]}


def test_directory_is_public_and_lists_active_bases(client, hz_base, nb_base, suspended_hz_base):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == {hz_base.name, nb_base.name}


def test_open_to_nb_lists_own_bases_and_recognised_partner_bases(
    client, recognised, hz_base, nb_base, hz
):
    unrecognised = SanatoriumFactory(federation=hz, name="未互认基地")
    response = client.get(URL, {"open_to": "NB"})
    assert names(response) == {hz_base.name, nb_base.name}
    assert unrecognised.name not in response.text
    # the badge on the card, in Chinese by default, with the locale's date
    assert "宁波会员可用 · 有效期至 2099年6月30日" in strip_tags(response.text)


def test_badge_in_english(client, recognised, nb):
    nb.city_en = "Ningbo"
    nb.save()
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert "Open to Ningbo members · valid until 30 Jun 2099" in strip_tags(response.text)


def test_filters_city_theme_stars_and_search(client, hz_base, nb_base):
    sea = Theme.objects.get(key="seaside")
    nb_base.themes.add(sea)
    nb_base.stars = 5
    nb_base.save()
    assert names(client.get(URL, {"city": "HZ"})) == {hz_base.name}
    assert names(client.get(URL, {"theme": "seaside"})) == {nb_base.name}
    assert names(client.get(URL, {"stars": "5"})) == {nb_base.name}
    assert names(client.get(URL, {"q": "千岛湖"})) == {hz_base.name}


def test_filters_stay_in_the_page_links(client, hz):
    for n in range(views.DIRECTORY_PAGE_SIZE + 1):
        SanatoriumFactory(federation=hz, name=f"基地{n:02d}")
    response = client.get(URL, {"city": "HZ"})
    assert "?city=HZ&amp;page=2" in response.text


def test_unknown_filter_values_are_ignored_not_an_error(client, hz_base):
    response = client.get(URL, {"open_to": "XX", "stars": "nine"})
    assert response.status_code == 200


def test_query_count_is_flat_across_rows_and_page_sizes(
    client, hz, nb, hz_staff, monkeypatch, django_assert_num_queries
):
    def make(n):
        for i in range(n):
            base = SanatoriumFactory(federation=hz if i % 2 else nb)
            base.themes.add(*Theme.objects.all()[:2])
            RecognitionFactory(
                sanatorium=base,
                federation=nb if i % 2 else hz,
                proposed_by=hz_staff,
                approved=True,
                valid_until=datetime.date(2099, 1, 1),
            )

    make(2)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"open_to": "NB"})
    make(40)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(URL, {"open_to": "NB"})
    monkeypatch.setattr(views, "DIRECTORY_PAGE_SIZE", 30)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"open_to": "NB"})
    assert len(response.context["page"]) == 30


def test_base_page_is_public_with_badges_and_map_link(client, recognised, hz_base):
    response = client.get(hz_base.get_absolute_url())
    assert response.status_code == 200
    assert "宁波会员可用" in response.text
    assert "uri.amap.com" in response.text
    assert hz_base.contact_phone in response.text
    # staff-only parts are not shown to the public
    assert "propose" not in response.text


def test_suspended_base_is_hidden_from_the_public_but_not_from_its_staff(
    client, suspended_hz_base, hz_staff, nb_staff, wz_staff
):
    url = suspended_hz_base.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(wz_staff)
    assert client.get(url).status_code == 404
    client.force_login(nb_staff)
    assert client.get(url).status_code == 200
    client.force_login(hz_staff)
    assert client.get(url).status_code == 200


def test_directory_on_a_phone_has_a_viewport(client):
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in client.get(URL).text


def test_filter_choices_are_in_the_pages_language(client, hz, nb):
    nb.city_en = "Ningbo"
    nb.save()
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").text
    assert ">5 stars or more<" in english and ">Ningbo members<" in english
    chinese = client.get(URL).text
    assert "5 stars or more" not in chinese and ">宁波会员<" in chinese
