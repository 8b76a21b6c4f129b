"""Values kept in the shared cache under a version that a change bumps.

`cached(version_key, key, compute, seconds)` answers from the cache when the entry at `key`
was stored under the current version of `version_key` (one round trip), else computes it
and stores it with the version read *before* computing: a change that commits meanwhile
bumps the version, and the entry stored from the old rows is already out of date.
`changed(version_key)` bumps the version at once and again when the current transaction
commits. A cache that does not answer is logged and the value computed: never an error.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def cached(version_key: str, key: str, compute, seconds: int):
    if seconds <= 0:
        return compute()
    try:
        found = cache.get_many([version_key, key])
        version = found.get(version_key)
        entry = found.get(key)
        if version is not None and entry is not None and entry[0] == version:
            return entry[1]
        if version is None:
            cache.add(version_key, uuid.uuid4().hex, timeout=None)
            version = cache.get(version_key)
    except Exception:  # the cache is down: compute
        logger.exception("cache unavailable")
        return compute()
    value = compute()
    try:
        cache.set(key, (version, value), seconds)
    except Exception:
        logger.exception("cache unavailable")
    return value


def bump(version_key: str) -> None:
    try:
        cache.set(version_key, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.exception("cache unavailable")


def changed(version_key: str) -> None:
    bump(version_key)
    transaction.on_commit(lambda: bump(version_key), robust=True)
