import io
import time

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from PIL import Image, ImageFile

from members.spreadsheets import safe_cell
from members.uploads import IMAGE_KINDS, MAX_IMAGE_PIXELS, UploadValidator, validate_upload


def png_bytes(size=(4, 4)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_real_png_is_accepted_whatever_its_name():
    upload = SimpleUploadedFile("photo.jpg", png_bytes(), content_type="image/jpeg")
    assert validate_upload(upload, kinds=IMAGE_KINDS) == "png"


def test_renamed_executable_is_refused():
    upload = SimpleUploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError) as raised:
        validate_upload(upload, kinds=IMAGE_KINDS)
    assert raised.value.code == "file_type"


def test_pdf_is_refused_where_only_images_are_allowed_and_accepted_elsewhere():
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n...")
    with pytest.raises(ValidationError):
        validate_upload(pdf, kinds=IMAGE_KINDS)
    assert validate_upload(pdf) == "pdf"


def test_oversized_file_is_refused():
    upload = SimpleUploadedFile("big.png", png_bytes())
    with pytest.raises(ValidationError) as raised:
        validate_upload(upload, max_bytes=10)
    assert raised.value.code == "file_too_large"


def test_truncated_image_is_refused():
    upload = SimpleUploadedFile("half.png", png_bytes((64, 64))[:40])
    with pytest.raises(ValidationError) as raised:
        validate_upload(upload, kinds=IMAGE_KINDS)
    assert raised.value.code == "file_broken"


# --- images that would crash a page or take the server's memory (issue 8, hole 7) ---------


def huge_png(size=(10_000, 10_000)):
    """100 million pixels of one colour in a few KB: decoded, about 100 MB (300 MB as RGB)."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, format="PNG")
    return buffer.getvalue()


def truncated_jpeg():
    """The first 60 % of a real JPEG: its header opens and verifies, its picture is cut."""
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 80).convert("RGB").save(buffer, format="JPEG", quality=95)
    data = buffer.getvalue()
    return data[: len(data) * 6 // 10]


@pytest.fixture(scope="module")
def huge():
    return huge_png()


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any image is decoded."""

    def load(self):
        raise AssertionError("an image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    monkeypatch.setattr(Image.Image, "load", load)


def test_an_image_with_too_many_pixels_is_refused_before_decoding(huge, no_decoding):
    assert len(huge) < 100_000
    upload = SimpleUploadedFile("small.png", huge)
    started = time.monotonic()
    with pytest.raises(ValidationError) as raised:
        validate_upload(upload, kinds=IMAGE_KINDS)
    assert time.monotonic() - started < 1  # seconds: only the header was read
    assert raised.value.code == "image_too_large"
    assert raised.value.params == {"width": 10_000, "height": 10_000, "limit": 40}
    assert "10000 × 10000" in raised.value.messages[0]


@pytest.fixture(scope="module")
def bomb():
    return huge_png((20_000, 10_000))  # over twice Pillow's limit: Pillow refuses to open it


def test_an_image_far_beyond_pillows_own_limit_is_refused_with_the_same_code(bomb, no_decoding):
    upload = SimpleUploadedFile("bomb.png", bomb)
    with pytest.raises(ValidationError) as raised:
        validate_upload(upload, kinds=IMAGE_KINDS)
    assert raised.value.code == "image_too_large"


def test_an_image_at_the_pixel_limit_is_accepted():
    width = 8_000
    upload = SimpleUploadedFile("big.png", huge_png((width, MAX_IMAGE_PIXELS // width)))
    assert validate_upload(upload, kinds=IMAGE_KINDS) == "png"


def test_a_truncated_jpeg_is_refused():
    upload = SimpleUploadedFile("cut.jpg", truncated_jpeg())
    with Image.open(io.BytesIO(upload.read())) as image:
        image.verify()  # what the check used to stop at: this passes
    with pytest.raises(ValidationError) as raised:
        validate_upload(upload, kinds=IMAGE_KINDS)
    assert raised.value.code == "file_broken"


# Every file field of every model is checked by content (and images by pixels) when a file
# is uploaded to it, except the photo fields, which only the portal writes: photo_add checks
# the upload and stores re-encoded JPEGs (tests/sanatoriums/test_staff_views.py).
FILE_FIELDS = [
    field
    for model in apps.get_models()
    for field in model._meta.concrete_fields
    if isinstance(field, models.FileField)
]
WRITTEN_ONLY_BY_THE_PORTAL = {"sanatoriums.Photo.image", "sanatoriums.Photo.thumbnail"}
# --- excel --- an import's file is a spreadsheet, not a document or an image: the import
# page checks it by content (members.imports.check_upload: size, zip bomb, encoding) before
# the job is made, and nothing else writes the field (tests/members/test_import_safety.py).
WRITTEN_ONLY_BY_THE_PORTAL |= {"members.ImportJob.file"}


def field_id(field):
    return f"{field.model._meta.label}.{field.name}"


UPLOAD_FIELDS = [f for f in FILE_FIELDS if field_id(f) not in WRITTEN_ONLY_BY_THE_PORTAL]


def test_every_upload_field_is_checked_by_content():
    assert len(UPLOAD_FIELDS) >= 3  # agreement document, update attachment, rules attachment
    for field in UPLOAD_FIELDS:
        assert any(isinstance(v, UploadValidator) for v in field.validators), field_id(field)


@pytest.mark.parametrize("field", UPLOAD_FIELDS, ids=field_id)
def test_every_upload_field_refuses_an_image_with_too_many_pixels(field, huge, no_decoding):
    with pytest.raises(ValidationError) as raised:
        field.run_validators(SimpleUploadedFile("small.png", huge))
    assert [e.code for e in raised.value.error_list] == ["image_too_large"]


@pytest.mark.parametrize("field", UPLOAD_FIELDS, ids=field_id)
def test_every_upload_field_refuses_a_truncated_image(field):
    with pytest.raises(ValidationError) as raised:
        field.run_validators(SimpleUploadedFile("cut.jpg", truncated_jpeg()))
    assert [e.code for e in raised.value.error_list] == ["file_broken"]


# --- spreadsheets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("张伟", "张伟"),
        (42, 42),
        (None, None),
    ],
)
def test_formula_cells_are_neutralised(value, expected):
    assert safe_cell(value) == expected
