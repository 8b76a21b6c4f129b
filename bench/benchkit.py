"""What the benchmarks share: the settings they serve the portal with (production's, DEBUG
off, plain HTTP on this machine, sign-in never locked out), a scratch PostgreSQL database
made afresh, `manage.py`, gunicorn started and stopped, and a user signed in through the
login form. Imported by the scripts beside it (`python bench/<script>.py`)."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

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


ROOT = Path(__file__).resolve().parent.parent


def manage(env, *args, capture=False):
    """`manage.py ARGS` with the settings in `env`; its output when `capture`."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout


def serve(env, base):
    """gunicorn with config/gunicorn.conf.py and the settings in `env`, once `/healthz`
    answers at `base` (the address GUNICORN_BIND in `env` names)."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    sys.exit("gunicorn did not start")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def sign_in(base, username, password):
    """Sign in through the login form, as a browser does: an opener that sends the session
    cookie from then on, and the cookie itself (`sessionid=…`) for other clients."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request).read()
    session = [cookie.value for cookie in jar if cookie.name == "sessionid"]
    if not session:
        sys.exit(f"signing {username} in failed")
    return opener, f"sessionid={session[0]}"


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def serving_cpu_seconds():
    """The CPU time (user + system, in seconds) used so far by everything that serves a
    request here: gunicorn's processes, PostgreSQL's, Redis, and this process (the load
    generator). Read from /proc, so on Linux only; None elsewhere. Unlike throughput, it
    does not depend on what else the machine is doing, nor on how the connections happen
    to be spread over the workers."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    me = str(os.getpid())
    ticks = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if entry.name == me or name in ("postgres", "redis-server") or b"gunicorn" in command:
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / _CLOCK_TICKS
