"""'Delayed' is derived from overdue milestones on every read, never stored."""

import datetime

import pytest
from django.utils import timezone

from cooperation.models import Project
from tests.cooperation.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def annotated(project):
    return Project.objects.with_delay().get(pk=project.pk)


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_a_project_without_milestones_is_not_delayed(hz_project):
    assert annotated(hz_project).is_delayed is False


def test_an_open_milestone_past_its_due_date_makes_the_project_delayed(hz_project):
    MilestoneFactory(project=hz_project, due_on=days(10))
    assert annotated(hz_project).is_delayed is False
    late = MilestoneFactory(project=hz_project, due_on=days(-1))
    assert annotated(hz_project).is_delayed is True
    assert not Project.objects.on_track().exists()
    # done, even late: no longer delayed
    late.done_on = days(0)
    late.save()
    assert annotated(hz_project).is_delayed is False
    assert list(Project.objects.on_track()) == [hz_project]


def test_due_today_is_not_yet_overdue(hz_project):
    MilestoneFactory(project=hz_project, due_on=days(0))
    assert annotated(hz_project).is_delayed is False


@pytest.mark.parametrize(
    ("status", "delayed"),
    [
        (Project.Status.PLANNED, True),
        (Project.Status.IN_PROGRESS, True),
        (Project.Status.COMPLETED, False),
        (Project.Status.SUSPENDED, False),
    ],
)
def test_only_running_projects_can_be_delayed(hz_project, status, delayed):
    MilestoneFactory(project=hz_project, due_on=days(-5))
    Project.objects.filter(pk=hz_project.pk).update(status=status)
    assert annotated(hz_project).is_delayed is delayed


def test_delay_follows_the_date_it_is_asked_for(hz_project):
    MilestoneFactory(project=hz_project, due_on=days(3))
    assert Project.objects.with_delay(on=days(4)).get().is_delayed is True
    assert Project.objects.with_delay(on=days(3)).get().is_delayed is False


def test_there_is_no_stored_delay_field():
    assert "is_delayed" not in {f.name for f in Project._meta.get_fields()}
