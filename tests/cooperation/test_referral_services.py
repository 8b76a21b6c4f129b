"""The referral workflow through its services: who may take each step, the transitions
allowed and refused (a translated message, nothing changed), the deadline in Shanghai
dates, and the notifications each step sends (once per event)."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cooperation import services
from cooperation.models import Referral, ReferralAttachment
from members.models import Notification, Organisation
from tests.cooperation.factories import png_upload
from tests.cooperation.referral_factories import ReferralFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
S = Referral.Status


def _new(nb, hz, **fields):
    fields.setdefault("worker_name", "陈师傅")
    fields.setdefault("mobile", "13700002222")
    return Referral(
        to_federation=hz,
        category=Referral.Category.WORK_INJURY,
        summary="在杭州工地受伤，单位拒绝申报工伤。",
        requested_help="协助申请工伤认定。",
        **fields,
    )


@pytest.fixture
def hz_people(hz_staff, hz_approver):
    for user, email in ((hz_staff, "hz-staff@example.org"), (hz_approver, "hz-app@example.org")):
        user.email = email
        user.save()
    return [hz_staff, hz_approver]


@pytest.fixture
def submitted(nb_staff, nb, hz, hz_people, django_capture_on_commit_callbacks):
    nb_staff.email = "nb-staff@example.org"
    nb_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(actor=nb_staff, referral=_new(nb, hz))
    mail.outbox.clear()
    return referral


def _step(callbacks, service, **kwargs):
    with callbacks(execute=True):
        return service(**kwargs)


# --- creating ---------------------------------------------------------------------------


def test_create_comes_from_the_actors_federation_with_a_deadline(
    nb_staff, nb, hz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(
            actor=nb_staff, referral=_new(nb, hz), files=[png_upload("工资条.png")]
        )
    referral.refresh_from_db()
    assert referral.from_federation == nb
    assert referral.status == S.SUBMITTED
    assert referral.created_by == nb_staff
    assert referral.acknowledge_by == timezone.localdate(
        referral.submitted_at
    ) + datetime.timedelta(days=3)
    assert ReferralAttachment.objects.get(referral=referral).original_name == "工资条.png"
    assert referral.history.get().history_user == nb_staff


def test_create_only_to_a_partner_in_force(nb_staff, nb, wz):
    with pytest.raises(ValidationError) as error:
        services.referral_create(actor=nb_staff, referral=_new(nb, wz))
    assert "to_federation" in error.value.error_dict
    assert not Referral.objects.exists()


def test_create_refuses_a_worker_without_contact(nb_staff, nb, hz):
    with pytest.raises(ValidationError) as error:
        services.referral_create(actor=nb_staff, referral=_new(nb, hz, mobile=""))
    assert "mobile" in error.value.error_dict


def test_create_takes_a_members_details(nb_staff, nb, hz, nb_member):
    referral = services.referral_create(
        actor=nb_staff, referral=_new(nb, hz, member=nb_member, worker_name="", mobile="")
    )
    assert referral.worker_name == nb_member.name
    assert referral.mobile == nb_member.mobile
    assert referral.id_number == nb_member.id_number


def test_create_refuses_a_member_of_another_federation(nb_staff, nb, hz, hz_member):
    with pytest.raises(ValidationError) as error:
        services.referral_create(actor=nb_staff, referral=_new(nb, hz, member=hz_member))
    assert "member" in error.value.error_dict


def test_leaders_cannot_refer(hz_leader, hz, nb):
    with pytest.raises(PermissionDenied):
        services.referral_create(actor=hz_leader, referral=_new(hz, nb))


def test_create_refuses_a_bad_file_and_writes_nothing(nb_staff, nb, hz):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        services.referral_create(
            actor=nb_staff,
            referral=_new(nb, hz),
            files=[SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"0" * 40)],
        )
    assert not Referral.objects.exists()


def test_the_deadline_setting_counts(nb_staff, nb, hz, settings):
    settings.REFERRAL_ACKNOWLEDGE_DAYS = 5
    referral = services.referral_create(actor=nb_staff, referral=_new(nb, hz))
    assert referral.acknowledge_by == timezone.localdate() + datetime.timedelta(days=5)


# --- the deadline in Shanghai dates -------------------------------------------------------


def test_deadline_counts_in_shanghai_dates_around_midnight(settings):
    settings.REFERRAL_ACKNOWLEDGE_DAYS = 3
    # 23:30 in Shanghai on 1 March is 15:30 UTC the same day: the 1st counts.
    before = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)
    # 00:10 in Shanghai on 2 March is still 1 March in UTC: the 2nd counts.
    after = datetime.datetime(2026, 3, 2, 0, 10, tzinfo=SHANGHAI)
    assert after.astimezone(datetime.UTC).date() == datetime.date(2026, 3, 1)
    assert services.referral_deadline(before) == datetime.date(2026, 3, 4)
    assert services.referral_deadline(after) == datetime.date(2026, 3, 5)


def test_overdue_from_the_first_shanghai_day_after_the_deadline(nb, hz, monkeypatch):
    referral = ReferralFactory(
        from_federation=nb,
        to_federation=hz,
        submitted_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI),
        acknowledge_by=datetime.date(2026, 3, 4),
    )
    last_minute = datetime.datetime(2026, 3, 4, 23, 59, tzinfo=SHANGHAI)
    midnight = datetime.datetime(2026, 3, 5, 0, 0, tzinfo=SHANGHAI)
    # At midnight in Shanghai it is still 4 March in UTC: the flag follows Shanghai.
    assert midnight.astimezone(datetime.UTC).date() == datetime.date(2026, 3, 4)

    monkeypatch.setattr(timezone, "now", lambda: last_minute)
    assert not Referral.objects.overdue().exists()
    assert not Referral.objects.with_overdue().get().is_overdue
    assert not Referral.objects.get().overdue

    monkeypatch.setattr(timezone, "now", lambda: midnight)
    assert list(Referral.objects.overdue()) == [referral]
    assert Referral.objects.with_overdue().get().is_overdue
    assert Referral.objects.get().overdue


def test_an_answered_referral_is_never_overdue(nb, hz):
    ReferralFactory(
        from_federation=nb,
        to_federation=hz,
        status=S.ACCEPTED,
        acknowledge_by=datetime.date(2020, 1, 1),
    )
    assert not Referral.objects.overdue().exists()


# --- the workflow -------------------------------------------------------------------------


def test_accept_then_resolve(submitted, hz_approver, hz_staff, django_capture_on_commit_callbacks):
    cb = django_capture_on_commit_callbacks
    accepted = _step(cb, services.referral_accept, actor=hz_approver, referral=submitted)
    assert accepted.status == S.ACCEPTED
    assert accepted.acknowledged_at is not None
    assert accepted.receiver_officer == hz_approver
    resolved = _step(
        cb, services.referral_resolve, actor=hz_staff, referral=accepted, outcome="已追回欠薪"
    )
    resolved.refresh_from_db()
    assert resolved.status == S.RESOLVED
    assert resolved.outcome == "已追回欠薪"
    assert [h.history_user for h in resolved.history.order_by("history_date")][1:] == [
        hz_approver,
        hz_staff,
    ]


def test_decline_needs_a_reason(submitted, hz_approver):
    with pytest.raises(ValidationError):
        services.referral_decline(actor=hz_approver, referral=submitted, reason="  ")
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    declined = services.referral_decline(actor=hz_approver, referral=submitted, reason="不属本市")
    assert declined.status == S.DECLINED
    assert declined.reason == "不属本市"


def test_forward_to_an_organisation_of_the_receiving_federation(
    submitted, hz_approver, hz_org, nb_org, hz_staff
):
    with pytest.raises(ValidationError):
        services.referral_forward(actor=hz_approver, referral=submitted, organisation=nb_org)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    forwarded = services.referral_forward(
        actor=hz_approver, referral=submitted, organisation=hz_org
    )
    assert forwarded.status == S.FORWARDED
    assert forwarded.forwarded_to == hz_org
    resolved = services.referral_resolve(actor=hz_staff, referral=forwarded, outcome="调解成功")
    assert resolved.status == S.RESOLVED


def test_close_by_the_receiving_side_after_accepting(submitted, hz_approver, hz_staff):
    with pytest.raises(ValidationError) as error:
        services.referral_close(actor=hz_staff, referral=submitted, reason="无法联系")
    assert error.value.code == "illegal_transition"
    accepted = services.referral_accept(actor=hz_approver, referral=submitted)
    closed = services.referral_close(actor=hz_staff, referral=accepted, reason="职工撤回诉求")
    assert closed.status == S.CLOSED


def test_the_sender_withdraws_only_while_submitted(submitted, nb_staff, hz_approver):
    accepted_copy = Referral.objects.get(pk=submitted.pk)
    withdrawn = services.referral_withdraw(actor=nb_staff, referral=submitted, reason="已自行解决")
    assert withdrawn.status == S.CLOSED
    with pytest.raises(ValidationError):
        services.referral_accept(actor=hz_approver, referral=accepted_copy)


def test_withdraw_after_acceptance_is_refused(submitted, nb_staff, hz_approver):
    services.referral_accept(actor=hz_approver, referral=submitted)
    with pytest.raises(ValidationError) as error:
        services.referral_withdraw(actor=nb_staff, referral=submitted, reason="不需要了")
    assert error.value.code == "illegal_transition"
    assert Referral.objects.get().status == S.ACCEPTED


ILLEGAL = [
    # (status stored, service, keyword arguments)
    (S.SUBMITTED, "referral_resolve", {"outcome": "x"}),
    (S.ACCEPTED, "referral_accept", {}),
    (S.ACCEPTED, "referral_decline", {"reason": "x"}),
    (S.FORWARDED, "referral_accept", {}),
    (S.FORWARDED, "referral_forward", {"organisation": "hz_org"}),
    (S.RESOLVED, "referral_close", {"reason": "x"}),
    (S.RESOLVED, "referral_accept", {}),
    (S.DECLINED, "referral_accept", {}),
    (S.DECLINED, "referral_resolve", {"outcome": "x"}),
    (S.CLOSED, "referral_forward", {"organisation": "hz_org"}),
    (S.CLOSED, "referral_resolve", {"outcome": "x"}),
]


@pytest.mark.parametrize(("status", "service", "kwargs"), ILLEGAL)
def test_illegal_transitions_are_refused_in_the_users_language(
    nb, hz, hz_org, hz_approver, status, service, kwargs
):
    referral = ReferralFactory(
        from_federation=nb,
        to_federation=hz,
        status=status,
        outcome="已解决" if status == S.RESOLVED else "",
        reason="原因" if status in (S.DECLINED, S.CLOSED) else "",
        forwarded_to=hz_org if status == S.FORWARDED else None,
    )
    kwargs = {k: hz_org if v == "hz_org" else v for k, v in kwargs.items()}
    versions = referral.history.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        getattr(services, service)(actor=hz_approver, referral=referral, **kwargs)
    assert error.value.code == "illegal_transition"
    assert "转介" in error.value.messages[0]
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.status == status
    assert stored.history.count() == versions


@pytest.mark.parametrize(
    ("actor", "service", "kwargs"),
    [
        ("hz_staff", "referral_accept", {}),  # staff, not an approver
        ("nb_approver", "referral_accept", {}),  # the sender decides nothing
        ("nb_approver", "referral_decline", {"reason": "x"}),
        ("nb_staff", "referral_resolve", {"outcome": "x"}),
        ("hz_leader", "referral_resolve", {"outcome": "x"}),
        ("wz_staff", "referral_close", {"reason": "x"}),
        ("hz_staff", "referral_withdraw", {"reason": "x"}),  # the receiver does not withdraw
    ],
)
def test_who_may_take_each_step(request, submitted, actor, service, kwargs):
    user = request.getfixturevalue(actor)
    with pytest.raises(PermissionDenied):
        getattr(services, service)(actor=user, referral=submitted, **kwargs)
    assert Referral.objects.get().status == S.SUBMITTED


@pytest.fixture
def nb_approver(nb_org):
    from members.models import Role
    from tests.conftest import _staff

    return _staff("nb-approver", nb_org, Role.APPROVER)


# --- notifications ------------------------------------------------------------------------


def test_submitting_notifies_the_receiving_federation_once(
    nb_staff, nb, hz, hz_people, hz_judge, hz_leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(actor=nb_staff, referral=_new(nb, hz))
    assert sorted(m.to[0] for m in mail.outbox) == ["hz-app@example.org", "hz-staff@example.org"]
    rows = Notification.objects.filter(event_key=f"referral:{referral.pk}:submitted")
    assert sorted(r.recipient.username for r in rows) == ["hz-approver", "hz-staff"]
    assert all(r.url == referral.get_absolute_url() for r in rows)
    assert "宁波市总工会" in rows[0].subject
    # The same event again (a retried delivery) notifies nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        services._notify_referral(referral, actor=nb_staff)
    assert len(mail.outbox) == 2
    assert rows.count() == 2


@pytest.mark.parametrize(
    ("steps", "event"),
    [
        ([("referral_accept", {})], "accepted"),
        ([("referral_decline", {"reason": "不属本市受理范围"})], "declined"),
        ([("referral_forward", {"organisation": "hz_org"})], "forwarded"),
        ([("referral_accept", {}), ("referral_resolve", {"outcome": "已追回"})], "resolved"),
    ],
)
def test_each_answer_notifies_the_sending_federation_once(
    submitted, hz_approver, hz_org, nb_staff, django_capture_on_commit_callbacks, steps, event
):
    referral = submitted
    for name, kwargs in steps:
        kwargs = {k: hz_org if v == "hz_org" else v for k, v in kwargs.items()}
        referral = _step(
            django_capture_on_commit_callbacks,
            getattr(services, name),
            actor=hz_approver,
            referral=referral,
            **kwargs,
        )
    key = f"referral:{referral.pk}:{event}"
    assert list(Notification.objects.filter(event_key=key).values_list("recipient", flat=True)) == [
        nb_staff.pk
    ]
    # One e-mail per step, each to the sender's staff only; the last one is this event's.
    assert [m.to for m in mail.outbox] == [["nb-staff@example.org"]] * len(steps)
    assert mail.outbox[-1].subject == Notification.objects.get(event_key=key).subject


def test_a_refused_step_notifies_nobody(submitted, hz_approver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.referral_resolve(actor=hz_approver, referral=submitted, outcome="x")
    assert mail.outbox == []
    assert not Notification.objects.exclude(event_key__endswith=":submitted").exists()


def test_forwarding_names_an_organisation_that_exists(submitted, hz_approver):
    other = OrganisationFactory(federation=submitted.to_federation, name="拱墅区总工会")
    assert Organisation.objects.filter(pk=other.pk).exists()
    forwarded = services.referral_forward(actor=hz_approver, referral=submitted, organisation=other)
    assert forwarded.forwarded_to == other
