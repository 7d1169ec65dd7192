"""Fast secondary suppression for large tables: the hypercube heuristic.

Why: the optimal model (``milp.py``) grows with the number of cells and its cut loop
solves two linear programs per suppressed cell per round, which is too slow for a
200 x 50 table. The hypercube method (Giessing & Repsilber 2002, "Tools and strategies to
protect multiple tables with the GHQUAR cell suppression engine", in *Inference Control
in Statistical Databases*, LNCS 2316; Repsilber 1994) protects each primary cell by
suppressing the other corners of one hypercube of the full table: for a 2-D table a
rectangle, for 3-D a box of 8 cells, for 1-D a pair.

A hypercube through cell ``c`` picks one other index ``o_d`` per dimension. Along one
dimension the pair ``(c_d, o_d)`` moves in opposite directions when both are interior
and in the same direction when one is the total, so the corners carry signs and the
deviation ``+t`` on positive corners, ``-t`` on negative ones keeps every margin true.
The attacker can then move ``c`` up by the smallest negative corner and down by the
smallest positive corner, so the cube protects every one of its corners with width::

    min(negative corners) + min(positive corners)   (infinite with no negative corner)

We choose, per primary cell, the cube with that width at least the protection width and
the least added cost. Every suppressed cell then lies on a cube wide enough, so the
pattern passes the audit by construction; it is not optimal. The corner cube through the
totals always qualifies (it has no negative corner), so a choice always exists.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from crimestats.privacy.tables import FullTable


def hypercube_suppression(
    table: FullTable,
    primary: NDArray[np.bool_],
    protection_width: float,
    weights: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """Return a flat suppression mask (primary plus secondary) from the hypercube method.

    Primary cells are protected in ascending order of their count, each by its cheapest
    qualifying cube; cells already suppressed cost nothing, so cubes are shared.
    """
    shape = table.shape
    values = table.values.astype(float)
    cost = weights.reshape(shape)
    hidden = primary.reshape(shape).copy()
    order = np.flatnonzero(primary)
    order = order[np.argsort(table.flat[order], kind="stable")]
    corners = [b for b in itertools.product((0, 1), repeat=len(shape)) if any(b)]
    for flat_index in order:
        centre = table.unravel(int(flat_index))
        others = [np.delete(np.arange(n), c) for n, c in zip(shape, centre, strict=True)]
        if any(o.size == 0 for o in others):
            continue
        signs = [
            np.where((o == n - 1) | (c == n - 1), 1.0, -1.0)
            for o, n, c in zip(others, shape, centre, strict=True)
        ]
        grid = tuple(o.size for o in others)
        added = np.zeros(grid)
        neg_min = np.full(grid, np.inf)
        pos_min = np.full(grid, values[centre])
        for pattern in corners:
            index = _corner_index(centre, others, pattern)
            sign = np.ones(grid)
            for d, bit in enumerate(pattern):
                if bit:
                    sign = sign * _along(signs[d], d, len(grid))
            corner_values = np.broadcast_to(values[index], grid)
            open_cost = np.where(hidden[index], 0.0, cost[index])
            added = added + np.broadcast_to(open_cost, grid)
            neg_min = np.minimum(neg_min, np.where(sign < 0, corner_values, np.inf))
            pos_min = np.minimum(pos_min, np.where(sign > 0, corner_values, np.inf))
        wide = (neg_min + pos_min) >= protection_width
        best = np.unravel_index(int(np.argmin(np.where(wide, added, np.inf))), grid)
        for pattern in corners:
            chosen = tuple(
                int(others[d][best[d]]) if bit else centre[d] for d, bit in enumerate(pattern)
            )
            hidden[chosen] = True
    return hidden.reshape(-1)


def _along(vector: NDArray[np.float64], axis: int, ndim: int) -> NDArray[np.float64]:
    """Reshape a 1-D vector so it broadcasts along ``axis`` of an ``ndim`` grid."""
    shape = [1] * ndim
    shape[axis] = vector.size
    return vector.reshape(shape)


def _corner_index(
    centre: tuple[int, ...], others: list[NDArray[np.int64]], pattern: tuple[int, ...]
) -> tuple[NDArray[np.int64], ...]:
    """Open-mesh index of one corner of every candidate cube (the centre where bit is 0)."""
    ndim = len(centre)
    parts = []
    for d, bit in enumerate(pattern):
        axis = others[d] if bit else np.array([centre[d]])
        shape = [1] * ndim
        shape[d] = axis.size
        parts.append(axis.reshape(shape))
    return tuple(parts)
