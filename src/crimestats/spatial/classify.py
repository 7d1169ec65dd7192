"""Cells classified: hot, cold or not significant in one period; how hotspots change across periods.

One period (:func:`classify_cells`): a cell is *hot* when its local statistic is
significant after the false discovery rate (adjusted p <= q) and its z is positive,
*cold* when significant with z negative, else *not significant*. For local Moran the
sign that matters is the cluster type: high-high is hot, low-low cold, and the two
outliers (high-low, low-high) are classes of their own, since "a high cell among low
ones" is not a hotspot in the Gi* sense.

Across periods (:func:`classify_trends`): the idea of sfhotspot's ``hotspot_classify()``
(Ashby, after Chainey 2020, *Understanding Crime*) and of ESRI's emerging hot spot
analysis, with these rules on the per-period hot flags and Gi* z of each cell (periods
in time order, ``T`` of them):

* ``new``: hot in the last period and in no earlier one;
* ``intensifying``: hot in at least ``persistent_share`` of the periods, the last
  included, and z rising over time (Mann-Kendall: Kendall's tau of z against the period
  index, p <= ``trend_p``; needs ``T >= 4``);
* ``diminishing``: as intensifying, with z falling;
* ``persistent``: hot in at least ``persistent_share`` of the periods, the last
  included, with no significant trend;
* ``former``: hot in at least one earlier period but not in the last;
* ``intermittent``: hot in the last period and some earlier ones, too rarely to be
  persistent;
* ``never``: hot in no period.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from scipy.stats import kendalltau

from crimestats.errors import UsageError
from crimestats.spatial.local_stats import LocalResult, Statistic

DEFAULT_FDR_Q = 0.05
PERSISTENT_SHARE = 0.8
"""sfhotspot's ``persistent_prop`` default."""
TREND_P = 0.05
MIN_PERIODS_FOR_TREND = 4


class CellClass(StrEnum):
    """The class of a cell in one period."""

    HOT = "hot"
    COLD = "cold"
    HIGH_LOW = "high-low outlier"
    LOW_HIGH = "low-high outlier"
    NOT_SIGNIFICANT = "not significant"


class TrendClass(StrEnum):
    """How a cell's hotspot status changes across periods."""

    NEW = "new"
    INTENSIFYING = "intensifying"
    PERSISTENT = "persistent"
    DIMINISHING = "diminishing"
    FORMER = "former"
    INTERMITTENT = "intermittent"
    NEVER = "never"


def check_q(q: float) -> float:
    """Return the FDR level if it is in (0, 1), else refuse."""
    if not (isinstance(q, int | float) and 0 < q < 1) or math.isnan(q):
        raise UsageError(f"--fdr must be between 0 and 1 (exclusive), got {q}", hint="e.g. 0.05")
    return float(q)


def classify_cells(result: LocalResult, q: float = DEFAULT_FDR_Q) -> list[CellClass]:
    """Hot / cold / not significant (and the Moran outliers) for each cell."""
    q = check_q(q)
    significant = result.p_fdr <= q
    classes: list[CellClass] = []
    if result.statistic is Statistic.LOCAL_MORAN:
        assert result.quadrant is not None
        by_quadrant = {
            1: CellClass.HOT,
            2: CellClass.LOW_HIGH,
            3: CellClass.COLD,
            4: CellClass.HIGH_LOW,
        }
        for sig, quadrant in zip(significant, result.quadrant, strict=True):
            classes.append(by_quadrant[int(quadrant)] if sig else CellClass.NOT_SIGNIFICANT)
        return classes
    for sig, z in zip(significant, result.z, strict=True):
        if not sig:
            classes.append(CellClass.NOT_SIGNIFICANT)
        else:
            classes.append(CellClass.HOT if z > 0 else CellClass.COLD)
    return classes


def _trend(z: NDArray[np.float64], trend_p: float) -> int:
    """+1 rising, -1 falling, 0 no significant monotone trend (Mann-Kendall via tau)."""
    if z.size < MIN_PERIODS_FOR_TREND or np.ptp(z) == 0:
        return 0
    tau, p = kendalltau(np.arange(z.size), z)
    if not np.isfinite(p) or p > trend_p:
        return 0
    return 1 if tau > 0 else -1


def classify_trends(
    hot: NDArray[np.bool_],
    z: NDArray[np.float64],
    *,
    persistent_share: float = PERSISTENT_SHARE,
    trend_p: float = TREND_P,
) -> list[TrendClass]:
    """Trend class of each cell from ``hot`` and ``z``, both (periods, cells), in time order."""
    hot = np.asarray(hot, dtype=bool)
    z = np.asarray(z, dtype=np.float64)
    if hot.ndim != 2 or hot.shape != z.shape or hot.shape[0] < 2:
        raise UsageError(
            "classifying hotspots across periods needs at least 2 periods",
            hint="give a longer span (--since/--until) or a shorter --period",
        )
    periods = hot.shape[0]
    share = hot.mean(axis=0)
    classes: list[TrendClass] = []
    for cell in range(hot.shape[1]):
        flags = hot[:, cell]
        last, earlier = bool(flags[-1]), bool(flags[:-1].any())
        if not flags.any():
            classes.append(TrendClass.NEVER)
        elif not last:
            classes.append(TrendClass.FORMER)
        elif not earlier:
            classes.append(TrendClass.NEW)
        elif share[cell] >= persistent_share - 1e-12:
            trend = _trend(z[:, cell], trend_p) if periods >= MIN_PERIODS_FOR_TREND else 0
            classes.append(
                TrendClass.INTENSIFYING
                if trend > 0
                else TrendClass.DIMINISHING
                if trend < 0
                else TrendClass.PERSISTENT
            )
        else:
            classes.append(TrendClass.INTERMITTENT)
    return classes


__all__ = [
    "DEFAULT_FDR_Q",
    "CellClass",
    "TrendClass",
    "check_q",
    "classify_cells",
    "classify_trends",
]
