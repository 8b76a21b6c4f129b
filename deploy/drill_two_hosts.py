#!/usr/bin/env python3
"""Two application hosts behind nginx, on this machine's loopback only: the production recipe
of deploy/ put together and tried.

    .venv/bin/python deploy/drill_two_hosts.py

It starts a throwaway PostgreSQL cluster (initdb/pg_ctl on port 5442), Redis (6390), two
gunicorn instances (8101, 8102) with the settings of deploy/portal.env.example and nginx
(8443, a self-signed certificate) with deploy/nginx/portal.conf, rendered with loopback
values. Then, through nginx: signs in (CSRF and session), shows that the session works on
both instances as requests alternate, that five failed sign-ins on alternating instances
lock the sixth out, that nginx serves static files and photos itself, refuses an oversized
body and compresses pages; then a short load run during which one instance is killed, and
counts what failed. A summary line ends it; the exit status is 0 only when every check held.

Everything lives under /tmp/portal-two-hosts-drill and is removed at the end; a second run
first stops what an interrupted run left behind (by the process ids it wrote down).

Why a cluster of its own rather than a database on the machine's PostgreSQL: the drill must
not depend on a server that other people's tests use, nor load it; its own cluster starts in
two seconds and disappears with everything else.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/portal-two-hosts-drill")
PYTHON = Path(os.environ.get("PYTHON", ROOT / ".venv" / "bin" / "python"))
PG_PORT, REDIS_PORT, HTTPS_PORT, HTTP_PORT = 5442, 6390, 8443, 8080
APP_PORTS = {"A": 8101, "B": 8102}
HOST = "localhost"
USER, PASSWORD = "hz-staff", "demo12345"
SIGNED_IN_PAGE = "/members/"
LOAD_SECONDS, LOAD_THREADS, LOAD_MAX_REQUESTS, KILL_AFTER = 6.0, 4, 1500, 2.0
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

checks: list[tuple[str, bool]] = []


def say(text):
    print(text, flush=True)


def check(name, ok, detail=""):
    checks.append((name, bool(ok)))
    say(f"   [{'ok' if ok else 'FAIL'}] {name}{': ' + detail if detail else ''}")
    return ok


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kwargs)


# --- processes ---------------------------------------------------------------------------


def pidfile(name):
    return WORK / "pids" / f"{name}.pid"


def start(name, cmd, env=None, log=None):
    handle = open(log or WORK / "logs" / f"{name}.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    pidfile(name).write_text(str(proc.pid))
    return proc


def stop_pid(pid, sig=signal.SIGTERM, wait=10.0):
    """Stops the process group of one process this drill started (its own session)."""
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop_postgres():
    data = WORK / "pg"
    if (data / "postmaster.pid").exists():
        subprocess.run(
            [*AS_POSTGRES, "pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )


def stop_nginx():
    pid = WORK / "nginx.pid"
    if pid.exists():
        try:
            os.kill(int(pid.read_text()), signal.SIGQUIT)
        except (ProcessLookupError, ValueError):
            pass
        for _ in range(50):
            if not pid.exists():
                break
            time.sleep(0.1)


def clean_up():
    """Stops everything a run of the drill (this one, or an interrupted one) started."""
    if not WORK.exists():
        return
    stop_nginx()
    for path in sorted((WORK / "pids").glob("*.pid")) if (WORK / "pids").exists() else []:
        try:
            stop_pid(int(path.read_text()))
        except ValueError:
            pass
    stop_postgres()
    shutil.rmtree(WORK, ignore_errors=True)


def port_free(port):
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for(what, probe, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if probe():
                return
        except (OSError, subprocess.CalledProcessError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s (logs in {WORK / 'logs'})")


# --- HTTP through nginx ------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes


@dataclass
class Browser:
    """A client with its own cookies, speaking HTTPS to nginx (the self-signed certificate
    is the only one it trusts)."""

    context: ssl.SSLContext
    cookies: dict = field(default_factory=dict)

    def request(self, method, path, body=None, headers=None, keep=True):
        conn = http.client.HTTPSConnection(HOST, HTTPS_PORT, context=self.context, timeout=20)
        try:
            sent = {"Host": HOST, **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
            if keep:
                for value in response.headers.get_all("Set-Cookie") or []:
                    for name, morsel in SimpleCookie(value).items():
                        self.cookies[name] = morsel.value
            return reply
        finally:
            conn.close()

    def sign_in(self, username, password):
        page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
        form = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token.decode()}
        )
        return self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://{HOST}:{HTTPS_PORT}/accounts/login/",
            },
        )


def nginx_log():
    """request_id -> the upstream addresses that nginx tried for it (from its access log)."""
    found = {}
    for line in (WORK / "logs" / "nginx-access.log").read_text().splitlines():
        rid = re.search(r"request_id=(\S+)", line)
        upstream = re.search(r"upstream=(.*?) request_time=", line)
        if rid and upstream:
            found[rid.group(1)] = upstream.group(1)
    return found


def app_log_ids(name):
    """Request ids in the access lines that instance `name` wrote (JSON, one per line)."""
    ids = set()
    for line in (WORK / "logs" / f"gunicorn-{name}.log").read_text(errors="replace").splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "portal.access":
                ids.add(record["request_id"])
    return ids


def instance_of(upstream):
    """The instance that finally answered: nginx lists every upstream it tried, last last."""
    last = upstream.split(",")[-1].strip()
    for name, port in APP_PORTS.items():
        if last == f"127.0.0.1:{port}":
            return name
    return "?"


# --- set-up ------------------------------------------------------------------------------


def render_nginx_site():
    """deploy/nginx/portal.conf with loopback values; refuses a template that has changed so
    that a value would be left unreplaced."""
    text = (ROOT / "deploy" / "nginx" / "portal.conf").read_text()
    replacements = [
        ("server 10.0.0.11:8000", f"server 127.0.0.1:{APP_PORTS['A']}"),
        ("server 10.0.0.12:8000", f"server 127.0.0.1:{APP_PORTS['B']}"),
        ("listen 80;", f"listen 127.0.0.1:{HTTP_PORT};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{HTTPS_PORT} ssl http2;"),
        ("server_name portal.example.org;", f"server_name {HOST};"),
        ("/etc/ssl/portal/fullchain.pem", str(WORK / "tls" / "cert.pem")),
        ("/etc/ssl/portal/privkey.pem", str(WORK / "tls" / "key.pem")),
        ("/var/log/nginx/portal.access.log", str(WORK / "logs" / "nginx-access.log")),
        ("/var/log/nginx/portal.error.log", str(WORK / "logs" / "nginx-error.log")),
        ("/srv/portal/staticfiles/", f"{WORK / 'static'}/"),
        ("/srv/portal/media/", f"{WORK / 'media'}/"),
    ]
    for old, new in replacements:
        if old not in text:
            raise RuntimeError(f"deploy/nginx/portal.conf no longer has {old!r}")
        text = text.replace(old, new)
    for line in text.splitlines():
        setting = not line.lstrip().startswith("#")
        if setting and "# site:" in line and not any(new in line for _, new in replacements):
            raise RuntimeError(f"a site value of deploy/nginx/portal.conf was not set: {line}")
    (WORK / "nginx").mkdir()
    (WORK / "nginx" / "portal.conf").write_text(text)
    temp = WORK / "nginx" / "temp"
    (WORK / "nginx" / "nginx.conf").write_text(
        f"""daemon on;
