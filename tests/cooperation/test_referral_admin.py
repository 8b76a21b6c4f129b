"""The referral admin: confidential like the pages, the worker's numbers masked for the
receiving side, and every write through the services."""

import pytest
from django.urls import reverse

from cooperation.models import Referral
from tests.cooperation.referral_factories import ReferralFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:cooperation_referral_changelist")


@pytest.fixture
def to_hz(nb, hz):
    return ReferralFactory(from_federation=nb, to_federation=hz, mobile="13905740001")


@pytest.fixture
def to_nb(nb, hz):
    return ReferralFactory(from_federation=hz, to_federation=nb, mobile="13805710009")


@pytest.fixture
def nb_wz(nb, wz):
    return ReferralFactory(from_federation=nb, to_federation=wz, summary="宁波与温州之间的案件")


def _change(referral):
    return reverse("admin:cooperation_referral_change", args=[referral.pk])


def test_the_changelist_holds_only_referrals_involving_the_users_federation(
    client, hz_staff, wz_staff, to_hz, to_nb, nb_wz
):
    client.force_login(hz_staff)
    shown = set(client.get(CHANGELIST).context["cl"].result_list)
    assert shown == {to_hz, to_nb}
    client.force_login(wz_staff)
    assert set(client.get(CHANGELIST).context["cl"].result_list) == {nb_wz}
    assert client.get(_change(to_hz)).status_code == 302  # out of scope: back to the index


def test_the_receiver_reads_masked_numbers_the_sender_full_ones(client, hz_staff, to_hz, to_nb):
    client.force_login(hz_staff)
    received = client.get(_change(to_hz)).text
    assert "13905740001" not in received and "139****0001" in received
    assert "11010519491231002X" not in received
    sent = client.get(_change(to_nb)).text
    assert "13805710009" in sent


def test_the_receiver_cannot_change_the_senders_details(client, hz_staff, to_hz):
    client.force_login(hz_staff)
    response = client.post(_change(to_hz), {"summary": "改写"})
    assert response.status_code == 403
    to_hz.refresh_from_db()
    assert to_hz.summary != "改写"


def test_adding_in_the_admin_goes_through_the_service(client, nb_staff, hz, nb):
    client.force_login(nb_staff)
    response = client.post(
        reverse("admin:cooperation_referral_add"),
        {
            "from_federation": nb.pk,
            "to_federation": hz.pk,
            "category": "work_injury",
            "worker_name": "陈师傅",
            "mobile": "13700002222",
            "id_number": "",
            "summary": "在杭州受伤",
            "requested_help": "协助工伤认定",
            "sender_officer_name": "",
            "receiver_officer_name": "",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.acknowledge_by is not None
    assert referral.history.get().history_user == nb_staff


def test_the_admin_offers_only_partners(client, nb_staff, hz, wz):
    client.force_login(nb_staff)
    form = client.get(reverse("admin:cooperation_referral_add")).context["adminform"].form
    assert list(form.fields["to_federation"].queryset) == [hz]
