"""What several application hosts share (README, "Production"): with REDIS_URL set, sessions
and the cache live in Redis; sign-in lockouts live in the database in every configuration;
without REDIS_URL the embedded defaults of `make run` are unchanged.

The Redis tests start a Redis of their own on a free loopback port (never the machine's)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from config import health
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent

SHOW_SETTINGS = """
import json
import django
from django.conf import settings

django.setup()
print(json.dumps({
    "session": settings.SESSION_ENGINE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "axes": settings.AXES_HANDLER,
    "tasks": settings.TASKS["default"]["BACKEND"],
    "access_level": settings.LOGGING["loggers"]["portal.access"]["level"],
    "log_format": settings.LOG_FORMAT,
}))
"""


def settings_with(**env):
    """The production settings module as a process started with `env` would see it."""
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_without_redis_url_make_run_keeps_the_embedded_defaults():
    seen = settings_with(DEBUG="true")  # what `make run` sets
    assert seen["session"] == "django.contrib.sessions.backends.db"
    assert seen["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert seen["axes"] == "axes.handlers.database.AxesDatabaseHandler"
    assert seen["tasks"] == "django_tasks_db.DatabaseBackend"
    # runserver prints its own request lines: no second access line under `make run`
    assert seen["access_level"] == "WARNING"
    assert seen["log_format"] == "text"


def test_with_redis_url_sessions_and_cache_use_redis_and_lockouts_stay_shared():
    seen = settings_with(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="portal.example.org",
        REDIS_URL="redis://redis.internal:6379/0",
    )
    assert seen["session"] == "django.contrib.sessions.backends.cached_db"
    assert seen["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert seen["cache_location"] == "redis://redis.internal:6379/0"
    # Never the cache handler: with the local-memory cache it would be one process's memory.
    assert seen["axes"] == "axes.handlers.database.AxesDatabaseHandler"
    assert seen["access_level"] == "INFO"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def redis_caches(url):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal-test",
        }
    }


@pytest.mark.django_db
def test_a_session_signed_in_on_one_host_is_in_redis_for_every_host(redis_url):
    user = UserFactory(username="zhang.wei")
    with override_settings(
        CACHES=redis_caches(redis_url),
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    ):
        first_host = Client()
        response = first_host.post(
            reverse("login"), {"username": "zhang.wei", "password": "pw-for-tests-123"}
        )
        assert response.status_code == 302
        session_key = first_host.cookies["sessionid"].value

        stored = redis.Redis.from_url(redis_url).keys(f"portal-test:*{session_key}")
        assert len(stored) == 1

        # A second host: its own client, the same cookie, the session read from Redis.
        second_host = Client()
        second_host.cookies["sessionid"] = session_key
        assert second_host.get(reverse("password_change")).status_code == 200  # signed in
        assert caches["default"].get(f"django.contrib.sessions.cached_db{session_key}")[
            "_auth_user_id"
        ] == str(user.pk)


def test_the_cache_is_in_redis(redis_url):
    with override_settings(CACHES=redis_caches(redis_url)):
        caches["default"].set("shared-marker", "seen by every host", 60)
        assert redis.Redis.from_url(redis_url).keys("portal-test:*shared-marker")


@pytest.mark.django_db
def test_failed_sign_ins_add_up_across_hosts(client):
    """Four failures on one host, the fifth on another: the pair is locked. The count is a
    database row, not one process's memory."""
    user = UserFactory(username="zhang.wei")
    for _ in range(4):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    attempt = AccessAttempt.objects.get(username=user.username)
    assert attempt.failures_since_start == 4

    AxesProxyHandler.implementation = None  # another process: a handler of its own
    other_host = Client()
    response = other_host.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 429
    locked = other_host.post(
        reverse("login"), {"username": user.username, "password": "pw-for-tests-123"}
    )
    assert locked.status_code == 429


@pytest.fixture
def fresh_health_client():
    health._redis_client = None
    yield
    health._redis_client = None


@pytest.mark.django_db
def test_healthz_checks_redis_when_configured(client, redis_url, fresh_health_client):
    with override_settings(REDIS_URL=redis_url):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_down(client, fresh_health_client):
    nothing_there = f"redis://127.0.0.1:{free_port()}/0"
    with override_settings(REDIS_URL=nothing_there):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "unavailable"}