worker_processes 1;
pid {WORK / "nginx.pid"};
error_log {WORK / "logs" / "nginx-error.log"};
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {WORK / "nginx" / "portal.conf"};
}}
"""
    )


def app_env():
    """deploy/portal.env.example, with loopback values where it names a host."""
    env = {k: os.environ[k] for k in ("PATH", "LANG", "HOME") if k in os.environ}
    for line in (ROOT / "deploy" / "portal.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env.update(
        SECRET_KEY="drill-two-hosts-only-" + os.urandom(24).hex(),
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}:{HTTPS_PORT}",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PG_PORT}/portal",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        MEDIA_ROOT=str(WORK / "media"),
        STATIC_ROOT=str(WORK / "static"),
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="4",
        EMAIL_URL="consolemail://",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def set_up(env):
    for port in (PG_PORT, REDIS_PORT, HTTPS_PORT, HTTP_PORT, *APP_PORTS.values()):
        if not port_free(port):
            raise RuntimeError(f"port {port} is taken: another drill, or a service of its own")
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        say("== installing Debian's nginx")
        run(["apt-get", "update", "-qq"])
        run(
            ["apt-get", "install", "-y", "-qq", "nginx"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    for sub in ("pids", "logs", "tls", "media", "static"):
        (WORK / sub).mkdir(parents=True)
    WORK.chmod(0o755)  # nginx's worker (user nobody) reads static files and photos

    say(f"== PostgreSQL: a throwaway cluster on 127.0.0.1:{PG_PORT}")
    data = WORK / "pg"
    data.mkdir()
    if AS_POSTGRES:
        shutil.chown(data, "postgres", "postgres")
    run([*AS_POSTGRES, "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"])
    run(
        [
            *AS_POSTGRES,
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(data / "server.log"),
            "-w",
            "-o",
            f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k {data} -c fsync=off",
            "start",
        ]
    )
    run(
        [
            "psql",
            f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres",
            "-Xqc",
            "CREATE DATABASE portal",
        ]
    )

    say(f"== Redis on 127.0.0.1:{REDIS_PORT} (keeps nothing on disk)")
    start(
        "redis",
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(WORK),
        ],
    )
    wait_for(
        "Redis", lambda: run(["redis-cli", "-p", str(REDIS_PORT), "ping"]).stdout.strip() == "PONG"
    )

    say("== once, as portal-migrate.service would: migrate, seed_demo, collectstatic")
    manage = [str(PYTHON), "manage.py"]
    run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env)
    run([*manage, "seed_demo", "--force"], cwd=ROOT, env=env)
    run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env)

    say(f"== two gunicorn instances: A on {APP_PORTS['A']}, B on {APP_PORTS['B']}")
    procs = {}
    for name, port in APP_PORTS.items():
        procs[name] = start(
            f"gunicorn-{name}",
            [str(PYTHON.parent / "gunicorn"), "-c", "config/gunicorn.conf.py"],
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        )
    for name, port in APP_PORTS.items():
        wait_for(f"gunicorn {name}", lambda port=port: http_ok(port))
    say("== the background task worker, as portal-worker.service runs it")
    procs["worker"] = start(
        "worker",
        [str(PYTHON), "manage.py", "db_worker", "--queue-name", "default", "--no-reload"],
        env=env,
    )

    say(f"== nginx on 127.0.0.1:{HTTPS_PORT}, self-signed certificate for {HOST}")
    run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=DNS:{HOST}",
            "-keyout",
            str(WORK / "tls" / "key.pem"),
            "-out",
            str(WORK / "tls" / "cert.pem"),
        ]
    )
    render_nginx_site()
    (WORK / "nginx" / "temp").mkdir()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    run([nginx, "-t", "-q", "-c", str(WORK / "nginx" / "nginx.conf")])
    run([nginx, "-c", str(WORK / "nginx" / "nginx.conf")])
    return procs


def http_ok(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz", headers={"Host": HOST})
        return conn.getresponse().status == 200
    finally:
        conn.close()


# --- the drill ---------------------------------------------------------------------------


def drill(procs, context):
    browser = Browser(context)
    say("== through nginx")
    health = browser.request("GET", "/healthz", keep=False)
    check("health check through nginx", health.status == 200, health.body.decode())

    signed = browser.sign_in(USER, PASSWORD)
    check(
        f"sign-in as {USER} (CSRF token, then session cookie)",
        signed.status == 302 and "sessionid" in browser.cookies,
        f"{signed.status} -> {signed.headers.get('location')}",
    )
    keys = run(["redis-cli", "-p", str(REDIS_PORT), "--scan", "--pattern", "*cached_db*"]).stdout
    check("the session is in Redis", len(keys.split()) >= 1, f"{len(keys.split())} key(s)")

    ids = []
    statuses = []
    for _ in range(8):
        reply = browser.request("GET", SIGNED_IN_PAGE)
        statuses.append(reply.status)
        ids.append(reply.headers.get("x-request-id"))
    upstreams = nginx_log()
    served = [instance_of(upstreams.get(rid, "")) for rid in ids]
    check(
        "signed in on both instances as requests alternate",
        all(s == 200 for s in statuses) and set(served) == {"A", "B"},
        f"{SIGNED_IN_PAGE} answered {statuses} by {''.join(served)}",
    )
    logged = {name: app_log_ids(name) for name in APP_PORTS}
    check(
        "each request id is in nginx's log line and the answering instance's log",
        all(rid in logged[name] for rid, name in zip(ids, served, strict=True)),
    )

    stranger = Browser(context)
    attempts = [stranger.sign_in("drill-nobody", "wrong").status for _ in range(6)]
    check(
        "failed sign-ins on alternating instances add up: the fifth locks the pair out",
        attempts[:4] == [200] * 4 and attempts[4:] == [429, 429],
        f"answers {attempts}",
    )

    photo = next((WORK / "media" / "sanatoriums").rglob("*.jpg"))
    url = "/media/" + photo.relative_to(WORK / "media").as_posix()
    reply = browser.request("GET", url, keep=False)
    check(
        "nginx serves a photo from disk",
        reply.status == 200
        and reply.headers.get("content-type") == "image/jpeg"
        and "x-request-id" not in reply.headers,
        f"{url} {reply.status} {reply.headers.get('content-type')}",
    )
    private = browser.request("GET", "/media/sanatoriums/../../pids/redis.pid", keep=False)
    other = browser.request("GET", "/media/cooperation/updates/missing.pdf", keep=False)
    check(
        "nothing else of MEDIA_ROOT is served",
        private.status in (400, 404) and other.status == 404,
        f"{private.status}, {other.status}",
    )
    css = next((WORK / "static").rglob("portal.*.css"), None) or next(
        (WORK / "static").rglob("*.css")
    )
    reply = browser.request(
        "GET",
        "/static/" + css.relative_to(WORK / "static").as_posix(),
        headers={"Accept-Encoding": "gzip"},
        keep=False,
    )
    check(
        "nginx serves static files, compressed",
        reply.status == 200 and reply.headers.get("content-encoding") == "gzip",
        f"{reply.status} {reply.headers.get('content-encoding')}",
    )
    page = browser.request("GET", SIGNED_IN_PAGE, headers={"Accept-Encoding": "gzip"})
    check("pages are compressed", page.headers.get("content-encoding") == "gzip")

    conn = http.client.HTTPSConnection(HOST, HTTPS_PORT, context=context, timeout=10)
    conn.putrequest("POST", "/members/import/")
    conn.putheader("Content-Length", str(14 * 1024 * 1024))
    conn.putheader("Content-Type", "application/octet-stream")
    conn.endheaders()  # the body is never sent: nginx answers on the declared length
    too_big = conn.getresponse()
    too_big.read()
    conn.close()
    check(
        "a 14 MB body is refused by nginx before it is sent on",
        too_big.status == 413 and too_big.getheader("X-Request-ID") is None,
        str(too_big.status),
    )

    load_run(browser, procs)
    worker_log = (WORK / "logs" / "worker.log").read_text(errors="replace")
    check(
        "the task worker polled the database all along",
        procs["worker"].poll() is None and "Traceback" not in worker_log,
    )


def load_run(browser, procs):
    say(
        f"== load: {LOAD_THREADS} clients for {LOAD_SECONDS:.0f} s on {SIGNED_IN_PAGE}; "
        f"instance B is killed (SIGKILL) after {KILL_AFTER:.0f} s"
    )
    results = []  # (started, finished, status, request id)
    lock = threading.Lock()
    stop = threading.Event()
    started_at = time.monotonic()

    def client():
        while not stop.is_set():
            began = time.monotonic() - started_at
            try:
                reply = browser.request("GET", SIGNED_IN_PAGE, keep=False)
                status, rid = reply.status, reply.headers.get("x-request-id")
            except OSError as error:
                status, rid = f"error {type(error).__name__}", None
            with lock:
                results.append((began, time.monotonic() - started_at, status, rid))
                if len(results) >= LOAD_MAX_REQUESTS:
                    stop.set()

    threads = [threading.Thread(target=client) for _ in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(KILL_AFTER)
    killed_at = time.monotonic() - started_at
    stop_pid(procs["B"].pid, signal.SIGKILL)
    time.sleep(max(0.0, LOAD_SECONDS - KILL_AFTER))
    stop.set()
    for thread in threads:
        thread.join()

    upstreams = nginx_log()
    failed = [r for r in results if r[2] != 200]
    in_flight = [r for r in failed if r[0] <= killed_at <= r[1]]
    after = [r for r in results if r[0] > killed_at + 0.05 and r[2] == 200]
    by = {"A": 0, "B": 0, "?": 0}
    for r in after:
        by[instance_of(upstreams.get(r[3], ""))] += 1
    before = [r for r in results if r[1] < killed_at and r[2] == 200]
    before_by = {"A": 0, "B": 0, "?": 0}
    for r in before:
        before_by[instance_of(upstreams.get(r[3], ""))] += 1
    retried = sum(1 for r in results if r[3] and "," in upstreams.get(r[3], ""))
    say(
        f"   {len(results)} requests in {LOAD_SECONDS:.0f} s; before the kill A answered "
        f"{before_by['A']}, B {before_by['B']}; after it A answered {by['A']}, B {by['B']}"
    )
    say(
        f"   failed: {len(failed)} ({len(in_flight)} of them in flight when B died); "
        f"nginx passed {retried} request(s) on from B to A"
    )
    check("both instances carried load before the kill", before_by["A"] > 0 and before_by["B"] > 0)
    check("only requests in flight at the kill failed", len(failed) == len(in_flight))
    check("instance A carried every request after the kill", by["A"] == len(after) and by["B"] == 0)
    return results, failed


def main():
    say(f"== cleaning up what an earlier run left in {WORK}" if WORK.exists() else "== start")
    clean_up()
    WORK.mkdir(parents=True)
    began = time.monotonic()
    try:
        env = app_env()
        procs = set_up(env)
        context = ssl.create_default_context(cafile=str(WORK / "tls" / "cert.pem"))
        drill(procs, context)
    except Exception as error:  # noqa: BLE001 — reported in the summary, and the exit status
        check(f"the drill ran to its end ({type(error).__name__}: {error})", False)
    finally:
        clean_up()
    passed = sum(ok for _, ok in checks)
    leftovers = [
        p
        for p in (PG_PORT, REDIS_PORT, HTTPS_PORT, HTTP_PORT, *APP_PORTS.values())
        if not port_free(p)
    ]
    check("cleaned up: every port is free again", not leftovers, str(leftovers or ""))
    passed = sum(ok for _, ok in checks)
    say(
        f"two-host drill: {passed} of {len(checks)} checks passed in "
        f"{time.monotonic() - began:.0f} s"
        + (
            ""
            if passed == len(checks)
            else " — FAILED: " + "; ".join(n for n, ok in checks if not ok)
        )
    )
    return 0 if passed == len(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
