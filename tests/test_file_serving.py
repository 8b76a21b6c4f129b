"""How stored files are named and served (issue 8, hole 4).

Only the photos of bases have a public address, by their exact stored name; every upload is
stored under a random name whose extension follows its content; private files are sent with
a type sniffed from the stored bytes, never from a name a user typed, with `nosniff`, and
downloaded unless they are exactly an image.
"""

import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cooperation.models import Attachment, Pillar
from sanatoriums.models import Photo
from tests.cooperation.factories import ProjectFactory, png_upload
from tests.sanatoriums.factories import SanatoriumFactory

pytestmark = pytest.mark.django_db

# A PDF signature followed by a page with a script: what a browser would run if it were
# served as HTML, or sniffed as such.
HTML_POSING_AS_PDF = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>"


def picture_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 180)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def project(agreement, hz, nb):
    Pillar.objects.ensure()
    return ProjectFactory(agreement=agreement, lead_federation=hz, partners=[nb])


def add_update(client, user, project, *files):
    client.force_login(user)
    response = client.post(
        reverse("cooperation:update_add", args=[project.pk]),
        {
            "update-happened_on": timezone.localdate().isoformat(),
            "update-text": "宁波方面完成初赛组织工作",
            "update-files": list(files),
        },
    )
    assert response.status_code == 302
    client.logout()


@pytest.fixture
def photo(client, hz_staff, hz):
    base = SanatoriumFactory(federation=hz)
    client.force_login(hz_staff)
    client.post(reverse("sanatoriums:photo_upload", args=[base.pk]), {"image": picture_upload()})
    client.logout()
    return Photo.objects.get()


@pytest.fixture
def private_files(client, project, nb_staff, agreement, photo):
    """A private attachment and a signed agreement document, next to a public photo."""
    add_update(client, nb_staff, project, png_upload("现场.png"))
    agreement.document = SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n" + b"0" * 100)
    agreement.document_name = "协议.pdf"
    agreement.save()
    return [Attachment.objects.get().file.name, agreement.document.name]


# --- the public photo address -------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "/media/sanatoriums/..%2f{name}",
        "/media/sanatoriums/..%2F{name}",
        "/media/sanatoriums/%2e%2e/{name}",
        "/media/sanatoriums/%2e%2e%2f{name}",
        "/media/sanatoriums/x/../../{name}",
        "/media/sanatoriums/x/%2e%2e/%2e%2e/{name}",
        "/media/sanatoriums/./../{name}",
        "/media/{name}",
    ],
)
def test_no_media_address_reaches_a_private_file(client, private_files, address):
    for name in private_files:
        assert default_storage.exists(name)  # the file is there to be found
        response = client.get(address.format(name=name))
        assert response.status_code == 404, address.format(name=name)


