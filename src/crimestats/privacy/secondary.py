"""Secondary suppression: choose the optimal model or the heuristic by table size.

Why: suppressing only the cells under the threshold is undone by subtraction from the
margins, so more cells must be withheld. The optimal model (``milp.py``; Fischetti &
Salazar-González 2000) suits small tables; the hypercube heuristic (``hypercube.py``;
Giessing & Repsilber 2002) suits large ones. Both minimise the same objective:

``"total"``
    the sum of the suppressed counts (information loss in persons/incidents; sdcTable's
    default weight is the cell value),
``"cells"``
    the number of suppressed cells.

Each weight carries a tie-break below one unit in total (the other criterion, scaled),
so the integer-valued objective itself is still minimised exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import SuppressionError, UsageError
from crimestats.privacy.history import Fact, WithFacts
from crimestats.privacy.hypercube import hypercube_suppression
from crimestats.privacy.milp import DEFAULT_MAX_ROUNDS, milp_suppression
from crimestats.privacy.tables import FullTable

Objective = Literal["total", "cells"]
Method = Literal["auto", "milp", "hypercube"]
MILP_MAX_CELLS = 1000
"""1-D and 2-D full tables (interior and margins) up to this size use the MILP (``auto``).

Measured: a 20 x 20 table (441 cells) settles in about 0.5 s, and even 200 x 50 with ~120
primary cells in about 7 s; the cut loop is the risk, not the MILP size."""
MILP_MAX_CELLS_3D = 64
"""3-D full tables up to this size use the MILP (``auto``): a 4 x 4 x 4 interior (125
cells) took 25 cut rounds and 20 s, so 3-D tables beyond 3 x 3 x 3 use the hypercube."""


@dataclass(frozen=True)
class Suppression:
    """A suppression pattern and how it was found."""

    suppressed: NDArray[np.bool_]
    method: str
    objective: str
    cost: int
    rounds: int = 0


def cell_weights(values: NDArray[np.int64], objective: Objective) -> NDArray[np.float64]:
    """Per-cell cost of suppression, with a tie-break that never outweighs one unit."""
    counts = values.astype(float)
    tie = 1.0 / (values.size + 1)
    if objective == "total":
        return counts + tie
    if objective == "cells":
        return np.asarray(1.0 + tie * counts / (float(counts.max()) + 1.0), dtype=np.float64)
    raise UsageError(f"unknown suppression objective {objective!r}", hint="use 'total' or 'cells'")


def objective_value(
    values: NDArray[np.int64], mask: NDArray[np.bool_], objective: Objective
) -> int:
    """The objective of a pattern: suppressed total or number of suppressed cells."""
    if objective == "cells":
        return int(mask.sum())
    return int(values[mask].sum())


def secondary_suppression(
    table: FullTable,
    primary: NDArray[np.bool_],
    protection_width: float,
    *,
    objective: Objective = "total",
    method: Method = "auto",
    milp_max_cells: int | None = None,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    allowed: NDArray[np.bool_] | None = None,
    facts: tuple[Fact, ...] = (),
) -> Suppression:
    """Extend the primary pattern so every suppressed cell keeps its protection width.

    ``method="auto"`` uses the MILP for full tables of at most ``milp_max_cells`` cells
    (default :data:`MILP_MAX_CELLS`, or :data:`MILP_MAX_CELLS_3D` for 3-D tables) and the
    hypercube heuristic above that, and falls back to the heuristic if the MILP's cut
    loop does not settle within ``max_rounds``. ``allowed`` marks the cells that may be
    withheld as partners (default all; cells an attacker already holds are not, see
    :mod:`crimestats.privacy.history`); the MILP is then used whatever the size, as the
    heuristic cannot honour it. ``facts`` are earlier releases' equations
    (:mod:`crimestats.privacy.history`), added to the MILP's system.
    """
    weights = cell_weights(table.flat, objective)
    if method not in ("auto", "milp", "hypercube"):
        raise UsageError(
            f"unknown suppression method {method!r}", hint="use 'auto', 'milp' or 'hypercube'"
        )
    if milp_max_cells is None:
        milp_max_cells = MILP_MAX_CELLS_3D if len(table.shape) == 3 else MILP_MAX_CELLS
    chosen_automatically = method == "auto"
    if method == "auto":
        small = table.size <= milp_max_cells
        method = "milp" if small or allowed is not None else "hypercube"
    if not primary.any():
        mask = primary.copy()
        return Suppression(mask, method, objective, 0)
    if method == "milp":
        try:
            system = WithFacts(table, facts) if facts else table
            mask, rounds = milp_suppression(
                system, primary, protection_width, weights, max_rounds=max_rounds, allowed=allowed
            )
        except SuppressionError:
            if not chosen_automatically or allowed is not None:
                raise  # the heuristic cannot keep known cells out: no silent fallback
            method, rounds = "hypercube", 0
            mask = hypercube_suppression(table, primary, protection_width, weights)
    else:
        mask, rounds = hypercube_suppression(table, primary, protection_width, weights), 0
    return Suppression(
        mask, method, objective, objective_value(table.flat, mask, objective), rounds
    )
