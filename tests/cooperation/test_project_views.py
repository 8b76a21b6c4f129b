"""Project pages: everyone in the agreement reads, the lead federation's staff change,
partners add progress updates, an outsider gets 404."""

import datetime

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Milestone, Project
from cooperation.views import PAGE_SIZE
from tests.cooperation.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

S = Project.Status


def url(name, *args):
    return reverse(f"cooperation:{name}", args=args)


def project_form_data(agreement, pillars, **extra):
    data = {
        "pillar": pillars["skills"].pk,
        "agreement": agreement.pk,
        "title": "两市焊工技能比武",
        "description": "两地焊工同台竞技",
        "department": "经济技术部",
        "planned_start": "2026-03-01",
        "planned_end": "2026-12-31",
        "target_beneficiaries": "500",
        "actual_beneficiaries": "0",
    }
    data.update(extra)
    return data


# --- list ----------------------------------------------------------------------------------


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(url("projects"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_list_shows_own_and_partner_projects_not_outsiders(
    client, hz_staff, hz_project, nb_project, wz_project
):
    client.force_login(hz_staff)
    response = client.get(url("projects"))
    assert response.status_code == 200
    assert hz_project.title in response.text
    assert nb_project.title in response.text
    assert wz_project.title not in response.text


def test_outsider_lists_only_its_own(client, wz_staff, hz_project, wz_project):
    client.force_login(wz_staff)
    response = client.get(url("projects"))
    assert wz_project.title in response.text
    assert hz_project.title not in response.text


def test_list_filters(client, hz_staff, hz_project, nb_project, pillars):
    client.force_login(hz_staff)
    MilestoneFactory(project=nb_project, due_on=timezone.localdate() - datetime.timedelta(days=2))
    Project.objects.filter(pk=hz_project.pk).update(status=S.IN_PROGRESS)

    def titles(**params):
        text = client.get(url("projects"), params).text
        return {p.title for p in (hz_project, nb_project) if p.title in text}

    assert titles(pillar="skills") == {hz_project.title}
    assert titles(status="in_progress") == {hz_project.title}
    assert titles(delayed="yes") == {nb_project.title}
    assert titles(delayed="no") == {hz_project.title}
    assert titles(q="疗休养") == {nb_project.title}
    assert titles(year="2026") == {hz_project.title, nb_project.title}
    assert titles(year="2025") == {hz_project.title, nb_project.title}
    # a federation filter finds the projects it leads or is a partner in
    assert titles(federation="NB") == {hz_project.title, nb_project.title}


def test_year_filter_uses_the_planned_period(client, hz_staff, agreement, hz, hz_project):
    client.force_login(hz_staff)
    ProjectFactory(
        agreement=agreement, lead_federation=hz, title="二〇二二年的项目",
        planned_start=datetime.date(2022, 1, 1), planned_end=datetime.date(2022, 6, 30),
    )  # fmt: skip
    assert "二〇二二年的项目" in client.get(url("projects"), {"year": "2022"}).text
    assert "二〇二二年的项目" not in client.get(url("projects"), {"year": "2025"}).text


def test_list_query_count_does_not_grow_with_rows(
    client, hz_staff, agreement, hz, nb, pillars, django_assert_num_queries
):
    def add(n):
        for i in range(n):
            project = ProjectFactory(
                agreement=agreement, lead_federation=hz if i % 2 else nb, partners=[nb, hz]
            )
            MilestoneFactory(project=project, due_on=datetime.date(2020, 1, 1))

    client.force_login(hz_staff)
    # One row first: a query per row would then show as a difference with a full page.
    add(1)
    client.get(url("projects"))  # warm the session
    with CaptureQueriesContext(__import__("django.db").db.connection) as first:
        response = client.get(url("projects"), {"delayed": "yes"})
    assert response.context["page"].paginator.count == 1
    add(PAGE_SIZE * 2)
    with django_assert_num_queries(len(first)):
        response = client.get(url("projects"), {"delayed": "yes"})
    assert response.context["page"].paginator.count == PAGE_SIZE * 2 + 1
    assert len(response.context["page"].object_list) == PAGE_SIZE


def test_page_links_keep_the_filters(client, hz_staff, agreement, hz, pillars):
    for _ in range(PAGE_SIZE + 1):
        ProjectFactory(agreement=agreement, lead_federation=hz, status=S.IN_PROGRESS)
    client.force_login(hz_staff)
    response = client.get(url("projects"), {"status": "in_progress"})
    assert "?status=in_progress&amp;page=2" in response.text
    second = client.get(url("projects"), {"status": "in_progress", "page": "2"})
    assert len(second.context["page"].object_list) == 1


# --- detail --------------------------------------------------------------------------------


def test_lead_sees_the_working_page_with_edit_controls(client, hz_staff, hz_project):
    client.force_login(hz_staff)
    response = client.get(hz_project.get_absolute_url())
    assert response.status_code == 200
    assert url("project_update", hz_project.pk) in response.text
    assert url("project_status", hz_project.pk) in response.text
    assert url("milestone_add", hz_project.pk) in response.text
    assert url("update_add", hz_project.pk) in response.text


def test_partner_reads_and_may_add_updates_but_not_edit(client, nb_staff, hz_project):
    client.force_login(nb_staff)
    response = client.get(hz_project.get_absolute_url())
    assert response.status_code == 200
    assert hz_project.title in response.text
    assert url("update_add", hz_project.pk) in response.text
    assert url("project_update", hz_project.pk) not in response.text
    assert url("project_status", hz_project.pk) not in response.text
    assert url("milestone_add", hz_project.pk) not in response.text


def test_leader_reads_but_adds_nothing(client, hz_leader, hz_project):
    client.force_login(hz_leader)
    response = client.get(hz_project.get_absolute_url())
    assert response.status_code == 200
    assert url("update_add", hz_project.pk) not in response.text
    assert url("project_update", hz_project.pk) not in response.text


def test_outsider_gets_404_for_a_private_project(client, wz_staff, hz_project):
    client.force_login(wz_staff)
    assert client.get(hz_project.get_absolute_url()).status_code == 404


def test_timeline_combines_milestones_and_updates_in_date_order(client, hz_staff, hz_project):
    from tests.cooperation.factories import ProgressUpdateFactory

    MilestoneFactory(project=hz_project, title="决赛", due_on=datetime.date(2030, 5, 1))
    ProgressUpdateFactory(
        project=hz_project, text="初赛完成", happened_on=datetime.date(2025, 5, 1)
    )
    MilestoneFactory(project=hz_project, title="报名", due_on=datetime.date(2025, 1, 1))
    client.force_login(hz_staff)
    text = client.get(hz_project.get_absolute_url()).text
    assert text.index("报名") < text.index("初赛完成") < text.index("决赛")


# --- create and edit -----------------------------------------------------------------------


def test_lead_staff_create_a_project_for_their_federation(
    client, hz_staff, agreement, hz, nb, pillars
):
    client.force_login(hz_staff)
    assert client.get(url("project_create")).status_code == 200
    data = project_form_data(agreement, pillars, partner_federations=[nb.pk], status="completed")
    response = client.post(url("project_create"), data)
    project = Project.objects.get(title="两市焊工技能比武")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert project.lead_federation == hz
    assert list(project.partner_federations.all()) == [nb]
    assert project.status == S.PLANNED  # never set by the form
    assert project.history.first().history_user == hz_staff


def test_a_partner_outside_the_agreement_is_refused(client, hz_staff, agreement, wz, pillars):
    client.force_login(hz_staff)
    response = client.post(
        url("project_create"), project_form_data(agreement, pillars, partner_federations=[wz.pk])
    )
    assert response.status_code == 200
    assert not Project.objects.exists()
    assert "partner_federations" in response.context["form"].errors


def test_reversed_dates_are_refused_in_chinese(client, hz_staff, agreement, pillars):
    client.force_login(hz_staff)
    data = project_form_data(agreement, pillars, planned_end="2025-01-01")
    response = client.post(url("project_create"), data)
    assert "计划完成日期不能早于计划开始日期。" in response.text
    assert not Project.objects.exists()


def test_leaders_and_outsiders_cannot_create(client, hz_leader, wz_staff, agreement, pillars):
    client.force_login(hz_leader)
    assert client.get(url("project_create")).status_code == 403
    client.force_login(wz_staff)
    response = client.post(url("project_create"), project_form_data(agreement, pillars))
    # WZ is no party to the agreement: the form offers no such agreement
    assert response.status_code == 200
    assert not Project.objects.exists()


def test_edit_owner_partner_outsider(client, hz_staff, nb_staff, wz_staff, hz_project, agreement):
    edit = url("project_update", hz_project.pk)
    client.force_login(nb_staff)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"title": "被改"}).status_code == 404
    client.force_login(wz_staff)
    assert client.get(edit).status_code == 404
    client.force_login(hz_staff)
    assert client.get(edit).status_code == 200
    data = project_form_data(
        agreement, {"skills": hz_project.pillar}, title="杭甬职工技能竞赛（第二届）"
    )
    assert client.post(edit, data).status_code == 302
    hz_project.refresh_from_db()
    assert hz_project.title == "杭甬职工技能竞赛（第二届）"
    # the change itself (old → new) is in the history shown on the page
    page = client.get(hz_project.get_absolute_url()).text
    assert "杭甬职工技能竞赛 → 杭甬职工技能竞赛（第二届）" in page


