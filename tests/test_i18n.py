"""Chinese by default, English on request; every page renders in both languages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text
    assert "五个共" in response.text or "思想共同引领" in response.text


def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert '<html lang="en">' in response.text
    assert "Shared ideological guidance" in response.text
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "思想共同引领" in client.get("/").text


def test_time_zone_is_shanghai():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_renders_in_both_languages(client, hz_staff, hz_member, language):
    client.force_login(hz_staff)
    pages = [
        "/",
        reverse("members:list"),
        reverse("members:create"),
        hz_member.get_absolute_url(),
        reverse("members:update", args=[hz_member.pk]),
        reverse("password_change"),
        reverse("password_change_done"),
        "/admin/",
        "/admin/members/member/",
        f"/admin/members/member/{hz_member.pk}/change/",
    ]
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.text, url
    client.logout()
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200


def test_no_english_left_on_chinese_pages(client, hz_staff, hz_member):
    """The words of our own templates are all translated (a crude but useful net)."""
    client.force_login(hz_staff)
    english_words = ["Members", "Sign out", "Change password", "Employment form", "History", "Edit"]
    for url in ["/", reverse("members:list"), hz_member.get_absolute_url()]:
        html = client.get(url).text
        for word in english_words:
            assert f">{word}<" not in html, (url, word)


def test_language_switch_works_without_a_csrf_token():
    """Public pages come from a shared cache and so carry no CSRF token: the switch, which
    only sets the visitor's language cookie, must work without one."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
