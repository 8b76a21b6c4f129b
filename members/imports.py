"""One import mechanism for every kind of record: members, sanatorium bases, liaison contacts.

A kind is an `ImportSpec`, registered by its app (members/portal.py, sanatoriums/portal.py …)
with `register(spec)`, so that `members` imports no other app. The spec says its columns
(the Chinese header of the template and the English aliases accepted), how one row is
checked (`check`, with no query per row: what it compares against is loaded once by
`prepare`), and how a batch of checked rows is written (`write`, through the app's services,
with the acting user, so that history and access rules hold).

The engine (`process`) reads the file as a stream, checks every row and, when asked to
write, writes in batches inside one transaction: a file with any bad row writes nothing
(DESIGN.md invariant 6). Every bad row is reported with its number as the spreadsheet
program shows it (the header is row 1, the first data row is row 2), the column's header as
written in the file, and a translated reason.

File safety comes first (`open_table`): the size limit, the content (an .xlsx is a zip
holding a workbook; a .csv is text in UTF-8 or GB18030/GBK), for an .xlsx the number of zip
entries and what they unpack to (checked from the zip's directory before anything is
parsed), XML parsed by defusedxml (openpyxl uses it when it is installed, which refuses
entity declarations: a "billion laughs" file), and the row limit.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.spreadsheets import cell_text, parse_date

BATCH_SIZE = 1000
ERROR_HEADER = "错误原因 / error"

# --- the kinds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import: `key` is the spec's own name for it, `header` the Chinese
    header of the template, `aliases` the other headers accepted (English)."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    kind: str = "text"  # text | date | integer
    help: Any = ""  # what goes in, for the page and the template's notes

    def matches(self, written: str) -> bool:
        wanted = _normal_header(written)
        return wanted in {_normal_header(h) for h in (self.header, *self.aliases)}


def _normal_header(text) -> str:
    return "".join(cell_text(text).split()).casefold().replace("_", "")


@dataclass
class Checked:
    """A checked row: `errors` maps a column key to its reasons; `action` is "new" or
    "update"; `payload` is what `write` needs."""

    row: int
    label: str = ""
    action: str = "new"
    errors: dict[str, list[str]] = field(default_factory=dict)
    payload: Any = None

    def error(self, key: str, message: str):
        self.errors.setdefault(key, []).append(str(message))


@dataclass
class Context:
    """What one run knows: who acts, into which federation, and what `prepare` loaded."""

    actor: Any
    federation: Any
    update_existing: bool
    reason: str = "import"
    cache: dict = field(default_factory=dict)


class ImportSpec:
    kind: str = ""
    label: Any = ""  # plural, e.g. "members"
    permission: str = ""  # held to import this kind, e.g. "members.add_member"
    columns: tuple[Column, ...] = ()
    list_url: str = ""  # where the imported records are listed (a URL name)
    update_help: Any = ""  # what "update existing" matches on

    def prepare(self, ctx: Context) -> None:
        """Load what every row is compared against (a few queries, not one per row)."""

    def check(self, ctx: Context, result: Checked, values: dict) -> None:
        """Check one row's values (parsed by column kind; None for a blank or unparsable
        cell, whose error is already recorded) and fill `result`."""
        raise NotImplementedError

    def write(self, ctx: Context, batch: list[Checked]) -> None:
        """Write a batch of good rows (inside the run's transaction)."""
        raise NotImplementedError


SPECS: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    SPECS[spec.kind] = spec
    return spec


def get_spec(kind: str) -> ImportSpec | None:
    return SPECS.get(kind)


# --- file safety and reading -----------------------------------------------------------------


def formats_and_limits() -> str:
    """The sentence every refusal ends with, and the page shows."""
    return _(
        "Accepted files: .xlsx, or .csv in UTF-8 or GB18030/GBK; at most %(size)s and "
        "%(rows)s data rows."
    ) % {
        "size": filesizeformat(settings.IMPORT_MAX_BYTES),
        "rows": f"{settings.IMPORT_MAX_ROWS:,}",
    }


class ImportRefused(ValidationError):
    """The file itself is refused (not a row of it)."""

    def __init__(self, message, code):
        super().__init__(f"{message} {formats_and_limits()}", code=code)


ZIP_MAGIC = b"PK\x03\x04"
# Leading bytes of files that are surely not a CSV (executables, archives, documents).
BINARY_MAGIC = (b"MZ", b"\x7fELF", b"%PDF", b"\xd0\xcf\x11\xe0", b"Rar!", b"\x1f\x8b", b"7z")


def check_upload(upload) -> str:
    """Refuse a file by size and content before it is stored; return "xlsx" or "csv"."""
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(
            _("The file is too large (%(size)s).") % {"size": filesizeformat(upload.size)},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if not head:
        raise ImportRefused(_("The file is empty."), code="file_empty")
    if head.startswith(ZIP_MAGIC):
        _check_zip(upload)
        return "xlsx"
    if head.startswith(BINARY_MAGIC) or b"\x00" in head:
        raise ImportRefused(
            _("This file is neither an Excel workbook nor a text CSV file."), code="file_type"
        )
    return "csv"


def _check_zip(upload):
    """An .xlsx is a zip: count its entries and add up what they unpack to, from its
    directory, before anything is unpacked (a zip bomb claims little and unpacks to much;
    the sizes in the directory are what zipfile enforces while reading)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > settings.IMPORT_MAX_ZIP_ENTRIES:
                raise ImportRefused(
                    _("The workbook has too many parts (%(count)s).") % {"count": len(entries)},
                    code="zip_entries",
                )
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
                raise ImportRefused(
                    _("The workbook would unpack to %(size)s, more than the limit of %(limit)s.")
                    % {
                        "size": filesizeformat(unpacked),
                        "limit": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES),
                    },
                    code="zip_bomb",
                )
            if "xl/workbook.xml" not in archive.namelist():
                raise ImportRefused(
                    _("This zip file is not an Excel workbook."), code="not_workbook"
                )
    except zipfile.BadZipFile:
        raise ImportRefused(_("The workbook is damaged."), code="file_broken") from None
    finally:
        upload.seek(0)


@dataclass
class Table:
    headers: list[str]
    total: int  # data rows (an estimate for .xlsx until read)
    rows: Iterator[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)


def open_table(file, kind: str) -> Table:
    """The header and a stream of the data rows of a checked file."""
    if kind == "xlsx":
        return _open_xlsx(file)
    return _open_csv(file)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK and GB2312
    except UnicodeDecodeError:
        raise ImportRefused(
            _("The CSV file is neither UTF-8 nor GB18030/GBK text."), code="encoding"
        ) from None


def _open_csv(file) -> Table:
    # The whole file is at most IMPORT_MAX_BYTES: decode it at once (the encoding is
    # known only from all of it), then read its lines as a stream.
    file.seek(0)
    text = _decode(file.read())
    total = max(text.count("\n") - (0 if text.endswith("\n") else -1) - 1, 0)
    _check_rows(total)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = [cell_text(h) for h in next(reader, [])]
    except csv.Error:
        raise ImportRefused(_("The CSV file cannot be read."), code="csv_broken") from None

    def rows():
        try:
            yield from enumerate(reader, start=2)
        except csv.Error:
            raise ImportRefused(_("The CSV file cannot be read."), code="csv_broken") from None

    return Table(headers=headers, total=total, rows=rows())


def _open_xlsx(file) -> Table:
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    file.seek(0)
    try:
        # read_only streams the sheet; openpyxl parses with defusedxml when installed.
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # The sheet's own dimension, for the progress bar only: formatting can stretch it,
        # so the row limit is checked on the rows actually read.
        total = min(max((sheet.max_row or 1) - 1, 0), settings.IMPORT_MAX_ROWS)
        stream = sheet.iter_rows(values_only=True)
        headers = [cell_text(h) for h in next(stream, ())]
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds of error for a broken workbook
        raise _workbook_refusal(error, DefusedXmlException) from None

    def rows():
        try:
            for number, cells in enumerate(stream, start=2):
                yield number, list(cells)
        except ImportRefused:
            raise
        except Exception as error:
            raise _workbook_refusal(error, DefusedXmlException) from None
        finally:
            workbook.close()

    return Table(headers=headers, total=total, rows=rows())


def _workbook_refusal(error, unsafe_kind):
    """openpyxl wraps what went wrong in a ValueError of its own: an XML construct that
    defusedxml forbids (entity declarations: "billion laughs") is told apart by the chain."""
    cause = error
    while cause is not None:
        if isinstance(cause, unsafe_kind):
            return ImportRefused(
                _("The workbook contains XML that is not allowed (entity declarations)."),
                code="unsafe_xml",
            )
        cause = cause.__cause__ or cause.__context__
    return ImportRefused(_("The workbook is damaged."), code="file_broken")


def _check_rows(count):
    if count > settings.IMPORT_MAX_ROWS:
        raise ImportRefused(
            _("The file has %(count)s data rows, more than the limit.") % {"count": f"{count:,}"},
            code="too_many_rows",
        )


# --- the engine ------------------------------------------------------------------------------


@dataclass
class Outcome:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}
    preview: list[list] = field(default_factory=list)  # [row, label, action, error count]
    written: bool = False


def map_columns(spec: ImportSpec, headers: list[str]):
    """{column key: index in the row}, {column key: header as written}, and the errors of
    the header row (a required column missing)."""
    index, written, errors = {}, {}, []
    for position, header in enumerate(headers):
        for column in spec.columns:
            if column.key not in index and header and column.matches(header):
                index[column.key] = position
                written[column.key] = header
    for column in spec.columns:
        if column.required and column.key not in index:
            errors.append(
                {
                    "row": 1,
                    "column": column.header,
                    "message": _("This column is missing; the template has it."),
                }
            )
    return index, written, errors


def _parse(column: Column, raw, result: Checked):
    if column.kind == "date":
        if cell_text(raw) == "":
            value = None
        else:
            value = parse_date(raw)
            if value is None:
                result.error(
                    column.key,
                    _("Not a date: write it as 2024/3/1 or 2024-3-1, or use a date cell."),
                )
    elif column.kind == "integer":
        text = cell_text(raw)
        value = None
        if text:
            try:
                value = int(text)
            except ValueError:
                result.error(column.key, _("Enter a whole number."))
    else:
        value = cell_text(raw)
    if column.required and cell_text(raw) == "":
        result.error(column.key, _("This column is required."))
    return value


def process(
    spec: ImportSpec,
    file,
    file_kind: str,
    *,
    ctx: Context,
    write: bool,
    progress: Callable[[int, int], None] | None = None,
    preview: bool = True,
) -> Outcome:
    """Check every row of `file` and, with `write`, write them in batches — nothing at all
    when any row is bad (the caller's transaction is rolled back). Raises ImportRefused for
    a refused file and PermissionDenied when the actor may not import this kind into the
    federation. `preview` keeps each row's status (the preview page lists every row)."""
    from members.services import owning_federation_id, require_perm

    require_perm(ctx.actor, spec.permission)
    if owning_federation_id(ctx.actor, ctx.federation.pk) != ctx.federation.pk:
        raise PermissionDenied
    table = open_table(file, file_kind)
    outcome = Outcome(total=table.total)
    index, written, header_errors = map_columns(spec, table.headers)
    if header_errors:
        outcome.errors = header_errors
        return outcome
    spec.prepare(ctx)
    batch: list[Checked] = []
    done = 0
    for number, cells in table.rows:
        if all(cell_text(c) == "" for c in cells):
            continue  # a blank line is no row
        done += 1
        _check_rows(done)
        result = Checked(row=number)
        values = {}
        for column in spec.columns:
            position = index.get(column.key)
            raw = cells[position] if position is not None and position < len(cells) else None
            values[column.key] = _parse(column, raw, result)
        spec.check(ctx, result, values)
        if preview:  # the write after a preview needs none: it keeps no row it has written
            outcome.preview.append([number, result.label, result.action, len(result.errors)])
        if result.errors:
            for key, messages in result.errors.items():
                header = written.get(key) or next(c.header for c in spec.columns if c.key == key)
                for message in messages:
                    outcome.errors.append({"row": number, "column": header, "message": message})
        elif result.action == "update":
            outcome.updated += 1
        else:
            outcome.created += 1
        if not result.errors:
            batch.append(result)
        if len(batch) >= BATCH_SIZE or done % BATCH_SIZE == 0:
            if write and not outcome.errors and batch:
                spec.write(ctx, batch)
            batch = []
            if progress:
                progress(done, max(table.total, done))
    if write and not outcome.errors and batch:
        spec.write(ctx, batch)
    outcome.total = done
    outcome.written = write and not outcome.errors and done > 0
    if progress:
        progress(done, done)
    return outcome


def errors_by_row(errors: list[dict]) -> dict[int, str]:
    rows: dict[int, list[str]] = {}
    for error in errors:
        rows.setdefault(error["row"], []).append(f"{error['column']}: {error['message']}")
    return {row: "；".join(messages) for row, messages in rows.items()}


def write_errors_workbook(file, file_kind: str, errors: list[dict], target) -> None:
    """The uploaded file back as an .xlsx, every row as it was with an added
    "错误原因 / error" column, so that staff fix it where they work."""
    from openpyxl import Workbook

    from members.spreadsheets import safe_cell

    table = open_table(file, file_kind)
    reasons = errors_by_row(errors)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([safe_cell(h) for h in table.headers] + [ERROR_HEADER])
    if 1 in reasons:
        sheet.append(["" for _h in table.headers] + [reasons[1]])
    for number, cells in table.rows:
        if all(cell_text(c) == "" for c in cells):
            continue
        sheet.append([safe_cell(c) for c in cells] + [reasons.get(number, "")])
    workbook.save(target)


def write_template(spec: ImportSpec, target, *, notes: list[list[str]] | None = None) -> None:
    """An empty roster with the Chinese headers, and a second sheet saying what goes in each
    column (with its English alias)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(spec.label)[:31]
    sheet.append([column.header for column in spec.columns])
    for position, column in enumerate(spec.columns, start=1):
        sheet.cell(row=1, column=position).number_format = "@"
        letter = sheet.cell(row=1, column=position).column_letter
        sheet.column_dimensions[letter].width = 16
        if column.kind == "text":
            # Text cells, so that ID and phone numbers are not turned into numbers.
            for row in range(2, 202):
                sheet.cell(row=row, column=position).number_format = "@"
    help_sheet = workbook.create_sheet(_("Notes")[:31])
    help_sheet.append([_("Column"), _("English header"), _("Required"), _("What goes in")])
    for column in spec.columns:
        help_sheet.append(
            [
                column.header,
                column.aliases[0] if column.aliases else "",
                _("yes") if column.required else _("no"),
                str(column.help),
            ]
        )
    for line in notes or []:
        help_sheet.append(line)
    help_sheet.column_dimensions["D"].width = 80
    workbook.save(target)


STATUS_LABELS = {
    "new": gettext_lazy("new"),
    "update": gettext_lazy("update"),
}
