"""The referral pages: the list (filters, masking, counts, a flat number of queries), the
detail page (confidential: 404 for a third federation, leaders and anyone else), creating
and every workflow step through its POST address, and the attachments."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Referral, ReferralAttachment
from members.models import Notification, Role
from tests.conftest import _staff
from tests.cooperation.factories import png_upload
from tests.cooperation.referral_factories import ReferralFactory

pytestmark = pytest.mark.django_db

S = Referral.Status
LIST = reverse("cooperation:referrals")


@pytest.fixture
def nb_approver(agreement, nb_org):
    return _staff("nb-approver", nb_org, Role.APPROVER)


@pytest.fixture
def to_hz(nb, hz):
    """From 宁波 to 杭州, submitted today."""
    return ReferralFactory(
        from_federation=nb, to_federation=hz, worker_name="王建国", mobile="13905740001"
    )


@pytest.fixture
def to_nb(nb, hz):
    return ReferralFactory(
        from_federation=hz,
        to_federation=nb,
        worker_name="吴芳",
        mobile="13805710009",
        category=Referral.Category.LABOUR_CONTRACT,
    )


@pytest.fixture
def wz_referral(wz, nb):
    """Between 宁波 and 温州: 杭州 is not involved."""
    return ReferralFactory(from_federation=nb, to_federation=wz, worker_name="温州职工")


def _detail(referral):
    return reverse("cooperation:referral", args=[referral.pk])


def _post(client, name, referral, data=None):
    return client.post(reverse(f"cooperation:{name}", args=[referral.pk]), data or {})


# --- the list ----------------------------------------------------------------------------


def test_list_shows_both_directions_and_nothing_else(client, hz_staff, to_hz, to_nb, wz_referral):
    client.force_login(hz_staff)
    page = client.get(LIST).text
    assert f'data-referral="{to_hz.pk}"' in page
    assert f'data-referral="{to_nb.pk}"' in page
    assert f'data-referral="{wz_referral.pk}"' not in page
    assert "温州职工" not in page


def test_list_masks_the_workers_data_even_for_the_sender(client, hz_staff, to_nb):
    client.force_login(hz_staff)
    page = client.get(LIST).text
    assert "吴芳" not in page  # not even the name
    assert "13805710009" not in page
    assert "138****0009" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("direction=sent", "to_nb", "to_hz"),
        ("direction=received", "to_hz", "to_nb"),
        ("category=labour_contract", "to_nb", "to_hz"),
        ("status=accepted", "to_nb", "to_hz"),
        ("overdue=yes", "to_hz", "to_nb"),
        ("overdue=no", "to_nb", "to_hz"),
    ],
)
def test_list_filters(client, hz_staff, to_hz, to_nb, query, shown, hidden):
    Referral.objects.filter(pk=to_nb.pk).update(status=S.ACCEPTED)
    Referral.objects.filter(pk=to_hz.pk).update(acknowledge_by=datetime.date(2020, 1, 1))
    records = {"to_hz": to_hz, "to_nb": to_nb}
    client.force_login(hz_staff)
    page = client.get(f"{LIST}?{query}").text
    assert f'data-referral="{records[shown].pk}"' in page
    assert f'data-referral="{records[hidden].pk}"' not in page


def test_overdue_is_flagged_on_both_sides(client, hz_staff, nb_staff, to_hz):
    Referral.objects.filter(pk=to_hz.pk).update(
        acknowledge_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    for user in (hz_staff, nb_staff):
        client.force_login(user)
        assert "data-overdue" in client.get(LIST).text
        assert "data-overdue" in client.get(_detail(to_hz)).text


def test_list_query_count_is_flat(client, hz_staff, nb, hz, django_assert_num_queries):
    ReferralFactory(from_federation=nb, to_federation=hz)
    client.force_login(hz_staff)
    # With the user cache off, as in every test, the reader's federations (the rows' from
    # and to) are one query of their own (members.scoping.readable_federations).
    with django_assert_num_queries(10) as few:
        client.get(LIST)
    for index in range(25):  # more than a page
        ReferralFactory(
            from_federation=nb if index % 2 else hz,
            to_federation=hz if index % 2 else nb,
            category=Referral.Category.values[index % 5],
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.text.count("data-referral=") == 20


def test_leaders_see_counts_only(client, hz_leader, to_hz, to_nb, wz_referral):
    Referral.objects.filter(pk=to_nb.pk).update(status=S.ACCEPTED)
    client.force_login(hz_leader)
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.text
    assert "data-referral=" not in page
    assert "王建国" not in page and "139****0001" not in page
    assert "data-referral-counts" in page
    counts = response.context["counts"]
    assert counts["total"] == 2  # not 温州's
    assert counts["rows"][0]["cells"][0] == 1  # wage arrears, submitted: to_hz
    assert client.get(_detail(to_hz)).status_code == 404


def test_judges_and_visitors_get_no_list(client, hz_judge):
    assert client.get(LIST).status_code == 302  # to sign in
    client.force_login(hz_judge)
    assert client.get(LIST).status_code == 403


# --- the detail page ---------------------------------------------------------------------


def test_detail_in_full_for_the_sender_masked_for_the_receiver(client, hz_staff, nb_staff, to_hz):
    client.force_login(nb_staff)
    page = client.get(_detail(to_hz)).text
    assert "13905740001" in page
    assert "11010519491231002X" in page
    client.force_login(hz_staff)
    page = client.get(_detail(to_hz)).text
    assert "王建国" in page
    assert "13905740001" not in page and "139****0001" in page
    assert "11010519491231002X" not in page and "1101**********002X" in page


@pytest.mark.parametrize("user", ["wz_staff", "hz_leader", "hz_judge"])
def test_detail_is_404_outside_the_two_federations(client, request, to_hz, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(_detail(to_hz)).status_code == 404


def test_a_third_federations_staff_cannot_open_a_referral_between_others(
    client, hz_staff, wz_referral
):
    client.force_login(hz_staff)
    assert client.get(_detail(wz_referral)).status_code == 404


def test_detail_offers_only_the_users_steps(client, hz_staff, hz_approver, nb_staff, to_hz):
    client.force_login(hz_approver)
    page = client.get(_detail(to_hz)).text
    assert reverse("cooperation:referral_accept", args=[to_hz.pk]) in page
    assert reverse("cooperation:referral_withdraw", args=[to_hz.pk]) not in page
    client.force_login(hz_staff)
    page = client.get(_detail(to_hz)).text
    assert reverse("cooperation:referral_accept", args=[to_hz.pk]) not in page
    client.force_login(nb_staff)
    page = client.get(_detail(to_hz)).text
    assert reverse("cooperation:referral_withdraw", args=[to_hz.pk]) in page
    assert reverse("cooperation:referral_accept", args=[to_hz.pk]) not in page


# --- creating and the steps ----------------------------------------------------------------


def test_create_through_the_page(
    client, nb_staff, hz_staff, hz_approver, hz, nb_member, django_capture_on_commit_callbacks
):
    hz_approver.email = "hz-approver@example.org"
    hz_approver.save()
    client.force_login(nb_staff)
    form = client.get(reverse("cooperation:referral_create")).context["form"]
    assert list(form.fields["to_federation"].queryset) == [hz]  # partners only, not 宁波

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cooperation:referral_create"),
            {
                "to_federation": hz.pk,
                "category": "wage_arrears",
                "member_card_number": nb_member.card_number,
                "summary": "在杭州被拖欠工资",
                "requested_help": "协助追讨",
                "files": [png_upload("工资条.png")],
            },
        )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == referral.get_absolute_url()
    assert referral.member == nb_member
    assert referral.worker_name == nb_member.name
    assert ReferralAttachment.objects.filter(referral=referral).count() == 1
    assert [m.to for m in mail.outbox] == [["hz-approver@example.org"]]
    assert Notification.objects.filter(recipient=hz_staff).count() == 1


def test_create_refuses_an_unknown_card_number(client, nb_staff, hz):
    client.force_login(nb_staff)
    response = client.post(
        reverse("cooperation:referral_create"),
        {
            "to_federation": hz.pk,
            "category": "wage_arrears",
            "member_card_number": "NB-NOPE",
            "summary": "x",
            "requested_help": "y",
        },
    )
    assert response.status_code == 200
    assert "本市总工会没有会员卡号为 NB-NOPE 的会员" in response.text
    assert not Referral.objects.exists()


def test_accept_and_resolve_through_the_pages(client, hz_approver, hz_staff, to_hz):
    client.force_login(hz_approver)
    response = _post(client, "referral_accept", to_hz)
    assert response.status_code == 302
    to_hz.refresh_from_db()
    assert to_hz.status == S.ACCEPTED
    client.force_login(hz_staff)
    _post(client, "referral_resolve", to_hz, {"outcome": "已追回欠薪"})
    to_hz.refresh_from_db()
    assert to_hz.status == S.RESOLVED
    page = client.get(_detail(to_hz)).text
    assert "已追回欠薪" in page
    # The history names who did what.
    assert page.count('class="list-group-item"') >= 3
    assert str(hz_approver) in page and str(hz_staff) in page


def test_an_illegal_step_on_the_page_is_refused_with_a_message(client, hz_approver, to_hz):
    Referral.objects.filter(pk=to_hz.pk).update(status=S.DECLINED, reason="不属本市")
    client.force_login(hz_approver)
    response = _post(client, "referral_accept", to_hz)
    assert response.status_code == 302
    page = client.get(_detail(to_hz)).text
    assert "转介不能从“不予受理”变为“已受理”" in page
    to_hz.refresh_from_db()
    assert to_hz.status == S.DECLINED


def test_decline_without_a_reason_changes_nothing(client, hz_approver, to_hz):
    client.force_login(hz_approver)
    _post(client, "referral_decline", to_hz, {"reason": ""})
    to_hz.refresh_from_db()
    assert to_hz.status == S.SUBMITTED


def test_forward_to_one_of_the_receivers_organisations(client, hz_approver, hz_org, nb_org, to_hz):
    client.force_login(hz_approver)
    _post(client, "referral_forward", to_hz, {"forward-organisation": nb_org.pk})
    to_hz.refresh_from_db()
    assert to_hz.status == S.SUBMITTED  # not one of 杭州's: not offered, refused
    _post(client, "referral_forward", to_hz, {"forward-organisation": hz_org.pk})
    to_hz.refresh_from_db()
    assert to_hz.status == S.FORWARDED
    assert to_hz.forwarded_to == hz_org


@pytest.mark.parametrize(
    ("user", "step", "status"),
    [
        ("hz_staff", "referral_accept", 403),  # staff do not decide
        ("nb_approver", "referral_accept", 404),  # the sender does not decide
        ("nb_staff", "referral_resolve", 404),
        ("hz_staff", "referral_withdraw", 404),  # the receiver does not withdraw
        ("wz_staff", "referral_close", 404),
        ("hz_leader", "referral_resolve", 403),
    ],
)
def test_steps_refused_to_others(client, request, to_hz, user, step, status):
    client.force_login(request.getfixturevalue(user))
    response = _post(client, step, to_hz, {"reason": "x", "outcome": "x"})
    assert response.status_code == status
    to_hz.refresh_from_db()
    assert to_hz.status == S.SUBMITTED


def test_withdraw_by_the_sender(client, nb_staff, to_hz):
    client.force_login(nb_staff)
    _post(client, "referral_withdraw", to_hz, {"reason": "职工已自行解决"})
    to_hz.refresh_from_db()
    assert to_hz.status == S.CLOSED


# --- attachments -------------------------------------------------------------------------


def test_attachments_only_for_the_two_federations(client, hz_staff, nb_staff, wz_staff, to_hz):
    attachment = ReferralAttachment.objects.create(
        referral=to_hz, file=png_upload("合同.png"), original_name="合同.png", size=100
    )
    url = attachment.get_absolute_url()
    for user, status in ((nb_staff, 200), (hz_staff, 200), (wz_staff, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert response["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert client.get(url).status_code == 302
