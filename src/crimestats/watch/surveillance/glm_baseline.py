"""A quasi-Poisson trend baseline for series too short for the Farrington methods.

Why: the Farrington methods need ``b`` years (5 by default) of history; a new series --
a new offence code, a new area -- has less. This baseline fits ``log mu = a + b t`` on
the last ``window`` periods before ``t`` (at least ``min_periods``, 12), with past
outbreaks down-weighted and the trend kept only when significant and not extrapolating,
exactly as the Farrington steps (Farrington et al. 1996, sections 3.3-3.6), and takes the
negative binomial ``1-alpha`` quantile as threshold (Noufaily et al. 2013). It assumes no
seasonality: with fewer than two years nothing can separate season from trend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crimestats.errors import UsageError
from crimestats.watch.surveillance.checks import check_alpha, check_weights_threshold
from crimestats.watch.surveillance.farrington_core import recent_sum, rows_for
from crimestats.watch.surveillance.farrington_flexible import FlexibleParameters, assess
from crimestats.watch.surveillance.reference import ReferenceDesign
from crimestats.watch.surveillance.result import CountSeries, Method, SurveillanceResult
from crimestats.watch.surveillance.thresholds import ThresholdMethod


@dataclass(frozen=True)
class GlmParameters:
    """``window``: periods before ``t`` fitted (fewer if the series is shorter, never
    fewer than ``min_periods``)."""

    min_periods: int = 12
    window: int = 104
    alpha: float = 0.05
    weights_threshold: float = 2.58
    p_threshold_trend: float = 0.05
    limit54: tuple[int, int] = (5, 4)

    def __post_init__(self) -> None:
        if self.min_periods < 4:
            raise UsageError(
                f"min-periods must be at least 4, got {self.min_periods}",
                hint="use --min-periods 12 (the default)",
            )
        check_alpha(self.alpha)
        check_weights_threshold(self.weights_threshold)

    def as_flexible(self) -> FlexibleParameters:
        return FlexibleParameters(
            weights_threshold=self.weights_threshold,
            alpha=self.alpha,
            p_threshold_trend=self.p_threshold_trend,
            limit54=self.limit54,
            no_periods=1,
            threshold_method=ThresholdMethod.NB_PLUGIN,
        )


def design(length: int) -> ReferenceDesign:
    """The last ``length`` periods before ``t``, with a trend."""
    offsets = np.arange(-length, 0, dtype=np.int64)
    return ReferenceDesign(offsets, np.zeros(length, dtype=np.int64), trend=True)


def run(
    series: CountSeries, params: GlmParameters, start: int | None = None, end: int | None = None
) -> SurveillanceResult:
    """Assess positions ``start..end`` that have at least ``min_periods`` before them."""
    counts = np.asarray(series.counts, dtype=float)
    first = max(params.min_periods, 0 if start is None else start)
    last = len(series) - 1 if end is None else end
    if last < first:
        raise UsageError(
            f"{series.name or 'the series'} has {len(series)} periods; the GLM baseline "
            f"needs at least {params.min_periods} before a tested one"
        )
    tested = np.arange(first, last + 1, dtype=np.int64)
    lengths = np.minimum(tested, params.window)
    flexible = params.as_flexible()
    parts = []
    for length in np.unique(lengths):
        rows = tested[lengths == length]
        shape = design(int(length))
        parts.append(
            (
                rows,
                assess(
                    rows_for(counts, rows, shape),
                    counts[rows],
                    recent_sum(counts, rows, params.limit54[1]),
                    shape,
                    flexible,
                ),
            )
        )
    expected = np.concatenate([a.expected for _, a in parts])
    upper = np.concatenate([a.upper for _, a in parts])
    pvalue = np.concatenate([a.pvalue for _, a in parts])
    alarm = np.concatenate([a.alarm for _, a in parts])
    return SurveillanceResult(
        method=Method.GLM,
        parameters=params,
        dates=tuple(series.dates[i] for i in tested),
        observed=counts[tested],
        expected=expected,
        upper=upper,
        alarm=np.asarray(alarm, dtype=bool),
        pvalue=pvalue,
        window=(series.dates[int(first - lengths[0])], series.dates[last]),
    )
