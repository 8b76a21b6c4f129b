"""Status transitions: planned → in progress → completed, or suspended; nothing else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cooperation import services
from cooperation.models import Project

pytestmark = pytest.mark.django_db

S = Project.Status


def status_of(project):
    return Project.objects.get(pk=project.pk).status


def test_the_normal_path(hz_project, hz_staff):
    services.project_change_status(actor=hz_staff, project=hz_project, status=S.IN_PROGRESS)
    services.project_change_status(actor=hz_staff, project=hz_project, status=S.COMPLETED)
    assert status_of(hz_project) == S.COMPLETED


def test_suspend_and_resume(hz_project, hz_staff):
    services.project_change_status(actor=hz_staff, project=hz_project, status=S.SUSPENDED)
    services.project_change_status(actor=hz_staff, project=hz_project, status=S.IN_PROGRESS)
    services.project_change_status(actor=hz_staff, project=hz_project, status=S.SUSPENDED)
    assert status_of(hz_project) == S.SUSPENDED


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.PLANNED, S.COMPLETED),
        (S.SUSPENDED, S.COMPLETED),
        (S.COMPLETED, S.IN_PROGRESS),
        (S.COMPLETED, S.SUSPENDED),
        (S.IN_PROGRESS, S.PLANNED),
        (S.PLANNED, S.PLANNED),
    ],
)
def test_illegal_transitions_are_refused_with_a_translated_message(
    hz_project, hz_staff, start, target
):
    Project.objects.filter(pk=hz_project.pk).update(status=start)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.project_change_status(actor=hz_staff, project=hz_project, status=target)
    assert raised.value.code == "illegal_transition"
    with translation.override("zh-hans"):
        assert raised.value.messages[0].startswith("项目状态不能从“")
    assert status_of(hz_project) == start


def test_english_message(hz_project, hz_staff):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        services.project_change_status(actor=hz_staff, project=hz_project, status=S.COMPLETED)
    with translation.override("en"):  # the message is lazy: it speaks the active language
        assert raised.value.messages == ["A project cannot go from “planned” to “completed”."]


def test_saving_any_other_way_obeys_the_same_rule(hz_project):
    """The admin saves through full_clean: an illegal jump is refused there too."""
    hz_project.status = S.COMPLETED
    with pytest.raises(ValidationError) as raised:
        hz_project.full_clean()
    assert "status" in raised.value.message_dict


@pytest.mark.parametrize("who", ["nb_staff", "wz_staff", "hz_leader"])
def test_only_lead_staff_change_the_status(hz_project, request, who):
    with pytest.raises(PermissionDenied):
        services.project_change_status(
            actor=request.getfixturevalue(who), project=hz_project, status=S.IN_PROGRESS
        )
    assert status_of(hz_project) == S.PLANNED
