"""Sending stored private files (attachments, signed documents, rules).

Views check who may read a file; this module decides how it is sent, the same way for every
file: the content type comes from the stored file's own first bytes (never from a name a
user typed), browsers are told not to guess another (`nosniff`), and only the exact image
types are shown inline — a PDF or anything else is downloaded, so that no stored file can
act as a page or a script on the portal's origin.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from members.uploads import IMAGE_KINDS, MIME_TYPES, download_name, sniff_file

# Shown in the browser (thumbnails on the update pages, the picture when clicked).
INLINE_KINDS = IMAGE_KINDS


def private_file_response(fieldfile, *, filename: str, cache_control: str = "private, no-store"):
    """A FileResponse for a stored file, offered as `filename` with the extension of its
    sniffed kind. 404 when the file is missing from storage."""
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    kind = sniff_file(handle)
    response = FileResponse(
        handle,
        content_type=MIME_TYPES.get(kind, "application/octet-stream"),
        as_attachment=kind not in INLINE_KINDS,
        filename=download_name(filename, kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response
