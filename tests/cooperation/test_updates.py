"""Progress updates with attachments: who may add them, what files are accepted, and who
may download them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Attachment, ProgressUpdate
from tests.cooperation.factories import (
    ProgressUpdateFactory,
    exe_upload,
    pdf_upload,
    png_upload,
)

pytestmark = pytest.mark.django_db


def add_url(project):
    return reverse("cooperation:update_add", args=[project.pk])


def update_data(**extra):
    data = {
        "update-happened_on": timezone.localdate().isoformat(),
        "update-text": "宁波方面完成初赛组织工作",
    }
    data.update(extra)
    return data


def test_partner_adds_an_update_with_an_image_and_a_pdf(client, nb_staff, nb, hz_project):
    client.force_login(nb_staff)
    response = client.post(
        add_url(hz_project),
        update_data(**{"update-files": [png_upload("现场.jpg"), pdf_upload("通知.pdf")]}),
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.federation == nb and update.author == nb_staff
    kinds = sorted(update.attachments.values_list("kind", "content_type", "original_name"))
    assert kinds == [("image", "image/png", "现场.jpg"), ("pdf", "application/pdf", "通知.pdf")]
    # stored under a random name, never the uploaded one
    assert all("现场" not in a.file.name for a in update.attachments.all())


def test_lead_adds_an_update(client, hz_staff, hz, hz_project):
    client.force_login(hz_staff)
    assert client.post(add_url(hz_project), update_data()).status_code == 302
    assert ProgressUpdate.objects.get().federation == hz


def test_outsider_gets_404_and_leader_403(client, wz_staff, hz_leader, hz_project):
    client.force_login(wz_staff)
    assert client.post(add_url(hz_project), update_data()).status_code == 404
    client.force_login(hz_leader)
    assert client.post(add_url(hz_project), update_data()).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_partner_of_another_project_cannot_add(client, nb_staff, agreement, hz, pillars):
    """NB reads every HZ project (same agreement) but reports only where it is a partner."""
    from tests.cooperation.factories import ProjectFactory

    solo = ProjectFactory(agreement=agreement, lead_federation=hz, title="杭州独自承担")
    client.force_login(nb_staff)
    assert client.get(solo.get_absolute_url()).status_code == 200
    assert client.post(add_url(solo), update_data()).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_a_renamed_executable_is_refused_and_nothing_is_saved(client, nb_staff, hz_project):
    client.force_login(nb_staff)
    response = client.post(
        add_url(hz_project),
        update_data(**{"update-files": [png_upload(), exe_upload("照片.png")]}),
    )
    assert response.status_code == 400
    assert "不允许上传此类型的文件" in response.text
    assert not ProgressUpdate.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(client, nb_staff, hz_project):
    client.force_login(nb_staff)
    big = pdf_upload("大文件.pdf", size=10 * 1024 * 1024 + 1)
    response = client.post(add_url(hz_project), update_data(**{"update-files": [big]}))
    assert response.status_code == 400
    assert "文件过大" in response.text
    assert not ProgressUpdate.objects.exists()


def test_a_file_at_the_limit_is_accepted(client, nb_staff, hz_project):
    client.force_login(nb_staff)
    exact = pdf_upload("正好.pdf", size=10 * 1024 * 1024)
    response = client.post(add_url(hz_project), update_data(**{"update-files": [exact]}))
    assert response.status_code == 302
    assert Attachment.objects.get().size == 10 * 1024 * 1024


def test_an_update_in_the_future_is_refused(client, nb_staff, hz_project):
    client.force_login(nb_staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        add_url(hz_project), update_data(**{"update-happened_on": tomorrow.isoformat()})
    )
    assert response.status_code == 400
    assert "进展动态的日期不能晚于今天。" in response.text
    assert not ProgressUpdate.objects.exists()


# --- downloads -----------------------------------------------------------------------------


@pytest.fixture
def private_attachment(hz_project, nb_staff, client):
    client.force_login(nb_staff)
    client.post(add_url(hz_project), update_data(**{"update-files": [png_upload()]}))
    client.logout()
    return Attachment.objects.get()


def test_private_attachment_is_for_the_agreement_only(
    client, private_attachment, hz_staff, nb_staff, wz_staff
):
    address = private_attachment.get_absolute_url()
    assert client.get(address).status_code == 404  # anonymous
    client.force_login(wz_staff)
    assert client.get(address).status_code == 404
    for user in (hz_staff, nb_staff):
        client.force_login(user)
        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_no_public_media_address_serves_it(client, private_attachment):
    assert client.get("/media/" + private_attachment.file.name).status_code == 404


def test_public_attachment_of_a_public_project_is_for_everyone(client, public_project):
    update = ProgressUpdateFactory(project=public_project, is_public=True)
    attachment = Attachment.objects.create(
        update=update, file=png_upload(), original_name="a.png", kind="image",
        content_type="image/png", size=10,
    )  # fmt: skip
    assert client.get(attachment.get_absolute_url()).status_code == 200
    # the same update on a project that is not public stays private
    public_project.is_public = False
    public_project.save()
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_a_partner_under_another_agreement_reads_nothing_of_this_project(
    client, nb_staff, wz_staff, nb, wz, hz_project
):
    """宁波 has a second agreement, with 温州; 温州 is no party to the 杭甬 agreement and must
    not read its projects, their updates or attachments — not even through the admin."""
    from tests.factories import AgreementFactory

    AgreementFactory(title="甬温合作协议", parties=[nb, wz])
    client.force_login(nb_staff)
    client.post(add_url(hz_project), update_data(**{"update-files": [pdf_upload("内部.pdf")]}))
    update = ProgressUpdate.objects.get()
    attachment = update.attachments.get()
    outsider = type(wz_staff).objects.get(pk=wz_staff.pk)  # scope is cached per user object
    assert not ProgressUpdate.objects.for_user(outsider).exists()
    assert not Attachment.objects.readable_by(outsider).exists()
    client.force_login(wz_staff)
    assert client.get(hz_project.get_absolute_url()).status_code == 404
    download = reverse("cooperation:attachment", args=[attachment.pk])
    assert client.get(download).status_code == 404
    admin_page = client.get(f"/admin/cooperation/progressupdate/{update.pk}/change/", follow=True)
    assert update.text not in admin_page.text
