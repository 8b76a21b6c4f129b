"""A body larger than any upload is refused before it is read (members.middleware), and the
one upload limit (members.uploads.MAX_UPLOAD_BYTES) bounds every other."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from cooperation.models import ATTACHMENT_MAX_BYTES
from members.middleware import max_request_bytes
from members.uploads import MAX_UPLOAD_BYTES, UploadValidator, validate_upload
from sanatoriums.models import PHOTO_MAX_BYTES
from tests.sanatoriums.factories import SanatoriumFactory
from tests.test_uploads import png_bytes

pytestmark = pytest.mark.django_db

THIRTY_MB = 30 * 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_declaring(client, url, length, **extra):
    """POST to `url` with a multipart body of `length` declared bytes that cannot be read."""
    return client.generic(
        "POST",
        url,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        **{"CONTENT_LENGTH": str(length), "wsgi.input": UnreadableBody()},
        **extra,
    )


@pytest.fixture
def base(hz):
    return SanatoriumFactory(federation=hz)


def test_a_30_mb_upload_is_refused_before_the_body_or_the_view_is_reached(
    client, hz_staff, base, monkeypatch
):
    def view_reached(*args, **kwargs):
        raise AssertionError("the view was reached")

    monkeypatch.setattr("sanatoriums.services.photo_add", view_reached)
    client.force_login(hz_staff)
    url = reverse("sanatoriums:photo_upload", args=[base.pk])
    response = post_declaring(client, url, THIRTY_MB, HTTP_REFERER=f"http://testserver{url}")
    assert response.status_code == 413
    text = response.text
    assert "30.0\xa0MB" in text and "10.0\xa0MB" in text
    assert 'lang="zh-hans"' in text and "文件过大，无法上传" in text
    # the portal's page, with the way back to the form it came from
    assert 'class="navbar' in text and f'href="http://testserver{url}"' in text
    assert "Content-Security-Policy" in response.headers


def test_the_refusal_is_in_the_visitors_language(client):
    client.cookies["django_language"] = "en"
    response = post_declaring(client, reverse("login"), THIRTY_MB)
    assert response.status_code == 413
    assert "Too large to upload" in response.text
    assert 'lang="en"' in response.text


def test_a_link_back_to_another_site_is_not_offered(client):
    response = post_declaring(
        client, reverse("login"), THIRTY_MB, HTTP_REFERER="https://evil.example/form"
    )
    assert response.status_code == 413
    assert "evil.example" not in response.text


def test_a_body_up_to_the_limit_goes_on_and_one_byte_more_is_refused(client):
    """The limit is the largest file with room for the form fields beside it."""
    limit = max_request_bytes()
    assert limit > MAX_UPLOAD_BYTES
    body = b"x" * limit
    url = reverse("login")
    kind = "application/octet-stream"
    assert client.generic("POST", url, body, content_type=kind).status_code == 200
    assert client.generic("POST", url, body + b"x", content_type=kind).status_code == 413


def test_a_photo_upload_still_works(client, hz_staff, base):
    client.force_login(hz_staff)
    response = client.post(
        reverse("sanatoriums:photo_upload", args=[base.pk]),
        {"image": SimpleUploadedFile("门口.png", png_bytes((64, 48))), "caption": "大门"},
    )
    assert response.status_code == 302
    assert base.photos.get().caption == "大门"


# --- one limit ------------------------------------------------------------------------------


def test_every_upload_limit_is_within_the_one_limit():
    limits = {"photo": PHOTO_MAX_BYTES, "attachment": ATTACHMENT_MAX_BYTES}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                for validator in field.validators:
                    if isinstance(validator, UploadValidator):
                        limits[f"{model._meta.label}.{field.name}"] = validator.max_bytes
    assert max(limits.values()) == MAX_UPLOAD_BYTES, limits


def test_a_limit_above_the_one_limit_is_a_programming_error():
    with pytest.raises(ValueError):
        UploadValidator(max_bytes=MAX_UPLOAD_BYTES + 1)
    with pytest.raises(ValueError):
        validate_upload(None, max_bytes=MAX_UPLOAD_BYTES + 1)
