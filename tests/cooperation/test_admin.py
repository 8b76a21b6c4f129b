"""The admin obeys the same scoping as the pages; the five commons are read-only."""

import pytest

from cooperation.models import Pillar, Project

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
