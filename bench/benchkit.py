"""What the benchmarks share: the settings they serve the portal with (production's, DEBUG
off, plain HTTP on this machine, sign-in never locked out) and a scratch PostgreSQL
database made afresh. Imported by the scripts beside it (`python bench/<script>.py`)."""

import os
import re
import sys
import urllib.parse

PRODUCTION_ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "AXES_FAILURE_LIMIT": "1000",
}


def scratch_database(url, *, create=True):
    """Drop the database DATABASE_URL names and (unless create=False) make it again empty.
    Only a plain name is accepted: this is for scratch databases."""
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name or ""):
        sys.exit(f"use a scratch database with a plain name, not {name!r}")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
