"""python manage.py import_members FILE --federation HZ [--dry-run] [--update-existing]"""

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members import imports
from members.models import Federation


class Command(BaseCommand):
    help = (
        "Import a roster (.xlsx, or .csv in UTF-8 or GB18030/GBK) into a federation, with "
        "the same checks as the import page. All or nothing: when any row is bad nothing is "
        "written, every bad row is printed (its row number as the spreadsheet shows it, the "
        "column's header as written, the reason) and the exit status is 1; a refused file "
        "exits with 2. Exit status 0 only when every row was valid and written (or, with "
        "--dry-run, would be: --dry-run checks and writes nothing). --kind imports another "
        "kind of record through the same mechanism (e.g. sanatoriums)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--federation", required=True, help="federation code, e.g. HZ")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--update-existing",
            action="store_true",
            help="rows matching an existing record (same ID number) update it",
        )
        parser.add_argument("--kind", default="members", choices=sorted(imports.SPECS))

    def handle(self, *args, **options):
        spec = imports.get_spec(options["kind"])
        try:
            federation = Federation.objects.get(code=options["federation"].upper())
        except Federation.DoesNotExist:
            raise CommandError(f"No federation has the code {options['federation']}.") from None
        ctx = imports.Context(
            actor=None,
            federation=federation,
            update_existing=options["update_existing"],
            reason=f"import_members {options['file']}"[:100],
        )
        try:
            with open(options["file"], "rb") as raw:
                upload = File(raw, name=options["file"])
                file_kind = imports.check_upload(upload)
                with transaction.atomic():
                    outcome = imports.process(
                        spec, upload, file_kind, ctx=ctx, write=not options["dry_run"]
                    )
                    if outcome.errors:
                        transaction.set_rollback(True)
        except OSError as error:
            raise CommandError(str(error), returncode=2) from None
        except imports.ImportRefused as refusal:
            raise CommandError(" ".join(refusal.messages), returncode=2) from None
        except PermissionDenied:
            raise CommandError("Not allowed.", returncode=2) from None
        for error in outcome.errors:
            self.stderr.write(f"row {error['row']}, {error['column']}: {error['message']}")
        if outcome.errors:
            raise CommandError(
                f"{len(outcome.errors)} error(s) in {outcome.total} row(s); nothing was written.",
                returncode=1,
            )
        if outcome.total == 0:
            raise CommandError("The file has no data rows; nothing was written.", returncode=1)
        verb = "would be imported (dry run, nothing written)" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{outcome.total} row(s) {verb}: {outcome.created} new, {outcome.updated} updated."
        )
