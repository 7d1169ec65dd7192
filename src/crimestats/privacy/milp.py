"""Optimal secondary suppression: a mixed-integer model solved with cuts (HiGHS).

Why: the threshold rule alone is undone by subtraction from the margins, and every extra
suppressed cell costs users information, so for small tables we look for the cheapest
pattern that is provably safe. The model follows Fischetti & Salazar-González (2000),
"Models and algorithms for optimizing cell suppression in tabular data with linear
constraints", JASA 95(451):916-928: binary ``s_j`` (1 = suppress), primary cells fixed to
1, minimise ``sum_j w_j s_j``, subject to *capacity constraints* derived from the
attacker's linear programs by LP duality, added lazily:

1. Start with the cheap necessary constraints: on every additivity line, a suppressed
   cell needs another suppressed cell beside it (``sum_{j in line, j != k} s_j >= s_k``),
   or it is recovered exactly.
2. Solve the MILP (``scipy.optimize.milp``); for each suppressed cell ``k`` solve the
   deviation programs ``max +/- y_k`` s.t. ``A y = 0``, ``-a_j s_j <= y_j <= U s_j``.
3. Where ``max y_k + max -y_k < width``, take the optimal multipliers ``mu`` and add the
   Benders cut ``sum_j s_j (U r_j^+ + a_j r_j^-) >= width * s_k`` summed over both
   directions, with ``r = +/-e_k - A^T mu``. By weak duality it holds for every pattern
   that protects ``k``; it is violated by the current one, so the loop makes progress.
   Coefficients are then capped at ``width`` (valid because ``s`` is binary), which
   tightens the LP relaxation a great deal.
4. Repeat until no cell fails. The last MILP is optimal over all protected patterns.

The deviation cap ``U`` (twice the grand total plus the width) only makes the model
stricter than the real attacker, who has no upper bound, so a pattern it accepts passes
the audit; the hypercube heuristic's patterns are accepted too, so the optimum never
costs more than the heuristic.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from crimestats.errors import SuppressionError
from crimestats.privacy.audit import suppressed_components
from crimestats.privacy.tables import LinearSystem

_TOL = 1e-7
DEFAULT_MAX_ROUNDS = 500


def initial_constraints(table: LinearSystem) -> sparse.csr_matrix:
    """Rows ``sum_{j in line, j != k} s_j - s_k >= 0`` for every line and member ``k``."""
    blocks = []
    for line in table.equations:
        size = line.size
        block = np.ones((size, size)) - 2.0 * np.eye(size)
        rows = sparse.coo_matrix(block)
        blocks.append(
            sparse.csr_matrix((rows.data, (rows.row, line[rows.col])), shape=(size, table.size))
        )
    return sparse.csr_matrix(sparse.vstack(blocks))


def milp_suppression(
    table: LinearSystem,
    primary: NDArray[np.bool_],
    protection_width: float,
    weights: NDArray[np.float64],
    *,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    allowed: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.bool_], int]:
    """Return the optimal flat suppression mask and the number of MILP rounds it took.

    ``allowed`` (default: every cell) marks the cells the model may suppress; linked
    tables use it to keep structural zeros published (``joint.py``).

    Raises
    ------
    SuppressionError
        If the solver fails or the cut loop does not settle within ``max_rounds``.
    """
    values = table.flat.astype(float)
    cap = 2.0 * float(values.max()) + float(protection_width) + 1.0
    base = initial_constraints(table)
    cuts: list[NDArray[np.float64]] = []
    lower = primary.astype(float)
    upper = np.ones(table.size) if allowed is None else np.maximum(allowed, primary).astype(float)
    for rounds in range(1, max_rounds + 1):
        constraints = [LinearConstraint(base, 0.0, np.inf)]
        if cuts:
            constraints.append(LinearConstraint(np.vstack(cuts), 0.0, np.inf))
        result = milp(
            weights,
            integrality=np.ones(table.size),
            bounds=Bounds(lower, upper),
            constraints=constraints,
            options={"mip_rel_gap": 0.0},
        )
        if result.status != 0 or result.x is None:
            raise SuppressionError(
                f"the suppression MILP failed: {result.message}",
                hint="use method='hypercube' for this table",
            )
        chosen = np.asarray(result.x) > 0.5
        new_cuts = _separate(table, chosen, values, cap, float(protection_width))
        if not new_cuts:
            return chosen, rounds
        cuts.extend(new_cuts)
    raise SuppressionError(
        f"the suppression MILP did not settle in {max_rounds} rounds",
        hint="use method='hypercube' for this table, or raise max_rounds",
    )


def _separate(
    table: LinearSystem,
    chosen: NDArray[np.bool_],
    values: NDArray[np.float64],
    cap: float,
    width: float,
) -> list[NDArray[np.float64]]:
    """Cuts for every suppressed cell whose deviation range is narrower than ``width``."""
    matrix = table.matrix
    hidden = np.flatnonzero(chosen)
    current = chosen.astype(float)
    cuts: list[NDArray[np.float64]] = []
    for cells, rows in suppressed_components(matrix, hidden):
        members = hidden[cells]
        a_eq = sparse.csr_matrix(matrix[rows][:, members])
        bounds = list(zip(-values[members], np.full(members.size, cap), strict=True))
        for local, cell in enumerate(members):
            coef = np.zeros(table.size)
            reach = 0.0
            for direction in (1.0, -1.0):
                goal = np.zeros(members.size)
                goal[local] = direction
                result = linprog(-goal, A_eq=a_eq, b_eq=np.zeros(rows.size), bounds=bounds)
                if result.status != 0:
                    raise SuppressionError(f"a deviation program failed: {result.message}")
                reach += -float(result.fun)
                mu = np.zeros(matrix.shape[0])
                mu[rows] = result.eqlin.marginals
                coef += _capacity(matrix, int(cell), direction, mu, values, cap, current)
            if reach >= width - _TOL:
                continue
            cut = np.minimum(coef, width)  # coefficient strengthening: s is binary
            cut[cell] -= width
            if float(cut @ current) >= -_TOL:  # the dual cut is too weak here: no-good cut
                cut = np.where(chosen, 0.0, 1.0)
                cut[cell] = -1.0
            cuts.append(cut)
    return cuts


def _capacity(
    matrix: sparse.csr_matrix,
    cell: int,
    direction: float,
    mu: NDArray[np.float64],
    values: NDArray[np.float64],
    cap: float,
    current: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Weak-duality bound ``coef @ s >= max direction * y_cell``; the tighter of +/-mu."""
    best: NDArray[np.float64] | None = None
    for sign in (1.0, -1.0):
        reduced = -sign * (matrix.T @ mu)
        reduced[cell] += direction
        reduced[np.abs(reduced) < 1e-9] = 0.0
        coef = np.maximum(reduced, 0.0) * cap + np.maximum(-reduced, 0.0) * values
        if best is None or float(coef @ current) < float(best @ current):
            best = coef
    assert best is not None
    return best
