"""The ranking rules, plain Python: shared ranks, pass marks, awards and titles."""

from decimal import Decimal

import pytest

from competitions.ranking import Standing, mean, rank, weighted_total

D = Decimal


def placings(rows, awards=(1, 1, 1), top=0):
    """rows: (key, total, passed[, title_eligible]) → {key: (rank, tier, titled)}."""
    standings = [
        Standing(key, None if total is None else D(str(total)), *flags)
        for key, total, *flags in rows
    ]
    return {
        p.key: (p.rank, p.tier, p.titled)
        for p in rank(standings, award_counts=awards, title_top=top)
    }


# (case, rows, award counts, title top, expected {key: (rank, tier, titled)})
CASES = [
    (
        "distinct totals",
        [("a", 90, True), ("b", 80, True), ("c", 70, True), ("d", 60, True)],
        (1, 1, 1),
        0,
        {"a": (1, 1, False), "b": (2, 2, False), "c": (3, 3, False), "d": (4, None, False)},
    ),
    (
        "a tie in second place skips the fourth rank (1, 2, 2, 4)",
        [("a", 95, True), ("b", 88.5, True), ("c", 88.5, True), ("d", 70, True)],
        (1, 1, 1),
        0,
        {"a": (1, 1, False), "b": (2, 2, False), "c": (2, 2, False), "d": (4, None, False)},
    ),
    (
        "all tied: everyone first and gold",
        [("a", 80, True), ("b", 80, True), ("c", 80, True)],
        (1, 1, 1),
        0,
        {"a": (1, 1, False), "b": (1, 1, False), "c": (1, 1, False)},
    ),
    (
        "a tie at the top (1, 1, 3)",
        [("a", 90, True), ("b", 90, True), ("c", 85, True)],
        (1, 1, 1),
        0,
        {"a": (1, 1, False), "b": (1, 1, False), "c": (3, 3, False)},
    ),
    (
        "totals equal after rounding to two decimals share the rank",
        [("a", "88.504", True), ("b", "88.496", True), ("c", "88.49", True)],
        (1, 1, 1),
        0,
        {"a": (1, 1, False), "b": (1, 1, False), "c": (3, 3, False)},
    ),
    (
        "below the pass mark: ranked, no award, and the award is not handed down",
        [("a", 95, False), ("b", 90, True), ("c", 85, True)],
        (1, 1, 1),
        0,
        {"a": (1, None, False), "b": (2, 2, False), "c": (3, 3, False)},
    ),
    (
        "everybody below the pass mark: nobody gets an award",
        [("a", 59, False), ("b", 58, False)],
        (3, 3, 3),
        2,
        {"a": (1, None, False), "b": (2, None, False)},
    ),
    (
        "a tie across the award boundary gives both the better award",
        [("a", 90, True), ("b", 85, True), ("c", 85, True), ("d", 80, True)],
        (2, 1, 0),
        0,
        {"a": (1, 1, False), "b": (2, 1, False), "c": (2, 1, False), "d": (4, None, False)},
    ),
    (
        "several places per tier",
        [(k, t, True) for k, t in zip("abcdef", [99, 98, 97, 96, 95, 94], strict=True)],
        (1, 2, 2),
        0,
        {
            "a": (1, 1, False),
            "b": (2, 2, False),
            "c": (3, 2, False),
            "d": (4, 3, False),
            "e": (5, 3, False),
            "f": (6, None, False),
        },
    ),
    (
        "unscored entrants get no rank and come last",
        [("a", None, False), ("b", 70, True)],
        (1, 1, 1),
        1,
        {"a": (None, None, False), "b": (1, 1, True)},
    ),
    (
        "titles to the passing top N, ties included",
        [("a", 90, True), ("b", 85, True), ("c", 85, True), ("d", 80, True)],
        (0, 0, 0),
        2,
        {"a": (1, None, True), "b": (2, None, True), "c": (2, None, True), "d": (4, None, False)},
    ),
    (
        "no title for a failed or ineligible (too old) entrant",
        [("a", 95, True, False), ("b", 90, False), ("c", 85, True)],
        (0, 0, 0),
        3,
        {"a": (1, None, False), "b": (2, None, False), "c": (3, None, True)},
    ),
    ("nobody entered", [], (1, 1, 1), 1, {}),
]


@pytest.mark.parametrize(
    ("case", "rows", "awards", "top", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_ranking_table(case, rows, awards, top, expected):
    assert placings(rows, awards, top) == expected


def test_result_order_is_by_rank_then_key():
    result = rank(
        [Standing("b", D(80)), Standing("c", None), Standing("a", D(80)), Standing("d", D(90))]
    )
    assert [p.key for p in result] == ["d", "a", "b", "c"]


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        rank([], award_counts=(-1, 0, 0))


def test_weighted_total_of_parts():
    assert weighted_total([(D("80"), 30), (D("90"), 70)]) == D("87.00")
    assert weighted_total([(D("77.25"), 40), (D("61.5"), 60)]) == D("67.80")
    assert weighted_total([(D("80"), 30), (None, 70)]) is None


def test_mean_of_judges_scores():
    assert mean([D("80"), D("85"), D("90")]) == D("85.00")
    assert mean([D("80"), D("81")]) == D("80.50")
    assert mean([D("1"), D("1"), D("2")]) == D("1.33")
    assert mean([]) is None
