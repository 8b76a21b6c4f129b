"""Liaison meetings (对接会): the host's staff plan, edit, hold or cancel them and record
outcomes (a task becomes an action item); partners read; outsiders get 404. Status moves
only along its transitions, with a message in the user's language otherwise."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperation import services
from cooperation.models import ActionItem, Meeting, MeetingOutcome
from cooperation.views import PAGE_SIZE
from tests.cooperation.factories import ActionItemFactory, MeetingFactory, pdf_upload

pytestmark = pytest.mark.django_db

MEETINGS = reverse("cooperation:meetings")


def _data(**extra):
    starts = timezone.localtime() + datetime.timedelta(days=10)
    return {
        "title": "杭甬技能竞赛筹备会",
        "level": "industry_union",
        "starts_at": starts.strftime("%Y-%m-%dT09:00"),
        "ends_at": starts.strftime("%Y-%m-%dT11:30"),
        "place": "杭州市总工会 三楼会议室",
        "agenda": "一、竞赛工种\n二、裁判安排",
        **extra,
    }


def test_create_is_hosted_by_own_federation_in_shanghai_time(client, hz_staff, hz, nb_contact):
    client.force_login(hz_staff)
    response = client.post(
        reverse("cooperation:meeting_create"),
        _data(attendees=[nb_contact.pk], host_federation=nb_contact.federation_id),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.host_federation == hz and meeting.status == Meeting.Status.PLANNED
    assert list(meeting.attendees.all()) == [nb_contact]
    local = timezone.localtime(meeting.starts_at)
    assert (local.hour, local.minute, str(local.tzinfo)) == (9, 0, "Asia/Shanghai")
    assert meeting.starts_at.utcoffset() is not None  # aware


def test_an_outsiders_contact_cannot_attend(client, hz_staff, wz_contact):
    client.force_login(hz_staff)
    response = client.post(reverse("cooperation:meeting_create"), _data(attendees=[wz_contact.pk]))
    assert response.status_code == 200  # not even offered
    assert not Meeting.objects.exists()
    meeting = MeetingFactory.build(host_federation=hz_staff.staff_profile.organisation.federation)
    with pytest.raises(ValidationError):
        services.meeting_create(actor=hz_staff, meeting=meeting, attendees=[wz_contact])


def test_end_before_start_is_refused(client, hz_staff):
    client.force_login(hz_staff)
    data = _data()
    data["ends_at"] = data["starts_at"].replace("T09:00", "T08:00")
    response = client.post(reverse("cooperation:meeting_create"), data)
    assert "会议的结束时间不能早于开始时间。" in response.text
    assert not Meeting.objects.exists()


def test_detail_owner_partner_outsider(client, hz_staff, nb_staff, wz_staff, hz_leader, hz_meeting):
    edit = reverse("cooperation:meeting_update", args=[hz_meeting.pk])
    client.force_login(hz_staff)
    response = client.get(hz_meeting.get_absolute_url())
    assert response.status_code == 200 and edit in response.text
    assert "王立军" in response.text and "何建国" in response.text  # attendees of both cities
    for reader in (nb_staff, hz_leader):
        client.force_login(reader)
        response = client.get(hz_meeting.get_absolute_url())
        assert response.status_code == 200 and edit not in response.text
        assert 'name="outcome-kind"' not in response.text
    client.force_login(nb_staff)
    assert client.get(edit).status_code == 404
    assert client.post(edit, _data(title="改名")).status_code == 404
    for action in ("meeting_held", "meeting_cancel", "outcome_add"):
        assert (
            client.post(reverse(f"cooperation:{action}", args=[hz_meeting.pk])).status_code == 404
        )
    client.force_login(wz_staff)
    assert client.get(hz_meeting.get_absolute_url()).status_code == 404
    assert client.get(edit).status_code == 404
    hz_meeting.refresh_from_db()
    assert hz_meeting.title == "权益保障部季度对接会" and hz_meeting.status == "planned"


def test_edit_keeps_status_and_history_shows_who_changed_what(client, hz_staff, hz_meeting):
    client.force_login(hz_staff)
    url = reverse("cooperation:meeting_update", args=[hz_meeting.pk])
    data = _data(title=hz_meeting.title, place="宁波市总工会 四楼会议室", status="held")
    assert client.post(url, data).status_code == 302
    hz_meeting.refresh_from_db()
    assert hz_meeting.status == "planned" and hz_meeting.place == "宁波市总工会 四楼会议室"
    text = client.get(hz_meeting.get_absolute_url()).text
    assert "杭州市总工会 三楼会议室 → 宁波市总工会 四楼会议室" in text
    assert str(hz_staff) in text


def test_minutes_file_uploaded_and_served_to_parties_only(
    client, hz_staff, nb_staff, wz_staff, hz_meeting
):
    client.force_login(hz_staff)
    url = reverse("cooperation:meeting_update", args=[hz_meeting.pk])
    data = _data(title=hz_meeting.title, minutes="会议议定三项任务。")
    data["minutes_file"] = pdf_upload("纪要.pdf")
    assert client.post(url, data).status_code == 302
    hz_meeting.refresh_from_db()
    assert hz_meeting.minutes_file_name == "纪要.pdf"
    assert "纪要" not in hz_meeting.minutes_file.name  # stored under a generated name
    download = reverse("cooperation:meeting_minutes", args=[hz_meeting.pk])
    for user, status in ((hz_staff, 200), (nb_staff, 200), (wz_staff, 404)):
        client.force_login(user)
        response = client.get(download)
        assert response.status_code == status
        if status == 200:
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "attachment" in response["Content-Disposition"]


def test_a_renamed_executable_is_not_minutes(client, hz_staff, hz_meeting):
    from tests.cooperation.factories import exe_upload

    client.force_login(hz_staff)
    data = _data(title=hz_meeting.title, minutes_file=exe_upload("minutes.pdf"))
    response = client.post(reverse("cooperation:meeting_update", args=[hz_meeting.pk]), data)
    assert response.status_code == 200
    hz_meeting.refresh_from_db()
    assert not hz_meeting.minutes_file


# --- transitions -------------------------------------------------------------------------


def test_mark_held_only_once_it_started(client, hz_staff, hz_meeting, past_hz_meeting):
    client.force_login(hz_staff)
    response = client.post(reverse("cooperation:meeting_held", args=[hz_meeting.pk]), follow=True)
    assert "会议开始之前不能标记为已召开。" in response.text
    hz_meeting.refresh_from_db()
    assert hz_meeting.status == "planned"
    response = client.post(
        reverse("cooperation:meeting_held", args=[past_hz_meeting.pk]), follow=True
    )
    assert "会议已标记为已召开。" in response.text
    past_hz_meeting.refresh_from_db()
    assert past_hz_meeting.status == "held"


def test_illegal_transitions_are_refused_with_a_translated_message(
    client, hz_staff, past_hz_meeting
):
    services.meeting_mark_held(actor=hz_staff, meeting=past_hz_meeting)
    client.force_login(hz_staff)
    response = client.post(
        reverse("cooperation:meeting_cancel", args=[past_hz_meeting.pk]), follow=True
    )
    assert "会议状态不能从“已召开”变为“已取消”。" in response.text
    past_hz_meeting.refresh_from_db()
    assert past_hz_meeting.status == "held"
    with pytest.raises(ValidationError) as refused:
        services.meeting_mark_held(actor=hz_staff, meeting=past_hz_meeting)
    assert refused.value.code == "illegal_transition"
    # In English too.
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("cooperation:meeting_cancel", args=[past_hz_meeting.pk]), follow=True
    )
    assert "A meeting cannot go from “held” to “cancelled”." in response.text


def test_cancel_then_no_outcomes(client, hz_staff, hz_meeting, hz):
    client.force_login(hz_staff)
    client.post(reverse("cooperation:meeting_cancel", args=[hz_meeting.pk]))
    hz_meeting.refresh_from_db()
    assert hz_meeting.status == "cancelled"
    response = client.post(
        reverse("cooperation:outcome_add", args=[hz_meeting.pk]),
        {"outcome-kind": "decision", "outcome-text": "议定"},
        follow=True,
    )
    assert "已取消的会议不能记录成果。" in response.text
    assert not MeetingOutcome.objects.exists()


# --- outcomes and action items -----------------------------------------------------------


def test_task_outcome_becomes_an_action_item(client, hz_staff, nb, hz_meeting, nb_contact):
    client.force_login(hz_staff)
    due = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("cooperation:outcome_add", args=[hz_meeting.pk]),
        {
            "outcome-kind": "task",
            "outcome-text": "开通两市职工维权服务热线互转",
            "outcome-owner_federation": nb.pk,
            "outcome-assignee": nb_contact.pk,
            "outcome-due_on": due.isoformat(),
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.owner_federation, item.assignee, item.due_on, item.status) == (
        nb,
        nb_contact,
        due,
        "open",
    )
    assert item.meeting == hz_meeting and item.title == "开通两市职工维权服务热线互转"
    page = client.get(hz_meeting.get_absolute_url()).text
    assert "开通两市职工维权服务热线互转" in page and f'id="action-{item.pk}"' in page


def test_task_without_owner_or_due_date_is_refused(client, hz_staff, hz_meeting):
    client.force_login(hz_staff)
    response = client.post(
        reverse("cooperation:outcome_add", args=[hz_meeting.pk]),
        {"outcome-kind": "task", "outcome-text": "某项任务"},
    )
    assert response.status_code == 400
    assert "工作任务须填写此项。" in response.text
    assert not MeetingOutcome.objects.exists()


def test_information_and_decision_have_no_action_item(client, hz_staff, hz_meeting):
    client.force_login(hz_staff)
    for kind in ("information", "decision"):
        client.post(
            reverse("cooperation:outcome_add", args=[hz_meeting.pk]),
            {"outcome-kind": kind, "outcome-text": f"{kind} 内容"},
        )
    assert MeetingOutcome.objects.count() == 2 and not ActionItem.objects.exists()


def test_owner_must_be_a_party(hz_staff, hz_meeting, wz, wz_contact):
    outcome = MeetingOutcome(kind="task", text="请温州办理")
    item = ActionItem(owner_federation=wz, due_on=datetime.date(2030, 1, 1))
    with pytest.raises(ValidationError):
        services.meeting_outcome_create(
            actor=hz_staff, meeting=hz_meeting, outcome=outcome, action_item=item
        )
    assert not MeetingOutcome.objects.exists()


# --- the list ----------------------------------------------------------------------------


def test_list_filters_by_level_status_federation_and_year(client, hz_staff, hz, nb, wz_meeting):
    this_year = timezone.localtime().year
    MeetingFactory(host_federation=hz, title="杭州部门会", level="department")
    MeetingFactory(host_federation=nb, title="宁波区县会", level="district_union")
    old = timezone.now().replace(year=this_year - 1)
    MeetingFactory(
        host_federation=nb,
        title="去年的会",
        starts_at=old,
        ends_at=old + datetime.timedelta(hours=1),
        status="held",
    )
    client.force_login(hz_staff)
    text = client.get(MEETINGS).text
    assert "杭州部门会" in text and "宁波区县会" in text and wz_meeting.title not in text
    text = client.get(MEETINGS, {"level": "district_union"}).text
    assert "宁波区县会" in text and "杭州部门会" not in text
    text = client.get(MEETINGS, {"federation": "HZ"}).text
    assert "杭州部门会" in text and "宁波区县会" not in text
    text = client.get(MEETINGS, {"status": "held"}).text
    assert "去年的会" in text and "杭州部门会" not in text
    text = client.get(MEETINGS, {"year": str(this_year - 1)}).text
    assert "去年的会" in text and "宁波区县会" not in text


def test_year_is_the_year_in_shanghai(client, hz_staff, hz):
    # 23:30 UTC on 31 December is 07:30 on 1 January in Shanghai.
    starts = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    MeetingFactory(
        host_federation=hz, title="新年第一会", starts_at=starts, ends_at=starts, status="held"
    )
    before = datetime.datetime(2025, 12, 31, 15, 30, tzinfo=datetime.UTC)  # 23:30 in Shanghai
    MeetingFactory(
        host_federation=hz, title="年末最后一会", starts_at=before, ends_at=before, status="held"
    )
    client.force_login(hz_staff)
    text = client.get(MEETINGS, {"year": "2026"}).text
    assert "新年第一会" in text and "年末最后一会" not in text
    text = client.get(MEETINGS, {"year": "2025"}).text
    assert "年末最后一会" in text and "新年第一会" not in text


def test_list_query_count_is_constant(client, hz_staff, hz, nb, django_assert_num_queries):
    def add(n):
        for i in range(n):
            meeting = MeetingFactory(host_federation=hz if i % 2 else nb)
            ActionItemFactory(outcome__meeting=meeting, due_on=datetime.date(2020, 1, 1))

    client.force_login(hz_staff)
    add(1)
    client.get(MEETINGS)
    with CaptureQueriesContext(connection) as first:
        client.get(MEETINGS)
    add(PAGE_SIZE + 2)
    with django_assert_num_queries(len(first)):
        response = client.get(MEETINGS)
    assert len(response.context["page"].object_list) == PAGE_SIZE
    assert "1 项已逾期" in response.text


def test_detail_query_count_is_constant(client, hz_staff, hz_meeting, django_assert_num_queries):
    client.force_login(hz_staff)
    ActionItemFactory(outcome__meeting=hz_meeting)
    client.get(hz_meeting.get_absolute_url())
    with CaptureQueriesContext(connection) as first:
        client.get(hz_meeting.get_absolute_url())
    for _ in range(8):
        ActionItemFactory(outcome__meeting=hz_meeting)
    with django_assert_num_queries(len(first)):
        client.get(hz_meeting.get_absolute_url())
