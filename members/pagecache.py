"""Public pages from the shared cache.

The pages that members open from a link, often all at once (the home page, the sanatorium
directory and a base's page, competitions and their results, a public project), are the
same for every anonymous visitor. `public_page(area, …)` keeps such a view's response in
Django's cache (Redis when REDIS_URL is set, so every gunicorn process and host shares it),
keyed by the page's address with its query string, the language, today's date in
Asia/Shanghai (a recognition or a deadline that ends at midnight changes the page then) and
the version of each *area* the page shows.

An area's version changes whenever a record shown on its pages is written: each app
registers its public models (members.registry.register_public_area), and
members.services.record_save / record_delete call `record_changed`, which bumps the
version once per transaction, on commit — a rolled-back change bumps nothing, and the next
request after the commit renders afresh. Entries also expire after PAGE_CACHE_SECONDS, which
only bounds how long an unused page takes memory.

Only anonymous GET/HEAD requests with no message waiting are served from or stored in the
cache, and only a 200 response that set no cookie and used no CSRF token is stored: a
signed-in user's page, a token or a message never reaches another visitor. Anonymous
responses say `Cache-Control: public` with a short `s-maxage` (PAGE_CACHE_PROXY_SECONDS)
and an ETag, and vary on Cookie and Accept-Language, so that a reverse proxy may keep them
briefly and a browser revalidates for a 304; signed-in responses are `private`
(PrivateWhenSignedInMiddleware).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.translation import get_language

from members.registry import registry

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version:{}"
PAGE_KEY = "pagecache:page:{}"
# Headers of the view's own response that a cached copy keeps (the middleware outside the
# view adds the rest — language, security, CSP, request id — on every response).
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link")


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


# --- invalidation ---------------------------------------------------------------------


def _bump(area: str) -> None:
    cache.set(VERSION_KEY.format(area), uuid.uuid4().hex, timeout=None)


def _bump_on_commit(area: str):
    def bump():
        _bump(area)

    bump.page_area = area
    return bump


def invalidate(*areas: str) -> None:
    """Bump the version of `areas` when the current transaction commits (at once outside a
    transaction); once per area per transaction, however many records it writes."""
    connection = transaction.get_connection()
    pending = {getattr(entry[1], "page_area", None) for entry in connection.run_on_commit}
    for area in sorted(set(areas) - pending):
        callback = _bump_on_commit(area)
        # robust: the change is committed; a cache that does not answer is logged, not
        # turned into an error page for the user who made it.
        transaction.on_commit(callback, robust=True)


def record_changed(obj) -> None:
    """`obj` was saved or deleted (members.services): bump the areas whose pages show it."""
    areas = registry.public_areas.get(obj._meta.label_lower)
    if areas:
        invalidate(*areas)


def model_changed(model) -> None:
    """Rows of `model` were written in bulk (a queryset update): as record_changed."""
    areas = registry.public_areas.get(model._meta.label_lower)
    if areas:
        invalidate(*areas)


def _versions(areas) -> str:
    keys = [VERSION_KEY.format(area) for area in areas]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # First use (or an evicted version): start one; add() keeps a concurrent one.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key, "")
    return ".".join(str(found[key]) for key in keys)


# --- serving --------------------------------------------------------------------------


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def shareable(request) -> bool:
    """May this request be answered from (and its answer stored in) the shared cache?"""
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not _has_messages(request)
    )


def page_key(request, areas) -> str:
    query = sorted((name, value) for name in request.GET for value in request.GET.getlist(name))
    identity = "|".join(
        [
            request.path,
            repr(query),
            get_language() or "",
            timezone.localdate().isoformat(),
            _versions(areas),
        ]
    )
    return PAGE_KEY.format(hashlib.sha256(identity.encode()).hexdigest())


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Set-Cookie")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _public_headers(response) -> None:
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_PROXY_SECONDS
    )


def _from_cache(request, stored) -> HttpResponse:
    content, headers, etag = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["ETag"] = etag
    response["X-Page-Cache"] = "hit"
    _public_headers(response)
    return get_conditional_response(request, etag=etag, response=response)


def public_page(*areas: str):
    """Serve the decorated view's anonymous responses from the shared cache (see above).
    `areas` name what the page shows; a change to any of them renders it afresh."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not enabled() or not shareable(request):
                return view(request, *args, **kwargs)
            try:
                key = page_key(request, areas)
                stored = cache.get(key)
            except Exception:  # the cache is down: the page is still served, rendered
                logger.exception("page cache unavailable")
                return view(request, *args, **kwargs)
            if stored is not None:
                return _from_cache(request, stored)
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            set_response_etag(response)
            headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
            cache.set(
                key, (response.content, headers, response["ETag"]), settings.PAGE_CACHE_SECONDS
            )
            response["X-Page-Cache"] = "miss"
            _public_headers(response)
            return get_conditional_response(request, etag=response["ETag"], response=response)

        wrapper.public_page_areas = areas
        return wrapper

    return decorator


class PrivateWhenSignedInMiddleware:
    """A signed-in user's pages are theirs: a response that says nothing of caching is
    `Cache-Control: private` for them, so that no proxy keeps it. A view that chose
    (a public photo is `public`, a private file `no-store`) keeps its choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response
