"""The leaders' dashboard (领导驾驶舱): the figures of every app's tiles (members.registry),
for one year, per federation side by side, cached for a short time; and the same figures
as an .xlsx workbook, one sheet per tile.

The cooperation app hosts the page (the five commons) but imports no other app: the tiles
come from each app's `tiles.py`. What is cached is plain data (numbers, lazy labels, model
instances whose names follow the language): the page renders it in the reader's language.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cooperation.models import Agreement
from members.dashboard import Period, TileData
from members.models import Federation
from members.registry import registry
from members.scoping import user_scope
from members.spreadsheets import safe_cell

#: Bumped when the shape of the cached figures changes, so that old entries are not read.
CACHE_VERSION = 1


@dataclass
class Dashboard:
    year: int
    federations: list[Federation]
    tiles: list[tuple[object, TileData]]  # (registry tile, its data)
    computed_at: datetime.datetime
    #: Names this computation of the figures: the page caches its rendering under it.
    cache_key: str = ""


def compared_federations(user) -> list[Federation]:
    """The federations whose figures the user sees side by side: their own first, then the
    partners they read; administrators see every party to an agreement."""
    scope = user_scope(user)
    if scope.is_superuser:
        federations = Federation.objects.filter(agreements__isnull=False).distinct()
    else:
        federations = Federation.objects.filter(pk__in=scope.readable_federation_ids)
    return sorted(federations.order_by("code"), key=lambda f: f.pk != scope.federation_id)


def selectable_years(user, today: datetime.date) -> list[int]:
    """This year back to the year the first agreement the user reads was signed."""
    first = Agreement.objects.for_user(user).aggregate(first=Min("signed_on"))["first"]
    start = min(first.year, today.year) if first else today.year
    return list(range(today.year, start - 1, -1))


def _cache_key(user, year, today):
    scope = user_scope(user)
    who = "admin" if scope.is_superuser else f"{scope.federation_id}-{scope.role}"
    # The day is in the key: what is overdue or current changes at midnight in Shanghai.
    return f"dashboard:v{CACHE_VERSION}:{who}:{year}:{today.isoformat()}"


def build_dashboard(user, year: int) -> Dashboard:
    """The dashboard of `year` for `user`, from the cache when it was computed less than
    DASHBOARD_CACHE_SECONDS ago."""
    today = timezone.localdate()
    federations = compared_federations(user)
    key = _cache_key(user, year, today)
    cached = cache.get(key)
    if cached is None:
        period = Period.of(
            user=user, year=year, today=today, federation_ids=[f.pk for f in federations]
        )
        cached = {
            "computed_at": timezone.now(),
            "tiles": {tile.key: tile.compute(period) for tile in registry.dashboard_tiles},
        }
        cache.set(key, cached, settings.DASHBOARD_CACHE_SECONDS)
    tiles = [
        (tile, cached["tiles"][tile.key])
        for tile in registry.dashboard_tiles
        if tile.key in cached["tiles"]
    ]
    stamp = cached["computed_at"].timestamp()
    return Dashboard(year, federations, tiles, cached["computed_at"], f"{key}:{stamp}")


def month_names():
    return [capfirst(str(MONTHS_3[month])) for month in range(1, 13)]


def label_text(label) -> str:
    """A label as a heading or cell shows it: status names and the like start lower-case."""
    return capfirst(str(label))


def chart_payload(chart, federations):
    """What the page's script draws (through json_script): labels in the page's language."""
    names = {f.pk: f.display_short for f in federations}
    categories = (
        month_names() if chart.kind == "month" else [label_text(c) for c in chart.categories]
    )
    if chart.kind == "donut":
        series = [{"name": pgettext("chart", "Number"), "values": chart.series.get("all", [])}]
    else:
        series = [
            {"name": names[f.pk], "values": chart.series.get(f.pk, [0] * len(categories))}
            for f in federations
        ]
    return {
        "kind": chart.kind,
        "title": str(chart.title),
        "categories": categories,
        "series": series,
    }


def chart_view(element_id, chart, federations):
    """A chart as the page shows it: the data its script draws, and the same numbers as a
    table for screen readers and for print."""
    payload = chart_payload(chart, federations)
    return {
        "id": element_id,
        "kind": chart.kind,
        "title": payload["title"],
        "payload": payload,
        "series_names": [series["name"] for series in payload["series"]],
        "rows": [
            (category, [series["values"][index] for series in payload["series"]])
            for index, category in enumerate(payload["categories"])
        ],
    }


def format_figure(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:g} %"
    if unit == "rating":
        return pgettext("a rating out of five", "%(rating)s / 5") % {"rating": f"{value:g}"}
    if unit == "days":
        return pgettext("a number of days", "%(days)s d") % {"days": f"{value:g}"}
    return f"{value:g}" if isinstance(value, float) else str(value)


# --- the workbook --------------------------------------------------------------------------


def dashboard_workbook(dashboard: Dashboard) -> bytes:
    """One sheet per tile (figures per federation, then each chart's table) and a sheet of
    what needs action. The numbers are those of the page; every text cell is formula-safe."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    federations = dashboard.federations
    names = [f.display_short for f in federations]
    for tile, data in dashboard.tiles:
        sheet = workbook.create_sheet(_sheet_title(str(tile.title)))
        sheet.append([safe_cell(str(tile.title)), dashboard.year])
        sheet.append(
            [safe_cell(_("Figure")), *map(safe_cell, names), safe_cell(pgettext("sum", "Total"))]
        )
        for figure in data.figures:
            sheet.append(
                [
                    safe_cell(label_text(figure.label)),
                    *(figure.value(f.pk) for f in federations),
                    figure.total_of([f.pk for f in federations]),
                ]
            )
        for chart in data.charts:
            payload = chart_payload(chart, federations)
            sheet.append([])
            sheet.append([safe_cell(payload["title"])])
            sheet.append(["", *map(safe_cell, (s["name"] for s in payload["series"]))])
            for index, category in enumerate(payload["categories"]):
                sheet.append(
                    [safe_cell(category), *(s["values"][index] for s in payload["series"])]
                )
    attention = workbook.create_sheet(_sheet_title(_("Needs action")))
    attention.append([safe_cell(h) for h in (_("What"), _("Item"), _("Federation"), _("Date"))])
    by_pk = {f.pk: f.display_short for f in federations}
    for item in attention_items(dashboard):
        attention.append(
            [
                safe_cell(str(item.kind)),
                item.count if item.count else safe_cell(item.label),
                safe_cell(by_pk.get(item.federation_id, "")),
                item.due,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attention_items(dashboard: Dashboard):
    """Every tile's items that need action, the most urgent first."""
    items = [item for _tile, data in dashboard.tiles for item in data.attention]
    return sorted(items, key=lambda item: (item.due or datetime.date.max, str(item.kind)))


def _sheet_title(title: str) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    return "".join(c for c in title if c not in "[]:*?/\\")[:31] or "-"
