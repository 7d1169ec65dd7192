"""STL: a series as trend + season + remainder (Cleveland, Cleveland, McRae & Terpenning 1990).

``statsmodels.tsa.seasonal.STL`` with the season of one year (52 weeks, 12 months, 4
quarters) and robust fitting, so that one extreme period (a mass event, a batch of
records dated on one day) goes to the remainder instead of bending the trend and the
season. The settings are those of R's ``stl(x, s.window = 7, robust = TRUE)`` (seasonal
window 7 and degree 0, trend and low-pass windows and degrees 1 as R chooses them, jumps
of a tenth of each window, 1 inner and 15 outer iterations), so that a decomposition can
be checked against R: on UK driver deaths 1969-1984 the components agree to 1e-6
(``tests/data/stl_ukdriverdeaths``). STL needs at least two full seasons to tell a season
from a trend; the caller checks :func:`too_short`. Yearly series have no season: they are
not decomposed.

The seasonal strength (Wang, Smith & Hyndman 2006, "Characteristic-based clustering for
time series data", Data Mining and Knowledge Discovery 13:335) says how much of the
variation the season explains: 1 - var(remainder) / var(season + remainder), clipped at 0.

Whether there is a season at all is the stable-seasonality test of X-11 (Lothian & Morry
1978, "A test for the presence of identifiable seasonality when using the X-11 program",
Statistics Canada): a one-way analysis of variance of the detrended series (observed
minus the STL trend) by position in the year, seasonal when p < 0.001. STL always gives a
seasonal component, even to noise (with three years of data it fits 12 values to 36
counts); removing a season that is not there moves a level shift around and makes
breaks up, so the change points and the forecast use the season only when the test
finds one (:attr:`Decomposition.has_season`).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from crimestats.watch.series import PERIODS_PER_YEAR, Freq
from crimestats.watch.trends.report import Decomposition

SEASONAL_WINDOW = 7
"""The seasonal smoother's span in years (R's ``s.window = 7``, statsmodels' default)."""


def too_short(n: int, freq: Freq) -> str | None:
    """Why a series of ``n`` periods of ``freq`` cannot be decomposed (None: it can)."""
    if freq is Freq.YEAR:
        return "yearly periods have no season to decompose"
    period = PERIODS_PER_YEAR[freq]
    if n < 2 * period:
        return (
            f"{n} complete periods: STL needs at least two full seasons "
            f"({2 * period} {freq.value}s)"
        )
    return None


def _next_odd(x: float) -> int:
    n = math.ceil(x)
    return n if n % 2 else n + 1


def stl_settings(period: int, seasonal: int = SEASONAL_WINDOW) -> dict[str, int | bool]:
    """The STL windows, degrees and jumps of R's ``stl`` for ``s.window = seasonal``."""
    trend = _next_odd(1.5 * period / (1 - 1.5 / seasonal))
    low_pass = _next_odd(period)
    return {
        "seasonal": seasonal,
        "trend": trend,
        "low_pass": low_pass,
        "seasonal_deg": 0,
        "trend_deg": 1,
        "low_pass_deg": 1,
        "seasonal_jump": math.ceil(seasonal / 10),
        "trend_jump": math.ceil(trend / 10),
        "low_pass_jump": math.ceil(low_pass / 10),
        "robust": True,
    }


def decompose(values: npt.ArrayLike, freq: Freq) -> Decomposition:
    """The robust STL decomposition of ``values`` with a yearly season."""
    from scipy import stats
    from statsmodels.tsa.seasonal import STL

    y = np.asarray(values, dtype=np.float64)
    period = PERIODS_PER_YEAR[freq]
    fit = STL(y, period=period, **stl_settings(period)).fit(inner_iter=1, outer_iter=15)
    trend = np.asarray(fit.trend, dtype=np.float64)
    seasonal = np.asarray(fit.seasonal, dtype=np.float64)
    remainder = np.asarray(fit.resid, dtype=np.float64)
    both = float(np.var(seasonal + remainder))
    strength = max(0.0, 1 - float(np.var(remainder)) / both) if both > 0 else 0.0
    detrended = y - trend
    groups = [detrended[i::period] for i in range(period)]
    within = sum(float(((g - g.mean()) ** 2).sum()) for g in groups)
    if np.ptp(detrended) == 0:
        p_value = 1.0  # nothing varies: no season
    elif within == 0:
        p_value = 0.0  # every year the same pattern exactly: a season without noise
    else:
        p_value = float(stats.f_oneway(*groups).pvalue)
    return Decomposition(
        period=period,
        trend=tuple(trend.tolist()),
        seasonal=tuple(seasonal.tolist()),
        remainder=tuple(remainder.tolist()),
        seasonal_strength=strength,
        stable_seasonality_p=p_value,
    )
