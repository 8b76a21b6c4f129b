import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.spreadsheets import safe_cell
from members.uploads import IMAGE_KINDS, validate_upload


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
