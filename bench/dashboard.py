"""The leaders' dashboard under gunicorn on PostgreSQL, beside a trivial view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_dashboard \\
        .venv/bin/python bench/dashboard.py [--requests 40]

The script drops and creates the database it is given (use a scratch one), migrates it,
seeds the demo data (1×), serves the portal with config/gunicorn.conf.py, signs the leader
in and times REQUESTS sequential requests of `/dashboard/` and of `/healthz` (the trivial
view: one query), first with the dashboard's cache warm, then with it off
(DASHBOARD_CACHE_SECONDS=0). It then seeds ten times the data (`seed_demo --scale 10`) and
measures again. It prints each median and its ratio to `/healthz` in the same run, and the
10×/1× ratio with the cache off. Targets (issue 14): warm ≤ 5×, cache off at 10× ≤ 40×, and
10× no more than 1.5× the 1× figure. A benchmark, not a test: it lives here, not in tests/.
"""

import argparse
import os
import statistics
import sys
import time

import benchkit  # beside this script
from benchkit import PRODUCTION_ENV, scratch_database, sign_in, stop

PORT = int(os.environ.get("BENCH_PORT", "8766"))
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "bench-pass-123"
ENV = {
    **PRODUCTION_ENV,
    "ACCESS_LOG": "false",
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "GUNICORN_WORKERS": "2",
}


def manage(*args):
    benchkit.manage(ENV, *args)


def serve(cache_seconds):
    return benchkit.serve({**ENV, "DASHBOARD_CACHE_SECONDS": str(cache_seconds)}, BASE)


def median_ms(opener, path, requests):
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        with opener.open(f"{BASE}{path}") as response:
            response.read()
            assert response.status == 200, path
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def measure(label, requests):
    rows = {}
    for cache, seconds in (("warm", 300), ("off", 0)):
        process = serve(seconds)
        try:
            opener, _cookie = sign_in(BASE, "leader", PASSWORD)
            opener.open(f"{BASE}/dashboard/").read()  # warms the cache (when there is one)
            trivial = median_ms(opener, "/healthz", requests)
            board = median_ms(opener, "/dashboard/", requests)
        finally:
            stop(process)
        rows[cache] = (board, trivial)
        print(
            f"{label:>3}  cache {cache:<4}  /dashboard/ {board:7.1f} ms"
            f"   /healthz {trivial:6.1f} ms   ratio {board / trivial:5.1f}×"
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a scratch PostgreSQL database")
    scratch_database(url)
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo", "--force", "--password", PASSWORD, "-v0")
    once = measure("1×", options.requests)
    manage("seed_demo", "--force", "--scale", "10", "-v0")
    ten = measure("10×", options.requests)
    warm = max(once["warm"][0] / once["warm"][1], ten["warm"][0] / ten["warm"][1])
    off = ten["off"][0] / ten["off"][1]
    growth = ten["off"][0] / once["off"][0]
    print(
        f"summary: warm ≤ {warm:.1f}× /healthz (target 5×); cache off at 10× {off:.1f}× "
        f"(target 40×); 10×/1× with the cache off {growth:.2f} (target 1.5)"
    )


if __name__ == "__main__":
    main()
