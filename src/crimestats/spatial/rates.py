"""Rates per cell with an exposure layer (population), smoothed by empirical Bayes.

Why smoothing: a cell with 20 residents and 2 robberies has a rate of 100 per 1,000,
and one with 20,000 residents and 400 robberies a rate of 20: the first is a small-number
accident as often as a real hotspot. Empirical Bayes (Marshall 1991, *Applied Statistics*
40(2): 283-294) shrinks each raw rate ``r_i = e_i / b_i`` towards the overall rate
``theta = sum e / sum b`` by how little exposure the cell has:

    s2 = sum b_i (r_i - theta)^2 / sum b  -  theta / mean(b)     (between-cell variance)
    w_i = s2 / (s2 + theta / b_i)
    EB_i = w_i r_i + (1 - w_i) theta

The computation is esda's ``esda.smoothing.Empirical_Bayes``; when the between-cell
variance estimate is negative (no more spread than chance), Marshall sets it to 0, so
every rate becomes ``theta``; esda 2.9 does not, and would give negative weights, so
that case is handled here. Cells without exposure have no rate (NaN) and take no part.

The exposure layer is a set of weighted points (e.g. census block centroids with their
population), summed per cell (:func:`exposure_per_cell`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError
from crimestats.spatial.grid import Grid, assign

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class CellRates:
    """Raw and empirical-Bayes rates per ``per`` units of exposure (NaN without exposure)."""

    exposure: FloatArray
    raw: FloatArray
    smoothed: FloatArray
    overall: float
    per: float


def exposure_per_cell(grid: Grid, x: FloatArray, y: FloatArray, value: FloatArray) -> FloatArray:
    """Sum of ``value`` of the exposure points in each kept cell (points outside dropped)."""
    values = np.asarray(value, dtype=np.float64)
    if values.size and (not np.all(np.isfinite(values)) or values.min() < 0):
        raise UsageError(
            "exposure values must be finite and not negative",
            hint="check the exposure file's value column",
        )
    index = assign(grid, x, y)
    inside = index >= 0
    return np.bincount(index[inside], weights=values[inside], minlength=grid.size).astype(float)


def eb_rates(counts: FloatArray, exposure: FloatArray, *, per: float = 1000.0) -> CellRates:
    """Raw and empirical-Bayes smoothed rates (see the module docstring)."""
    from esda.smoothing import Empirical_Bayes

    e = np.asarray(counts, dtype=np.float64)
    b = np.asarray(exposure, dtype=np.float64)
    if e.shape != b.shape:
        raise UsageError(
            f"{e.size} counts but {b.size} exposures", hint="give one exposure per cell"
        )
    has = b > 0
    if has.sum() < 2 or e[has].sum() <= 0:
        raise UsageError(
            "rates need at least 2 cells with exposure and at least one event in them",
            hint="check the exposure layer covers the points (same area, same CRS)",
        )
    raw = np.full(e.shape, np.nan)
    smoothed = np.full(e.shape, np.nan)
    raw[has] = e[has] / b[has]
    overall = float(e[has].sum() / b[has].sum())
    between = float((b[has] * (raw[has] - overall) ** 2).sum() / b[has].sum())
    between -= overall / float(b[has].mean())
    if between <= 0:
        smoothed[has] = overall
    else:
        smoothed[has] = np.asarray(Empirical_Bayes(e[has], b[has]).r, dtype=np.float64).ravel()
    return CellRates(
        exposure=b, raw=raw * per, smoothed=smoothed * per, overall=overall * per, per=per
    )


__all__ = ["CellRates", "eb_rates", "exposure_per_cell"]
