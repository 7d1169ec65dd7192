"""Quartic-kernel density at the centres of grid cells, with a stated bandwidth rule.

The kernel is the quartic (biweight) kernel used by crime-mapping tools (Chainey &
Ratcliffe 2005, *GIS and Crime Mapping*, ch. 7; SpatialKDE, which sfhotspot calls):

    K(d) = (1 - (d / h)^2)^2   for d <= h,   0 beyond,

summed over the points at each cell centre. Unscaled, as SpatialKDE's default
(``scaled = FALSE``): the value is a weighted count of nearby points, not a density per
square metre; :func:`quartic_kde` with ``scaled=True`` multiplies by ``3 / (pi h^2)``,
which makes the kernel integrate to 1, so values are points per square metre.

Bandwidth rules (:class:`BandwidthRule`), each the normal-reference rule of
``MASS::bandwidth.nrd`` (Venables & Ripley 2002, 4 x 1.06 x min(sd, IQR / 1.34) x n^(-1/5);
the factor 4 turns a Gaussian scale into the radius of a compact kernel):

* ``nrd`` (the default): the mean of the rule on the x and on the y coordinates;
* ``sfhotspot``: the rule on the x coordinates only. This is what sfhotspot 0.9.1 does
  (``mean(bandwidth_nrd(x), bandwidth_nrd(y))`` in R passes the y term as ``mean``'s
  ``trim`` argument); offered to reproduce its published figures.

Computation: a k-d tree of the points (scipy ``cKDTree``) and, cells taken a chunk at a
time, ``sparse_distance_matrix`` up to ``h`` gives every (cell, point, distance) pair
within the bandwidth; the kernel is applied to the pairs at once and summed per cell
with ``bincount``. Memory is bounded by the chunk, not by cells x points.

Cells on a regular lattice (every grid of ``crimestats.spatial.grid`` with square
cells) take a faster exact path: each point is set against the lattice cells at each
offset of a fixed stencil around its own cell, one vectorised pass per offset, and the
kernel summed into a dense array with ``bincount``; no pair list is built. Both paths
give the same sums (``tests/spatial/test_kde.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from crimestats.errors import UsageError

FloatArray = NDArray[np.float64]

PAIRS_PER_CHUNK = 4_000_000
"""Expected (cell, point) pairs handled at once: about 100 MB of working memory."""


class BandwidthRule(StrEnum):
    """How the bandwidth is chosen when none is given."""

    NRD = "nrd"
    SFHOTSPOT = "sfhotspot"


@dataclass(frozen=True)
class Bandwidth:
    """The bandwidth used, in metres, and how it was obtained (``rule`` or ``"given"``)."""

    metres: float
    rule: str


def nrd(values: FloatArray) -> float:
    """``MASS::bandwidth.nrd``: 4 x 1.06 x min(sd, IQR / 1.34) x n^(-1/5).

    The quartiles are R's default (type 7), which is numpy's ``linear``; sd has n - 1.

    >>> round(nrd(np.arange(100.0)), 3)
    48.971
    """
    values = np.asarray(values, dtype=np.float64)
    q1, q3 = np.quantile(values, [0.25, 0.75])
    spread = min(float(np.std(values, ddof=1)), float(q3 - q1) / 1.34)
    return float(4 * 1.06 * spread * values.size ** (-1 / 5))


def choose_bandwidth(
    x: FloatArray,
    y: FloatArray,
    *,
    given: float | None = None,
    rule: BandwidthRule = BandwidthRule.NRD,
) -> Bandwidth:
    """The given bandwidth, or the one of ``rule``; refuses one that is not positive."""
    if given is not None:
        metres, how = float(given), "given"
    elif x.size < 2:
        raise UsageError(
            "a bandwidth rule needs at least 2 points",
            hint="give --bandwidth in metres",
        )
    elif rule is BandwidthRule.SFHOTSPOT:
        metres, how = nrd(x), str(rule)
    else:
        metres, how = (nrd(x) + nrd(y)) / 2, str(rule)
    if not math.isfinite(metres) or metres <= 0:
        raise UsageError(
            f"the bandwidth must be a positive number of metres, got {metres:g}",
            hint="give --bandwidth in metres (e.g. 400), or check the points are not "
            "all on one spot",
        )
    return Bandwidth(metres=metres, rule=how)


def quartic_kde(
    cell_x: FloatArray,
    cell_y: FloatArray,
    x: FloatArray,
    y: FloatArray,
    bandwidth: float,
    *,
    weights: FloatArray | None = None,
    scaled: bool = False,
) -> FloatArray:
    """Quartic-kernel sum at each cell centre (see the module docstring).

    >>> quartic_kde(np.array([0.0]), np.array([0.0]), np.array([0.0, 5.0, 20.0]),
    ...             np.array([0.0, 0.0, 0.0]), 10.0).tolist()  # 1 + (1 - 0.25)^2
    [1.5625]
    """
    cells = np.column_stack([cell_x, cell_y]).astype(np.float64)
    points = np.column_stack([x, y]).astype(np.float64)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    result = np.zeros(len(cells), dtype=np.float64)
    if len(points) == 0 or len(cells) == 0:
        return result
    h = float(bandwidth)
    lattice = _lattice(cells[:, 0], cells[:, 1])
    if lattice is not None:
        result = _lattice_kde(lattice, points, h, w)
    else:
        result = _tree_kde(cells, points, h, w)
    if scaled:
        result *= 3.0 / (math.pi * h * h)
    return result


@dataclass(frozen=True)
class _Lattice:
    """Cells as (row, column) of a regular lattice: origin, steps and shape."""

    x0: float
    y0: float
    sx: float
    sy: float
    cols: int
    rows: int
    index: NDArray[np.int64]


MAX_LATTICE_CELLS = 20_000_000
"""Largest dense lattice (rows x columns) the lattice path fills; beyond, the tree path."""


def _steps(values: FloatArray) -> tuple[float, float, int] | None:
    """``(origin, step, count)`` when ``values`` sit on one regular spacing, else None."""
    unique = np.unique(values)
    if unique.size < 2:
        return None
    step = float(np.min(np.diff(unique)))
    offsets = (unique - unique[0]) / step
    if step <= 0 or not np.allclose(offsets, np.round(offsets), rtol=0, atol=1e-6):
        return None
    return float(unique[0]), step, round(float(offsets[-1])) + 1


def _lattice(cell_x: FloatArray, cell_y: FloatArray) -> _Lattice | None:
    xs, ys = _steps(cell_x), _steps(cell_y)
    if xs is None or ys is None or xs[2] * ys[2] > MAX_LATTICE_CELLS:
        return None
    col = np.round((cell_x - xs[0]) / xs[1]).astype(np.int64)
    row = np.round((cell_y - ys[0]) / ys[1]).astype(np.int64)
    return _Lattice(xs[0], ys[0], xs[1], ys[1], xs[2], ys[2], row * xs[2] + col)


def _lattice_kde(
    lattice: _Lattice, points: FloatArray, h: float, w: FloatArray | None
) -> FloatArray:
    """Kernel sums on a lattice: one pass per stencil offset, no pair list."""
    lx, ly = lattice, lattice
    base_col = np.floor((points[:, 0] - lx.x0) / lx.sx + 0.5).astype(np.int64)
    base_row = np.floor((points[:, 1] - ly.y0) / ly.sy + 0.5).astype(np.int64)
    reach_c, reach_r = math.ceil(h / lx.sx) + 1, math.ceil(h / ly.sy) + 1
    total = np.zeros(lattice.rows * lattice.cols, dtype=np.float64)
    h2 = h * h
    for dr in range(-reach_r, reach_r + 1):
        row = base_row + dr
        dy2 = (points[:, 1] - (ly.y0 + row * ly.sy)) ** 2
        row_ok = (row >= 0) & (row < lattice.rows) & (dy2 <= h2)
        for dc in range(-reach_c, reach_c + 1):
            col = base_col + dc
            d2 = dy2 + (points[:, 0] - (lx.x0 + col * lx.sx)) ** 2
            keep = row_ok & (col >= 0) & (col < lattice.cols) & (d2 <= h2)
            kernel = (1.0 - d2[keep] / h2) ** 2
            if w is not None:
                kernel *= w[keep]
            flat = row[keep] * lattice.cols + col[keep]
            total += np.bincount(flat, weights=kernel, minlength=total.size)
    return np.asarray(total[lattice.index], dtype=np.float64)


def _tree_kde(cells: FloatArray, points: FloatArray, h: float, w: FloatArray | None) -> FloatArray:
    """Kernel sums at any cell centres: k-d tree pairs within ``h``, a chunk of cells at a time."""
    result = np.zeros(len(cells), dtype=np.float64)
    point_tree = cKDTree(points)
    # Expected pairs per cell: points per square metre of the points' box x area of a disc.
    span = np.maximum(np.ptp(points, axis=0), h)
    per_cell = len(points) * math.pi * h * h / float(span[0] * span[1])
    chunk = max(1, int(PAIRS_PER_CHUNK / max(per_cell, 1.0)))
    for start in range(0, len(cells), chunk):
        stop = min(start + chunk, len(cells))
        pairs = cKDTree(cells[start:stop]).sparse_distance_matrix(
            point_tree, h, output_type="ndarray"
        )
        if pairs.size == 0:
            continue
        kernel = (1.0 - (pairs["v"] / h) ** 2) ** 2
        if w is not None:
            kernel *= w[pairs["j"]]
        result[start:stop] += np.bincount(pairs["i"], weights=kernel, minlength=stop - start)
    return result


__all__ = ["Bandwidth", "BandwidthRule", "choose_bandwidth", "nrd", "quartic_kde"]
