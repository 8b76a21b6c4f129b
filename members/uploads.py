"""Checks for uploaded files, by content rather than by name, and the names they are stored
under.

A file is accepted when its first bytes say it is one of the allowed kinds and it is not
larger than the limit; an image must also have at most MAX_IMAGE_PIXELS pixels (read from its
header, before anything is decoded) and decode completely with Pillow. The name's extension
is never trusted: a renamed executable is refused, and every file is stored under a random
name whose extension follows its content (`generated_name`), so that nothing a user names
"page.html" is ever stored or served as one.
"""

from __future__ import annotations

import uuid
import warnings
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# kind → (leading bytes that identify it, human label)
SIGNATURES = {
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),  # followed by size and b"WEBP"
    "pdf": (b"%PDF-",),
}
MIME_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
# kind → the extension of the stored file; anything else is stored as ".bin"
EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp", "pdf": "pdf"}
UNKNOWN_EXTENSION = "bin"
IMAGE_KINDS = frozenset({"jpeg", "png", "gif", "webp"})
DOCUMENT_KINDS = IMAGE_KINDS | {"pdf"}
# Pillow's format names: an image sniffed as one kind must also decode as that kind.
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
# The largest file the portal accepts, the one home of every upload limit: each field's or
# service's own limit is at most this (UploadValidator and validate_upload refuse a larger
# one), and members.middleware refuses, before reading it, a request whose body is larger than
# this plus the form fields around it.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# About 160 MB once decoded (RGBA). A phone photo has 12 to 50 million pixels; a few KB of
# single-colour PNG can claim far more, and decoding it would take the server's memory.
MAX_IMAGE_PIXELS = 40_000_000


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes, or None."""
    for kind, prefixes in SIGNATURES.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            if kind == "webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def sniff_file(file) -> str | None:
    """The kind of an open file (an upload or a FieldFile) from its first bytes, or None when
    it cannot be read. Leaves the file at its start."""
    try:
        file.seek(0)
        head = file.read(16)
        file.seek(0)
    except (OSError, ValueError):
        return None
    return sniff(head)


def generated_name(prefix: str, kind: str | None) -> str:
    """Where a file is stored: `prefix/<random>.<extension of its kind>`.

    The name says nothing of the uploader's name and cannot be guessed, and its extension
    comes from the content, so neither a web server nor a browser can take it for a page or
    a script."""
    extension = EXTENSIONS.get(kind, UNKNOWN_EXTENSION)
    return f"{prefix.rstrip('/')}/{uuid.uuid4().hex}.{extension}"


def upload_name(prefix: str, fieldfile) -> str:
    """`generated_name` for the new content of `fieldfile`, for an `upload_to` function:
    `upload_to` is given only the uploader's name, so the content is read from the field.

    Content assigned to the field (forms, the admin, services) is sniffed; content saved
    with `fieldfile.save(name, content)` cannot be seen here and is stored as ".bin", which
    is safe — downloads sniff the stored file again."""
    committed = getattr(fieldfile, "_committed", True)
    return generated_name(prefix, None if committed else sniff_file(fieldfile))


def download_name(name: str, kind: str | None) -> str:
    """The name a download is offered under: the uploader's name, with the extension of
    what the file really is."""
    stem = PurePosixPath(name or "").stem.strip() or "file"
    return f"{stem}.{EXTENSIONS.get(kind, UNKNOWN_EXTENSION)}"


def _check_limit(max_bytes):
    if max_bytes > MAX_UPLOAD_BYTES:
        # A larger file would never arrive: its request is refused before it is read.
        raise ValueError(f"max_bytes={max_bytes} is above MAX_UPLOAD_BYTES={MAX_UPLOAD_BYTES}")


def validate_upload(upload, *, kinds=DOCUMENT_KINDS, max_bytes=MAX_UPLOAD_BYTES):
    """Raise ValidationError unless `upload` is one of `kinds` and at most `max_bytes`."""
    _check_limit(max_bytes)
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind not in kinds:
        allowed = ", ".join(sorted(k.upper() for k in kinds))
        raise ValidationError(
            _("This file type is not allowed; please upload one of: %(allowed)s."),
            code="file_type",
            params={"allowed": allowed},
        )
    if kind in IMAGE_KINDS:
        _validate_image(upload, kind)
    return kind


def _validate_image(upload, kind):
    """Refuse an image with too many pixels before decoding any, then decode it completely,
    so that a truncated or corrupt file is refused here instead of failing later."""
    from PIL import Image

    limit = MAX_IMAGE_PIXELS // 1_000_000
    formats = [PILLOW_FORMATS[kind]]
    try:
        # Image.open reads only the header. Pillow warns from about 89 million pixels (our
        # own, lower limit is checked next) and refuses from twice that.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=formats)
        with image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _(
                        "The image is too large (%(width)s × %(height)s pixels); the limit "
                        "is %(limit)s million pixels."
                    ),
                    code="image_too_large",
                    params={"width": width, "height": height, "limit": limit},
                )
            image.verify()  # checksums and structure; leaves the image unusable
        upload.seek(0)
        with Image.open(upload, formats=formats) as image:
            image.load()  # the whole picture: a truncated file fails here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image is too large; the limit is %(limit)s million pixels."),
            code="image_too_large",
            params={"limit": limit},
        ) from None
    except Exception:  # Pillow raises many kinds of error for a broken image
        raise ValidationError(
            _("The image is damaged or incomplete."), code="file_broken"
        ) from None
    finally:
        upload.seek(0)


class UploadValidator:
    """A field validator: `validators=[UploadValidator(kinds=IMAGE_KINDS, max_bytes=...)]`.
    Deconstructible, so it can stand in a model field's validators."""

    def __init__(self, kinds=DOCUMENT_KINDS, max_bytes=MAX_UPLOAD_BYTES):
        _check_limit(max_bytes)
        self.kinds = frozenset(kinds)
        self.max_bytes = max_bytes

    def __call__(self, upload):
        # Files already stored (not re-uploaded) have no content to sniff cheaply.
        if getattr(upload, "_committed", False) and not hasattr(upload, "content_type"):
            return
        validate_upload(upload, kinds=self.kinds, max_bytes=self.max_bytes)

    def deconstruct(self):
        return (
            "members.uploads.UploadValidator",
            [],
            {"kinds": sorted(self.kinds), "max_bytes": self.max_bytes},
        )

    def __eq__(self, other):
        return (
            isinstance(other, UploadValidator)
            and self.kinds == other.kinds
            and self.max_bytes == other.max_bytes
        )
