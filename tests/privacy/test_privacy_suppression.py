"""Threshold rule and secondary suppression on hand-computed tables.

Expected patterns and intervals are worked out by hand in the comments: in a 2-D table a
rectangle of suppressed cells lets the attacker move the corners by +t/-t, so a corner
``c`` ranges over ``[c - min(same-sign corners), c + min(opposite-sign corners)]``.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from crimestats.errors import UsageError
from crimestats.privacy import (
    SuppressionError,
    audit,
    primary_mask,
    protect_table,
    secondary_suppression,
    with_margins,
)

TABLE_3X3 = [[1, 5, 4], [6, 7, 8], [9, 10, 11]]


def _intervals(result: object) -> dict[tuple[int, ...], tuple[float, float]]:
    report = result.audit  # type: ignore[attr-defined]
    return {c.cell: (c.lower, c.upper) for c in report.cells}


def test_margins_are_computed_for_every_dimension() -> None:
    table = with_margins([[1, 2], [3, 4]])
    assert table.values.tolist() == [[1, 2, 3], [3, 4, 7], [4, 6, 10]]
    assert table.matrix.shape == (6, 9)
    assert not np.any(table.matrix @ table.flat)


def test_threshold_rule_keeps_zeros_and_flags_margins() -> None:
    table = with_margins([[0, 2], [0, 9]])
    # row 0 total is 2, column 1 total is 11, column 0 total is 0 (published)
    assert primary_mask(table.flat, 3).reshape(table.shape).tolist() == [
        [False, True, True],
        [False, False, False],
        [False, False, False],
    ]


@pytest.mark.parametrize("method", ["milp", "hypercube"])
def test_3x3_with_one_primary_cell_suppresses_a_rectangle(method: str) -> None:
    result = protect_table(TABLE_3X3, method=method)  # type: ignore[arg-type]
    hidden = {c for c, s in np.ndenumerate(result.status) if s != "published"}
    # cheapest rectangle through the 1: partners 5 (row) and 6 (column), corner 7:
    # cost 1 + 5 + 6 + 7 = 19; any rectangle through a margin costs more
    assert hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert result.status[0, 0] == "primary"
    assert result.parameters["objective_value"] == 19
    # hand: x00 in [1 - min(1, 7), 1 + min(5, 6)], x01 in [5 - min(5, 6), 5 + min(1, 7)],
    # x10 in [6 - min(6, 5), 6 + min(1, 7)], x11 in [7 - min(1, 7), 7 + min(5, 6)]
    assert _intervals(result) == {
        (0, 0): (0.0, 6.0),
        (0, 1): (0.0, 6.0),
        (1, 0): (1.0, 7.0),
        (1, 1): (6.0, 12.0),
    }
    assert result.audit is not None
    assert result.audit.passed
    assert result.published[0, 3] == 10  # row total still published


def test_audit_catches_a_pattern_undone_by_subtraction() -> None:
    table = with_margins(TABLE_3X3)
    hidden = np.zeros(table.size, dtype=bool)
    hidden[[0, 1]] = True  # only (0, 0) and (0, 1): column totals give both exactly
    report = audit(table, hidden, 3.0)
    assert [(c.cell, c.lower, c.upper) for c in report.cells] == [
        ((0, 0), 1.0, 1.0),
        ((0, 1), 5.0, 5.0),
    ]
    assert not report.passed
    assert len(report.failures) == 2


def test_1d_table_pairs_the_primary_with_the_cheapest_cell() -> None:
    result = protect_table([1, 5, 7])
    # x0 + x1 = 13 - 7 = 6 once both are hidden: each in [0, 6]; hiding the total
    # instead would cost 1 + 13
    assert result.status.tolist() == ["primary", "secondary", "published", "published"]
    assert _intervals(result) == {(0,): (0.0, 6.0), (1,): (0.0, 6.0)}


def test_1d_table_whose_total_is_small_is_unbounded() -> None:
    result = protect_table([2])
    assert result.status.tolist() == ["primary", "primary"]
    intervals = _intervals(result)
    assert intervals[(0,)][0] == 0.0
    assert math.isinf(intervals[(0,)][1])
    assert result.metadata()["audit"]["cells"][0]["upper"] is None


def test_nothing_to_suppress_publishes_everything() -> None:
    result = protect_table([[0, 5], [6, 7]])
    assert (result.status == "published").all()
    assert result.published.tolist() == [[0, 5, 5], [6, 7, 13], [6, 12, 18]]


@pytest.mark.parametrize("method", ["milp", "hypercube"])
def test_3d_table_is_protected(method: str) -> None:
    interior = np.arange(8).reshape(2, 2, 2) + 4
    interior[0, 1, 1] = 2
    result = protect_table(interior, method=method)  # type: ignore[arg-type]
    assert result.audit is not None
    assert result.audit.passed
    assert (result.status != "published").sum() >= 8  # a 2x2x2 cube at least
    published = [v for v in result.published.reshape(-1) if v is not None]
    assert not any(1 <= v <= 3 for v in published)


def test_wider_protection_is_honoured() -> None:
    result = protect_table(TABLE_3X3, protection_width=10)
    assert result.audit is not None
    assert all(c.width >= 10 for c in result.audit.cells)
    assert result.parameters["objective_value"] > 19


def test_cells_objective_minimises_the_number_of_cells() -> None:
    table = with_margins([[1, 50, 50], [50, 50, 50], [50, 50, 2]])
    primary = primary_mask(table.flat, 3)
    by_cells = secondary_suppression(table, primary, 3.0, objective="cells", method="milp")
    by_total = secondary_suppression(table, primary, 3.0, objective="total", method="milp")
    # one rectangle (0,0),(0,2),(2,0),(2,2) covers both primaries with 4 cells
    assert by_cells.cost == 4
    assert by_total.cost <= int(table.flat[by_cells.suppressed].sum())


@pytest.mark.parametrize(
    ("interior", "kwargs"),
    [
        ([[-1, 2]], {}),
        ([[1.5, 2]], {}),
        (np.ones((2, 2, 2, 2), dtype=int), {}),
        ([1, 2], {"threshold": 0}),
        ([1, 2], {"method": "simplex"}),
        ([1, 2], {"objective": "entropy"}),
        ([1, 2], {"protection": "noise"}),
    ],
)
def test_bad_input_is_a_usage_error(interior: object, kwargs: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        protect_table(interior, **kwargs)  # type: ignore[arg-type]


def test_privacy_imports_no_engine_or_interface() -> None:
    code = (
        "import sys, crimestats.privacy; "
        "print(sorted(m for m in ('duckdb', 'ibis', 'typer', 'fastapi', 'pandas') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_exported_names_are_documented() -> None:
    from crimestats import privacy

    for name in privacy.__all__:
        assert getattr(privacy, name).__doc__ or name.isupper(), name


def test_a_revision_keeps_the_previous_pattern() -> None:
    first = protect_table(TABLE_3X3)
    revised = [[4, 5, 4], [6, 7, 8], [9, 10, 11]]  # the 1 was revised to 4: no primary left
    again = protect_table(revised, keep_suppressed=first.status != "published")
    assert ((first.status != "published") <= (again.status != "published")).all()
    assert again.status[0, 0] == "secondary"
    assert again.audit is not None
    assert again.audit.passed
    with pytest.raises(UsageError):
        protect_table(revised, keep_suppressed=np.zeros((3, 3), dtype=bool))


def test_unknown_method_is_refused_even_with_nothing_to_suppress() -> None:
    with pytest.raises(UsageError):
        protect_table([[9, 9], [9, 9]], method="simplex")  # type: ignore[arg-type]


def test_auto_falls_back_to_the_heuristic_when_the_cut_loop_does_not_settle() -> None:
    table = with_margins([[10, 7, 6], [3, 3, 0], [0, 0, 2]])  # needs a second cut round
    primary = primary_mask(table.flat, 3)
    assert secondary_suppression(table, primary, 3.0).rounds == 2
    found = secondary_suppression(table, primary, 3.0, max_rounds=1)
    assert found.method == "hypercube"
    assert audit(table, found.suppressed, 3.0).passed
    with pytest.raises(SuppressionError):
        secondary_suppression(table, primary, 3.0, method="milp", max_rounds=1)


def test_large_table_uses_the_heuristic_and_withholds_every_small_cell() -> None:
    rng = np.random.default_rng(0)
    interior = rng.poisson(rng.gamma(3.0, 10.0, size=(200, 50)))
    result = protect_table(interior, run_audit=False)
    assert result.parameters["suppression"] == "hypercube"
    published = np.array([-1 if v is None else v for v in result.published.reshape(-1)])
    assert not np.any((published >= 1) & (published <= 3))
    assert result.audit is None


def test_medium_table_from_the_heuristic_passes_the_audit() -> None:
    rng = np.random.default_rng(1)
    interior = rng.poisson(rng.gamma(1.0, 6.0, size=(30, 20)))
    result = protect_table(interior, method="hypercube")
    assert result.audit is not None
    assert result.audit.passed
