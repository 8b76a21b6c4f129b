"""Ranks, awards and titles of an event from its entrants' totals.

Plain Python, tested without a database (tests/competitions/test_ranking.py). The rules:

- entrants are ranked by total, highest first; equal totals share a rank and the next rank
  skips the shared places ("standard competition ranking": 1, 2, 2, 4);
- totals are compared after rounding to two decimals, as they are shown and printed, so two
  entrants whose printed totals are equal never get different ranks;
- an entrant without a total (not fully scored) gets no rank and comes last;
- awards follow rank: with gold/silver/bronze counts (g, s, b) a rank ≤ g is gold, ≤ g + s
  silver, ≤ g + s + b bronze — a tie on the boundary gives every tied entrant the better award;
- an entrant below a pass mark keeps their rank but gets no award and no title, and their
  place is not handed down to the next entrant (the counts are places by rank, not prizes to
  share out);
- the title goes to passing entrants ranked within the top N who are eligible for it (for
  example, aged 35 or under for 青年岗位能手).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")

#: Award tiers, best first; 1 = gold / first prize, 2 = silver / second, 3 = bronze / third.
TIERS = (1, 2, 3)


@dataclass(frozen=True)
class Standing:
    """One entrant as the ranking sees them."""

    key: Hashable
    total: Decimal | None
    passed: bool = True
    title_eligible: bool = True


@dataclass(frozen=True)
class Placing:
    key: Hashable
    total: Decimal | None
    rank: int | None
    tier: int | None
    titled: bool


def rounded(total: Decimal | None) -> Decimal | None:
    if total is None:
        return None
    return Decimal(total).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def rank(
    standings: Sequence[Standing],
    *,
    award_counts: tuple[int, int, int] = (0, 0, 0),
    title_top: int = 0,
) -> list[Placing]:
    """Placings in result order: by rank, then (for ties and the unranked) by key."""
    if any(count < 0 for count in award_counts) or title_top < 0:
        raise ValueError("award counts and title places cannot be negative")
    limits = []
    running = 0
    for count in award_counts:
        running += count
        limits.append(running)

    scored = sorted(
        (s for s in standings if s.total is not None),
        key=lambda s: (-rounded(s.total), str(s.key)),
    )
    unscored = sorted((s for s in standings if s.total is None), key=lambda s: str(s.key))

    placings = []
    previous_total = None
    current_rank = 0
    for position, standing in enumerate(scored, start=1):
        total = rounded(standing.total)
        if total != previous_total:
            current_rank = position  # ties keep the first position; the next one skips
            previous_total = total
        tier = None
        if standing.passed:
            tier = next(
                (t for t, limit in zip(TIERS, limits, strict=True) if current_rank <= limit),
                None,
            )
        titled = standing.passed and standing.title_eligible and current_rank <= title_top
        placings.append(Placing(standing.key, total, current_rank, tier, titled))
    placings.extend(Placing(s.key, None, None, None, False) for s in unscored)
    return placings


def weighted_total(part_scores: Sequence[tuple[Decimal | None, int]]) -> Decimal | None:
    """The total of (part score, weight in percent) pairs; None when a part has no score.

    A part score is out of 100; weights sum to 100, so the total is out of 100 too."""
    total = Decimal(0)
    for score, weight in part_scores:
        if score is None:
            return None
        total += Decimal(score) * Decimal(weight) / Decimal(100)
    return rounded(total)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The mean of the judges' scores of a part, rounded to two decimals; None if none."""
    if not values:
        return None
    return rounded(sum((Decimal(v) for v in values), Decimal(0)) / len(values))
