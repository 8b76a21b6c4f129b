"""The admin writes bases and photos through sanatoriums.services, with the signed-in user on
every history row; recognitions are read-only there."""

import pytest
from django.urls import reverse
from PIL import Image

from sanatoriums import services
from sanatoriums.models import Photo, Recognition, Sanatorium, Theme
from tests.sanatoriums.factories import RecognitionFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:sanatoriums_sanatorium_add")


def change_url(base):
    return reverse("admin:sanatoriums_sanatorium_change", args=[base.pk])


def base_data(photos=(), recognitions=0, **changes):
    """What the admin form posts: a base, its photo rows and the read-only recognitions."""
    data = {
        "name": "桐庐富春江疗休养基地",
        "region": "桐庐县",
        "address": "桐庐县富春江镇江滨路 25 号",
        "themes": [Theme.objects.get(key="rural").pk],
        "stars": "4",
        "beds": "120",
        "meal_seats": "150",
        "contact_name": "陈老师",
        "contact_phone": "0571-64600000",
        "status": "active",
        "photos-TOTAL_FORMS": str(len(photos)),
        "photos-INITIAL_FORMS": str(len(photos)),
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "recognitions-TOTAL_FORMS": str(recognitions),
        "recognitions-INITIAL_FORMS": str(recognitions),
        "recognitions-MIN_NUM_FORMS": "0",
        "recognitions-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, row in enumerate(photos):
        for key, value in row.items():
            data[f"photos-{index}-{key}"] = value
    data.update(changes)
    return data


@pytest.fixture
def photo(hz_base):
    return services.photo_store(
        actor=None, sanatorium=hz_base, image=Image.new("RGB", (32, 24)), caption="湖景"
    )


def photo_row(photo, **changes):
    return {
        "id": photo.pk,
        "sanatorium": photo.sanatorium_id,
        "caption": photo.caption,
        "position": photo.position,
        **changes,
    }


def test_staff_add_a_base_of_their_own_federation(client, hz_staff, hz):
    client.force_login(hz_staff)
    response = client.post(ADD, base_data())
    assert response.status_code == 302, response.context and response.context["errors"]
    base = Sanatorium.objects.get()
    assert base.federation == hz
    assert {record.history_user for record in base.history.all()} == {hz_staff}


def test_staff_change_a_base_with_its_photo_captions(client, hz_staff, hz_base, photo):
    client.force_login(hz_staff)
    response = client.post(
        change_url(hz_base),
        base_data(photos=[photo_row(photo, caption="千岛湖")], name=hz_base.name, beds="300"),
    )
    assert response.status_code == 302
    hz_base.refresh_from_db()
    photo.refresh_from_db()
    assert (hz_base.beds, photo.caption) == (300, "千岛湖")
    assert hz_base.history.latest("history_date").history_user == hz_staff
    assert photo.history.latest("history_date").history_user == hz_staff


def test_staff_remove_a_photo_in_the_admin(client, hz_staff, hz_base, photo):
    client.force_login(hz_staff)
    response = client.post(
        change_url(hz_base),
        base_data(photos=[photo_row(photo, DELETE="on")], name=hz_base.name),
    )
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert Photo.history.get(history_type="-").history_user == hz_staff


def test_the_recognitions_of_a_base_are_not_changed_in_the_admin(client, hz_staff, hz_base, nb):
    recognition = RecognitionFactory(sanatorium=hz_base, federation=nb, proposed_by=hz_staff)
    client.force_login(hz_staff)
    data = base_data(recognitions=1, name=hz_base.name)
    data.update({"recognitions-0-id": recognition.pk, "recognitions-0-status": "approved"})
    assert client.post(change_url(hz_base), data).status_code == 302
    recognition.refresh_from_db()
    assert recognition.status == Recognition.Status.PROPOSED
    page = client.get(reverse("admin:sanatoriums_recognition_change", args=[recognition.pk]))
    assert page.status_code == 200
    assert 'name="status"' not in page.text


def test_an_administrator_deletes_a_base_with_its_photos(client, superuser, hz_base, photo):
    client.force_login(superuser)
    url = reverse("admin:sanatoriums_sanatorium_delete", args=[hz_base.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Sanatorium.objects.exists() and not Photo.objects.exists()
    assert Sanatorium.history.get(history_type="-").history_user == superuser


def test_an_administrator_keeps_the_themes(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:sanatoriums_theme_add")
    data = {"key": "tea", "name_zh": "茶文化", "name_en": "Tea", "icon": "cup", "position": "11"}
    assert client.post(url, data).status_code == 302
    assert Theme.objects.get(key="tea").name_zh == "茶文化"
