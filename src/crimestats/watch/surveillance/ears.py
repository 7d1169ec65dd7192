"""EARS C1 (Hutwagner et al. 2003, "The bioterrorism preparedness and response Early
Aberration Reporting System (EARS)", J Urban Health 80:i89; Fricker et al. 2008).

A Shewhart chart on a short moving baseline: the mean and standard deviation of the
``baseline`` (7) periods before ``t``; alarm when ``(y_t - mean) / sd >= z_{1-alpha}``,
i.e. ``y_t >= U = mean + z sd``. It needs no history beyond the baseline, and assumes
no seasonality and roughly normal counts, so it suits short or recent series.
``min_sigma`` (Burkom): the threshold ``z * min_sigma`` when the baseline is all zeros.
A flat baseline (standard deviation 0) alarms only on a count above it: ``0/0`` is no
evidence of anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats

from crimestats.errors import UsageError
from crimestats.watch.surveillance.checks import check_alpha
from crimestats.watch.surveillance.result import CountSeries, Method, SurveillanceResult


@dataclass(frozen=True)
class EarsParameters:
    """R ``earsC`` control values for method C1 (``alpha`` 0.001 as at the CDC)."""

    baseline: int = 7
    alpha: float = 0.001
    min_sigma: float = 0.0

    def __post_init__(self) -> None:
        if self.baseline < 2:
            raise UsageError(
                f"baseline must be at least 2 periods, got {self.baseline}",
                hint="use --baseline 7 (the default)",
            )
        check_alpha(self.alpha)


def run(
    series: CountSeries, params: EarsParameters, start: int | None = None, end: int | None = None
) -> SurveillanceResult:
    """Assess positions ``start..end`` (those with ``baseline`` periods before them)."""
    counts = np.asarray(series.counts, dtype=float)
    first = max(params.baseline, 0 if start is None else start)
    last = len(series) - 1 if end is None else end
    if last < first:
        raise UsageError(
            f"{series.name or 'the series'} has {len(series)} periods; EARS C1 needs more "
            f"than the {params.baseline}-period baseline"
        )
    tested = np.arange(first, last + 1)
    windows = sliding_window_view(counts, params.baseline)[tested - params.baseline]
    mean = windows.mean(axis=1)
    sd = windows.std(axis=1, ddof=1)
    sigma = np.where((sd == 0) & (params.min_sigma > 0), params.min_sigma, sd)
    z = float(stats.norm.ppf(1 - params.alpha))
    upper = mean + z * sigma
    observed = counts[tested]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (observed - mean) / sigma
    pvalue = np.where(sigma > 0, stats.norm.sf(score), np.where(observed > mean, 0.0, 1.0))
    return SurveillanceResult(
        method=Method.EARS_C1,
        parameters=params,
        dates=tuple(series.dates[i] for i in tested),
        observed=observed,
        expected=mean,
        upper=upper,
        alarm=(observed >= upper) & ((sigma > 0) | (observed > mean)),
        pvalue=np.asarray(pvalue, dtype=float),
        window=(series.dates[first - params.baseline], series.dates[last]),
    )
