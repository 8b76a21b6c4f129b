"""Meetings as iCalendar (RFC 5545), written with the `icalendar` library: one meeting as an
`.ics` download, and a user's feed of the upcoming meetings they read.

Times are written in Asia/Shanghai with its VTIMEZONE, so that a calendar anywhere shows the
meeting at the hour the federations agreed. Each meeting keeps one UID, so that a calendar
that subscribed to the feed updates it (and removes a cancelled one) rather than adding it
twice.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from cooperation.models import MeetingStatus

PRODID = "-//Twin-City Union Cooperation Portal//Liaison meetings//ZH"
UID_DOMAIN = "liaison.twin-city-portal"
STATUS = {
    MeetingStatus.PLANNED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_uid(meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def meeting_event(meeting, *, url: str = "") -> icalendar.Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting.title)
    event.add("location", meeting.place)
    event.add("description", meeting.agenda)
    event.add("status", STATUS[meeting.status])
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at)
    if url:
        event.add("url", url)
    return event


def meetings_calendar(meetings, *, name: str, url_for=None) -> bytes:
    """An iCalendar file of `meetings` (with their host federations loaded)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, url=url_for(meeting) if url_for else ""))
    calendar.add_missing_timezones()
    return calendar.to_ical()
