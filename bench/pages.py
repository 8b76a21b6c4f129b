"""Every public and staff list page under gunicorn on PostgreSQL, under load, beside /healthz.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_pages \\
        .venv/bin/python bench/pages.py [--connections 8] [--seconds 5] [--scale 10]
        [--only-1x] [--pages REGEX] [--keep-database] [--no-redis]

The script drops and creates the database it is given (use a scratch one), migrates it,
seeds the demo data (1×, with a known password) and serves the portal with
config/gunicorn.conf.py: 2 gthread workers × 4 threads (GUNICORN_WORKERS/GUNICORN_THREADS),
worker recycling off (GUNICORN_MAX_REQUESTS=0) so that no worker restarts in the middle of a
page's measurement. It signs hz-staff (and hz-judge, for the judging list) in, then loads
every page of PAGES in turn with CONNECTIONS concurrent keep-alive connections for SECONDS
each, with `/healthz` (the trivial view: one query) before the first and after each page;
each run's first half second is a warm-up, checked but not counted. It then seeds ten times the data
(`seed_demo --scale 10`), restarts gunicorn and measures again. Every response must be 200:
anything else stops the run. The portal caches in Redis, as in production (REDIS_URL,
default redis://127.0.0.1:6379/0; --no-redis measures without it, and so without the public
page cache), under a key prefix of this run's own (CACHE_KEY_PREFIX), so that every run
starts cold.

For each page it prints requests per second, the median latency, and its time per request
(1 / throughput, at the same concurrency) divided by `/healthz`'s in the same run, measured
just before and just after the page (the machine's other work drifts over a run), at 1× and
10×, and the 10×/1× ratio of those ÷healthz figures. Targets (issue 15), judged at
the largest scale: anonymous public pages ≤ 2× `/healthz`, staff list pages ≤ 5×, and no
page more than 1.5× slower at 10× than at 1×; each row says ok or MISS. Beside it, on
Linux, CPU÷hz: the CPU time a request took (gunicorn's, PostgreSQL's and Redis's processes
and the load generator's, read from /proc) divided by `/healthz`'s. Throughput moves with
the machine's other work and with how the connections fall on the two workers (/healthz
has been seen to range over 800–1600 req/s in one run); CPU time per request does not, so
it is the figure to compare two versions by.

The load generator runs on the same machine as gunicorn and PostgreSQL and takes some of
their CPU: it is kept cheap (threads, http.client, one persistent connection per thread,
no third-party client), and it costs the same for every page, healthz included, so the
ratios stay comparable. Requests send `Accept-Encoding: gzip`, as browsers do. The
database and the photos' scratch folder are removed at the end unless --keep-database is
given. A benchmark, not a test: it lives here, not in tests/.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time

import benchkit  # beside this script
from benchkit import PRODUCTION_ENV, scratch_database, serving_cpu_seconds, sign_in, stop

HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8767"))
BASE = f"http://{HOST}:{PORT}"
PASSWORD = "bench-pass-123"
ENV = {
    **PRODUCTION_ENV,
    "ACCESS_LOG": "false",
    "GUNICORN_BIND": f"{HOST}:{PORT}",
    "GUNICORN_WORKERS": "2",
    "GUNICORN_THREADS": "4",
    "GUNICORN_MAX_REQUESTS": "0",
    "CACHE_KEY_PREFIX": f"bench-pages-{os.getpid()}",
}

PUBLIC, STAFF = "public", "staff"
TARGETS = {PUBLIC: 2.0, STAFF: 5.0}
GROWTH_TARGET = 1.5

# (label, path with {ids} to fill, who: None for anonymous or a user name, kind)
PAGES = [
    ("/", "/", None, PUBLIC),
    ("/sanatoriums/", "/sanatoriums/", None, PUBLIC),
    ("/sanatoriums/?filter", "/sanatoriums/?open_to=NB&stars=4", None, PUBLIC),
    ("/sanatoriums/<id>/", "/sanatoriums/{base}/", None, PUBLIC),
    ("/competitions/", "/competitions/", None, PUBLIC),
    ("/competitions/<id>/results/", "/competitions/{published}/results/", None, PUBLIC),
    ("/projects/<id>/", "/projects/{public_project}/", None, PUBLIC),
    ("/projects/", "/projects/", "hz-staff", STAFF),
    ("/members/", "/members/", "hz-staff", STAFF),
    ("/liaison/", "/liaison/", "hz-staff", STAFF),
    ("/liaison/contacts/", "/liaison/contacts/", "hz-staff", STAFF),
    ("/liaison/actions/", "/liaison/actions/", "hz-staff", STAFF),
    ("/rights/referrals/", "/rights/referrals/", "hz-staff", STAFF),
    ("/venues/", "/venues/", "hz-staff", STAFF),
    ("/sanatoriums/manage/", "/sanatoriums/manage/", "hz-staff", STAFF),
    ("/sanatoriums/recognitions/", "/sanatoriums/recognitions/", "hz-staff", STAFF),
    ("/sanatoriums/manage/batches/", "/sanatoriums/manage/batches/", "hz-staff", STAFF),
    (
        "/sanatoriums/manage/batches/<id>/participants/",
        "/sanatoriums/manage/batches/{batch}/participants/",
        "hz-staff",
        STAFF,
    ),
    ("/sanatoriums/bookings/", "/sanatoriums/bookings/", "hz-staff", STAFF),
    ("/competitions/ (signed in)", "/competitions/", "hz-staff", STAFF),
    ("/competitions/<id>/entries/", "/competitions/{published}/entries/", "hz-staff", STAFF),
    ("/competitions/judging/", "/competitions/judging/", "hz-judge", STAFF),
    ("/inbox/", "/inbox/", "hz-staff", STAFF),
]

# The records the pages with an id show, found once in the 1× data (the same ones at 10×).
IDS_SCRIPT = """
import json
from competitions.models import Competition
from cooperation.models import Project
from members.models import Federation
from sanatoriums.models import Batch, Sanatorium
nb = Federation.objects.get(code="NB")
print("IDS=" + json.dumps({
    "base": Sanatorium.objects.open_to(nb).filter(federation__code="HZ")
    .exclude(photos=None).order_by("pk").first().pk,
    "published": Competition.objects.filter(status=Competition.Status.PUBLISHED)
    .order_by("pk").first().pk,
    "public_project": Project.objects.public().order_by("pk").first().pk,
    "batch": Batch.objects.filter(route__sanatorium__federation__code="HZ")
    .exclude(bookings=None).order_by("pk").first().pk,
}))
"""


def manage(*args, capture=False):
    return benchkit.manage(ENV, *args, capture=capture)


def seed(scale):
    start = time.perf_counter()
    # Captured: the command lists the demo accounts, which would only crowd the figures.
    manage("seed_demo", "--force", "--scale", str(scale), "--password", PASSWORD, capture=True)
    print(f"seed_demo --scale {scale}: {time.perf_counter() - start:.0f} s", flush=True)


def find_ids():
    output = manage("shell", "-c", IDS_SCRIPT, capture=True)
    return json.loads(re.search(r"^IDS=(.*)$", output, re.MULTILINE).group(1))


class Failure(Exception):
    pass


def load(path, headers, *, connections, seconds):
    """CONNECTIONS threads, each with its own keep-alive connection, request PATH back to
    back for SECONDS. Returns (requests per second, median latency in ms, CPU ms per
    request of everything serving it — benchkit.serving_cpu_seconds — or None)."""
    timings = [[] for _ in range(connections)]
    errors = []
    barrier = threading.Barrier(connections + 1)
    deadline = [0.0]

    def worker(out):
        connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
        try:
            barrier.wait()
            while (start := time.perf_counter()) < deadline[0]:
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (http.client.HTTPException, ConnectionError):
                    # The server closed an idle keep-alive connection: open another.
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
                    continue
                if response.status != 200:
                    errors.append(f"{path}: HTTP {response.status}")
                    return
                out.append(time.perf_counter() - start)
        except Exception as error:  # reported below: the run stops
            errors.append(f"{path}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(out,)) for out in timings]
    for thread in threads:
        thread.start()
    cpu_before = serving_cpu_seconds()
    began = time.perf_counter()
    deadline[0] = began + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu_after = serving_cpu_seconds()
    if errors:
        raise Failure(errors[0])
    every = [t for out in timings for t in out]
    if not every:
        raise Failure(f"{path}: no request completed")
    cpu = None if cpu_before is None else (cpu_after - cpu_before) * 1000 / len(every)
    return len(every) / elapsed, statistics.median(every) * 1000, cpu


def measure(label, pages, ids, options):
    """One scale: serve, sign in, then /healthz and each page in turn, /healthz last again.
    A page's ratio is to the mean of the /healthz runs just before and just after it: the
    machine's other work changes over a run, much less over a few seconds."""
    process = benchkit.serve(ENV, BASE)
    try:
        cookies = {user: sign_in(BASE, user, PASSWORD)[1] for user in {p[2] for p in pages} if user}
        common = {"Accept-Encoding": "gzip"}

        def run(path, user):
            headers = {**common, "Cookie": cookies[user]} if user else common
            # A short warm-up (each thread's first request, templates, caches), checked too.
            load(path, headers, connections=options.connections, seconds=0.5)
            return load(path, headers, connections=options.connections, seconds=options.seconds)

        healthz = [run("/healthz", None)]
        rows = {}
        for name, path, user, _kind in pages:
            rps, p50, cpu = run(path.format(**ids), user)
            healthz.append(run("/healthz", None))
            beside = (healthz[-2][0] + healthz[-1][0]) / 2
            cpu_ratio = None
            if cpu is not None:
                cpu_ratio = cpu / ((healthz[-2][2] + healthz[-1][2]) / 2)
            rows[name] = (rps, p50, beside / rps, cpu, cpu_ratio)
            cpu_text = "" if cpu is None else f"   CPU {cpu:6.2f} ms/req, ÷hz {cpu_ratio:6.2f}"
            print(
                f"{label} {name:<48} {rps:7.1f} req/s {p50:7.1f} ms   /healthz {beside:6.1f} "
                f"req/s   ÷hz {beside / rps:6.2f}{cpu_text}",
                flush=True,
            )
    finally:
        stop(process)
    throughputs = [rps for rps, _p50, _cpu in healthz]
    cpus = [cpu for _rps, _p50, cpu in healthz if cpu is not None]
    rows["healthz"] = (
        statistics.mean(throughputs),
        statistics.median(p50 for _rps, p50, _cpu in healthz),
        min(throughputs),
        max(throughputs),
        statistics.mean(cpus) if cpus else None,
    )
    return rows


