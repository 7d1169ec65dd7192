"""Property tests (hypothesis) for the disclosure-control mechanisms on small 2-D tables.

The attacker's intervals are checked against an independent brute-force attacker: every
non-negative integer interior consistent with the published cells is enumerated.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from crimestats.privacy import (
    audit,
    controlled_round,
    primary_mask,
    protect_table,
    secondary_suppression,
    with_margins,
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def small_tables(max_side: int = 4, max_count: int = 12) -> st.SearchStrategy[np.ndarray]:
    shapes = st.tuples(st.integers(1, max_side), st.integers(1, max_side))
    return shapes.flatmap(lambda shape: arrays(np.int64, shape, elements=st.integers(0, max_count)))


@SETTINGS
@given(small_tables(), st.integers(1, 4))
def test_no_published_cell_is_under_the_threshold(interior: np.ndarray, threshold: int) -> None:
    result = protect_table(interior, threshold=threshold)
    for value in result.published.reshape(-1):
        assert value is None or not 1 <= value <= threshold


@SETTINGS
@given(small_tables(), st.sampled_from(["milp", "hypercube"]))
def test_every_suppressed_cell_keeps_the_protection_width(
    interior: np.ndarray, method: str
) -> None:
    result = protect_table(interior, method=method)  # type: ignore[arg-type]
    assert result.audit is not None
    assert all(c.width >= 3 - 1e-6 for c in result.audit.cells)
    assert result.audit.passed


@SETTINGS
@given(small_tables(), st.sampled_from(["total", "cells"]))
def test_milp_never_costs_more_than_the_heuristic(interior: np.ndarray, objective: str) -> None:
    table = with_margins(interior)
    primary = primary_mask(table.flat, 3)
    best = secondary_suppression(table, primary, 3.0, objective=objective, method="milp")  # type: ignore[arg-type]
    fast = secondary_suppression(table, primary, 3.0, objective=objective, method="hypercube")  # type: ignore[arg-type]
    assert best.cost <= fast.cost
    assert np.all(best.suppressed[primary])


@settings(max_examples=15, deadline=None)
@given(small_tables(max_side=2, max_count=5))
def test_milp_is_optimal_against_every_pattern(interior: np.ndarray) -> None:
    """Exhaustive search over all supersets of the primary cells (2 x 2 at most: 9 cells)."""
    table = with_margins(interior)
    primary = primary_mask(table.flat, 3)
    best = secondary_suppression(table, primary, 3.0, method="milp")
    free = np.flatnonzero(~primary)
    cheapest = None
    for bits in itertools.product((False, True), repeat=free.size):
        mask = primary.copy()
        mask[free] = bits
        cost = int(table.flat[mask].sum())
        if cheapest is not None and cost >= cheapest:
            continue
        if audit(table, mask, 3.0).passed:
            cheapest = cost
    assert best.cost == cheapest


@settings(max_examples=15, deadline=None)
@given(small_tables(max_side=2, max_count=4), st.sampled_from(["milp", "hypercube"]))
def test_audit_matches_a_brute_force_attacker(interior: np.ndarray, method: str) -> None:
    result = protect_table(interior, method=method)  # type: ignore[arg-type]
    table = result.table
    hidden = result.status != "published"
    rows, cols = interior.shape
    cap = int(table.values.sum()) + 3  # above any bounded interval
    free = [(i, j) for i in range(rows) for j in range(cols) if hidden[i, j]]
    if not free:
        assert result.audit is not None
        assert not result.audit.cells
        return
    grids = np.meshgrid(*[np.arange(cap + 1)] * len(free), indexing="ij")
    candidates = np.broadcast_to(interior, (grids[0].size, rows, cols)).copy()
    for (i, j), grid in zip(free, grids, strict=True):
        candidates[:, i, j] = grid.reshape(-1)
    full = np.zeros((candidates.shape[0], rows + 1, cols + 1), dtype=np.int64)
    full[:, :rows, :cols] = candidates
    full[:, :rows, cols] = candidates.sum(axis=2)
    full[:, rows, :] = full[:, :rows, :].sum(axis=1)
    consistent = np.all((full == table.values) | hidden, axis=(1, 2))
    possible = full[consistent]
    assert result.audit is not None
    for interval in result.audit.cells:
        values = possible[(slice(None), *interval.cell)]
        assert values.min() == interval.lower
        if np.isinf(interval.upper):
            assert values.max() >= cap  # reaches the enumeration's edge
        else:
            assert values.max() == interval.upper


@SETTINGS
@given(small_tables(max_side=5, max_count=30), st.integers(2, 10))
def test_controlled_rounding_keeps_additivity(interior: np.ndarray, base: int) -> None:
    table = with_margins(interior)
    rounded = controlled_round(table, base)
    values = rounded.values.reshape(-1)
    assert rounded.method == "controlled"  # always possible in 2-D (Cox 1987)
    assert not np.any(table.matrix @ values)
    assert np.all(values % base == 0)
    assert np.all(np.abs(values - table.flat) < base)
    assert np.all(values[table.flat % base == 0] == table.flat[table.flat % base == 0])


def small_cubes() -> st.SearchStrategy[np.ndarray]:
    shapes = st.tuples(st.integers(1, 3), st.integers(1, 2), st.integers(1, 2))
    return shapes.flatmap(lambda shape: arrays(np.int64, shape, elements=st.integers(0, 12)))


@settings(max_examples=15, deadline=None)
@given(small_cubes(), st.sampled_from(["auto", "hypercube"]))
def test_3d_tables_are_protected(interior: np.ndarray, method: str) -> None:
    result = protect_table(interior, method=method)  # type: ignore[arg-type]
    assert result.audit is not None
    assert result.audit.passed
    for value in result.published.reshape(-1):
        assert value is None or not 1 <= value <= 3
