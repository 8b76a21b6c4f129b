"""Meetings as iCalendar: a meeting's .ics for whoever reads it, and each user's feed of
upcoming meetings at an address with a token (a wrong or missing token is a 404; the user
makes a new one or stops it)."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from cooperation import services
from cooperation.models import CalendarFeed
from tests.cooperation.factories import MeetingFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_meeting_ics_parses_back(client, hz_staff, hz_meeting):
    client.force_login(hz_staff)
    response = client.get(reverse("cooperation:meeting_ics", args=[hz_meeting.pk]))
    assert response.status_code == 200
    assert f'filename="meeting-{hz_meeting.pk}.ics"' in response["Content-Disposition"]
    calendar = _parse(response)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "权益保障部季度对接会"
    assert str(event["LOCATION"]) == hz_meeting.place
    assert str(event["UID"]) == f"meeting-{hz_meeting.pk}@liaison.twin-city-portal"
    start = event.decoded("DTSTART")
    assert start == hz_meeting.starts_at
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTEND") == hz_meeting.ends_at
    assert "通报情况" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(hz_meeting.get_absolute_url())


def test_meeting_ics_partner_reads_outsider_404(client, nb_staff, wz_staff, hz_meeting):
    url = reverse("cooperation:meeting_ics", args=[hz_meeting.pk])
    client.force_login(nb_staff)
    assert client.get(url).status_code == 200
    client.force_login(wz_staff)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_cancelled_meeting_says_so(client, hz_staff, hz_meeting):
    services.meeting_cancel(actor=hz_staff, meeting=hz_meeting)
    client.force_login(hz_staff)
    (event,) = _parse(client.get(reverse("cooperation:meeting_ics", args=[hz_meeting.pk]))).walk(
        "VEVENT"
    )
    assert event["STATUS"] == "CANCELLED"


# --- the feed ----------------------------------------------------------------------------


def _feed(client):
    response = client.post(reverse("cooperation:calendar_regenerate"))
    assert response.status_code == 302
    return CalendarFeed.objects.get()


def test_feed_lists_upcoming_meetings_the_user_reads(
    client, hz_staff, hz, nb, hz_meeting, wz_meeting, past_hz_meeting
):
    services.meeting_mark_held(actor=None, meeting=past_hz_meeting)
    nb_meeting = MeetingFactory(host_federation=nb, title="宁波主办的会")
    client.force_login(hz_staff)
    feed = _feed(client)
    client.logout()  # a calendar program has no session
    response = client.get(reverse("cooperation:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    titles = {str(e["SUMMARY"]) for e in _parse(response).walk("VEVENT")}
    assert titles == {hz_meeting.title, nb_meeting.title}
    assert wz_meeting.title not in titles and past_hz_meeting.title not in titles


def test_feed_today_is_shanghai_today(client, monkeypatch, hz_staff, hz):
    # 01:00 on 11 March in Shanghai (still 10 March in UTC): a meeting at 00:30 that day is
    # of today, one at 23:00 on 10 March Shanghai time is of yesterday.
    moment = datetime.datetime(2026, 3, 10, 17, 0, tzinfo=datetime.UTC)
    early = datetime.datetime(2026, 3, 11, 0, 30, tzinfo=SHANGHAI)
    yesterday = datetime.datetime(2026, 3, 10, 23, 0, tzinfo=SHANGHAI)
    MeetingFactory(host_federation=hz, title="当天凌晨的会", starts_at=early, ends_at=early)
    MeetingFactory(host_federation=hz, title="昨晚的会", starts_at=yesterday, ends_at=yesterday)
    client.force_login(hz_staff)
    feed = _feed(client)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    response = client.get(reverse("cooperation:calendar_feed", args=[feed.token]))
    titles = {str(e["SUMMARY"]) for e in _parse(response).walk("VEVENT")}
    assert titles == {"当天凌晨的会"}


def test_feed_token_is_required(client, hz_staff, hz_meeting):
    client.force_login(hz_staff)
    feed = _feed(client)
    client.logout()
    assert client.get(f"/liaison/calendar/{feed.token}.ics").status_code == 200
    assert client.get("/liaison/calendar/.ics").status_code == 404
    assert client.get("/liaison/calendar/wrong-token.ics").status_code == 404
    assert client.get(f"/liaison/calendar/{feed.token[:-1]}.ics").status_code == 404
    # Signing in does not stand in for the token.
    client.force_login(hz_staff)
    assert client.get("/liaison/calendar/wrong-token.ics").status_code == 404


def test_regenerate_and_revoke(client, hz_staff, nb_staff, hz_meeting):
    client.force_login(hz_staff)
    first = _feed(client)
    page = client.get(reverse("cooperation:calendar")).text
    assert first.token in page
    client.post(reverse("cooperation:calendar_regenerate"))
    second = CalendarFeed.objects.get()
    assert second.token != first.token
    assert client.get(reverse("cooperation:calendar_feed", args=[first.token])).status_code == 404
    assert client.get(reverse("cooperation:calendar_feed", args=[second.token])).status_code == 200
    # Another user's page never shows this user's address.
    client.force_login(nb_staff)
    assert second.token not in client.get(reverse("cooperation:calendar")).text
    client.force_login(hz_staff)
    client.post(reverse("cooperation:calendar_revoke"))
    assert not CalendarFeed.objects.exists()
    assert client.get(reverse("cooperation:calendar_feed", args=[second.token])).status_code == 404


def test_feed_of_a_user_who_left_is_gone(client, hz_staff, hz_meeting):
    client.force_login(hz_staff)
    feed = _feed(client)
    hz_staff.is_active = False
    hz_staff.save()
    assert client.get(reverse("cooperation:calendar_feed", args=[feed.token])).status_code == 404


def test_feed_follows_access_when_the_agreement_ends(client, hz_staff, nb, agreement):
    nb_meeting = MeetingFactory(host_federation=nb, title="宁波主办的会")
    client.force_login(hz_staff)
    feed = _feed(client)
    url = reverse("cooperation:calendar_feed", args=[feed.token])
    assert nb_meeting.title in response_titles(client, url)
    agreement.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    agreement.save()
    assert nb_meeting.title not in response_titles(client, url)


def response_titles(client, url):
    return {str(e["SUMMARY"]) for e in _parse(client.get(url)).walk("VEVENT")}


def test_feed_query_count_is_constant(client, hz_staff, hz, nb, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hz_staff)
    feed = _feed(client)
    client.logout()
    url = reverse("cooperation:calendar_feed", args=[feed.token])
    MeetingFactory(host_federation=hz)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for i in range(30):
        MeetingFactory(host_federation=hz if i % 2 else nb)
    with django_assert_num_queries(len(first)):
        assert len(_parse(client.get(url)).walk("VEVENT")) == 31