def table(pages, results):
    labels = list(results)
    head = f"{'page':<48}"
    for label in labels:
        head += f" | {label + ' req/s':>10} {'p50 ms':>7} {'÷hz':>6} {'CPU÷hz':>6}"
    if len(labels) > 1:
        head += f" | {labels[-1] + '/' + labels[0]:>7}"
    head += " | target | verdict"
    print()
    print(head)
    print("-" * len(head))
    line = f"{'/healthz (mean of its runs)':<48}"
    for label in labels:
        rps, p50, _low, _high, _cpu = results[label]["healthz"]
        line += f" | {rps:10.1f} {p50:7.1f} {1:6.2f} {1:6.2f}"
    print(line)
    misses = 0
    for name, _path, _user, kind in pages:
        line = f"{name:<48}"
        ratios = []
        for label in labels:
            rps, p50, ratio, _cpu, cpu_ratio = results[label][name]
            ratios.append(ratio)
            cpu_text = "     –" if cpu_ratio is None else f"{cpu_ratio:6.2f}"
            line += f" | {rps:10.1f} {p50:7.1f} {ratio:6.2f} {cpu_text}"
        ok = ratios[-1] <= TARGETS[kind]
        target = f"≤{TARGETS[kind]:.0f}×"
        if len(labels) > 1:
            growth = ratios[-1] / ratios[0]
            ok = ok and growth <= GROWTH_TARGET
            line += f" | {growth:7.2f}"
            target += f", ≤{GROWTH_TARGET}"
        misses += not ok
        print(f"{line} | {target} | {'ok' if ok else 'MISS'}")
    print()
    for label in labels:
        _rps, _p50, low, high, cpu = results[label]["healthz"]
        spent = "" if cpu is None else f"; it took {cpu:.2f} ms of CPU a request"
        print(f"/healthz at {label} ranged over {low:.0f}–{high:.0f} req/s during the run{spent}.")
    growth = f", {labels[-1]}/{labels[0]} of ÷hz ≤ {GROWTH_TARGET}" if len(labels) > 1 else ""
    print(
        f"÷hz: time per request (1 / req/s) ÷ that of the /healthz runs beside it; targets: "
        f"anonymous public ≤ {TARGETS[PUBLIC]:.0f}×, staff ≤ {TARGETS[STAFF]:.0f}× (at the "
        f"largest scale){growth}. {misses} of {len(pages)} pages MISS."
    )
    print(
        "CPU÷hz (not a target, a steadier view): the CPU time a request took — gunicorn, "
        "PostgreSQL, Redis and the load generator, from /proc — ÷ that of the /healthz runs "
        "beside it. It does not move with the machine's other work or with how the "
        "connections fall on the workers, which throughput does."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0, help="per page, per scale")
    parser.add_argument("--scale", type=int, default=10, help="the larger scale (default 10)")
    parser.add_argument("--only-1x", action="store_true", help="measure the 1× data only")
    parser.add_argument("--pages", default="", help="only pages whose label matches REGEX")
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the database for a look after"
    )
    parser.add_argument(
        "--no-redis", action="store_true", help="local-memory cache: no public page cache"
    )
    options = parser.parse_args()
    if options.no_redis:
        ENV.pop("REDIS_URL", None)
    else:
        ENV.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a scratch PostgreSQL database")
    pages = [page for page in PAGES if re.search(options.pages, page[0])]
    if not pages:
        sys.exit(f"no page matches {options.pages!r}")
    scratch_database(url)
    # The demo's photos go to a scratch folder, removed with the database.
    media = tempfile.mkdtemp(prefix="portal-bench-media-")
    ENV["MEDIA_ROOT"] = media
    results = {}
    try:
        manage("migrate", "--noinput", "-v0")
        seed(1)
        ids = find_ids()
        results["1×"] = measure("1×", pages, ids, options)
        if not options.only_1x and options.scale > 1:
            seed(options.scale)
            label = f"{options.scale}×"
            results[label] = measure(label, pages, ids, options)
    except Failure as failure:
        sys.exit(f"FAILED: {failure}")
    finally:
        if not options.keep_database:
            scratch_database(url, create=False)
            shutil.rmtree(media, ignore_errors=True)
    table(pages, results)


if __name__ == "__main__":
    main()
