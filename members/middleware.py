"""Refuse a request whose body is too large before a byte of it is read.

Django reads and parses a multipart body when a view first touches `request.POST` or
`request.FILES` (CSRF's `process_view` does, before the view), and a file's size is checked
only once the whole file has arrived: a 30 MB upload on a slow line kept a worker busy for
half a minute just to be told it was too large. The client declares the body's size in
`Content-Length`, so a body larger than anything the portal accepts is refused at once.
(Django reads no body without a Content-Length: a chunked body is never read at all.)
"""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme

from members.uploads import MAX_UPLOAD_BYTES


def max_request_bytes():
    """The largest body a request may declare: the largest file the portal accepts
    (members.uploads) with room for the form fields sent beside it."""
    return MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def declared_length(request):
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """Answer 413 with a page in the visitor's language when the declared body is larger than
    `max_request_bytes()`, without reading it.

    It sits after the session, locale, authentication and CSP middleware, so that the page is
    in the visitor's language and the portal's look with the usual headers; none of those reads
    the body (CSRF reads the form in `process_view`, after every middleware's request phase).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        size = declared_length(request)
        if size > max_request_bytes():
            return too_large(request, size)
        return self.get_response(request)


def too_large(request, size):
    """The 413 page: what was sent, the limit a person can act on (the largest file) and a
    way back to the form when the browser said where it came from."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(
        request,
        "413.html",
        {
            "size": filesizeformat(size),
            "limit": filesizeformat(MAX_UPLOAD_BYTES),
            "back_url": back,
        },
        status=413,
    )
