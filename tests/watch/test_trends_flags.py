"""Every method that cannot run on a series says why; partial periods are left out."""

from __future__ import annotations

import datetime as dt

import numpy as np

from crimestats.watch.series import CountSeries, Freq, period_starts
from crimestats.watch.trends import Method, analyse


def _monthly(counts: list[int], partial: dict[int, str] | None = None) -> CountSeries:
    starts = period_starts(dt.date(2020, 1, 1), dt.date(2020, 1, 1), Freq.MONTH)
    while len(starts) < len(counts):
        starts = period_starts(starts[0], starts[-1] + dt.timedelta(days=32), Freq.MONTH)
    marks = tuple((partial or {}).get(i) for i in range(len(counts)))
    return CountSeries((("weapon", "knife"),), Freq.MONTH, starts, tuple(counts), marks)


def test_short_series_flags_every_method_that_needs_more() -> None:
    result = analyse(_monthly([30, 25, 41, 38, 29, 33, 35, 40]))
    assert result.decomposition is None
    assert result.change_points is None
    assert result.forecast is None
    assert result.year_on_year is None
    assert result.recent_mean is None
    for method in (Method.DECOMPOSITION, Method.CHANGE_POINTS, Method.FORECAST,
                   Method.YEAR_ON_YEAR, Method.RECENT_MEAN):  # fmt: skip
        assert result.flagged(method), method
    assert "two full seasons (24 months)" in result.flagged(Method.DECOMPOSITION)[0]


def test_sparse_series_keeps_only_the_exact_tests() -> None:
    rng = np.random.default_rng(5)
    result = analyse(_monthly([int(v) for v in rng.poisson(1.2, 48)]))
    for method in (Method.DECOMPOSITION, Method.CHANGE_POINTS, Method.FORECAST):
        [reason] = result.flagged(method)
        assert reason.startswith("sparse:")
    assert result.year_on_year is not None
    assert result.recent_mean is not None


def test_partial_periods_are_left_out_with_their_reason() -> None:
    rng = np.random.default_rng(9)
    counts = [int(v) for v in rng.poisson(40, 40)]
    series = _monthly(counts, {0: "cut by --since", 39: "source x ends 2023-04-12"})
    result = analyse(series)
    assert result.analysed == (1, 39)
    reasons = result.flagged(Method.SERIES)
    assert any("2023-04 (source x ends 2023-04-12)" in r for r in reasons)
    assert any("2020-01" in r for r in reasons)
    assert result.year_on_year is not None
    assert result.year_on_year.current_label == "2023-03"
    assert result.forecast is not None
    assert result.forecast.starts[0] == dt.date(2023, 4, 1)


def test_full_series_runs_every_method() -> None:
    rng = np.random.default_rng(1)
    months = np.arange(60)
    mean = 80 + 15 * np.sin(2 * np.pi * months / 12) + np.where(months >= 36, -25, 0)
    result = analyse(_monthly([int(v) for v in rng.poisson(mean)]))
    assert not [f for f in result.flags if f.method is not Method.SERIES]
    assert result.decomposition is not None
    assert result.change_points is not None
    [point] = result.change_points.points
    assert point.lower is not None
    assert point.upper is not None
    assert point.lower <= dt.date(2022, 12, 1) <= point.upper  # last month at the old level
