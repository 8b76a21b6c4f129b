"""The liaison directory (对接人名录): staff change their own federation's contacts, every
party reads them with their work telephone numbers, outsiders see nothing, and no public page
shows a contact."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation import services
from cooperation.models import Contact
from cooperation.views import PAGE_SIZE
from tests.cooperation.factories import ContactFactory

pytestmark = pytest.mark.django_db

CONTACTS = reverse("cooperation:contacts")
DATA = {
    "level": "industry_union",
    "department": "杭州市交通运输工会",
    "name": "赵国平",
    "title": "主席",
    "phone": "0571-85170021",
    "email": "zhaogp@example.cn",
}


def test_list_shows_own_and_partner_contacts_with_phones(
    client, hz_staff, hz_contact, nb_contact, wz_contact
):
    client.force_login(hz_staff)
    text = client.get(CONTACTS).text
    assert hz_contact.name in text and nb_contact.name in text
    assert nb_contact.phone in text  # a work number: shown to the partner's staff too
    assert wz_contact.name not in text and wz_contact.phone not in text
    # Only the own federation's rows link to their edit page.
    assert reverse("cooperation:contact_update", args=[hz_contact.pk]) in text
    assert reverse("cooperation:contact_update", args=[nb_contact.pk]) not in text


def test_leader_reads_outsider_sees_nothing(client, hz_leader, wz_staff, hz_contact):
    client.force_login(hz_leader)
    assert hz_contact.name in client.get(CONTACTS).text
    client.force_login(wz_staff)
    response = client.get(CONTACTS)
    assert response.status_code == 200 and hz_contact.name not in response.text


def test_filters_by_federation_and_level(client, hz_staff, hz, nb):
    ContactFactory(federation=hz, name="杭州部门", level="department")
    ContactFactory(federation=hz, name="杭州区县", level="district_union")
    ContactFactory(federation=nb, name="宁波区县", level="district_union")
    client.force_login(hz_staff)
    text = client.get(CONTACTS, {"level": "district_union"}).text
    assert "杭州区县" in text and "宁波区县" in text and "杭州部门" not in text
    text = client.get(CONTACTS, {"level": "district_union", "federation": "NB"}).text
    assert "宁波区县" in text and "杭州区县" not in text


def test_create_belongs_to_own_federation_and_counterpart_is_a_partner(
    client, hz_staff, hz, nb_contact, hz_contact
):
    client.force_login(hz_staff)
    response = client.post(
        reverse("cooperation:contact_create"),
        {**DATA, "counterpart": nb_contact.pk, "federation": nb_contact.federation_id},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="赵国平")
    assert contact.federation == hz and contact.counterpart == nb_contact
    # A contact of the own federation is not a counterpart (and not offered).
    response = client.post(
        reverse("cooperation:contact_update", args=[contact.pk]),
        {**DATA, "counterpart": hz_contact.pk},
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.counterpart == nb_contact


def test_counterpart_rule_in_the_service(hz, hz_contact):
    other = ContactFactory.build(federation=hz, name="同城", counterpart=hz_contact)
    with pytest.raises(ValidationError) as refused:
        services.contact_create(actor=None, contact=other)
    assert refused.value.error_dict["counterpart"][0].code == "counterpart_same_federation"
    assert not Contact.objects.filter(name="同城").exists()


def test_partner_and_outsider_cannot_edit(client, nb_staff, wz_staff, hz_contact):
    url = reverse("cooperation:contact_update", args=[hz_contact.pk])
    for user in (nb_staff, wz_staff):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, DATA).status_code == 404
    hz_contact.refresh_from_db()
    assert hz_contact.name == "王立军"


def test_edit_page_shows_history(client, hz_staff, hz_contact):
    client.force_login(hz_staff)
    url = reverse("cooperation:contact_update", args=[hz_contact.pk])
    client.post(url, {**DATA, "name": "王立军", "title": "副部长"})
    text = client.get(url).text
    assert "部长 → 副部长" in text and str(hz_staff) in text


def test_no_public_page_shows_a_contact(client, hz_contact, public_project):
    for url in ("/", public_project.get_absolute_url(), reverse("sanatoriums:directory")):
        response = client.get(url)
        assert response.status_code == 200
        assert hz_contact.phone not in response.text and hz_contact.name not in response.text
    assert client.get(CONTACTS).status_code == 302  # to the sign-in page


def test_list_query_count_is_constant(client, hz_staff, hz, nb, django_assert_num_queries):
    client.force_login(hz_staff)
    ContactFactory(federation=hz, counterpart=ContactFactory(federation=nb))
    client.get(CONTACTS)
    with CaptureQueriesContext(connection) as first:
        client.get(CONTACTS)
    for i in range(PAGE_SIZE + 2):
        ContactFactory(
            federation=hz if i % 2 else nb,
            counterpart=ContactFactory(federation=nb if i % 2 else hz),
        )
    with django_assert_num_queries(len(first)):
        response = client.get(CONTACTS)
    assert len(response.context["page"].object_list) == PAGE_SIZE