def test_milestone_changes_show_in_the_project_history(client, hz_staff, hz_project):
    from tests.cooperation.factories import MilestoneFactory

    milestone = MilestoneFactory(project=hz_project, title="初赛")
    milestone.title = "两地初赛"
    milestone.save()
    client.force_login(hz_staff)
    assert "初赛 → 两地初赛" in client.get(hz_project.get_absolute_url()).text


def test_detail_query_count_does_not_grow_with_milestones(
    client, hz_staff, hz_project, django_assert_num_queries
):
    from tests.cooperation.factories import MilestoneFactory

    client.force_login(hz_staff)
    MilestoneFactory(project=hz_project)
    client.get(hz_project.get_absolute_url())
    with CaptureQueriesContext(__import__("django.db").db.connection) as first:
        client.get(hz_project.get_absolute_url())
    for _ in range(10):
        MilestoneFactory(project=hz_project)
    with django_assert_num_queries(len(first)):
        client.get(hz_project.get_absolute_url())


# --- status --------------------------------------------------------------------------------


def test_status_buttons_move_the_project(client, hz_staff, hz_project):
    client.force_login(hz_staff)
    response = client.post(url("project_status", hz_project.pk), {"status": "in_progress"})
    assert response.status_code == 302
    hz_project.refresh_from_db()
    assert hz_project.status == S.IN_PROGRESS


