"""Every cooperation page renders in both languages, with no English left on the Chinese
ones."""

import pytest
from django.urls import reverse

from tests.cooperation.factories import MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(hz_project, public_project, hz_venue, agreement):
    milestone = MilestoneFactory(project=hz_project)
    ProgressUpdateFactory(project=hz_project)
    return [
        "/",
        reverse("cooperation:projects"),
        reverse("cooperation:project_create"),
        hz_project.get_absolute_url(),
        reverse("cooperation:project_update", args=[hz_project.pk]),
        reverse("cooperation:milestone_update", args=[milestone.pk]),
        reverse("cooperation:venues"),
        reverse("cooperation:venue_create"),
        hz_venue.get_absolute_url(),
        reverse("cooperation:venue_update", args=[hz_venue.pk]),
        agreement.get_absolute_url(),
        "/admin/cooperation/project/",
        f"/admin/cooperation/project/{hz_project.pk}/change/",
        "/admin/cooperation/venue/",
        "/admin/cooperation/progressupdate/",
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_renders_in_both_languages(client, hz_staff, pages, language):
    client.force_login(hz_staff)
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.text, url


def test_no_english_left_on_chinese_pages(client, hz_staff, pages):
    client.force_login(hz_staff)
    words = [
        "Projects",
        "Timeline",
        "Milestone",
        "History",
        "Shared venues",
        "Beneficiaries",
        "Common",
        "Status",
        "Add a progress update",
        "planned",
        "Phases",
        "On track",
    ]
    for url in pages[:11]:
        html = client.get(url).text
        for word in words:
            assert f">{word}<" not in html, (url, word)
            assert f"> {word}<" not in html, (url, word)


def test_public_project_page_renders_in_english(client, public_project):
    response = client.get(public_project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Lead federation" in response.text
