"""The cooperation services: the lead's staff change their projects, milestones and venues,
partners report progress, outsiders and leaders are refused, every write names its actor on
the history row; status moves only along the allowed transitions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cooperation import services
from cooperation.models import Agreement, AgreementPhase, Milestone, ProgressUpdate, Project, Venue
from tests.cooperation.factories import (
    MilestoneFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

S = Project.Status
OUTSIDERS = ["nb_staff", "wz_staff", "hz_leader"]  # partner, third city, a role that only reads


def status_of(project):
    return Project.objects.get(pk=project.pk).status


def new_project(agreement, pillars, **fields):
    return Project(
        agreement=agreement,
        pillar=pillars["skills"],
        title="两市焊工技能比武",
        planned_start=datetime.date(2026, 3, 1),
        planned_end=datetime.date(2026, 12, 31),
        **fields,
    )


# --- status --------------------------------------------------------------------------------


def test_the_normal_path(hz_project, hz_staff):
    services.project_status_change(actor=hz_staff, project=hz_project, status=S.IN_PROGRESS)
    services.project_status_change(actor=hz_staff, project=hz_project, status=S.COMPLETED)
    assert status_of(hz_project) == S.COMPLETED
    assert hz_project.history.latest().history_user == hz_staff


def test_suspend_and_resume(hz_project, hz_staff):
    services.project_status_change(actor=hz_staff, project=hz_project, status=S.SUSPENDED)
    services.project_status_change(actor=hz_staff, project=hz_project, status=S.IN_PROGRESS)
    services.project_status_change(actor=hz_staff, project=hz_project, status=S.SUSPENDED)
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
        services.project_status_change(actor=hz_staff, project=hz_project, status=target)
    assert raised.value.code == "illegal_transition"
    with translation.override("zh-hans"):
        assert raised.value.messages[0].startswith("项目状态不能从“")
    assert status_of(hz_project) == start


def test_english_message(hz_project, hz_staff):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        services.project_status_change(actor=hz_staff, project=hz_project, status=S.COMPLETED)
    with translation.override("en"):  # the message is lazy: it speaks the active language
        assert raised.value.messages == ["A project cannot go from “planned” to “completed”."]


def test_a_project_update_never_moves_the_status(hz_project, hz_staff):
    """Only project_status_change moves the status: a changed project keeps the stored one."""
    hz_project.status = S.COMPLETED
    hz_project.title = "改了标题"
    services.project_update(actor=hz_staff, project=hz_project)
    assert status_of(hz_project) == S.PLANNED
    assert Project.objects.get(pk=hz_project.pk).title == "改了标题"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_lead_staff_change_the_status(hz_project, request, who):
    with pytest.raises(PermissionDenied):
        services.project_status_change(
            actor=request.getfixturevalue(who), project=hz_project, status=S.IN_PROGRESS
        )
    assert status_of(hz_project) == S.PLANNED


# --- projects ------------------------------------------------------------------------------


def test_a_new_project_is_led_by_the_actors_federation(hz_staff, hz, nb, agreement, pillars):
    project = services.project_create(
        actor=hz_staff,
        project=new_project(agreement, pillars, status=S.COMPLETED),
        partner_federations=[nb],
    )
    assert project.lead_federation == hz
    assert project.status == S.PLANNED
    assert list(project.partner_federations.all()) == [nb]
    assert {r.history_user for r in project.history.all()} == {hz_staff}


def test_staff_cannot_create_a_project_for_another_federation(hz_staff, nb, agreement, pillars):
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=hz_staff, project=new_project(agreement, pillars, lead_federation=nb)
        )
    assert not Project.objects.exists()


@pytest.mark.parametrize("who", ["hz_leader", "hz_judge"])
def test_roles_that_only_read_create_no_project(request, who, agreement, pillars):
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=request.getfixturevalue(who), project=new_project(agreement, pillars)
        )
    assert not Project.objects.exists()


def test_partners_are_parties_to_the_agreement(hz_staff, wz, agreement, pillars):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.project_create(
            actor=hz_staff, project=new_project(agreement, pillars), partner_federations=[wz]
        )
    assert raised.value.message_dict["partner_federations"] == [
        "温州市总工会 不是所选协议的签约方。"
    ]
    assert not Project.objects.exists()


def test_the_lead_is_a_party_to_the_agreement(superuser, wz, agreement, pillars):
    """An administrator names the lead in the admin; it must be a party too."""
    with pytest.raises(ValidationError) as raised:
        services.project_create(
            actor=superuser, project=new_project(agreement, pillars, lead_federation=wz)
        )
    assert "agreement" in raised.value.message_dict


def test_the_lead_changes_a_project(hz_project, hz_staff):
    hz_project.title = "杭甬职工技能竞赛（第二届）"
    services.project_update(actor=hz_staff, project=hz_project, partner_federations=[])
    hz_project.refresh_from_db()
    assert hz_project.title == "杭甬职工技能竞赛（第二届）"
    assert not hz_project.partner_federations.exists()
    assert hz_project.history.latest().history_user == hz_staff


@pytest.mark.parametrize("who", OUTSIDERS)
def test_others_cannot_change_a_project(hz_project, request, who):
    hz_project.title = "被改了"
    with pytest.raises(PermissionDenied):
        services.project_update(actor=request.getfixturevalue(who), project=hz_project)
    assert Project.objects.get(pk=hz_project.pk).title == "杭甬职工技能竞赛"


def test_staff_cannot_move_their_project_to_another_federation(hz_project, hz_staff, hz, nb):
    hz_project.lead_federation = nb
    with pytest.raises(PermissionDenied):
        services.project_update(actor=hz_staff, project=hz_project)
    assert Project.objects.get(pk=hz_project.pk).lead_federation == hz


# --- milestones ----------------------------------------------------------------------------


def test_the_lead_plans_milestones(hz_project, hz_staff):
    milestone = services.milestone_create(
        actor=hz_staff,
        project=hz_project,
        milestone=Milestone(title="决赛", due_on=datetime.date(2030, 5, 1)),
    )
    services.milestone_mark_done(actor=hz_staff, milestone=milestone, done_on=timezone.localdate())
    assert Milestone.objects.get().done_on == timezone.localdate()
    assert [r.history_user for r in milestone.history.all()] == [hz_staff, hz_staff]
    pk = milestone.pk
    services.milestone_delete(actor=hz_staff, milestone=milestone)
    assert not Milestone.objects.exists()
    deleted = Milestone.history.filter(id=pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", hz_staff)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_others_cannot_plan_milestones(hz_project, request, who):
    actor = request.getfixturevalue(who)
    milestone = MilestoneFactory(project=hz_project, title="初赛")
    with pytest.raises(PermissionDenied):
        services.milestone_create(
            actor=actor,
            project=hz_project,
            milestone=Milestone(title="决赛", due_on=datetime.date(2030, 5, 1)),
        )
    milestone.title = "被改了"
    with pytest.raises(PermissionDenied):
        services.milestone_update(actor=actor, milestone=milestone)
    with pytest.raises(PermissionDenied):
        services.milestone_delete(actor=actor, milestone=milestone)
    assert list(Milestone.objects.values_list("title", flat=True)) == ["初赛"]


# --- progress updates ----------------------------------------------------------------------


def report(project, **fields):
    return ProgressUpdate(
        project=project, happened_on=timezone.localdate(), text="完成初赛组织", **fields
    )


@pytest.mark.parametrize("who", ["hz_staff", "nb_staff"])
def test_lead_and_partner_report_for_their_own_federation(hz_project, request, who):
    actor = request.getfixturevalue(who)
    update = services.progress_update_create(
        actor=actor, update=report(hz_project), files=[pdf_upload("通知.pdf")]
    )
    assert update.federation.code == who[:2].upper()
    assert update.author == actor
    assert update.attachments.get().original_name == "通知.pdf"
    assert update.history.get().history_user == actor


@pytest.mark.parametrize("who", ["wz_staff", "hz_leader"])
def test_outsiders_and_leaders_report_nothing(hz_project, request, who):
    with pytest.raises(PermissionDenied):
        services.progress_update_create(
            actor=request.getfixturevalue(who), update=report(hz_project)
        )
    assert not ProgressUpdate.objects.exists()


def test_a_partner_reports_only_where_it_takes_part(agreement, hz, nb_staff):
    solo = ProjectFactory(agreement=agreement, lead_federation=hz, title="杭州独自承担")
    with pytest.raises(PermissionDenied):
        services.progress_update_create(actor=nb_staff, update=report(solo))


def test_each_federation_changes_only_its_own_updates(hz_project, hz, nb, hz_staff, nb_staff):
    ours = ProgressUpdateFactory(project=hz_project, federation=nb, text="宁波的进展")
    ours.text = "宁波的进展（更正）"
    services.progress_update_update(actor=nb_staff, update=ours)
    assert ours.history.latest().history_user == nb_staff
    ours.text = "杭州改了宁波的进展"
    with pytest.raises(PermissionDenied):
        services.progress_update_update(actor=hz_staff, update=ours)
    assert ProgressUpdate.objects.get().text == "宁波的进展（更正）"


# --- venues --------------------------------------------------------------------------------


def venue(**fields):
    fields = {
        "name": "滨江区职工服务驿站",
        "kind": Venue.Kind.SERVICE_STATION,
        "address": "滨江区",
        **fields,
    }
    return Venue(**fields)


def test_a_new_venue_belongs_to_the_actors_federation(hz_staff, hz):
    created = services.venue_create(actor=hz_staff, venue=venue())
    assert created.federation == hz
    assert created.history.get().history_user == hz_staff


def test_a_duplicate_venue_name_is_refused_with_a_message(hz_staff, hz_venue):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.venue_create(actor=hz_staff, venue=venue(name=hz_venue.name))
    with translation.override("zh-hans"):
        assert raised.value.message_dict["name"] == ["本市总工会已有名为 杭州市职工学校 的阵地。"]


def test_staff_cannot_add_a_venue_to_another_federation(hz_staff, nb):
    with pytest.raises(PermissionDenied):
        services.venue_create(actor=hz_staff, venue=venue(federation=nb))
    assert not Venue.objects.exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_others_cannot_change_a_venue(hz_venue, request, who):
    actor = request.getfixturevalue(who)
    hz_venue.name = "被改了"
    with pytest.raises(PermissionDenied):
        services.venue_update(actor=actor, venue=hz_venue)
    with pytest.raises(PermissionDenied):
        services.venue_delete(actor=actor, venue=hz_venue)
    assert Venue.objects.get().name == "杭州市职工学校"


# --- the agreement -------------------------------------------------------------------------


def test_the_administrator_keeps_the_documents_uploaded_name(superuser, agreement):
    services.agreement_save(
        actor=superuser, agreement=agreement, document=pdf_upload("杭甬合作协议.pdf")
    )
    agreement.refresh_from_db()
    assert agreement.document_name == "杭甬合作协议.pdf"
    assert "杭甬" not in agreement.document.name  # stored under a generated name
    assert agreement.history.latest().history_user == superuser


@pytest.mark.parametrize("who", ["hz_staff", "nb_staff", "wz_staff"])
def test_staff_do_not_change_the_agreement(request, who, agreement, wz):
    agreement.title = "改了"
    with pytest.raises(PermissionDenied):
        services.agreement_save(
            actor=request.getfixturevalue(who), agreement=agreement, parties=[wz]
        )
    assert not Agreement.objects.filter(parties=wz).exists()
    phase = AgreementPhase(
        agreement=agreement,
        name="建立机制",
        starts_on=datetime.date(2021, 7, 15),
        ends_on=datetime.date(2022, 6, 30),
    )
    with pytest.raises(PermissionDenied):
        services.agreement_phase_save(actor=request.getfixturevalue(who), phase=phase)


# --- outside a request ---------------------------------------------------------------------


def test_a_command_writes_with_its_reason_and_no_user(hz, nb, agreement, pillars):
    project = services.project_create(
        actor=None,
        project=new_project(agreement, pillars, lead_federation=hz),
        partner_federations=[nb],
        reason="seed_demo",
    )
    record = project.history.earliest()
    assert record.history_user is None
    assert record.history_change_reason == "seed_demo"
