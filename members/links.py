"""Addresses reversed once: of objects by primary key, for pages that link every row, and
of the pages every page links to (the navigation).

`reverse()` walks the URL resolver on each call (tens of microseconds); a list page asks it
for every row, often twice. `pk_url` reverses each pattern once, with a placeholder for the
key, and fills in the key afterwards. The cache is keyed by URLconf (the request's, else
ROOT_URLCONF) and script prefix, the two things besides the pattern that `reverse()` reads,
so an override in a test or a deployment under a sub-path gets its own entry."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# An integer no primary key reaches, so that it occurs in the reversed address only where
# the key goes.
_PLACEHOLDER = 9_876_543_210_123


@lru_cache(maxsize=128)
def _parts(viewname, urlconf, prefix):
    head, found, tail = reverse(viewname, urlconf=urlconf, args=[_PLACEHOLDER]).partition(
        str(_PLACEHOLDER)
    )
    assert found, viewname
    return head, tail


def pk_url(viewname, pk):
    """`reverse(viewname, args=[pk])` for a pattern whose one argument is an integer key."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    head, tail = _parts(viewname, urlconf, get_script_prefix())
    return f"{head}{int(pk)}{tail}"


@lru_cache(maxsize=256)
def _plain(viewname, urlconf, prefix):
    return reverse(viewname, urlconf=urlconf)


def url(viewname):
    """`reverse(viewname)` for a pattern without arguments, reversed once."""
    return _plain(viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


class _Addresses:
    """`ADDRESSES[name]` is `url(name)`: for code that looks several up."""

    def __getitem__(self, viewname):
        return url(viewname)


ADDRESSES = _Addresses()
