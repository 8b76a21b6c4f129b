"""HTTP race on the last places: 50 simultaneous booking POSTs at gunicorn on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/places_http_race.py [extra gunicorn options]

The script migrates the database it is given (use a scratch one), writes a 杭州 base
recognised by 宁波 with a batch whose 宁波 allocation is PLACES, starts gunicorn with
config/gunicorn.conf.py, signs nb-bench in, and fires REQUESTS booking POSTs of HEADCOUNT
people at once (released together by a barrier). It prints how many were booked, refused or
asked to try again, and the final counts, which must match the places exactly: exit 1 if
they do not. A benchmark, not a test: it lives here, not in tests/.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from benchkit import PRODUCTION_ENV  # beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
REQUESTS, PLACES, HEADCOUNT = 50, 20, 2
PASSWORD = "bench-pass-123"
ENV = {
    **PRODUCTION_ENV,
}


def setup():
    """The records of the race, written through the services."""
    import datetime

    import django

    os.environ.update(ENV)
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from cooperation.models import Agreement
    from members import services as member_services
    from members.models import Federation, Organisation, Role, StaffProfile, User
    from sanatoriums import services
    from sanatoriums.models import Batch, Recognition, Route, Sanatorium

    today = timezone.localdate()
    feds = {}
    for code, name, city in (("HZ", "杭州市总工会", "杭州"), ("NB", "宁波市总工会", "宁波")):
        feds[code], _ = Federation.objects.get_or_create(
            code=code, defaults={"name": name, "city": city, "short_name": city[0]}
        )
    agreement, _ = Agreement.objects.get_or_create(
        title="压测协议",
        defaults={
            "signed_on": today - datetime.timedelta(days=10),
            "valid_from": today - datetime.timedelta(days=10),
        },
    )
    agreement.parties.set(feds.values())
    org, _ = Organisation.objects.get_or_create(
        federation=feds["NB"], name="宁波压测工会", defaults={"kind": Organisation.Kind.DISTRICT}
    )
    user = User.objects.filter(username="nb-bench").first() or User(username="nb-bench")
    user.set_password(PASSWORD)
    user.save()
    if not StaffProfile.objects.filter(user=user).exists():
        member_services.staff_profile_save(
            actor=None, profile=StaffProfile(user=user, organisation=org, role=Role.STAFF)
        )
    base, _ = Sanatorium.objects.get_or_create(
        federation=feds["HZ"],
        name=f"压测基地{time.time_ns()}",
        defaults={
            "region": "淳安县",
            "address": "千岛湖镇 1 号",
            "stars": 4,
            "contact_name": "王老师",
            "contact_phone": "0571-87654321",
        },
    )
    Recognition.objects.create(
        sanatorium=base,
        federation=feds["NB"],
        status=Recognition.Status.APPROVED,
        valid_from=today,
        valid_until=today + datetime.timedelta(days=365),
        proposed_by=user,
    )
    route = services.route_save(
        actor=None,
        route=Route(
            sanatorium=base,
            name="压测线路",
            days=5,
            price_per_day=500,
            season_start=1,
            season_end=12,
        ),
    )
    start = today + datetime.timedelta(days=30)
    batch = services.batch_create(
        actor=None,
        batch=Batch(
            route=route,
            start_date=start,
            end_date=start + datetime.timedelta(days=4),
            signup_deadline=start - datetime.timedelta(days=7),
            places=PLACES,
            min_group=1,
        ),
    )
    services.allocation_set(actor=None, batch=batch, federation=feds["NB"], places=PLACES)
    return batch.pk, org.pk


def open_session():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{BASE}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": "nb-bench", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(urllib.request.Request(f"{BASE}/accounts/login/", data=data))
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    return jar, csrf


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    batch_id, org_id = setup()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-c",
            "config/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            os.environ.get("BENCH_WORKERS", "4"),
            "--threads",
            "4",
            "--access-logfile",
            "/dev/null",
            *sys.argv[1:],
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        jar, csrf = open_session()
        url = f"{BASE}/sanatoriums/bookings/new/{batch_id}/"
        body = urllib.parse.urlencode(
            {"organisation": org_id, "headcount": HEADCOUNT, "csrfmiddlewaretoken": csrf}
        ).encode()
        barrier = threading.Barrier(REQUESTS)
        outcomes = Counter()
        lock = threading.Lock()

        def post():
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(jar), NoRedirect()
            )
            request = urllib.request.Request(url, data=body, headers={"Referer": url})
            barrier.wait()
            try:
                status = opener.open(request, timeout=60).status
            except urllib.error.HTTPError as error:
                status = error.code
            with lock:
                outcomes[status] += 1

        started = time.monotonic()
        threads = [threading.Thread(target=post) for _ in range(REQUESTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(10)

    from django.db.models import Sum

    from sanatoriums.models import Allocation, Booking

    booked = (
        Booking.objects.filter(batch_id=batch_id).counted().aggregate(s=Sum("headcount"))["s"] or 0
    )
    allocation = Allocation.objects.get(batch_id=batch_id)
    print(
        f"{REQUESTS} simultaneous POSTs of {HEADCOUNT} people for {PLACES} places in {elapsed:.2f}s"
    )
    print(f"  booked (302): {outcomes[302]}")
    print(f"  refused, not enough places (200): {outcomes[200]}")
    print(f"  please try again (503): {outcomes[503]}")
    print(f"  other: {dict((k, v) for k, v in outcomes.items() if k not in (200, 302, 503))}")
    print(f"  bookings in the database: {Booking.objects.filter(batch_id=batch_id).count()}")
    print(f"  places booked (sum of headcounts): {booked} / {allocation.places}")
    print(f"  allocation counter: {allocation.booked_places}")
    ok = booked == allocation.places == allocation.booked_places == outcomes[302] * HEADCOUNT
    print("  MATCH" if ok else "  MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
