"""How well a hotspot forecast did: hit rate, PAI, PEI and RRI over the cells it flags.

Cells are ranked by predicted value per unit area, highest first; ties are broken by
the observed count, lowest first, so that a forecast gets no credit from the order of
tied cells (the pessimistic order of ptools' ``pai()``, Wheeler 2.0.0). Going down the
ranking, with ``N`` crimes in the period and ``A`` the total area:

* hit rate = ``n / N``, the share of the period's crimes in the flagged cells;
* PAI, predictive accuracy index (Chainey, Tompson & Uhlig 2008, *Security Journal*
  21: 4-28) = ``(n / N) / (a / A)``: the hit rate per share of area flagged; 1 is
  what flagging cells at random achieves;
* PEI, predictive efficiency index (Hunt 2016; as in Wheeler & Steenbeek 2021, *J.
  Quant. Criminol.* 37: 445-480) = PAI / the PAI of the best possible choice of the
  same number of cells (the cells with the highest observed density): 1 is perfect;
* RRI, recovery rate index (Levine 2008) = cumulative predicted / cumulative observed:
  1 when the forecast's counts are right in the flagged cells, above 1 when it
  over-predicts. It is meaningful only when predictions are counts (the forecasts of
  ``forecast_evaluate`` are scaled to counts for this reason).

The values at a share of the area (1%, 5%, 10%) are those of the largest number of
top cells whose area is within the share (at least one cell).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class AccuracyCurve:
    """ptools' ``pai()`` table: one entry per cell, in ranking order.

    ``order`` are the cells' indices in the input; the other arrays are cumulative
    down the ranking (``area_share`` the cumulative share of area).
    """

    order: NDArray[np.int64]
    cum_observed: FloatArray
    cum_predicted: FloatArray
    area_share: FloatArray
    hit_rate: FloatArray
    pai: FloatArray
    pei: FloatArray
    rri: FloatArray


@dataclass(frozen=True)
class Accuracy:
    """The metrics at one share of the area."""

    area_share_asked: float
    area_share: float
    cells: int
    hit_rate: float
    pai: float
    pei: float
    rri: float


def accuracy_curve(
    observed: FloatArray, predicted: FloatArray, area: FloatArray | None = None
) -> AccuracyCurve:
    """Hit rate, PAI, PEI and RRI down the ranking of ``predicted`` (module docstring)."""
    obs = np.asarray(observed, dtype=np.float64)
    pred = np.asarray(predicted, dtype=np.float64)
    cell_area = np.ones_like(obs) if area is None else np.asarray(area, dtype=np.float64)
    if not (obs.shape == pred.shape == cell_area.shape) or obs.ndim != 1 or obs.size == 0:
        raise UsageError(
            "observed, predicted and area need one value per cell each",
            hint="pass arrays of the same length, one entry per cell",
        )
    if (cell_area <= 0).any() or (obs < 0).any():
        raise UsageError(
            "areas must be positive and observed counts not negative",
            hint="check the cell areas and counts",
        )
    total = obs.sum()
    # np.lexsort sorts by the last key first: predicted density descending, then observed
    # ascending (ptools: order(p, -cr, decreasing = TRUE)).
    order = np.lexsort((obs, -(pred / cell_area)))
    cum_obs = np.cumsum(obs[order])
    cum_pred = np.cumsum(pred[order])
    share = np.cumsum(cell_area[order]) / cell_area.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        hit = cum_obs / total if total > 0 else np.full(obs.size, np.nan)
        pai = hit / share
        best = np.cumsum(obs[np.argsort(-(obs / cell_area), kind="stable")])
        best_share = np.cumsum(cell_area[np.argsort(-(obs / cell_area), kind="stable")])
        best_pai = (best / total) / (best_share / cell_area.sum())
        pei = pai / best_pai
        rri = cum_pred / cum_obs
    return AccuracyCurve(order.astype(np.int64), cum_obs, cum_pred, share, hit, pai, pei, rri)


def at_area_share(curve: AccuracyCurve, share: float) -> Accuracy:
    """The metrics for the top cells covering at most ``share`` of the area (>= 1 cell)."""
    if not 0 < share <= 1:
        raise UsageError(f"an area share must be in (0, 1], got {share}", hint="e.g. 0.05")
    k = int(np.searchsorted(curve.area_share, share + 1e-12, side="right"))
    i = max(k, 1) - 1
    return Accuracy(
        area_share_asked=share,
        area_share=float(curve.area_share[i]),
        cells=i + 1,
        hit_rate=float(curve.hit_rate[i]),
        pai=float(curve.pai[i]),
        pei=float(curve.pei[i]),
        rri=float(curve.rri[i]),
    )


__all__ = ["Accuracy", "AccuracyCurve", "accuracy_curve", "at_area_share"]
