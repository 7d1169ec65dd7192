"""The next periods of a series, with prediction intervals (statsmodels).

The model, and why: exponential smoothing with additive errors and a damped additive
trend, ETS(A,Ad,N) (Hyndman, Koehler, Ord & Snyder 2008, *Forecasting with Exponential
Smoothing*), fitted by maximum likelihood (``statsmodels`` ``ETSModel``). It needs no
order to be chosen (an ARIMA would, and an automatic order search on a few years of
counts is fragile), the damped trend does not extrapolate a recent rise or fall for
ever (Gardner & McKenzie 1985; the damped trend is among the most accurate in the M
competitions), and additive errors give prediction intervals in closed form.

A season is handled as in R ``forecast::stlf``: when the decomposition finds a stable
season (two full seasons at least; :mod:`crimestats.watch.trends.decompose`) the series
is seasonally adjusted by STL, the ETS model forecasts the adjusted series, and the last
year's season is added back (``statsmodels`` ``STLForecast``). A weekly season has 52
values, too many to estimate as ETS states; STL estimates them smoothly. The season is
then taken as known, so the intervals are somewhat too narrow (said in the docs).

Intervals are for the count of one future period at ``level`` (default 95 %); a lower
bound below zero is reported as zero (a count cannot be negative; :class:`Forecast`
holds the clipped bound).
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Final

import numpy as np
import numpy.typing as npt

from crimestats.watch.series import PERIODS_PER_YEAR, Freq, next_start
from crimestats.watch.trends.report import Forecast

HORIZON: Final[dict[Freq, int]] = {Freq.WEEK: 13, Freq.MONTH: 12, Freq.QUARTER: 4, Freq.YEAR: 3}
"""Periods forecast by default: a quarter of weeks, a year of months or quarters, 3 years."""

MIN_PERIODS: Final = 10
"""Fewer complete periods than this: no forecast (a damped trend has 5 parameters)."""


def too_short(n: int) -> str | None:
    """Why ``n`` periods are too few for a forecast (None: enough)."""
    if n < MIN_PERIODS:
        return f"{n} complete periods: the forecast needs at least {MIN_PERIODS}"
    return None


def forecast(
    values: npt.ArrayLike,
    last_start: dt.date,
    freq: Freq,
    *,
    horizon: int | None = None,
    level: float = 0.95,
    seasonal: bool = False,
) -> tuple[Forecast, str | None]:
    """Forecast ``horizon`` periods after the one starting ``last_start``; and a caveat.

    ``seasonal``: the series has a season (the decomposition's test found one; it needs
    two full seasons). The caveat says when the optimiser did not converge (the forecast
    is still given: the estimates are those it stopped at).
    """
    import pandas as pd  # statsmodels needs a Series here
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = pd.Series(np.asarray(values, dtype=np.float64))
    n = len(y)
    steps = horizon or HORIZON[freq]
    ets = {"error": "add", "trend": "add", "damped_trend": True}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        if seasonal:
            from statsmodels.tsa.forecasting.stl import STLForecast

            period = PERIODS_PER_YEAR[freq]
            model = f"STL (period {period}, robust) + ETS(A,Ad,N) on the adjusted series"
            fitted = STLForecast(y, ETSModel, model_kwargs=ets, period=period, robust=True).fit(
                fit_kwargs={"disp": False}
            )
            frame = fitted.get_prediction(start=n, end=n + steps - 1).summary_frame(alpha=1 - level)
            low, high = frame["mean_ci_lower"], frame["mean_ci_upper"]
        else:
            model = "ETS(A,Ad,N) (no season: none found, or too few periods to look for one)"
            fit = ETSModel(y, **ets).fit(disp=False)
            frame = fit.get_prediction(start=n, end=n + steps - 1).summary_frame(alpha=1 - level)
            low, high = frame["pi_lower"], frame["pi_upper"]
    caveat = None
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        caveat = "the likelihood optimiser did not converge: the forecast is uncertain"
    starts = [next_start(last_start, freq)]
    while len(starts) < steps:
        starts.append(next_start(starts[-1], freq))
    return (
        Forecast(
            starts=tuple(starts),
            mean=tuple(float(v) for v in frame["mean"]),
            lower=tuple(max(0.0, float(v)) for v in low),
            upper=tuple(float(v) for v in high),
            level=level,
            model=model,
        ),
        caveat,
    )
