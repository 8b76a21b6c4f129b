"""Checks for uploaded files, by content rather than by name.

A file is accepted when its first bytes say it is one of the allowed kinds and it is not
larger than the limit; an image must also open with Pillow. The name's extension is never
trusted: a renamed executable is refused.
"""

from __future__ import annotations

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
IMAGE_KINDS = frozenset({"jpeg", "png", "gif", "webp"})
DOCUMENT_KINDS = IMAGE_KINDS | {"pdf"}


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes, or None."""
    for kind, prefixes in SIGNATURES.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            if kind == "webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def validate_upload(upload, *, kinds=DOCUMENT_KINDS, max_bytes=10 * 1024 * 1024):
    """Raise ValidationError unless `upload` is one of `kinds` and at most `max_bytes`."""
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
        from PIL import Image

        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception:  # Pillow raises many kinds of error for a broken image
            raise ValidationError(
                _("The image is damaged or incomplete."), code="file_broken"
            ) from None
        finally:
            upload.seek(0)
    return kind


class UploadValidator:
    """A field validator: `validators=[UploadValidator(kinds=IMAGE_KINDS, max_bytes=...)]`.
    Deconstructible, so it can stand in a model field's validators."""

    def __init__(self, kinds=DOCUMENT_KINDS, max_bytes=10 * 1024 * 1024):
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
