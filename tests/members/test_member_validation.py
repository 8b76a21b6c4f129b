"""Bad input gives a clear, translated error and saves nothing."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import translation

from members.forms import MemberForm
from members.models import Member
from tests.factories import MemberFactory, OrganisationFactory, id_number_for

pytestmark = pytest.mark.django_db


def form_data(organisation, **overrides):
    data = {
        "name": "陈静",
        "organisation": organisation.pk,
        "card_number": "HZ0000099",
        "id_number": id_number_for(9001),
        "mobile": "13900001111",
        "gender": "M",
        "employment_form": Member.EmploymentForm.DELIVERY_RIDER,
        "join_date": "2023-03-08",
    }
    data.update(overrides)
    return data


def test_valid_member_is_saved_with_the_organisations_federation(hz_staff, hz_org):
    form = MemberForm(form_data(hz_org, mobile="+86 139-0000-1111"), user=hz_staff)
    assert form.is_valid(), form.errors
    member = form.save()
    assert member.federation == hz_org.federation
    assert member.mobile == "13900001111"
    assert member.is_new_employment_form


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "校验码"), ("en", "check digit is wrong")],
)
def test_wrong_check_digit_is_refused_in_the_users_language(hz_staff, hz_org, language, expected):
    number = id_number_for(9001)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with translation.override(language):
        form = MemberForm(form_data(hz_org, id_number=wrong), user=hz_staff)
        assert not form.is_valid()
        assert expected in str(form.errors["id_number"])
    assert not Member.objects.exists()


def test_impossible_birth_date_is_refused(hz_staff, hz_org):
    form = MemberForm(form_data(hz_org, id_number="110105199902301230"), user=hz_staff)
    assert not form.is_valid()
    assert form.errors["id_number"][0]
    assert form.has_error("id_number", "id_birth_date")
    assert not Member.objects.exists()


@pytest.mark.parametrize("mobile", ["1381234567", "23812345678", "1281234567x", "138123456789"])
def test_malformed_mobile_is_refused(hz_staff, hz_org, mobile):
    with translation.override("zh-hans"):
        form = MemberForm(form_data(hz_org, mobile=mobile), user=hz_staff)
        assert not form.is_valid()
        assert "手机号" in str(form.errors["mobile"])
    assert form.has_error("mobile", "invalid_mobile")
    assert not Member.objects.exists()


def test_duplicate_card_in_same_federation_is_refused(hz_staff, hz_org, hz):
    MemberFactory(organisation=hz_org, card_number="HZ0000099")
    other_unit = OrganisationFactory(federation=hz)
    with translation.override("zh-hans"):
        form = MemberForm(form_data(other_unit, card_number="HZ0000099"), user=hz_staff)
        assert not form.is_valid()
        assert "HZ0000099" in str(form.errors["card_number"])
        assert "已" in str(form.errors["card_number"])
    assert Member.objects.count() == 1


def test_same_card_number_in_another_federation_is_fine(nb_org, hz_org):
    MemberFactory(organisation=nb_org, card_number="X1")
    member = MemberFactory(organisation=hz_org, card_number="X1")
    assert member.pk


def test_database_refuses_duplicate_card_even_without_the_form(hz_org):
    MemberFactory(organisation=hz_org, card_number="DUP")
    with pytest.raises(IntegrityError):
        MemberFactory(organisation=hz_org, card_number="DUP")


def test_database_refuses_a_malformed_id_number(hz_org):
    with pytest.raises(IntegrityError):
        MemberFactory(organisation=hz_org, id_number="12345")


def test_gender_must_match_the_id_number(hz_staff, hz_org):
    female_id = id_number_for(9002, male=False)
    form = MemberForm(form_data(hz_org, id_number=female_id, gender="M"), user=hz_staff)
    assert not form.is_valid()
    assert form.has_error("gender", "gender_mismatch")


def test_staff_cannot_file_a_member_under_a_partner_organisation(hz_staff, nb_org):
    form = MemberForm(form_data(nb_org), user=hz_staff)
    assert not form.is_valid()
    assert "organisation" in form.errors
    assert not Member.objects.exists()


def test_join_date_is_a_date(hz_staff, hz_org):
    form = MemberForm(form_data(hz_org, join_date="not a date"), user=hz_staff)
    assert not form.is_valid()
    assert "join_date" in form.errors
    form = MemberForm(form_data(hz_org, join_date=datetime.date(2024, 1, 2)), user=hz_staff)
    assert form.is_valid(), form.errors
