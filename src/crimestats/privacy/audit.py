"""Audit a suppression pattern: the interval an attacker can infer for each hidden cell.

Why: a suppression pattern is only safe if nobody can recover a withheld cell by
subtraction from the published cells and margins. The attacker's best bounds on a
suppressed cell ``c`` are the optimal values of two linear programs over the suppressed
cells ``x_S`` (Fischetti & Salazar-González 2000, "Models and algorithms for optimizing
cell suppression in tabular data with linear constraints", JASA 95(451), section 2)::

    min / max  x_c   subject to   A_S x_S = -A_P a_P   (additivity, published cells fixed)
                                  x_S >= 0             (counts are non-negative)

The pattern passes when ``max - min >= protection_width`` for every suppressed cell,
secondary ones included (a secondary cell pinned exactly would itself leak, and may help
pin a primary cell in a later release). The programs are solved per connected component
of the suppressed cells (cells linked through shared equations), which keeps them small.

The report holds coordinates and intervals, never the true values, so that it can go in
release metadata as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from crimestats.privacy.tables import LinearSystem

_TOL = 1e-6


class SolverFailureError(RuntimeError):
    """HiGHS failed on an attacker programme that the true counts satisfy.

    Why not a :class:`crimestats.errors.CrimestatsError`: no input of the user's can cause
    it, so it is a bug, and it must reach the user as an internal error (the CLI's last
    line of defence) rather than be taken for "the repair did not converge" and silently
    replaced by a fallback (issue 12, item 6).
    """


class IntervalJSON(TypedDict):
    """One suppressed cell in release metadata: where, and the attacker's bounds
    (``None`` for an unbounded upper limit or width); never its true value."""

    cell: list[int]
    status: str
    lower: float
    upper: float | None
    width: float | None


class AuditJSON(TypedDict):
    """An audit in release metadata: the method, the width asked, and every interval."""

    method: str
    protection_width: float
    passed: bool
    cells: list[IntervalJSON]


@dataclass(frozen=True)
class CellInterval:
    """What an attacker can infer about one suppressed cell.

    ``cell`` holds full-table coordinates: along dimension ``d`` the value ``n_d`` (the
    interior length) denotes the total. ``upper`` is ``math.inf`` when unbounded.
    """

    cell: tuple[int, ...]
    status: str
    lower: float
    upper: float

    @property
    def width(self) -> float:
        """``upper - lower``: how far apart the attacker's bounds are."""
        return self.upper - self.lower

    def to_dict(self) -> IntervalJSON:
        """JSON-ready form (``None`` for an unbounded upper limit)."""
        upper = None if math.isinf(self.upper) else self.upper
        width = None if math.isinf(self.width) else self.width
        return {
            "cell": list(self.cell),
            "status": self.status,
            "lower": self.lower,
            "upper": upper,
            "width": width,
        }


@dataclass(frozen=True)
class AuditReport:
    """Per-cell attacker intervals and whether every one is at least the protection width."""

    protection_width: float
    cells: list[CellInterval] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every suppressed cell's interval is at least ``protection_width`` wide."""
        return all(c.width >= self.protection_width - _TOL for c in self.cells)

    @property
    def failures(self) -> list[CellInterval]:
        """Suppressed cells an attacker can bound too tightly."""
        return [c for c in self.cells if c.width < self.protection_width - _TOL]

    def to_dict(self) -> AuditJSON:
        """JSON-ready form for release metadata."""
        return {
            "method": "attacker linear programs (min/max per suppressed cell), HiGHS",
            "protection_width": self.protection_width,
            "passed": self.passed,
            "cells": [c.to_dict() for c in self.cells],
        }


def _clean(value: float) -> float:
    if math.isinf(value):
        return value
    nearest = round(value)
    return float(nearest) if abs(value - nearest) < _TOL else float(value)


