"""Invariant 1: only the recognising federation decides; one open recognition per pair;
"recognised" means approved and today (Asia/Shanghai) within the validity."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from sanatoriums import services
from sanatoriums.models import Recognition
from tests.sanatoriums.factories import RecognitionFactory

pytestmark = pytest.mark.django_db

FROM, UNTIL = datetime.date(2026, 1, 1), datetime.date(2027, 6, 30)


@pytest.fixture
def proposal(hz_staff, hz_base, nb):
    hz_staff.email = "hz-staff@example.org"
    hz_staff.save()
    return services.recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=nb)


def approve(actor, recognition, **dates):
    return services.recognition_approve(
        actor=actor,
        recognition=recognition,
        valid_from=dates.get("valid_from", FROM),
        valid_until=dates.get("valid_until", UNTIL),
    )


def test_approver_of_the_recognising_federation_approves(proposal, nb_approver):
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 11, 25)):
        recognition = approve(nb_approver, proposal)
    assert recognition.status == Recognition.Status.APPROVED
    assert (recognition.valid_from, recognition.valid_until) == (FROM, UNTIL)
    assert recognition.decided_by == nb_approver


def test_proposer_is_told_of_the_decision(
    proposal, nb_approver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.recognition_reject(actor=nb_approver, recognition=proposal, reason="床位不足")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hz-staff@example.org"]
    assert "床位不足" in mail.outbox[0].body


def test_owner_can_never_approve_its_own_base(proposal, hz_approver):
    with pytest.raises(PermissionDenied):
        approve(hz_approver, proposal)
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.PROPOSED


def test_staff_without_the_approve_permission_cannot_decide(proposal, nb_staff):
    with pytest.raises(PermissionDenied):
        approve(nb_staff, proposal)
    with pytest.raises(PermissionDenied):
        services.recognition_reject(actor=nb_staff, recognition=proposal, reason="x")


def test_outsider_cannot_decide(proposal, wz_staff):
    with pytest.raises(PermissionDenied):
        approve(wz_staff, proposal)


def test_database_refuses_self_recognition(hz_base, hz, hz_staff):
    with pytest.raises(IntegrityError):
        RecognitionFactory(sanatorium=hz_base, federation=hz, proposed_by=hz_staff)


def test_form_level_refuses_self_recognition(hz_base, hz, hz_staff):
    with pytest.raises(ValidationError):
        services.recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=hz)


@pytest.mark.parametrize("first", ["proposed", "approved"])
def test_database_allows_one_open_recognition_per_pair(hz_base, nb, hz_staff, first):
    RecognitionFactory(
        sanatorium=hz_base, federation=nb, proposed_by=hz_staff, approved=first == "approved"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RecognitionFactory(sanatorium=hz_base, federation=nb, proposed_by=hz_staff)
    assert Recognition.objects.count() == 1


def test_second_proposal_gets_a_translated_message(proposal, hz_staff, hz_base, nb, settings):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=nb)
    assert "已有" in " ".join(raised.value.messages)
    assert Recognition.objects.count() == 1


def test_after_rejection_a_new_proposal_is_allowed(proposal, nb_approver, hz_staff, hz_base, nb):
    services.recognition_reject(actor=nb_approver, recognition=proposal, reason="材料不全")
    again = services.recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=nb)
    assert again.status == Recognition.Status.PROPOSED


def test_reject_and_revoke_need_a_reason(proposal, nb_approver):
    with pytest.raises(ValidationError):
        services.recognition_reject(actor=nb_approver, recognition=proposal, reason="  ")
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 11, 25)):
        approve(nb_approver, proposal)
    with pytest.raises(ValidationError):
        services.recognition_revoke(actor=nb_approver, recognition=proposal, reason="")
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.APPROVED


def test_database_refuses_approval_without_validity(hz_base, nb, hz_staff):
    with pytest.raises(IntegrityError):
        RecognitionFactory(
            sanatorium=hz_base, federation=nb, proposed_by=hz_staff, status="approved"
        )


def test_validity_must_be_ordered_and_not_over(proposal, nb_approver):
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 11, 25)):
        with pytest.raises(ValidationError):
            approve(nb_approver, proposal, valid_from=UNTIL, valid_until=FROM)
        with pytest.raises(ValidationError):
            approve(nb_approver, proposal, valid_until=datetime.date(2026, 11, 24))
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.PROPOSED


def at_utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def test_validity_is_judged_by_the_date_in_shanghai(hz_base, nb, hz_staff):
    recognition = RecognitionFactory(
        sanatorium=hz_base,
        federation=nb,
        proposed_by=hz_staff,
        approved=True,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2026, 6, 30),
    )
    # 15:30 UTC on 30 June is 23:30 in Shanghai: still the last valid day.
    with mock.patch("django.utils.timezone.now", return_value=at_utc(2026, 6, 30, 15, 30)):
        assert Recognition.objects.current().get() == recognition
        with translation.override("en"):
            assert str(recognition.state_label) == "approved"
    # 16:30 UTC on 30 June is already 1 July in Shanghai: expired.
    with mock.patch("django.utils.timezone.now", return_value=at_utc(2026, 6, 30, 16, 30)):
        assert not Recognition.objects.current().exists()
        with translation.override("en"):
            assert str(recognition.state_label) == "expired"


def test_revocation_ends_the_recognition(proposal, nb_approver, hz_staff, hz_base, nb):
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 11, 25)):
        approve(nb_approver, proposal)
        assert Recognition.objects.current().exists()
        services.recognition_revoke(actor=nb_approver, recognition=proposal, reason="停业整顿")
        assert not Recognition.objects.current().exists()
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.REVOKED and proposal.reason == "停业整顿"
    # revoked is closed: the owner may propose again
    services.recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=nb)


def test_only_approved_can_be_revoked(proposal, nb_approver):
    with pytest.raises(ValidationError):
        services.recognition_revoke(actor=nb_approver, recognition=proposal, reason="x")


def test_approved_recognition_can_be_renewed(proposal, nb_approver):
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 11, 25)):
        approve(nb_approver, proposal)
        renewed = approve(nb_approver, proposal, valid_until=datetime.date(2028, 12, 31))
    assert renewed.valid_until == datetime.date(2028, 12, 31)
    assert Recognition.objects.count() == 1


def test_proposals_go_to_partners_only(hz_staff, hz_base, wz):
    with pytest.raises(ValidationError) as raised:
        services.recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=wz)
    assert raised.value.code == "not_partner"


def test_only_the_owner_proposes(nb_staff, hz_base, nb):
    with pytest.raises(PermissionDenied):
        services.recognition_propose(actor=nb_staff, sanatorium=hz_base, federation=nb)


def test_history_records_every_decision(proposal, nb_approver):
    services.recognition_reject(actor=nb_approver, recognition=proposal, reason="不符合条件")
    records = list(proposal.history.order_by("history_date"))
    assert [r.status for r in records] == ["proposed", "rejected"]
    assert records[-1].history_user == nb_approver


def test_awaiting_queue_lists_only_proposals_for_the_approvers_federation(
    proposal, nb_approver, hz_approver, nb_staff
):
    assert list(Recognition.objects.awaiting(nb_approver)) == [proposal]
    assert not Recognition.objects.awaiting(hz_approver).exists()
    assert not Recognition.objects.awaiting(nb_staff).exists()


def test_an_administrator_does_not_decide_for_a_federation(proposal, superuser):
    """Django grants a superuser every permission; invariant 1 still holds for them."""
    with pytest.raises(PermissionDenied):
        approve(superuser, proposal)
    with pytest.raises(PermissionDenied):
        services.recognition_reject(actor=superuser, recognition=proposal, reason="x")
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.PROPOSED
