"""Settings for the test suite: production settings with test-only defaults.

The suite runs with DEBUG off (as Django's test runner forces anyway), so it exercises the
production configuration; only what cannot work without TLS or collectstatic is relaxed here.
Any value can still be overridden from the environment (DATABASE_URL selects PostgreSQL).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and the live server speak plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
# No collectstatic before tests: serve static files from the finders.
os.environ.setdefault(
    "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# A persistent connection would outlive the test database on PostgreSQL.
os.environ.setdefault("CONN_MAX_AGE", "0")

from config.settings import *  # noqa: E402, F403

# Fast hashing: the suite creates many users; production keeps Django's default hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Serve static files from the finders, as in development (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run at once, inside the test, instead of waiting for a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The public page cache is off, because a test's writes are never committed (so never
# renew it); tests/test_page_cache.py turns it on, committing what it writes.
PAGE_CACHE_SECONDS = 0
# Users' scopes and unread counts are asked of the database on every request, so that the
# query-count tests count the same queries whatever an earlier request cached;
# tests/members/test_user_cache.py turns the cache on.
USER_CACHE_SECONDS = 0
