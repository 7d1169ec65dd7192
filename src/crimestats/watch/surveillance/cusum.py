"""The approximate Poisson CUSUM of Rossi, Lampugnani & Marchi (1999, Stat Med 18:2111).

Each count is standardised against the expected count ``m`` -- Rossi's transform
``z = (y - 3m + 2 sqrt(y m)) / (2 sqrt(m))``, near-normal for Poisson counts, or the plain
``(y - m) / sqrt(m)`` (``standard``, R's default) -- and accumulated:
``S_t = max(0, S_{t-1} + z_t - k)``; an alarm while ``S_t >= h`` (no reset, as R's
``algo.cusum``). ``upper`` is the count that would have brought ``S_t`` to ``h``. ``m`` is
the mean of every period before the first tested one (R's default), so the method
assumes a stable, non-seasonal level and detects sustained rises rather than spikes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats

from crimestats.errors import UsageError
from crimestats.watch.surveillance.result import CountSeries, Method, SurveillanceResult


class CusumTransform(StrEnum):
    ROSSI = "rossi"
    STANDARD = "standard"


@dataclass(frozen=True)
class CusumParameters:
    """R ``algo.cusum`` control values ``k`` and ``h``; ``trans`` defaults to Rossi's
    transform (R's default is ``standard``)."""

    k: float = 1.04
    h: float = 2.26
    trans: CusumTransform = CusumTransform.ROSSI

    def __post_init__(self) -> None:
        if self.h <= 0:
            raise UsageError(f"h must be positive, got {self.h}", hint="use --h 2.26 (the default)")


def _standardise(y: np.ndarray, m: float, trans: CusumTransform) -> np.ndarray:
    if trans is CusumTransform.ROSSI:
        return np.asarray((y - 3 * m + 2 * np.sqrt(y * m)) / (2 * np.sqrt(m)))
    return np.asarray((y - m) / np.sqrt(m))


def _count_reaching(target: np.ndarray, m: float, trans: CusumTransform) -> np.ndarray:
    """The count ``y`` whose standardised value is ``target``."""
    if trans is CusumTransform.ROSSI:
        root = -np.sqrt(m) + np.sqrt(np.maximum(4 * m + 2 * target * np.sqrt(m), 0.0))
        return np.asarray(np.where(4 * m + 2 * target * np.sqrt(m) > 0, root**2, 0.0))
    return np.asarray(np.maximum(np.ceil(m + target * np.sqrt(m)), 0.0))  # a whole count, as R


def run(
    series: CountSeries, params: CusumParameters, start: int | None = None, end: int | None = None
) -> SurveillanceResult:
    """Run the CUSUM over positions ``start..end``; ``m`` from the periods before."""
    counts = np.asarray(series.counts, dtype=float)
    first = max(1, len(series) // 2 if start is None else start)
    last = len(series) - 1 if end is None else end
    m = float(counts[:first].mean()) if first > 0 else 0.0
    if last < first or m <= 0:
        raise UsageError(
            f"{series.name or 'the series'}: CUSUM needs periods before the tested range "
            "with a mean count above 0",
            hint="use --from to leave earlier periods as the baseline",
        )
    observed = counts[first : last + 1]
    z = _standardise(observed, m, params.trans)
    cusum = np.zeros(len(observed))
    previous = np.zeros(len(observed))
    level = 0.0
    for i, value in enumerate(z):
        previous[i] = level
        level = max(0.0, level + value - params.k)
        cusum[i] = level
    upper = _count_reaching(params.h + params.k - previous, m, params.trans)
    pvalue = stats.norm.sf(z)
    return SurveillanceResult(
        method=Method.CUSUM,
        parameters=params,
        dates=series.dates[first : last + 1],
        observed=observed,
        expected=np.full(len(observed), m),
        upper=upper,
        alarm=cusum >= params.h,
        pvalue=np.asarray(pvalue, dtype=float),
        window=(series.dates[0], series.dates[last]),
    )