def suppressed_components(
    matrix: sparse.csr_matrix, suppressed: NDArray[np.int64]
) -> list[tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """Split suppressed cells into groups linked by shared equations.

    Returns ``(positions in suppressed, equation rows)`` per component; cells in different
    components cannot constrain each other beyond what the published cells fix.
    """
    sub = sparse.csr_matrix(matrix[:, suppressed])
    sub.data[:] = 1.0
    n_rows, n_cells = sub.shape
    graph = sparse.bmat([[None, sub.T], [sub, None]], format="csr")
    count, labels = connected_components(graph, directed=False)
    groups: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
    cell_labels = labels[:n_cells]
    row_labels = labels[n_cells:]
    for label in range(count):
        cells = np.flatnonzero(cell_labels == label)
        if cells.size:
            groups.append((cells, np.flatnonzero(row_labels == label)))
    del n_rows
    return groups


def audit(
    table: LinearSystem,
    suppressed: NDArray[np.bool_],
    protection_width: float,
    primary: NDArray[np.bool_] | None = None,
) -> AuditReport:
    """Solve the attacker's two linear programs for every suppressed cell.

    Parameters
    ----------
    table : LinearSystem
        The full table (interior and margins) with its additivity system, or the joint
        system of linked tables (``joint.py``).
    suppressed : ndarray of bool, flat over the full table
        Cells withheld from publication (primary and secondary).
    protection_width : float
        The required ``max - min`` of each suppressed cell's feasible interval.
    primary : ndarray of bool, optional
        Marks primary cells so the report can say which is which.
    """
    hidden = np.flatnonzero(suppressed).astype(np.int64)
    if hidden.size == 0:
        return AuditReport(protection_width=float(protection_width))
    values = table.flat.astype(float)
    matrix = table.matrix
    # A_S x_S = A_S v_S: the same as -A_P v_P for homogeneous rows, and right for an
    # earlier release's fact too (a row whose constant the true values satisfy)
    rhs = matrix[:, hidden] @ values[hidden]
    sub = sparse.csr_matrix(matrix[:, hidden])
    bounds: dict[int, tuple[float, float]] = {}
    for cells, rows in suppressed_components(matrix, hidden):
        a_eq = sub[rows][:, cells]
        b_eq = rhs[rows]
        # a cell seen at 0 in any feasible point (the true table or an LP optimum) has
        # minimum exactly 0, so its min program is skipped: exact, and about half the work
        seen_zero = values[hidden[cells]] == 0
        highs = np.empty(cells.size)
        for local in range(cells.size):
            goal = np.zeros(cells.size)
            goal[local] = -1.0
            value, point = _solve(goal, a_eq, b_eq)
            highs[local] = -value
            if point is not None:
                seen_zero |= point < _TOL
        for local, position in enumerate(cells):
            low = 0.0
            if not seen_zero[local]:
                goal = np.zeros(cells.size)
                goal[local] = 1.0
                low, point = _solve(goal, a_eq, b_eq)
                if point is not None:
                    seen_zero |= point < _TOL
            bounds[int(hidden[position])] = (_clean(low), _clean(float(highs[local])))
    report: list[CellInterval] = []
    for index in hidden:
        low, high = bounds[int(index)]
        is_primary = bool(primary[index]) if primary is not None else False
        report.append(
            CellInterval(
                cell=table.unravel(int(index)),
                status="primary" if is_primary else "secondary",
                lower=low,
                upper=high,
            )
        )
    return AuditReport(protection_width=float(protection_width), cells=report)


def _solve(
    goal: NDArray[np.float64], a_eq: sparse.csr_matrix, b_eq: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64] | None]:
    """Minimise ``goal @ x`` over the attacker's feasible set; ``-inf`` when unbounded.

    Returns the optimum and the optimal point (``None`` when unbounded).
    """
    if a_eq.shape[0] == 0:
        return (0.0, np.zeros(goal.size)) if goal.min() >= 0 else (-math.inf, None)
    result = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if result.status == 3:  # unbounded: the cell has no upper limit
        return -math.inf, None
    if result.status != 0:
        raise SolverFailureError(f"the attacker's linear program failed: {result.message}")
    return float(result.fun), np.asarray(result.x, dtype=np.float64)
