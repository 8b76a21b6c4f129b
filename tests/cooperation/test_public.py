"""The public home page figures and the public project page."""

import datetime
import re

import pytest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cooperation.models import Project
from tests.cooperation.factories import MilestoneFactory, ProgressUpdateFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def figures(html, key):
    card = html[html.index(f'id="common-{key}"') :]
    card = card[: card.index("</article>")]
    return {name: int(value) for name, value in re.findall(r'data-figure="([a-z-]+)">(\d+)<', card)}


def test_home_shows_each_common_with_its_figures(client, agreement, hz, nb, pillars):
    skills = pillars["skills"]

    def public(**kwargs):
        return ProjectFactory(agreement=agreement, is_public=True, **kwargs)

    public(lead_federation=hz, pillar=skills, actual_beneficiaries=30)
    late = public(lead_federation=nb, pillar=skills, actual_beneficiaries=12)
    MilestoneFactory(project=late, due_on=timezone.localdate() - datetime.timedelta(days=1))
    public(
        lead_federation=nb, pillar=skills, status=Project.Status.SUSPENDED, actual_beneficiaries=5
    )
    public(lead_federation=hz, pillar=pillars["rights"])
    # A project that is not public never shows on the public page, not even in the totals.
    ProjectFactory(agreement=agreement, lead_federation=hz, pillar=skills, actual_beneficiaries=777)
    html = client.get("/").text
    assert figures(html, "skills") == {"projects": 3, "on-track": 1, "beneficiaries": 47}
    assert figures(html, "rights") == {"projects": 1, "on-track": 1, "beneficiaries": 10}
    assert figures(html, "wellbeing") == {"projects": 0, "on-track": 0, "beneficiaries": 0}
    assert "技能共同提升" in html


def test_home_shows_only_public_updates_of_public_projects(client, public_project, hz_project):
    ProgressUpdateFactory(project=public_project, is_public=True, text="公开的进展")
    ProgressUpdateFactory(project=public_project, is_public=False, text="内部的进展")
    ProgressUpdateFactory(project=hz_project, is_public=True, text="非公开项目的进展")
    html = client.get("/").text
    assert "公开的进展" in html
    assert "内部的进展" not in html
    assert "非公开项目的进展" not in html


def test_home_query_count_is_constant(
    client, agreement, hz, nb, pillars, django_assert_num_queries
):
    def add(n):
        for i in range(n):
            project = ProjectFactory(
                agreement=agreement, lead_federation=hz, is_public=True,
                pillar=list(pillars.values())[i % 5],
            )  # fmt: skip
            MilestoneFactory(project=project, due_on=datetime.date(2020, 1, 1))
            ProgressUpdateFactory(project=project, is_public=True)

    add(3)
    with CaptureQueriesContext(__import__("django.db").db.connection) as first:
        client.get("/")
    add(20)
    with django_assert_num_queries(len(first)):
        client.get("/")


def test_public_project_page_for_everyone(client, wz_staff, public_project):
    ProgressUpdateFactory(project=public_project, is_public=True, text="公开的进展")
    ProgressUpdateFactory(project=public_project, is_public=False, text="内部的进展")
    for user in (None, wz_staff):
        if user:
            client.force_login(user)
        response = client.get(f"/projects/{public_project.pk}/")
        assert response.status_code == 200
        assert "cooperation/project_public.html" in [t.name for t in response.templates]
        assert "公开的进展" in response.text
        assert "内部的进展" not in response.text


def test_a_project_that_is_not_public_is_404_to_the_public(client, wz_staff, hz_project):
    assert client.get(f"/projects/{hz_project.pk}/").status_code == 404
    client.force_login(wz_staff)
    assert client.get(f"/projects/{hz_project.pk}/").status_code == 404
    assert client.get("/projects/999999/").status_code == 404


def test_staff_of_the_agreement_get_the_working_page(client, nb_staff, public_project):
    ProgressUpdateFactory(project=public_project, is_public=False, text="内部的进展")
    client.force_login(nb_staff)
    response = client.get(f"/projects/{public_project.pk}/")
    assert "cooperation/project_detail.html" in [t.name for t in response.templates]
    assert "内部的进展" in response.text


def test_home_in_english_shows_english_names(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Joint skill improvement" in response.text
    assert "技能共同提升" not in response.text
