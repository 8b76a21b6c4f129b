"""Staff pages: owner edits and proposes, partner decides, outsider gets 404."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageFile

from sanatoriums.models import Photo, Recognition, Sanatorium, Theme
from tests.test_uploads import huge_png, truncated_jpeg

pytestmark = pytest.mark.django_db


def form_data(**overrides):
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
    }
    data.update(overrides)
    return data


def test_owner_adds_a_base_for_its_own_federation(client, hz_staff, hz):
    client.force_login(hz_staff)
    response = client.post(reverse("sanatoriums:create"), form_data())
    base = Sanatorium.objects.get()
    assert response.status_code == 302
    assert base.federation == hz
    # the row and its themes: every history record names the member of staff
    assert {record.history_user for record in base.history.all()} == {hz_staff}


@pytest.mark.parametrize(("field", "value"), [("stars", "6"), ("contact_phone", "12345")])
def test_bad_input_is_refused_and_nothing_saved(client, hz_staff, field, value):
    client.force_login(hz_staff)
    response = client.post(reverse("sanatoriums:create"), form_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Sanatorium.objects.exists()


def test_edit_owner_partner_outsider(client, hz_base, hz_staff, nb_staff, wz_staff):
    url = reverse("sanatoriums:update", args=[hz_base.pk])
    client.force_login(hz_staff)
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(name="千岛湖基地（新）"))
    assert response.status_code == 302
    for user in (nb_staff, wz_staff):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, form_data(name="改名")).status_code == 404
    hz_base.refresh_from_db()
    assert hz_base.name == "千岛湖基地（新）"


def test_leader_cannot_add_bases(client, hz_leader):
    client.force_login(hz_leader)
    assert client.get(reverse("sanatoriums:create")).status_code == 403


def test_manage_lists_own_and_partner_bases_not_outsiders(
    client, hz_staff, hz_base, nb_base, wz_base
):
    client.force_login(hz_staff)
    response = client.get(reverse("sanatoriums:manage"))
    assert response.status_code == 200
    assert hz_base.name in response.text and nb_base.name in response.text
    assert wz_base.name not in response.text


def test_staff_page_shows_history_and_propose_form(client, hz_staff, hz_base):
    client.force_login(hz_staff)
    response = client.get(hz_base.get_absolute_url())
    assert reverse("sanatoriums:propose", args=[hz_base.pk]) in response.text
    assert "变更记录" in response.text


def test_propose_through_the_page(client, hz_staff, hz_base, nb):
    client.force_login(hz_staff)
    response = client.post(reverse("sanatoriums:propose", args=[hz_base.pk]), {"federation": nb.pk})
    assert response.status_code == 302
    assert Recognition.objects.get().status == Recognition.Status.PROPOSED


def test_partner_and_outsider_cannot_propose_for_the_owner(client, nb_staff, wz_staff, hz_base, nb):
    for user in (nb_staff, wz_staff):
        client.force_login(user)
        response = client.post(
            reverse("sanatoriums:propose", args=[hz_base.pk]), {"federation": nb.pk}
        )
        assert response.status_code == 404
    assert not Recognition.objects.exists()


@pytest.fixture
def proposal(hz_staff, hz_base, nb):
    from sanatoriums.services import recognition_propose

    return recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=nb)


def test_queue_shows_proposals_to_the_recognising_approver(
    client, proposal, nb_approver, hz_approver
):
    client.force_login(nb_approver)
    response = client.get(reverse("sanatoriums:queue"))
    awaiting = response.context["awaiting"]
    assert awaiting.count("<li") == 1
    assert reverse("sanatoriums:decide", args=[proposal.pk]) in awaiting
    client.force_login(hz_approver)
    assert client.get(reverse("sanatoriums:queue")).context["awaiting"] == ""


def test_decide_page_owner_partner_outsider(
    client, proposal, nb_approver, hz_approver, nb_staff, wz_staff
):
    url = reverse("sanatoriums:decide", args=[proposal.pk])
    for user in (hz_approver, nb_staff, wz_staff):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "reject", "reason": "x"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.PROPOSED
    client.force_login(nb_approver)
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "decision": "approve",
            "valid_from": today.isoformat(),
            "valid_until": (today + datetime.timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.APPROVED


def test_approval_without_dates_shows_an_error(client, proposal, nb_approver):
    client.force_login(nb_approver)
    response = client.post(
        reverse("sanatoriums:decide", args=[proposal.pk]), {"decision": "approve"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["valid_from"]
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.PROPOSED


def test_revoke_only_by_the_recognising_approver(client, proposal, nb_approver, hz_approver):
    from sanatoriums.services import recognition_approve

    today = timezone.localdate()
    recognition_approve(
        actor=nb_approver,
        recognition=proposal,
        valid_from=today,
        valid_until=today + datetime.timedelta(days=30),
    )
    url = reverse("sanatoriums:revoke", args=[proposal.pk])
    client.force_login(hz_approver)
    assert client.post(url, {"reason": "想撤销"}).status_code == 404
    client.force_login(nb_approver)
    assert client.post(url, {"reason": "暂停合作"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Recognition.Status.REVOKED


def image_upload(name="photo.png", size=(2400, 1600), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 180)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_photo_is_resized_for_phones(client, hz_staff, hz_base):
    client.force_login(hz_staff)
    response = client.post(
        reverse("sanatoriums:photo_upload", args=[hz_base.pk]),
        {"image": image_upload(), "caption": "湖景"},
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    with Image.open(photo.image) as large, Image.open(photo.thumbnail) as small:
        assert max(large.size) <= 1280 and large.format == "JPEG"
        assert small.size[0] <= 480
        assert not large.getexif()  # no camera or place data leaves the server


def test_photo_upload_refuses_a_renamed_executable(client, hz_staff, hz_base):
    client.force_login(hz_staff)
    fake = SimpleUploadedFile(
        "photo.jpg", b"MZ\x90\x00" + b"\x00" * 2000, content_type="image/jpeg"
    )
    response = client.post(
        reverse("sanatoriums:photo_upload", args=[hz_base.pk]), {"image": fake}, follow=True
    )
    assert not Photo.objects.exists()
    assert "不允许上传此类型的文件" in response.text


def test_photo_upload_refuses_an_oversized_file(client, hz_staff, hz_base, monkeypatch):
    monkeypatch.setattr("sanatoriums.services.PHOTO_MAX_BYTES", 1000)
    client.force_login(hz_staff)
    response = client.post(
        reverse("sanatoriums:photo_upload", args=[hz_base.pk]),
        {"image": image_upload()},
        follow=True,
    )
    assert not Photo.objects.exists()
    assert "文件过大" in response.text


def stored_photo_files():
    return set((settings.MEDIA_ROOT / "sanatoriums").rglob("*"))


def test_photo_upload_refuses_a_truncated_jpeg(client, hz_staff, hz_base):
    client.force_login(hz_staff)
    stored = stored_photo_files()
    response = client.post(
        reverse("sanatoriums:photo_upload", args=[hz_base.pk]),
        {"image": SimpleUploadedFile("cut.jpg", truncated_jpeg())},
        follow=True,
    )
    assert response.status_code == 200
    assert "图片已损坏或不完整。" in response.text
    assert not Photo.objects.exists()
    assert stored_photo_files() == stored


def test_photo_upload_refuses_too_many_pixels_without_decoding(
    client, hz_staff, hz_base, monkeypatch
):
    upload = SimpleUploadedFile("small.png", huge_png())  # 10000 × 10000, a few KB

    def load(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    monkeypatch.setattr(Image.Image, "load", load)
    client.force_login(hz_staff)
    stored = stored_photo_files()
    response = client.post(
        reverse("sanatoriums:photo_upload", args=[hz_base.pk]), {"image": upload}, follow=True
    )
    assert response.status_code == 200
    assert "图片尺寸过大（10000 × 10000 像素）" in response.text
    assert not Photo.objects.exists()
    assert stored_photo_files() == stored


def test_partner_cannot_upload_photos(client, nb_staff, hz_base):
    client.force_login(nb_staff)
    response = client.post(
        reverse("sanatoriums:photo_upload", args=[hz_base.pk]), {"image": image_upload()}
    )
    assert response.status_code == 404
    assert not Photo.objects.exists()


def test_photos_are_served_publicly(client, hz_staff, hz_base):
    client.force_login(hz_staff)
    client.post(reverse("sanatoriums:photo_upload", args=[hz_base.pk]), {"image": image_upload()})
    client.logout()
    photo = Photo.objects.get()
    response = client.get(photo.thumbnail.url)
    assert response.status_code == 200


def test_manage_query_count_is_flat(client, hz_staff, hz, nb, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.sanatoriums.factories import SanatoriumFactory

    client.force_login(hz_staff)
    SanatoriumFactory(federation=hz)
    client.get(reverse("sanatoriums:manage"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("sanatoriums:manage"))
    for _ in range(20):
        SanatoriumFactory(federation=nb)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("sanatoriums:manage"))


def test_manage_pages_own_bases_first_then_the_partners(client, hz_staff, hz, nb):
    from sanatoriums.views import MANAGE_PAGE_SIZE
    from tests.sanatoriums.factories import SanatoriumFactory

    own = SanatoriumFactory.create_batch(MANAGE_PAGE_SIZE + 1, federation=hz)
    partner = SanatoriumFactory(federation=nb)
    client.force_login(hz_staff)
    first = client.get(reverse("sanatoriums:manage"))
    assert len(first.context["page"].object_list) == MANAGE_PAGE_SIZE
    assert first.context["partner_rows"] == ""
    assert "合作方基地" not in first.text
    assert "?page=2" in first.text
    second = client.get(reverse("sanatoriums:manage") + "?page=2")
    assert [b.pk for b in second.context["page"]] == [
        sorted(own, key=lambda b: (-b.stars, b.name, b.pk))[-1].pk,
        partner.pk,
    ]
    assert "本市基地" in second.text and "暂无基地" not in second.text


def test_manage_says_when_a_section_is_empty(client, hz_staff, hz):
    from tests.sanatoriums.factories import SanatoriumFactory

    SanatoriumFactory(federation=hz)
    client.force_login(hz_staff)
    response = client.get(reverse("sanatoriums:manage"))
    assert "合作方基地" in response.text
    assert "暂无基地" in response.text


def test_decide_form_prefills_dates_a_date_picker_understands(client, proposal, nb_approver):
    client.force_login(nb_approver)
    response = client.get(reverse("sanatoriums:decide", args=[proposal.pk]))
    assert f'value="{timezone.localdate().isoformat()}"' in response.text


def test_base_page_shows_every_step_of_its_recognitions(client, proposal, nb_approver, hz_staff):
    from sanatoriums.services import recognition_reject

    recognition_reject(actor=nb_approver, recognition=proposal, reason="床位不足，请完善后再报")
    client.force_login(hz_staff)
    page = client.get(proposal.sanatorium.get_absolute_url()).text
    assert "互认记录" in page
    assert "床位不足，请完善后再报" in page
    assert page.count("宁波市总工会 · 待审核") == 1 and "宁波市总工会 · 未同意" in page


def test_base_page_query_count_does_not_grow_with_recognitions(
    client, hz_staff, hz_base, nb_approver, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanatoriums.services import recognition_propose, recognition_reject

    client.force_login(hz_staff)
    nb = nb_approver.staff_profile.federation

    def one_round():
        recognition = recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=nb)
        recognition_reject(actor=nb_approver, recognition=recognition, reason="不符合")

    one_round()
    client.get(hz_base.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(hz_base.get_absolute_url())
    for _ in range(5):
        one_round()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(hz_base.get_absolute_url())


def test_queue_lists_recognitions_of_own_federation_only(client, proposal, hz_staff, wz_staff):
    client.force_login(hz_staff)
    assert list(client.get(reverse("sanatoriums:queue")).context["page"]) == [proposal]
    client.force_login(wz_staff)
    assert client.get(reverse("sanatoriums:queue")).status_code == 200
    assert not list(client.get(reverse("sanatoriums:queue")).context["page"])


def test_renew_through_the_decide_page(client, proposal, nb_approver, hz_approver):
    from sanatoriums.services import recognition_approve

    today = timezone.localdate()
    recognition_approve(
        actor=nb_approver,
        recognition=proposal,
        valid_from=today,
        valid_until=today + datetime.timedelta(days=30),
    )
    url = reverse("sanatoriums:decide", args=[proposal.pk])
    new_end = today + datetime.timedelta(days=700)
    data = {"decision": "approve", "valid_from": today.isoformat(), "valid_until": new_end}
    client.force_login(hz_approver)
    assert client.post(url, data).status_code == 404
    client.force_login(nb_approver)
    assert client.post(url, data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.valid_until == new_end


def test_an_administrator_adds_bases_in_the_admin_not_on_the_page(client, superuser, proposal):
    client.force_login(superuser)
    assert client.get(reverse("sanatoriums:create")).status_code == 404
    assert reverse("sanatoriums:create") not in client.get(reverse("sanatoriums:manage")).text
    # nor decides for a federation (invariant 1)
    assert client.get(reverse("sanatoriums:decide", args=[proposal.pk])).status_code == 404


def test_a_duplicate_name_is_shown_on_the_form(client, hz_staff, hz_base):
    client.force_login(hz_staff)
    response = client.post(reverse("sanatoriums:create"), form_data(name=hz_base.name))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Sanatorium.objects.count() == 1


def test_queue_query_count_is_flat_and_pages_keep_their_place(
    client, nb_approver, hz, nb, hz_staff, monkeypatch, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanatoriums import views
    from tests.sanatoriums.factories import RecognitionFactory, SanatoriumFactory

    def make(n):
        for _ in range(n):
            RecognitionFactory(
                sanatorium=SanatoriumFactory(federation=hz),
                federation=nb,
                proposed_by=hz_staff,
                approved=True,
                valid_until=datetime.date(2099, 1, 1),
            )

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 5)
    client.force_login(nb_approver)
    url = reverse("sanatoriums:queue")
    make(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make(10)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url, {"page": "2"})
    assert len(response.context["page"]) == 5
    # Renew and revoke on every row.
    assert response.text.count('data-bs-target="#revoke-') == 5
    assert response.text.count('class="btn btn-outline-primary btn-sm text-nowrap"') == 5
    assert "?page=3" in response.text
