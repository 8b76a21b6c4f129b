"""The liaison admin: scoped like the pages, writing through the services (the actor on the
history row, the own federation, status moved only on the meeting's page)."""

import datetime

import pytest
from django.utils import timezone

from cooperation.models import ActionItem, Contact, Meeting
from tests.cooperation.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def test_contact_added_in_the_admin_is_the_own_federations(client, hz_staff, hz, nb):
    client.force_login(hz_staff)
    form = client.get("/admin/cooperation/contact/add/").context["adminform"].form
    assert set(form.fields["federation"].queryset) == {hz}
    response = client.post(
        "/admin/cooperation/contact/add/",
        {"federation": hz.pk, "level": "department", "name": "后台新增", "department": "办公室"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="后台新增")
    assert contact.federation == hz
    assert contact.history.get().history_user == hz_staff
    # Another federation is not offered, and not accepted either.
    client.post(
        "/admin/cooperation/contact/add/",
        {"federation": nb.pk, "level": "department", "name": "替宁波加的"},
    )
    assert not Contact.objects.filter(name="替宁波加的").exists()


def test_meeting_admin_keeps_the_status_and_is_scoped(
    client, hz_staff, nb_staff, wz_staff, hz_meeting, hz
):
    url = f"/admin/cooperation/meeting/{hz_meeting.pk}/change/"
    client.force_login(hz_staff)
    starts = timezone.localtime(hz_meeting.starts_at)
    data = {
        "title": "后台改名",
        "level": hz_meeting.level,
        "host_federation": hz.pk,
        "starts_at_0": starts.date().isoformat(),
        "starts_at_1": "09:00",
        "ends_at_0": starts.date().isoformat(),
        "ends_at_1": "10:00",
        "place": hz_meeting.place,
        "agenda": hz_meeting.agenda,
        "status": "held",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    hz_meeting.refresh_from_db()
    assert hz_meeting.title == "后台改名" and hz_meeting.status == "planned"
    assert hz_meeting.history.first().history_user == hz_staff
    client.force_login(nb_staff)
    assert client.post(url, {**data, "title": "宁波改的"}).status_code == 403
    client.force_login(wz_staff)
    assert "后台改名" not in client.get("/admin/cooperation/meeting/").text


def test_action_item_admin_changes_details_not_status(client, nb_staff, hz_staff, hz_meeting, nb):
    item = ActionItemFactory(outcome__meeting=hz_meeting, owner_federation=nb)
    url = f"/admin/cooperation/actionitem/{item.pk}/change/"
    client.force_login(hz_staff)  # the host, not the owner
    assert client.post(url, {"title": "x", "due_on": "2031-01-01"}).status_code == 403
    client.force_login(nb_staff)
    assert client.get("/admin/cooperation/actionitem/add/").status_code == 403
    response = client.post(url, {"title": "宁波改了期限", "due_on": "2031-01-01", "status": "done"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "宁波改了期限" and item.due_on == datetime.date(2031, 1, 1)
    assert item.status == ActionItem.Status.OPEN
    assert Meeting.objects.get(pk=hz_meeting.pk).status == "planned"
