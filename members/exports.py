"""One export mechanism for every list: .xlsx and .csv of what the list shows.

A list view builds its queryset exactly as for the page (the user's scope through
`for_user`, the filters of the request through its FilterSet) and hands it to
`export_response` with its columns. A column marked `personal` (ID and mobile numbers) is
masked unless the user sees that record's personal data in full (staff of the record's own
federation: members.scoping.can_see_personal_data). Every text cell goes through
`safe_cell`, so that none is taken for a formula. Rows are read in chunks and written as a
stream (CSV) or to a temporary file (xlsx, openpyxl's write-only mode).
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from members.scoping import can_see_personal_data
from members.spreadsheets import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportColumn:
    header: Any  # a translated (lazy) header
    value: Callable[[Any], Any]
    #: A masking function for personal data (members.masking), applied unless the user sees
    #: the record's personal data in full.
    personal: Callable[[str], str] | None = None


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (int, float, datetime.date)):
        return value
    return safe_cell(str(value))


def rows(user, queryset, columns, *, federation_of=lambda obj: obj.federation_id):
    """The header and each record's cells, masked and formula-safe."""
    yield [safe_cell(str(column.header)) for column in columns]
    for obj in queryset.iterator(chunk_size=2000):
        full = can_see_personal_data(user, federation_of(obj))
        cells = []
        for column in columns:
            value = column.value(obj)
            if column.personal and not full:
                value = column.personal(value or "")
            cells.append(_cell(value))
        yield cells


class _Echo:
    def write(self, value):
        return value


def export_response(request, queryset, columns, *, name, federation_of=None):
    """`?as=csv` for CSV (UTF-8 with a byte-order mark, which Excel needs to read Chinese),
    anything else for .xlsx."""
    kwargs = {"federation_of": federation_of} if federation_of else {}
    lines = rows(request.user, queryset, columns, **kwargs)
    stamp = timezone.localdate().isoformat()
    if request.GET.get("as") == "csv":
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff"
            for line in lines:
                yield writer.writerow(line)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for line in lines:
        sheet.append(line)
    target = tempfile.TemporaryFile()
    workbook.save(target)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=f"{name}-{stamp}.xlsx", content_type=XLSX
    )
