"""seed_demo adds an agreement with projects under every common, some of them delayed."""

import io

import pytest
from django.core.management import call_command

from cooperation.models import (
    Agreement,
    AgreementPhase,
    Milestone,
    Pillar,
    ProgressUpdate,
    Project,
    Venue,
)

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        m.objects.count() for m in (Project, Milestone, ProgressUpdate, Venue, AgreementPhase)
    )


def test_demo_has_projects_under_every_common_and_some_delayed(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    for pillar in Pillar.objects.all():
        assert pillar.projects.exists(), pillar.key
    assert Project.objects.with_delay().filter(is_delayed=True).exists()
    assert Project.objects.on_track().exists()
    assert Milestone.objects.filter(done_on__isnull=True, due_on__lt="2100-01-01").exists()
    titles = " ".join(Project.objects.values_list("title", flat=True))
    for words in ("学习题目", "疗休养基地互认", "技能竞赛", "五一广场", "新就业形态"):
        assert words in titles
    assert ProgressUpdate.objects.public().exists()
    assert Venue.objects.filter(federation__code="NB", open_to_partners=True).exists()
    for project in Project.objects.all():
        project.full_clean()
        assert project.partner_federations.exists()


def test_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    before = counts()
    call_command("seed_demo")
    assert counts() == before


def test_every_demo_record_says_the_seeder_made_it(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    for model in (Agreement, AgreementPhase, Project, Milestone, ProgressUpdate, Venue):
        rows = model.history.values_list("history_user", "history_change_reason").distinct()
        assert set(rows) == {(None, "seed_demo")}, model
    # statuses were reached along the allowed transitions, as a user would have moved them
    completed = Project.objects.get(status=Project.Status.COMPLETED)
    assert [r.status for r in completed.history.order_by("history_id")][-2:] == [
        "in_progress",
        "completed",
    ]


def public_counts():
    return (Project.objects.public().count(), ProgressUpdate.objects.public().count())


def test_demo_scale_grows_the_projects_milestones_updates_and_venues(settings):
    """`--scale 2` is twice the cooperation data, public pages' share too, with distinct
    titles; running it again adds nothing."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    once, public_once = counts(), public_counts()
    call_command("seed_demo", scale=2, stdout=io.StringIO())
    twice = counts()
    # Projects, milestones, updates and venues double; the agreement's phases do not.
    assert twice[:4] == tuple(2 * n for n in once[:4])
    assert twice[4] == once[4]
    assert public_counts() == tuple(2 * n for n in public_once)
    assert Project.objects.values("title").distinct().count() == twice[0]
    # The second batch of each project is led by the other city, under the same common.
    for project in Project.objects.exclude(title__endswith="（第2批）"):
        twin = Project.objects.get(title=f"{project.title}（第2批）")
        assert twin.pillar_id == project.pillar_id
        assert twin.lead_federation_id != project.lead_federation_id
        assert twin.milestones.count() == project.milestones.count()
    call_command("seed_demo", scale=2, stdout=io.StringIO())
    assert counts() == twice
