"""The staff lists build their rows in Python (members.rows, each app's rows.py): whatever
a user typed is escaped there as the template language would escape it, never written out
as markup."""

import pytest
from django.urls import reverse

from members.models import Notification
from tests.cooperation.factories import (
    ContactFactory,
    MeetingFactory,
    ProjectFactory,
    VenueFactory,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TYPED = '<b onclick="x()">A&B</b>'
ESCAPED = "&lt;b onclick=&quot;x()&quot;&gt;A&amp;B&lt;/b&gt;"


def test_typed_text_in_every_list_row_is_escaped(client, hz_staff, hz, hz_org, agreement):
    ProjectFactory(agreement=agreement, lead_federation=hz, title=TYPED)
    VenueFactory(federation=hz, name=TYPED, opening_hours=TYPED)
    ContactFactory(federation=hz, name=TYPED, department=TYPED)
    MeetingFactory(host_federation=hz, title=TYPED, place=TYPED)
    MemberFactory(organisation=hz_org, name=TYPED)
    Notification.objects.create(
        recipient=hz_staff, event_key="x", subject=TYPED, body=f"{TYPED}\nline 2"
    )
    client.force_login(hz_staff)
    for name in [
        "cooperation:projects",
        "cooperation:venues",
        "cooperation:contacts",
        "cooperation:meetings",
        "members:list",
        "inbox:list",
    ]:
        page = client.get(reverse(name)).text
        assert TYPED not in page, name
        assert ESCAPED in page, name
    # The message body keeps its line breaks, and only those, as markup.
    assert f"{ESCAPED}<br>line 2" in client.get(reverse("inbox:list")).text


def test_a_form_in_a_row_carries_a_token_that_the_csrf_check_accepts(hz_staff):
    import re

    from django.test import Client

    note = Notification.objects.create(recipient=hz_staff, event_key="x", subject="x")
    client = Client(enforce_csrf_checks=True)
    client.force_login(hz_staff)
    page = client.get(reverse("inbox:list")).text
    action = reverse("inbox:read", args=[note.pk])
    token = re.search(
        rf'action="{action}" class="d-flex gap-2">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        page,
    ).group(1)
    assert client.post(action).status_code == 403
    note.refresh_from_db()
    assert not note.is_read
    assert client.post(action, {"csrfmiddlewaretoken": token}).status_code == 302
    note.refresh_from_db()
    assert note.is_read