def test_an_illegal_status_is_refused_with_a_message(client, hz_staff, hz_project):
    client.force_login(hz_staff)
    response = client.post(
        url("project_status", hz_project.pk), {"status": "completed"}, follow=True
    )
    assert "项目状态不能从“计划中”变为“已完成”。" in response.text
    hz_project.refresh_from_db()
    assert hz_project.status == S.PLANNED


def test_partner_and_outsider_cannot_change_the_status(client, nb_staff, wz_staff, hz_project):
    for user in (nb_staff, wz_staff):
        client.force_login(user)
        response = client.post(url("project_status", hz_project.pk), {"status": "in_progress"})
        assert response.status_code == 404
    hz_project.refresh_from_db()
    assert hz_project.status == S.PLANNED


# --- milestones ----------------------------------------------------------------------------


def test_lead_adds_a_milestone(client, hz_staff, hz_project):
    client.force_login(hz_staff)
    response = client.post(
        url("milestone_add", hz_project.pk),
        {"milestone-title": "决赛", "milestone-due_on": "2026-10-01"},
    )
    assert response.status_code == 302
    assert hz_project.milestones.get().title == "决赛"


def test_a_milestone_without_a_title_is_refused(client, hz_staff, hz_project):
    client.force_login(hz_staff)
    response = client.post(url("milestone_add", hz_project.pk), {"milestone-due_on": "2026-10-01"})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.text
    assert not Milestone.objects.exists()


def test_partner_and_outsider_cannot_add_milestones(client, nb_staff, wz_staff, hz_project):
    for user in (nb_staff, wz_staff):
        client.force_login(user)
        response = client.post(
            url("milestone_add", hz_project.pk),
            {"milestone-title": "决赛", "milestone-due_on": "2026-10-01"},
        )
        assert response.status_code == 404
    assert not Milestone.objects.exists()


def test_milestone_edit_and_done(client, hz_staff, nb_staff, wz_staff, hz_project):
    milestone = MilestoneFactory(project=hz_project, due_on=datetime.date(2020, 1, 1))
    for user in (nb_staff, wz_staff):
        client.force_login(user)
        assert client.get(url("milestone_update", milestone.pk)).status_code == 404
        assert client.post(url("milestone_done", milestone.pk)).status_code == 404
    milestone.refresh_from_db()
    assert milestone.done_on is None
    client.force_login(hz_staff)
    assert client.get(url("milestone_update", milestone.pk)).status_code == 200
    assert client.post(url("milestone_done", milestone.pk)).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    response = client.post(
        url("milestone_update", milestone.pk),
        {"title": "改期", "due_on": "2031-01-01", "done_on": "2099-01-01"},
    )
    assert response.status_code == 200
    assert "节点的完成日期不能晚于今天。" in response.text
