"""The original Farrington method (Farrington, Andrews, Beale & Catchpole 1996, JRSS A
159:547-563), as R ``surveillance``'s ``algo.farrington``.

Baseline: the ``2w+1`` periods around the same time of year in each of ``b`` past years;
quasi-Poisson GLM with a trend kept only if significant at 5% and not extrapolating;
past outbreaks down-weighted above an Anscombe residual of 1; threshold from a two-sided
``(1-alpha)`` prediction interval on the 2/3-power scale; no alarm with fewer than 5 cases
in the last 4 periods. It is the flexible method with ``no_periods = 1`` and those
settings, so it runs through :mod:`farrington_flexible`.
"""

from __future__ import annotations

from dataclasses import dataclass

from crimestats.watch.surveillance import farrington_flexible
from crimestats.watch.surveillance.checks import check_alpha
from crimestats.watch.surveillance.result import CountSeries, Method, SurveillanceResult
from crimestats.watch.surveillance.thresholds import PowerTransform, ThresholdMethod


@dataclass(frozen=True)
class FarringtonParameters:
    """R ``algo.farrington`` control values; defaults as R's."""

    b: int = 5
    w: int = 3
    reweight: bool = True
    alpha: float = 0.05
    trend: bool = True
    limit54: tuple[int, int] = (5, 4)
    powertrans: PowerTransform = PowerTransform.TWO_THIRDS

    def __post_init__(self) -> None:
        check_alpha(self.alpha)

    def as_flexible(self) -> farrington_flexible.FlexibleParameters:
        return farrington_flexible.FlexibleParameters(
            b=self.b,
            w=self.w,
            reweight=self.reweight,
            weights_threshold=1.0,
            alpha=self.alpha,
            trend=self.trend,
            p_threshold_trend=0.05,
            limit54=self.limit54,
            powertrans=self.powertrans,
            no_periods=1,
            past_weeks_not_included=self.w,
            threshold_method=ThresholdMethod.DELTA,
        )


def run(
    series: CountSeries,
    params: FarringtonParameters,
    start: int | None = None,
    end: int | None = None,
) -> SurveillanceResult:
    """Assess positions ``start..end`` of ``series`` with the 1996 method."""
    result = farrington_flexible.run(
        series, params.as_flexible(), start, end, method=Method.FARRINGTON, two_sided=True
    )
    return SurveillanceResult(
        method=result.method,
        parameters=params,
        dates=result.dates,
        observed=result.observed,
        expected=result.expected,
        upper=result.upper,
        alarm=result.alarm,
        pvalue=result.pvalue,
        window=result.window,
    )
