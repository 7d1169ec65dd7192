"""Controlled rounding: every cell and margin to a multiple of a base, still additive.

Why: rounding each published number on its own (conventional rounding) breaks the
margins, and users then see totals that do not add up; rounding the interior and
recomputing the margins keeps additivity but lets a margin drift by many bases. Controlled
rounding (Cox 1987, "A constructive procedure for unbiased controlled rounding", JASA
82(398):520-524; Hundepool et al. 2012, section 5.4) moves every cell, margins included,
to one of its two adjacent multiples of the base so that every additivity equation still
holds.

We solve it as a zero-restricted controlled rounding problem with ``scipy.optimize.milp``
(HiGHS): a binary ``z_j`` per cell picks ``floor_b(a_j) + b z_j``; multiples of the base
stay as they are; the objective is the total absolute change. The result is
deterministic (no random step, so no seed): same table, same rounding. It is not Cox's
*unbiased* random rounding. For 1-D and 2-D tables the constraint matrix is totally
unimodular, so a solution always exists (Cox 1987); for 3-D tables it may not, and we
then fall back to rounding the interior to the nearest multiple and recomputing the
margins (still additive and still multiples of the base), and say so in the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from crimestats.errors import UsageError
from crimestats.privacy.tables import FullTable, with_margins

DEFAULT_BASE = 5


@dataclass(frozen=True)
class Rounding:
    """A rounded full table and how it was made.

    ``method`` is ``"controlled"`` (every cell within one base of its true value) or
    ``"interior"`` (interior rounded to nearest, margins recomputed; margins may move by
    more than one base).
    """

    values: NDArray[np.int64]
    base: int
    method: str


def controlled_round(table: FullTable, base: int = DEFAULT_BASE) -> Rounding:
    """Round every cell and margin of ``table`` to a multiple of ``base``, keeping additivity.

    Examples
    --------
    >>> from crimestats.privacy.tables import with_margins
    >>> controlled_round(with_margins([2, 4]), base=5).values.tolist()
    [0, 5, 5]
    """
    if isinstance(base, bool) or not isinstance(base, int | np.integer) or base < 2:
        raise UsageError(f"rounding base must be an integer >= 2, got {base!r}")
    values = table.flat
    floor = (values // base) * base
    rest = (values - floor).astype(float)
    free = rest > 0
    cost = (base - rest) - rest  # change if rounded up minus change if rounded down
    matrix = table.matrix
    rhs = -(matrix @ floor.astype(float))
    result = milp(
        np.where(free, cost, 0.0),
        integrality=np.ones(table.size),
        bounds=Bounds(np.zeros(table.size), free.astype(float)),
        constraints=[LinearConstraint(matrix * float(base), rhs, rhs)],
        options={"mip_rel_gap": 0.0},
    )
    if result.status == 0 and result.x is not None:
        up = np.rint(np.asarray(result.x)).astype(np.int64)
        rounded = floor + base * up
        return Rounding(rounded.reshape(table.shape), int(base), "controlled")
    return _interior_round(table, int(base))


def _interior_round(table: FullTable, base: int) -> Rounding:
    """Fallback: round interior cells half up to a multiple of ``base``; recompute margins."""
    index = tuple(slice(0, n) for n in table.interior_shape)
    interior = table.values[index]
    rounded = ((interior + base // 2) // base) * base
    return Rounding(with_margins(rounded).values, base, "interior")