def test_a_photo_is_served_by_its_exact_stored_name(client, photo):
    for file in (photo.image, photo.thumbnail):
        assert file.name.endswith(".jpg") and "photo" not in file.name
        response = client.get(file.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "public" in response["Cache-Control"]
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_a_file_under_the_photo_directory_that_is_no_photo_is_not_served(client, photo):
    """Not even a file next to the photos: only names stored in Photo rows are public."""
    folder = photo.image.name.rsplit("/", 1)[0]
    planted = default_storage.save(f"{folder}/page.html", ContentFile(b"<script></script>"))
    copy = default_storage.save(f"{folder}/copy.jpg", ContentFile(photo.image.read()))
    for name in (planted, copy, f"{photo.image.name}/", f"{photo.image.name}%00"):
        assert client.get(f"/media/{name}").status_code == 404


# --- stored names -------------------------------------------------------------------------

FILE_FIELDS = [
    field
    for model in apps.get_models()
    for field in model._meta.concrete_fields
    if isinstance(field, models.FileField)
]


def field_id(field):
    return f"{field.model._meta.label}.{field.name}"


def test_the_file_fields_are_all_found():
    assert {field_id(f) for f in FILE_FIELDS} >= {
        "cooperation.Agreement.document",
        "cooperation.Attachment.file",
        "competitions.Competition.attachment",
        "sanatoriums.Photo.image",
        "sanatoriums.Photo.thumbnail",
    }


@pytest.mark.parametrize("field", FILE_FIELDS, ids=field_id)
def test_every_file_field_stores_under_a_generated_name_with_the_contents_extension(field):
    instance = field.model()
    setattr(instance, field.attname, SimpleUploadedFile("evil.html", HTML_POSING_AS_PDF))
    name = field.generate_filename(instance, "evil.html")
    folder, stored = name.rsplit("/", 1)
    assert "evil" not in name and ".html" not in name
    # photos are always re-encoded as JPEG by the portal; other files keep their content's kind
    expected = "jpg" if isinstance(field, models.ImageField) else "pdf"
    stem, extension = stored.split(".")
    assert extension == expected and len(stem) == 32
    assert name != field.generate_filename(instance, "evil.html")  # random, not derived


def test_content_of_no_known_kind_is_stored_as_bin():
    field = Attachment._meta.get_field("file")
    instance = Attachment(file=SimpleUploadedFile("page.html", b"<html></html>"))
    assert field.generate_filename(instance, "page.html").endswith(".bin")


# --- private files ------------------------------------------------------------------------


def test_html_uploaded_as_pdf_is_stored_and_served_as_a_pdf_download(
    client, project, nb_staff, hz_staff
):
    evil = SimpleUploadedFile("evil.html", HTML_POSING_AS_PDF, content_type="text/html")
    add_update(client, nb_staff, project, evil)
    attachment = Attachment.objects.get()
    assert attachment.file.name.endswith(".pdf") and "evil" not in attachment.file.name
    assert attachment.original_name == "evil.html"  # kept, for the download's name only
    client.force_login(hz_staff)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evil.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_image_attachment_is_shown_inline_with_its_sniffed_type(
    client, project, nb_staff, hz_staff
):
    add_update(client, nb_staff, project, png_upload("photo.jpg"))  # a PNG named .jpg
    attachment = Attachment.objects.get()
    assert attachment.file.name.endswith(".png")
    client.force_login(hz_staff)
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="photo.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def html_named_document(agreement):
    agreement.document = SimpleUploadedFile("x.html", HTML_POSING_AS_PDF)
    agreement.document_name = "x.html"
    agreement.save()
    return agreement


def test_agreement_document_type_comes_from_its_content_not_its_name(
    client, html_named_document, hz_staff
):
    assert html_named_document.document.name.endswith(".pdf")
    client.force_login(hz_staff)
    response = client.get(reverse("cooperation:agreement_document", args=[html_named_document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_stored_file_of_no_known_kind_is_downloaded_as_bytes(client, agreement, hz_staff):
    """A file stored before names were generated, whatever its name says."""
    name = default_storage.save("cooperation/agreements/old.html", ContentFile(b"<script>"))
    type(agreement).objects.filter(pk=agreement.pk).update(document=name, document_name="a.html")
    client.force_login(hz_staff)
    response = client.get(reverse("cooperation:agreement_document", args=[agreement.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="a.bin"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_missing_stored_file_is_404(client, agreement, hz_staff):
    type(agreement).objects.filter(pk=agreement.pk).update(
        document="cooperation/agreements/gone.pdf"
    )
    client.force_login(hz_staff)
    response = client.get(reverse("cooperation:agreement_document", args=[agreement.pk]))
    assert response.status_code == 404


def test_competition_rules_are_served_by_a_view_that_checks_access(client, hz, wz_staff):
    from competitions.models import Competition
    from tests.competitions.factories import CompetitionFactory

    body = b"%PDF-1.4\n<html><script>alert(1)</script></html>"
    open_one = CompetitionFactory(hosts=[hz])
    draft = CompetitionFactory(hosts=[hz], status=Competition.Status.DRAFT)
    for competition in (open_one, draft):
        competition.attachment = SimpleUploadedFile("rules.html", body, content_type="text/html")
        competition.save()
        assert competition.attachment.name.endswith(".pdf")
    page = client.get(reverse("competitions:detail", args=[open_one.pk]))
    url = reverse("competitions:rules", args=[open_one.pk])
    assert url in page.text
    assert open_one.attachment.url not in page.text
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    # A draft's rules are not public, nor readable by a third federation.
    assert client.get(reverse("competitions:rules", args=[draft.pk])).status_code == 404
    client.force_login(wz_staff)
    assert client.get(reverse("competitions:rules", args=[draft.pk])).status_code == 404
