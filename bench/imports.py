"""Benchmark: the member roster import (members.imports) at 10 000 and 100 000 rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/imports.py

The database must exist and be migrated (`manage.py migrate`). For each size, one process
generates an .xlsx roster of that many valid rows, then a fresh one checks and writes it exactly
as the background task does (file checks, streaming read, per-row checks, batched writes
with history rows and the acting user, all in one transaction), and prints the time of each
step and the process's peak memory. The transaction is rolled back at the end, so the
benchmark leaves the database as it found it and can be run again.

Target: 100 000 rows in at most 60 s, with a peak memory that does not grow with the file.
The rows are streamed and written in batches; what does grow is the check for duplicates
inside the file (every ID and card number seen so far, about 300 bytes a row). The CPU time
of the importing process is printed beside the wall-clock time: on a shared machine the
difference is the wait for the database and for other processes.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000)


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # DEBUG off: with it on, Django keeps every query's SQL in memory (connection.queries).
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("CONN_MAX_AGE", "0")
    import django

    django.setup()


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _roster(rows: int, organisations: list[str]) -> bytes:
    from openpyxl import Workbook

    from members import idcard

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(
        ["姓名", "性别", "身份证号", "手机号", "会员卡号", "所属工会", "就业形态", "入会日期"]
    )
    born = datetime.date(1970, 1, 1)
    for n in range(rows):
        day = born + datetime.timedelta(days=n // 400)
        sequence = (n % 400) * 2 + 1  # odd: a man
        sheet.append(
            [
                f"测试会员{n}",
                "男",
                idcard.make("330106", day, sequence),
                f"13{n % 10}{n:08d}"[:11],
                f"BENCH{n:08d}",
                organisations[n % len(organisations)],
                "快递员" if n % 3 else "",
                datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 1500),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_dimension(buffer.getvalue(), rows + 1)


def _with_dimension(content: bytes, last_row: int) -> bytes:
    """Excel writes the sheet's size (<dimension ref="A1:H100001"/>) at the top of the sheet;
    openpyxl's write-only mode does not, and without it a reader must scan the whole sheet
    to learn its size. Add it, so that the file is read as one from Excel is."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = (
                    data.replace(
                        b"<sheetPr", f'<dimension ref="A1:H{last_row}"/><sheetPr'.encode(), 1
                    )
                    if b"<sheetPr" in data
                    else data.replace(
                        b"<sheetData", f'<dimension ref="A1:H{last_row}"/><sheetData'.encode(), 1
                    )
                )
            target.writestr(item, data)
    return out.getvalue()


def _bench_world():
    from django.db import transaction

    from members.models import Federation, Organisation, Role, StaffProfile, User

    with transaction.atomic():
        federation, _ = Federation.objects.get_or_create(
            code="BENCH", defaults={"name": "基准测试总工会", "city": "基准", "short_name": "基"}
        )
        organisations = [
            Organisation.objects.get_or_create(
                federation=federation, name=f"基准工会{n}", defaults={"kind": "grassroots"}
            )[0]
            for n in range(20)
        ]
        actor, _ = User.objects.get_or_create(username="bench-staff")
        StaffProfile.objects.get_or_create(
            user=actor, defaults={"organisation": organisations[0], "role": Role.STAFF}
        )
    return federation, organisations, actor


def generate(rows: int, path: Path) -> None:
    _setup()
    _federation, organisations, _actor = _bench_world()
    path.write_bytes(_roster(rows, [org.name for org in organisations]))


def run_one(rows: int, path: Path) -> None:
    """Import the file at `path` (of `rows` rows) in this process, which does nothing else,
    so that its peak memory is the import's."""
    _setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction

    from members import imports
    from members.models import Member

    assert connection.vendor == "postgresql", "run the benchmark on PostgreSQL (DATABASE_URL)"
    federation, _organisations, actor = _bench_world()
    baseline = _peak_mb()
    before = Member.objects.filter(federation=federation).count()
    started, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as raw:
        upload = SimpleUploadedFile(path.name, raw.read())
    kind = imports.check_upload(upload)
    ctx = imports.Context(actor=actor, federation=federation, update_existing=False)
    with transaction.atomic():
        outcome = imports.process(
            imports.get_spec("members"), upload, kind, ctx=ctx, write=True, preview=False
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        written = Member.objects.filter(federation=federation).count() - before
        history = Member.history.filter(federation=federation, history_user=actor).count()
        transaction.set_rollback(True)  # leave the database as it was
    assert not outcome.errors, outcome.errors[:5]
    assert written == rows and history >= rows, (written, history)
    print(
        f"{rows:>7} rows  file {path.stat().st_size / 1e6:5.1f} MB  import {elapsed:6.1f} s "
        f"({rows / elapsed:,.0f} rows/s, {cpu:.1f} s of this process's CPU)  "
        f"peak memory {_peak_mb():5.0f} MB "
        f"(Django loaded: {baseline:.0f} MB)",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, help="import one file of this many rows")
    parser.add_argument("--file", type=Path, help="the file to import (with --rows)")
    parser.add_argument("--generate", action="store_true", help="write the file (with --rows)")
    args = parser.parse_args()
    if args.rows and args.generate:
        generate(args.rows, args.file)
        return
    if args.rows:
        run_one(args.rows, args.file)
        return
    with tempfile.TemporaryDirectory() as folder:
        for rows in SIZES:
            path = Path(folder) / f"roster-{rows}.xlsx"
            # One process writes the file and a fresh one imports it, so that each peak
            # memory is that import's own.
            command = [sys.executable, __file__, "--rows", str(rows), "--file", str(path)]
            subprocess.run([*command, "--generate"], check=True)
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
