"""What a tile of the leaders' dashboard (驾驶舱) computes, and the aggregate helpers the
apps' `tiles.py` share. Plain data: the cooperation app renders it, caches it for a short
time and exports it as .xlsx; every app contributes its own tiles (members.registry).

Every figure is kept per federation so that the page can put the cities side by side (取长
补短): a `Figure` maps federation ids to numbers. The helpers here issue one aggregate query
each, so a tile's query count does not depend on how many rows there are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import ExtractMonth


@dataclass(frozen=True)
class Period:
    """The year the dashboard looks at, for one user.

    `on` is the day "current" figures (recognised bases, delayed projects) refer to: today in
    the current year, the last day of a past year, and the first day of a future one.
    `federation_ids` are the federations compared, the user's own first. Lists of what needs
    action are about `today`, whatever the year."""

    user: Any
    year: int
    first: datetime.date
    last: datetime.date
    on: datetime.date
    today: datetime.date
    federation_ids: tuple[int, ...]

    @classmethod
    def of(cls, *, user, year: int, today: datetime.date, federation_ids):
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        on = min(max(today, first), last)
        return cls(user, year, first, last, on, today, tuple(federation_ids))


@dataclass
class Figure:
    """A figure per federation. `unit` is "" (a count), "%" or "days"; `total` says whether
    the figures may be added up across federations (a percentage may not)."""

    label: Any
    values: dict[int, float | int | None]
    unit: str = ""
    total: bool = True

    def value(self, federation_id):
        return self.values.get(federation_id, 0 if self.unit == "" else None)

    def total_of(self, federation_ids):
        if not self.total:
            return None
        return sum(self.value(pk) or 0 for pk in federation_ids)


@dataclass
class Chart:
    """A chart and its table. `kind` is "bar" (categories × federations), "month" (twelve
    months × federations) or "donut" (categories, all compared federations together).
    `series` maps a federation id (or "all" for a donut) to one number per category."""

    kind: str
    title: Any
    categories: list[Any]
    series: dict[Any, list[float | int]]


@dataclass
class Attention:
    """An item that needs action: what it is, its federation, the date it is due or expires,
    and where to open it. Items the reader may count but not see (confidential referrals, for
    a leader) come as one item per federation with their `count` and no label or address."""

    kind: Any
    label: str
    federation_id: int
    due: datetime.date | None = None
    url: str | None = None
    count: int | None = None


@dataclass
class TileData:
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)


# --- aggregate helpers: one query each ----------------------------------------------------


def count_by(queryset, federation_field: str, of: str = "pk") -> dict[int, int]:
    """{federation id: number of distinct `of` (rows, by default)}."""
    rows = queryset.order_by().values(federation_field).annotate(n=Count(of, distinct=True))
    return {row[federation_field]: row["n"] for row in rows}


def sum_by(queryset, federation_field: str, value_field: str) -> dict[int, int]:
    rows = queryset.order_by().values(federation_field).annotate(n=Sum(value_field))
    return {row[federation_field]: row["n"] or 0 for row in rows}


def average_by(queryset, federation_field: str, value_field: str) -> dict[int, float | None]:
    rows = queryset.order_by().values(federation_field).annotate(n=Avg(value_field))
    return {
        row[federation_field]: (round(float(row["n"]), 2) if row["n"] is not None else None)
        for row in rows
    }


def count_by_pair(queryset, federation_field: str, category_field: str) -> dict[tuple, int]:
    """{(federation id, category): number of rows}."""
    rows = (
        queryset.order_by()
        .values(federation_field, category_field)
        .annotate(n=Count("pk", distinct=True))
    )
    return {(row[federation_field], row[category_field]): row["n"] for row in rows}


def monthly_by(queryset, federation_field: str, date_field: str) -> dict[int, list[int]]:
    """{federation id: [rows in January, …, rows in December]} of a queryset already limited
    to one year."""
    rows = (
        queryset.order_by()
        .annotate(month=ExtractMonth(date_field))
        .values(federation_field, "month")
        .annotate(n=Count("pk", distinct=True))
    )
    months: dict[int, list[int]] = {}
    for row in rows:
        months.setdefault(row[federation_field], [0] * 12)[row["month"] - 1] = row["n"]
    return months


def median_days_by(queryset, federation_field: str, start: str, end: str) -> dict:
    """{federation id: median of (end − start) in days, one decimal} over the rows that have
    both moments. One query for the counts, then one per federation (two rows each), so the
    number of queries follows the federations compared, never the rows."""
    spans = queryset.exclude(**{f"{end}__isnull": True}).annotate(
        span=ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    )
    medians = {}
    for federation_id, n in count_by(spans, federation_field).items():
        middle = list(
            spans.filter(**{federation_field: federation_id})
            .order_by("span", "pk")
            .values_list("span", flat=True)[(n - 1) // 2 : n // 2 + 1]
        )
        seconds = sum(span.total_seconds() for span in middle) / len(middle)
        medians[federation_id] = round(seconds / 86400, 1)
    return medians


def percentage(part: int | None, whole: int | None) -> float | None:
    """part of whole in per cent, one decimal; None when there is no whole."""
    if not whole:
        return None
    return round(100 * (part or 0) / whole, 1)


def category_chart(kind, title, choices, counts: dict[tuple, int], federation_ids) -> Chart:
    """A chart of `counts` ({(federation id, value): n}) over TextChoices `choices`."""
    categories = [label for _value, label in choices]
    if kind == "donut":
        series = {
            "all": [
                sum(counts.get((pk, value), 0) for pk in federation_ids) for value, _ in choices
            ]
        }
    else:
        series = {pk: [counts.get((pk, value), 0) for value, _ in choices] for pk in federation_ids}
    return Chart(kind, title, categories, series)
