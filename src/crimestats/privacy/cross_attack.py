"""The attacker of tables of several counting units: min / max of each withheld cell.

Why a module of its own: :mod:`crimestats.privacy.cross_unit` says which inequalities
(``offences >= incidents``) are provable and builds the system; this is the attacker's
side, the linear programs of :mod:`crimestats.privacy.audit` over that system, with the
inequalities as ``A_ub`` and the blank-division shares as extra unknowns. Its report
also names the constraints that bind a cell too narrow, which is what the repair
(:mod:`crimestats.privacy.cross_repair`) withholds next to.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from crimestats.privacy.audit import SolverFailureError

if TYPE_CHECKING:
    from crimestats.privacy.cross_unit import CrossSystem

_TOL = 1e-6


@dataclass(frozen=True)
class CrossReport:
    """Intervals of the withheld cells the cross-unit inequalities reach."""

    protection_width: float
    intervals: dict[int, tuple[float, float]]
    binding: dict[int, list[dict[int, float]]]
    """Per failing cell, the constraints (full rows) with non-zero multipliers, inequalities
    first."""

    @property
    def failures(self) -> list[int]:
        return sorted(
            v for v, (lo, hi) in self.intervals.items() if hi - lo < self.protection_width - _TOL
        )

    @property
    def passed(self) -> bool:
        return not self.failures


def cross_audit(
    system: CrossSystem, withheld: NDArray[np.bool_], protection_width: float
) -> CrossReport:
    """min / max of each withheld cell linked to an inequality, over every constraint.

    Cells in a group of withheld cells that no inequality touches keep the interval of
    their own unit's audit, which has already been checked, and are not solved again.
    """
    unknown = np.concatenate([withheld, np.ones(system.n_aux, dtype=bool)])
    values = np.concatenate([system.values, np.zeros(system.n_aux, dtype=np.int64)]).astype(float)
    columns = np.flatnonzero(unknown)
    position = {int(v): i for i, v in enumerate(columns)}
    eq = _restrict(system.equations, unknown, values, position)
    ub = _restrict(system.inequalities, unknown, values, position)
    intervals: dict[int, tuple[float, float]] = {}
    binding: dict[int, list[dict[int, float]]] = {}
    if not ub[0]:
        return CrossReport(float(protection_width), intervals, binding)
    a_eq = _matrix(eq[0], len(columns))
    a_ub = _matrix(ub[0], len(columns))
    graph = sparse.vstack([a_eq, a_ub]).tocsr()
    graph.data[:] = 1.0
    square = (graph.T @ graph).tocsr()
    _, labels = connected_components(square, directed=False)
    touched = set(labels[np.unique(a_ub.indices)].tolist())
    for local, variable in enumerate(columns):
        if variable >= system.n_cells or labels[local] not in touched:
            continue
        ends, rows = [], []
        for sign in (1.0, -1.0):
            goal = np.zeros(len(columns))
            goal[local] = sign
            result = linprog(
                goal,
                A_ub=a_ub,
                b_ub=np.array(ub[1]),
                A_eq=a_eq if eq[0] else None,
                b_eq=np.array(eq[1]) if eq[0] else None,
                bounds=(0, None),
                method="highs",
            )
            if result.status == 3:
                ends.append(math.inf if sign < 0 else -math.inf)
                continue
            if result.status != 0:
                raise SolverFailureError(  # the true counts satisfy every constraint
                    f"the cross-unit attacker's linear program failed: {result.message}"
                )
            ends.append(_clean(sign * float(result.fun)))
            rows += _binding(result, ub[2], system.inequalities)
            if eq[0]:
                rows += _binding(result, eq[2], system.equations, eqlin=True)
        low, high = ends[0], ends[1]
        intervals[int(variable)] = (low, high)
        if high - low < protection_width - _TOL:
            binding[int(variable)] = rows
    return CrossReport(float(protection_width), intervals, binding)


def _restrict(
    rows: Sequence[dict[int, float]],
    unknown: NDArray[np.bool_],
    values: NDArray[np.float64],
    position: Mapping[int, int],
) -> tuple[list[dict[int, float]], list[float], list[int]]:
    """Rows over the unknowns with the published cells moved to the right-hand side."""
    out, rhs, kept = [], [], []
    for number, row in enumerate(rows):
        local = {position[v]: c for v, c in row.items() if unknown[v]}
        if local:
            out.append(local)
            rhs.append(-sum(c * values[v] for v, c in row.items() if not unknown[v]))
            kept.append(number)
    return out, rhs, kept


def _matrix(rows: Sequence[dict[int, float]], size: int) -> sparse.csr_matrix:
    r = [i for i, row in enumerate(rows) for _ in row]
    c = [j for row in rows for j in row]
    v = [x for row in rows for x in row.values()]
    return sparse.csr_matrix((v, (r, c)), shape=(len(rows), size), dtype=float)


def _binding(
    result: Any, kept: Sequence[int], rows: Sequence[dict[int, float]], *, eqlin: bool = False
) -> list[dict[int, float]]:
    marginals = (result.eqlin if eqlin else result.ineqlin).marginals
    active = np.flatnonzero(np.abs(np.asarray(marginals)) > 1e-9)
    return [rows[kept[int(i)]] for i in active]


def _clean(value: float) -> float:
    nearest = round(value)
    return float(nearest) if abs(value - nearest) < _TOL else value


__all__ = ["CrossReport", "cross_audit"]
