"""STL against the components a series was built from; the forecast against its known level."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from crimestats.watch.series import Freq
from crimestats.watch.trends.decompose import decompose, too_short
from crimestats.watch.trends.forecast import forecast


def test_stl_recovers_the_trend_and_season_a_series_was_built_from() -> None:
    # the second computation is the construction itself: a line, a fixed monthly pattern
    # and small noise; STL must give back the pattern and the line within the noise
    rng = np.random.default_rng(7)
    months = np.arange(72)
    pattern = np.array([-12, -9, -4, 0, 5, 9, 12, 10, 4, 0, -10, -15], dtype=float)
    pattern -= pattern.mean()
    trend = 100 + 0.5 * months
    y = trend + pattern[months % 12] + rng.normal(0, 1, 72)
    result = decompose(y, Freq.MONTH)
    observed = np.asarray(result.trend) + np.asarray(result.seasonal) + np.asarray(result.remainder)
    assert observed == pytest.approx(y)
    middle = slice(12, 60)  # away from the ends, where the loess smoothers extrapolate
    assert np.asarray(result.seasonal)[middle] == pytest.approx(
        pattern[months % 12][middle], abs=1.5
    )
    assert np.asarray(result.trend)[middle] == pytest.approx(trend[middle], abs=1.5)
    assert result.seasonal_strength > 0.9
    assert result.period == 12


def test_stl_needs_two_seasons_and_a_season() -> None:
    assert too_short(23, Freq.MONTH) is not None
    assert too_short(24, Freq.MONTH) is None
    assert too_short(103, Freq.WEEK) is not None
    assert "no season" in (too_short(50, Freq.YEAR) or "")


def test_forecast_of_a_level_series_is_its_mean_with_a_normal_interval() -> None:
    # a series with a constant level: the damped-trend ETS must forecast about the mean
    # of the series, and the 95% interval of one period must be about mean ± 1.96 sd
    rng = np.random.default_rng(11)
    y = rng.normal(200.0, 10.0, 15)
    result, caveat = forecast(y, dt.date(2024, 1, 1), Freq.YEAR, horizon=2)
    assert caveat is None
    assert result.starts == (dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert result.mean[0] == pytest.approx(y.mean(), abs=8)
    half = (result.upper[0] - result.lower[0]) / 2
    assert half == pytest.approx(1.96 * y.std(ddof=1), rel=0.35)
    assert "ETS(A,Ad,N)" in result.model


def test_seasonal_forecast_follows_the_season() -> None:
    rng = np.random.default_rng(3)
    months = np.arange(60)
    pattern = 20 * np.sin(2 * np.pi * months / 12)
    y = 100 + pattern + rng.normal(0, 2, 60)
    result, _ = forecast(y, dt.date(2020, 12, 1), Freq.MONTH, seasonal=True)
    assert len(result.mean) == 12
    expected = 100 + 20 * np.sin(2 * np.pi * np.arange(60, 72) / 12)
    assert np.asarray(result.mean) == pytest.approx(expected, abs=8)
    assert all(
        lo <= m <= hi for lo, m, hi in zip(result.lower, result.mean, result.upper, strict=True)
    )
    assert result.starts[0] == dt.date(2021, 1, 1)
    assert "STL" in result.model


def test_stable_seasonality_test_tells_a_season_from_a_level_shift() -> None:
    # a level shift with no season must not be called seasonal (STL fits a season to
    # it all the same); a real season must be; the F statistic checked by hand
    rng = np.random.default_rng(21)
    months = np.arange(36)
    step = rng.poisson(np.where(months >= 24, 30, 60)).astype(float)
    season = rng.poisson(80 + 25 * np.sin(2 * np.pi * months / 12)).astype(float)
    flat = decompose(step, Freq.MONTH)
    assert flat.seasonal_strength > 0  # STL found "a season" in noise
    assert not flat.has_season
    seasonal = decompose(season, Freq.MONTH)
    assert seasonal.has_season
    detrended = season - np.asarray(seasonal.trend)
    groups = [detrended[i::12] for i in range(12)]
    grand = detrended.mean()
    between = sum(len(g) * (g.mean() - grand) ** 2 for g in groups) / 11
    within = sum(((g - g.mean()) ** 2).sum() for g in groups) / (36 - 12)
    from scipy.stats import f

    assert seasonal.stable_seasonality_p == pytest.approx(f.sf(between / within, 11, 24))


def test_stl_equals_r_stl_on_uk_driver_deaths() -> None:
    # R's stats::stl (Cleveland's Fortran), computed by tests/data/stl_ukdriverdeaths/make.R
    with (
        Path(__file__).parents[1] / "data" / "stl_ukdriverdeaths" / "ukdriverdeaths_stl.csv"
    ).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    deaths = [float(r["deaths"]) for r in rows]
    result = decompose(deaths, Freq.MONTH)
    for name in ("seasonal", "trend", "remainder"):
        expected = [float(r[name]) for r in rows]
        assert np.asarray(getattr(result, name)) == pytest.approx(expected, abs=1e-5), name
    assert result.has_season
