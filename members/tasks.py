"""Background tasks of the register: checking and writing an import (members.imports).

They run through Django's tasks API (django-tasks, the backport of Django 6's tasks), queued
in the database and run by `manage.py db_worker`; the tests run them at once. A task gets
the job's id, never the file, and writes what it finds on the job, which the job's page
polls (rows done of rows total).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from members import imports
from members.models import ImportJob

logger = logging.getLogger(__name__)


class _Progress:
    """Rows done of rows total, written on the job as the run goes.

    While the run writes, it is inside the one transaction that makes the import
    all-or-nothing, and a row updated in it is seen by nobody else until the end. On
    PostgreSQL the progress then goes through a connection of its own (committed at once);
    SQLite has one writer at a time, so there the bar waits for the end of the write."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.side = None

    def __call__(self, done, total):
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(rows_done=done, rows_total=total)
            return
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connections.create_connection("default")
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s, rows_total = %s "  # noqa: S608
                "WHERE id = %s",
                [done, total, self.job_id],
            )

    def close(self):
        if self.side is not None:
            self.side.close()


def run_job(job_id: int, *, write: bool) -> str:
    job = ImportJob.objects.select_related("federation", "created_by").get(pk=job_id)
    spec = imports.get_spec(job.kind)
    progress = _Progress(job.pk)
    with translation.override(job.language):
        try:
            ctx = imports.Context(
                actor=job.created_by,
                federation=job.federation,
                update_existing=job.update_existing,
                reason=f"import {job.original_name}"[:100],
            )
            with job.file.open("rb") as file:
                if write:
                    with transaction.atomic():
                        outcome = imports.process(
                            spec,
                            file,
                            job.file_kind,
                            ctx=ctx,
                            write=True,
                            progress=progress,
                            preview=False,
                        )
                        if outcome.errors:
                            transaction.set_rollback(True)
                else:
                    outcome = imports.process(
                        spec, file, job.file_kind, ctx=ctx, write=False, progress=progress
                    )
        except imports.ImportRefused as refusal:
            _finish(job, status=ImportJob.Status.REFUSED, message=" ".join(refusal.messages))
            return job.status
        except PermissionDenied:
            _finish(
                job,
                status=ImportJob.Status.REFUSED,
                message=_("You may not import these records into this federation."),
            )
            return job.status
        except Exception:
            logger.exception("import job %s failed", job.pk)
            _finish(
                job,
                status=ImportJob.Status.FAILED,
                message=_("The import failed; nothing was written. Please try again."),
            )
            return job.status
        finally:
            progress.close()
    if write and not outcome.errors:
        outcome.preview = job.preview  # the rows as previewed, now written
    if outcome.errors:
        status = ImportJob.Status.INVALID
    elif write:
        status = ImportJob.Status.DONE
    elif outcome.total == 0:
        status = ImportJob.Status.INVALID
        outcome.errors = [{"row": 2, "column": "", "message": _("The file has no data rows.")}]
    else:
        status = ImportJob.Status.READY
    _finish(
        job,
        status=status,
        rows_total=outcome.total,
        rows_done=outcome.total,
        created_count=outcome.created,
        updated_count=outcome.updated,
        error_count=len(outcome.errors),
        errors=outcome.errors,
        preview=outcome.preview,
        message="",
    )
    return status


def _finish(job, **fields):
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=[*fields, "updated_at"])


@task()
def import_check(job_id: int) -> str:
    """Check every row of an uploaded file; nothing is written."""
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.CHECKING)
    return run_job(job_id, write=False)


@task()
def import_write(job_id: int) -> str:
    """Check again and write every row, or nothing when any row is now bad."""
    return run_job(job_id, write=True)
