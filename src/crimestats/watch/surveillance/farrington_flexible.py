"""The improved Farrington method (Noufaily et al. 2013, Stat Med 32:1206-1222).

Against the 1996 method: the baseline is every period of the last ``b`` years (up to
``past_weeks_not_included`` before ``t``) with a ``no_periods``-level seasonal factor
instead of the ``2w+1`` windows only; past outbreaks are down-weighted only above an
Anscombe residual of 2.58; the trend is always kept (``p_threshold_trend = 1``) unless
it extrapolates; and the threshold is the ``1-alpha`` quantile of a negative binomial
(``nbPlugin``), one-sided. Parameters carry the names of R ``surveillance``'s
``farringtonFlexible`` control list; the defaults are Noufaily's recommendations
(weekly: b = 5, w = 3, 10 levels, 26 weeks left out), which differ from R's defaults.
For monthly series the same span in months: w = 1, 6 months left out, 4 levels
(a 3-month window and three 3-month blocks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from crimestats.errors import UsageError
from crimestats.watch.surveillance import thresholds
from crimestats.watch.surveillance.checks import check_alpha, check_weights_threshold
from crimestats.watch.surveillance.farrington_core import fit_baseline, recent_sum, rows_for
from crimestats.watch.surveillance.reference import Baseline, ReferenceDesign, designs_for
from crimestats.watch.surveillance.result import MONTHLY, CountSeries, Method, SurveillanceResult
from crimestats.watch.surveillance.thresholds import PowerTransform, ThresholdMethod


@dataclass(frozen=True)
class FlexibleParameters:
    """R ``farringtonFlexible`` control values (kebab case on the command line)."""

    b: int = 5
    w: int = 3
    reweight: bool = True
    weights_threshold: float = 2.58
    alpha: float = 0.05
    trend: bool = True
    p_threshold_trend: float = 1.0
    limit54: tuple[int, int] = (5, 4)
    powertrans: PowerTransform = PowerTransform.TWO_THIRDS
    no_periods: int = 10
    past_weeks_not_included: int = 26
    threshold_method: ThresholdMethod = ThresholdMethod.NB_PLUGIN

    def __post_init__(self) -> None:
        check_alpha(self.alpha)
        check_weights_threshold(self.weights_threshold)

    @classmethod
    def for_frequency(cls, frequency: int) -> FlexibleParameters:
        """Noufaily's defaults for weekly data; the same spans in months for monthly."""
        if frequency == MONTHLY:
            return cls(w=1, no_periods=4, past_weeks_not_included=6)
        return cls()

    @property
    def baseline(self) -> Baseline:
        return Baseline(self.b, self.w, self.no_periods, self.past_weeks_not_included, self.trend)


@dataclass(frozen=True)
class Assessment:
    """Per tested row: expected count, upper bound, p-value and alarm."""

    expected: NDArray[np.float64]
    upper: NDArray[np.float64]
    pvalue: NDArray[np.float64]
    alarm: NDArray[np.bool_]


def assess(
    baseline: NDArray[np.float64],
    observed: NDArray[np.float64],
    recent: NDArray[np.float64],
    design: ReferenceDesign,
    params: FlexibleParameters,
    *,
    two_sided: bool = False,
) -> Assessment:
    """Threshold the rows ``baseline`` (S, n) against ``observed`` (S,).

    ``recent``: the count over the last ``limit54[1]`` periods including ``t``; fewer
    than ``limit54[0]`` means no alarm (Farrington et al. 1996, section 3.8).
    """
    fitted = fit_baseline(
        baseline,
        design,
        reweight=params.reweight,
        weights_threshold=params.weights_threshold,
        p_threshold=params.p_threshold_trend,
    )
    z = float(stats.norm.ppf(1 - params.alpha / 2 if two_sided else 1 - params.alpha))
    mu, phi = fitted.mu, fitted.phi
    if params.threshold_method is ThresholdMethod.DELTA:
        tau = phi + mu * fitted.var_eta
        upper, se = thresholds.delta_upper(mu, tau, z, params.powertrans)
        pvalue = thresholds.delta_pvalue(observed, mu, se, params.powertrans)
    else:
        mean = mu
        if params.threshold_method is ThresholdMethod.MUAN:
            mean = np.where(mu > 0, np.exp(fitted.eta + z * np.sqrt(fitted.var_eta)), 0.0)
        upper = thresholds.nb_quantile(1 - params.alpha, mean, phi)
        pvalue = thresholds.nb_pvalue(observed, mean, phi)
    alarm = (observed > upper) & (recent >= params.limit54[0])
    return Assessment(mu, upper, pvalue, alarm)


def run(
    series: CountSeries,
    params: FlexibleParameters,
    start: int | None = None,
    end: int | None = None,
    *,
    method: Method = Method.FARRINGTON_FLEXIBLE,
    two_sided: bool = False,
) -> SurveillanceResult:
    """Assess positions ``start..end`` (inclusive) of ``series``; those without ``b``
    years of history are left out."""
    first = 0 if start is None else start
    last = len(series) - 1 if end is None else end
    counts = np.asarray(series.counts, dtype=float)
    groups = designs_for(
        series.dates,
        np.arange(first, last + 1, dtype=np.int64),
        params.baseline,
        None if series.dated else series.frequency,
    )
    if not groups:
        raise UsageError(
            f"{series.name or 'the series'} has {len(series)} periods; {method} with "
            f"b = {params.b} needs {params.b} years and {params.w} periods before a tested one",
            hint="use --method glm for short series (at least 12 periods), or a smaller --b",
        )
    tested = np.concatenate([rows for _, rows in groups])
    order = np.argsort(tested)
    parts = [
        assess(
            rows_for(counts, rows, design),
            counts[rows],
            recent_sum(counts, rows, params.limit54[1]),
            design,
            params,
            two_sided=two_sided,
        )
        for design, rows in groups
    ]
    earliest = min(int(rows.min()) + int(design.offsets.min()) for design, rows in groups)

    def joined(name: str) -> NDArray[np.float64]:
        return np.concatenate([getattr(part, name) for part in parts])[order]

    tested = tested[order]
    return SurveillanceResult(
        method=method,
        parameters=params,
        dates=tuple(series.dates[i] for i in tested),
        observed=counts[tested],
        expected=joined("expected"),
        upper=joined("upper"),
        alarm=np.asarray(joined("alarm"), dtype=bool),
        pvalue=joined("pvalue"),
        window=(series.dates[earliest], series.dates[int(tested[-1])]),
    )
