"""The agreement page and its signed document: parties read, outsiders get 404."""

import datetime

import pytest
from django.urls import reverse

from cooperation.models import AgreementPhase
from tests.cooperation.factories import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(agreement):
    agreement.document = pdf_upload("杭甬合作协议.pdf")
    agreement.document_name = "杭甬合作协议.pdf"
    agreement.save()
    AgreementPhase.objects.create(
        agreement=agreement, name="建立机制",
        starts_on=datetime.date(2021, 7, 15), ends_on=datetime.date(2022, 6, 30),
    )  # fmt: skip
    return agreement


def test_parties_read_the_agreement_and_its_document(client, hz_staff, nb_staff, signed):
    for user in (hz_staff, nb_staff):
        client.force_login(user)
        response = client.get(signed.get_absolute_url())
        assert response.status_code == 200
        assert "建立机制" in response.text
        document = client.get(reverse("cooperation:agreement_document", args=[signed.pk]))
        assert document.status_code == 200
        assert b"".join(document.streaming_content).startswith(b"%PDF")


def test_outsiders_get_404(client, wz_staff, signed):
    document = reverse("cooperation:agreement_document", args=[signed.pk])
    assert client.get(document).status_code == 302  # to sign in
    client.force_login(wz_staff)
    assert client.get(signed.get_absolute_url()).status_code == 404
    assert client.get(document).status_code == 404
