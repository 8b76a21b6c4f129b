"""The admin obeys the same scoping as the pages; the five commons are read-only."""

import pytest

from cooperation.models import Milestone, Pillar, Project, Venue
from tests.cooperation.factories import pdf_upload

pytestmark = pytest.mark.django_db


def test_commons_cannot_be_changed_even_by_the_administrator(client, superuser):
    client.force_login(superuser)
    pillar = Pillar.objects.get(key="skills")
    assert client.get("/admin/cooperation/pillar/").status_code == 200
    assert client.get("/admin/cooperation/pillar/add/").status_code == 403
    response = client.post(
        f"/admin/cooperation/pillar/{pillar.pk}/change/", {"name_zh": "改名", "position": 3}
    )
    assert response.status_code == 403
    pillar.refresh_from_db()
    assert pillar.name_zh == "技能共同提升"


def test_project_admin_list_is_scoped(client, hz_staff, wz_staff, hz_project, wz_project):
    client.force_login(hz_staff)
    text = client.get("/admin/cooperation/project/").text
    assert hz_project.title in text and wz_project.title not in text
    client.force_login(wz_staff)
    assert hz_project.title not in client.get("/admin/cooperation/project/").text


def test_partner_cannot_change_the_lead_project_in_the_admin(client, nb_staff, hz_project):
    client.force_login(nb_staff)
    url = f"/admin/cooperation/project/{hz_project.pk}/change/"
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, {"title": "被伙伴改了"})
    assert response.status_code == 403
    assert Project.objects.get(pk=hz_project.pk).title == hz_project.title


def test_outsider_gets_nothing_in_the_admin(client, wz_staff, hz_project, hz_venue):
    client.force_login(wz_staff)
    assert client.get(f"/admin/cooperation/project/{hz_project.pk}/change/").status_code in (
        302,
        404,
    )
    assert hz_venue.name not in client.get("/admin/cooperation/venue/").text


def test_the_lead_edits_in_the_admin_within_the_rules(client, hz_staff, hz_project, agreement):
    client.force_login(hz_staff)
    url = f"/admin/cooperation/project/{hz_project.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    # the owner list offers only the lead federation's people, the lead only its own
    assert set(form.fields["lead_federation"].queryset) == {hz_project.lead_federation}
    assert hz_staff in form.fields["owner"].queryset


def project_admin_data(project, agreement, **extra):
    data = {
        "pillar": project.pillar_id,
        "agreement": agreement.pk,
        "title": project.title,
        "lead_federation": project.lead_federation_id,
        "partner_federations": [f.pk for f in project.partner_federations.all()],
        "planned_start": "2025-03-01",
        "planned_end": "2026-12-31",
        "target_beneficiaries": "100",
        "actual_beneficiaries": "10",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_admin_writes_go_through_the_services(client, hz_staff, hz_project, agreement):
    """A change with a new milestone: both rows name the signed-in user in their history."""
    client.force_login(hz_staff)
    data = project_admin_data(
        hz_project,
        agreement,
        title="杭甬职工技能竞赛（第二届）",
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-0-title": "决赛",
            "milestones-0-due_on": "2030-05-01",
        },
    )
    response = client.post(f"/admin/cooperation/project/{hz_project.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    hz_project.refresh_from_db()
    assert hz_project.title == "杭甬职工技能竞赛（第二届）"
    assert hz_project.history.latest().history_user == hz_staff
    milestone = Milestone.objects.get()
    assert milestone.history.get().history_user == hz_staff


def test_admin_refuses_a_partner_outside_the_agreement(
    client, superuser, hz_project, agreement, wz
):
    client.force_login(superuser)
    data = project_admin_data(hz_project, agreement, partner_federations=[wz.pk])
    response = client.post(f"/admin/cooperation/project/{hz_project.pk}/change/", data)
    assert response.status_code == 200
    assert "不是所选协议的签约方" in response.text
    assert not hz_project.partner_federations.filter(pk=wz.pk).exists()


def test_admin_adds_a_venue_of_the_users_federation(client, hz_staff, hz):
    client.force_login(hz_staff)
    data = {"federation": hz.pk, "name": "滨江区职工服务驿站", "kind": "service_station",
            "address": "滨江区", "open_to_partners": "on"}  # fmt: skip
    assert client.post("/admin/cooperation/venue/add/", data).status_code == 302
    venue = Venue.objects.get()
    assert (venue.federation, venue.history.get().history_user) == (hz, hz_staff)


def test_admin_bulk_delete_goes_through_the_service(client, superuser, hz_venue, nb_venue):
    client.force_login(superuser)
    response = client.post(
        "/admin/cooperation/venue/",
        {
            "action": "delete_selected",
            "_selected_action": [hz_venue.pk, nb_venue.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Venue.objects.exists()
    assert set(Venue.history.filter(history_type="-").values_list("history_user", flat=True)) == {
        superuser.pk
    }


def test_admin_agreement_keeps_the_documents_name_and_its_phases(client, superuser, agreement):
    client.force_login(superuser)
    data = {
        "title": agreement.title,
        "parties": [p.pk for p in agreement.parties.all()],
        "signed_on": "2021-07-15",
        "valid_from": "2021-07-15",
        "document": pdf_upload("杭甬合作协议.pdf"),
        "phases-TOTAL_FORMS": "1",
        "phases-INITIAL_FORMS": "0",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
        "phases-0-name": "建立机制",
        "phases-0-starts_on": "2021-07-15",
        "phases-0-ends_on": "2022-06-30",
    }
    response = client.post(f"/admin/cooperation/agreement/{agreement.pk}/change/", data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.document_name == "杭甬合作协议.pdf"
    assert agreement.history.latest().history_user == superuser
    assert agreement.phases.get().history.get().history_user == superuser
