"""release_table: margins are the sums of the released interior, exactly."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.dp import TOTAL, PrivacyLedger, ReleasedCell, derive_margins, release_table
from crimestats.dp.mechanism import cell_accuracy, sum_accuracy
from crimestats.errors import UsageError

axis = st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=4, unique=True)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    axes=st.lists(axis, min_size=1, max_size=3),
    epsilon=st.floats(min_value=0.05, max_value=3.0),
)
def test_margins_add_up_and_cells_are_non_negative_integers(
    data: st.DataObject, axes: list[list[str]], epsilon: float
) -> None:
    interior_keys = list(itertools.product(*axes))
    counts = {
        k: data.draw(st.integers(min_value=0, max_value=50))
        for k in data.draw(st.lists(st.sampled_from(interior_keys), unique=True))
    }
    table = release_table(
        counts, axes, epsilon=epsilon, privacy_unit="incident", sensitivity=len(axes)
    )
    values = table.values
    assert list(table.interior.cells) == interior_keys
    assert len(table.margins) == _margin_count(axes)
    assert all(type(v) is int and v >= 0 for v in values.values())
    for margin_key, total in table.margins.items():
        matching = [
            values[k]
            for k in interior_keys
            if all(m in (TOTAL, part) for m, part in zip(margin_key, k, strict=True))
        ]
        assert total.value == sum(matching)


def _margin_count(axes: list[list[str]]) -> int:
    """Independent count: each axis is either kept (len categories) or collapsed (1)."""
    total = 1
    for a in axes:
        total *= len(a) + 1
    interior = 1
    for a in axes:
        interior *= len(a)
    return total - interior


def test_derive_margins_on_a_known_table() -> None:
    cells = {
        ("theft", "north"): ReleasedCell(3, 1.0),
        ("theft", "south"): ReleasedCell(0, 1.0),
        ("assault", "north"): ReleasedCell(5, 1.0),
        ("assault", "south"): ReleasedCell(2, 1.0),
    }
    margins = derive_margins(cells, [["theft", "assault"], ["north", "south"]])
    assert {k: c.value for k, c in margins.items()} == {
        (TOTAL, "north"): 8,
        (TOTAL, "south"): 2,
        ("theft", TOTAL): 3,
        ("assault", TOTAL): 7,
        (TOTAL, TOTAL): 10,
    }


def test_margin_accuracy_is_at_most_the_union_bound() -> None:
    table = release_table(
        {}, [["x", "y"], ["1", "2", "3"]], epsilon=1.0, privacy_unit="victim", sensitivity=1
    )
    assert table.margins[(TOTAL, "1")].accuracy <= 2 * cell_accuracy(1.0, 0.025)
    assert table.margins[("x", TOTAL)].accuracy <= 3 * cell_accuracy(1.0, 0.05 / 3)
    assert table.margins[(TOTAL, TOTAL)].accuracy == sum_accuracy(1.0, 6, 0.05)
    # and never below the one-cell half-width: a sum is no more precise than a cell
    assert table.margins[(TOTAL, TOTAL)].accuracy > table.interior.accuracy
    assert table.metadata()["margins"].startswith("sums of released interior cells")


def test_sum_accuracy_on_hand_computed_values() -> None:
    # Union bound, m = 10, scale 1: q = e^-1, a solves 2 q^a / (1 + q) = 0.005,
    # a = ln(0.005 (1 + q) / 2) / ln q = 5.678, times 10 = 56.78; Chernoff is tighter.
    assert 10 * cell_accuracy(1.0, 0.005) == pytest.approx(56.782, abs=1e-3)
    assert sum_accuracy(1.0, 10) < 56.782
    # Chernoff can be no better than the mean of the summed |noise|:
    # E|X| = 2q / (1 - q^2) = 0.8509 for scale 1, so 10 cells give 8.51
    assert sum_accuracy(1.0, 10) > 8.51


def test_margin_half_widths_cover_sparse_margins() -> None:
    """Zero cells (where clamping biases most): 400 margins of 50 cells each."""
    groups, size = 400, 50
    public = [(g, c) for g in range(groups) for c in range(size)]
    table = release_table(
        {}, [range(groups), range(size)], epsilon=1.0, privacy_unit="incident", sensitivity=1
    )
    width = sum_accuracy(table.interior.scale, size)
    margins = [table.margins[(g, TOTAL)].value for g in range(groups)]
    assert all(table.margins[(g, TOTAL)].accuracy == width for g in range(groups))
    assert len(public) == len(table.interior.cells)
    covered = sum(m < width for m in margins) / groups
    assert covered >= 0.95  # a correct bound is conservative: in practice all are covered


def test_table_is_charged_once_and_total_key_is_reserved() -> None:
    ledger = PrivacyLedger(1.0, "incident")
    release_table(
        {("a",): 1},
        [["a", "b"]],
        epsilon=0.5,
        privacy_unit="incident",
        sensitivity=1,
        ledger=ledger,
        table_name="t",
    )
    assert ledger.spent == 0.5  # margins are free
    with pytest.raises(UsageError, match="reserved"):
        release_table({}, [["a", TOTAL]], epsilon=0.1, privacy_unit="incident", sensitivity=1)
    with pytest.raises(UsageError, match="at least one axis"):
        release_table({}, [], epsilon=0.1, privacy_unit="incident", sensitivity=1)
