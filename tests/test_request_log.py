"""The request id (config.requestlog): taken from nginx's X-Request-ID or made, returned in
the response, in the access line and in every application log record of the request; logs as
one JSON object per line with LOG_FORMAT=json."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_a_request_without_an_id_gets_one(client):
    response = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


def test_the_proxys_request_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="7f3c2a9e41b04c8d9a1e5f6b7c8d9e0f")
    assert response["X-Request-ID"] == "7f3c2a9e41b04c8d9a1e5f6b7c8d9e0f"


@pytest.mark.parametrize("given", ["two words", "x" * 129, "line\nbreak", "<script>", ""])
def test_an_unusable_request_id_is_replaced(client, given):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_one_access_line_per_request_without_the_query_string(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.access"):
        client.get("/no-such-page/?id_number=11010519491231002X", HTTP_X_REQUEST_ID="abc-1")
    lines = [r for r in caplog.records if r.name == "portal.access"]
    assert len(lines) == 1
    assert lines[0].getMessage().startswith("GET /no-such-page/ 404 ")
    assert (lines[0].method, lines[0].path, lines[0].status) == ("GET", "/no-such-page/", 404)
    assert "11010519491231002X" not in lines[0].getMessage()


# Runs in a process of its own, with the production LOGGING: a view that logs, behind the
# middleware, then a record outside any request.
SCRIPT = """
import logging
import django

django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from config.requestlog import RequestLogMiddleware

def view(request):
    logging.getLogger("members").warning("marker-inside")
    return HttpResponse("ok")

request = RequestFactory().get("/members/?q=11010519491231002X", HTTP_X_REQUEST_ID="rid-42")
RequestLogMiddleware(view)(request)
logging.getLogger("members").warning("marker-outside")
"""


def log_lines(**env):
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    clean.update(
        env,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_json_logs_are_one_object_per_line_with_the_request_id():
    lines = log_lines(LOG_FORMAT="json")
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    by_message = {r["message"]: r for r in records}
    assert by_message["marker-inside"]["request_id"] == "rid-42"
    assert by_message["marker-inside"]["level"] == "WARNING"
    assert by_message["marker-inside"]["logger"] == "members"
    assert by_message["marker-outside"]["request_id"] == "-"
    access = [r for r in records if r["logger"] == "portal.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == "rid-42"
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == (
        "GET",
        "/members/",
        200,
    )
    assert "11010519491231002X" not in "\n".join(lines)


def test_text_logs_carry_the_request_id_too():
    lines = log_lines()
    assert [line for line in lines if "marker-inside" in line] == [
        "WARNING members [rid-42] marker-inside"
    ]
    assert [line for line in lines if line.startswith("INFO portal.access [rid-42] GET /members/")]


def test_an_unknown_log_format_stops_start_up():
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true", LOG_FORMAT="xml")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr
