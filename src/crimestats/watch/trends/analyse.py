"""Run every trend method on one count series; flag what cannot run, and why.

The order matters once: the decomposition runs first, because the changes use its
trend + season as the expected count when they measure overdispersion, and, when its
test finds a stable season, the change points run on the seasonally adjusted series
(observed minus season) so that a season is not read as a break, and the forecast
carries the season.

Partial periods (cut by ``--since``/``--until``, or not fully covered by the sources)
are left out at both ends of the series; the methods run on the longest run of
complete periods that ends last (a partial period inside the series cuts it, and the
periods before it are left out with a flag naming it). A series whose mean count per
complete period is below :data:`SPARSE_MEAN` is too sparse for the methods that assume
normal errors (STL, change points, the ETS forecast): they are flagged and skipped; the
exact tests of the changes hold at any count and still run.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from crimestats.watch.series import PERIODS_PER_YEAR, CountSeries, Freq
from crimestats.watch.trends import changepoints, changes, decompose, forecast
from crimestats.watch.trends.report import (
    ChangePoints,
    Decomposition,
    Flag,
    Forecast,
    Method,
    SeriesTrends,
)

MAX_RUNS: Final = 3
"""Runs of partial periods named in a flag (the rest are counted)."""

SPARSE_MEAN: Final = 5.0
"""Mean count per period below which normal-error methods are not run.

Five is the usual rule for the normal approximation to the Poisson (a Poisson count of
mean 5 has a skewness of 0.45); a series of rarer events is better read through its
exact tests and its counts.
"""


def _runs(series: CountSeries, indices: range) -> str:
    """Partial periods in words: runs of periods with the same reason, the first few."""
    runs: list[tuple[int, int, str]] = []
    for i in indices:
        why = series.partial[i]
        if why is None:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == why:
            runs[-1] = (runs[-1][0], i, why)
        else:
            runs.append((i, i, why))
    labels = series.labels
    shown = [
        (labels[a] if a == b else f"{labels[a]}..{labels[b]}") + f" ({why})"
        for a, b, why in runs[:MAX_RUNS]
    ]
    more = f"; and {len(runs) - MAX_RUNS} more" if len(runs) > MAX_RUNS else ""
    return "; ".join(shown) + more


def complete_span(series: CountSeries) -> tuple[int, int, list[Flag]]:
    """The longest run of complete periods that ends last: (first, end), and flags."""
    partial = series.partial
    end = len(partial)
    while end > 0 and partial[end - 1] is not None:
        end -= 1
    first = end
    while first > 0 and partial[first - 1] is None:
        first -= 1
    flags = []
    if end < len(partial):
        text = _runs(series, range(end, len(partial)))
        flags.append(Flag(Method.SERIES, f"partial periods at the end left out: {text}"))
    if first > 0:
        text = _runs(series, range(first))
        flags.append(
            Flag(
                Method.SERIES,
                f"periods up to {series.labels[first - 1]} left out (the methods run on "
                f"the last complete run of periods); partial among them: {text}",
            )
        )
    return first, end, flags


MAX_HORIZON_YEARS: Final = 10
"""The longest forecast: ten years of periods. A damped-trend forecast is flat long before
that; a larger ``--horizon`` (``10**9``) only allocates memory until the machine stops."""


def check_horizon(horizon: int | None, freq: Freq) -> None:
    """Refuse a horizon below 1 or beyond :data:`MAX_HORIZON_YEARS` years of periods."""
    from crimestats.errors import UsageError

    most = MAX_HORIZON_YEARS * PERIODS_PER_YEAR[freq]
    if horizon is not None and not 1 <= horizon <= most:
        raise UsageError(
            f"--horizon {horizon}: forecast 1 to {most} {freq.value}s "
            f"({MAX_HORIZON_YEARS} years) ahead",
            hint=f"e.g. --horizon {forecast.HORIZON[freq]}",
        )


def analyse(
    series: CountSeries, *, horizon: int | None = None, level: float = 0.95
) -> SeriesTrends:
    """Decomposition, changes, change points and forecast of ``series``, with flags.

    ``horizon`` is the number of periods to forecast (default by frequency,
    :data:`crimestats.watch.trends.forecast.HORIZON`); ``level`` the level of the
    prediction intervals and of the break-date intervals.
    """
    check_horizon(horizon, series.freq)
    first, end, flags = complete_span(series)
    counts = series.values[first:end]
    labels = series.labels[first:end]
    starts = series.starts[first:end]
    n, freq = len(counts), series.freq
    sparse = None
    if n and float(counts.mean()) < SPARSE_MEAN:
        sparse = (
            f"sparse: {float(counts.mean()):.2f} events per period on average, below "
            f"{SPARSE_MEAN:g} (the normal approximation this method assumes does not hold)"
        )
    elif n == 0:
        sparse = "no complete period to analyse"

    def blocked(method: Method, *reasons: str | None) -> bool:
        why = next((r for r in reasons if r is not None), None)
        if why is not None:
            flags.append(Flag(method, why))
        return why is not None

    decomposition: Decomposition | None = None
    if not blocked(Method.DECOMPOSITION, sparse, decompose.too_short(n, freq)):
        decomposition = decompose.decompose(counts, freq)
    fitted = None
    if decomposition is not None:
        fitted = np.asarray(decomposition.trend) + np.asarray(decomposition.seasonal)

    yoy, caveat = changes.year_on_year(counts, labels, freq, fitted) if n else (None, sparse)
    _record(flags, Method.YEAR_ON_YEAR, caveat)
    recent, caveat = changes.recent_mean(counts, labels, freq, fitted) if n else (None, sparse)
    _record(flags, Method.RECENT_MEAN, caveat)

    points: ChangePoints | None = None
    if not blocked(Method.CHANGE_POINTS, sparse, changepoints.too_short(n)):
        adjusted = counts.astype(np.float64)
        if decomposition is not None and decomposition.has_season:
            adjusted = adjusted - np.asarray(decomposition.seasonal)
        points = changepoints.find_change_points(adjusted, starts, level=level)
        if decomposition is None and freq is not Freq.YEAR and points.points:
            flags.append(
                Flag(
                    Method.CHANGE_POINTS,
                    "no season could be looked for (fewer than two full seasons): a break "
                    "may be the season (a summer rise, a winter fall)",
                )
            )

    predicted: Forecast | None = None
    if not blocked(Method.FORECAST, sparse, forecast.too_short(n)):
        with_season = decomposition is not None and decomposition.has_season
        predicted, caveat = forecast.forecast(
            counts, starts[-1], freq, horizon=horizon, level=level, seasonal=with_season
        )
        _record(flags, Method.FORECAST, caveat)
    return SeriesTrends(
        series=series,
        analysed=(first, end),
        decomposition=decomposition,
        year_on_year=yoy,
        recent_mean=recent,
        change_points=points,
        forecast=predicted,
        flags=tuple(flags),
    )


def _record(flags: list[Flag], method: Method, reason: str | None) -> None:
    if reason is not None:
        flags.append(Flag(method, reason))
