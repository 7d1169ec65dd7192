"""Change points: the Nile against R strucchange, and a synthetic series with a known break."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from crimestats.watch.trends.changepoints import (
    argmax_cdf,
    find_change_points,
    min_segment,
    too_short,
)

NILE = Path(__file__).parents[1] / "data" / "changepoint_nile"

# R strucchange 1.5-3 on Nile ~ 1 (tests/data/changepoint_nile/ref_strucchange_nile.txt)
RSS = (2835156.750, 1597457.194, 1552923.616, 1538096.513, 1507888.476, 1659993.500)
BIC = (1318.242, 1270.084, 1276.467, 1284.718, 1291.944, 1310.765)


def _nile() -> tuple[list[float], tuple[dt.date, ...]]:
    with (NILE / "nile.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    years = tuple(dt.date(int(float(r["year"])), 1, 1) for r in rows)
    return [float(r["volume"]) for r in rows], years


def test_reference_file_holds_the_figures_used_here() -> None:
    text = (NILE / "ref_strucchange_nile.txt").read_text(encoding="utf-8")
    assert "RSS 2835156.750 1597457.194 1552923.616 1538096.513 1507888.476 1659993.500" in text
    assert "1  1895        1898   1902" in text


def test_nile_break_after_1898_with_strucchange_interval() -> None:
    volume, years = _nile()
    result = find_change_points(volume, years)
    [point] = result.points
    assert point.index == 28
    assert point.last_before == dt.date(1898, 1, 1)
    assert point.start == dt.date(1899, 1, 1)
    assert (point.lower, point.upper) == (dt.date(1895, 1, 1), dt.date(1902, 1, 1))
    assert point.mean_before == pytest.approx(1097.75)
    assert point.mean_after == pytest.approx(849.97, abs=0.005)
    assert result.min_segment == 15
    assert result.rss == pytest.approx(RSS, abs=0.001)
    assert result.bic == pytest.approx(BIC, abs=0.001)


def test_break_is_found_on_a_synthetic_series() -> None:
    rng = np.random.default_rng(20261206)
    y = np.concatenate([rng.normal(100, 8, 70), rng.normal(80, 8, 50)])
    starts = tuple(dt.date(2010, 1, 1) + dt.timedelta(days=7 * i) for i in range(120))
    [point] = find_change_points(y, starts).points
    assert point.lower is not None
    assert point.upper is not None
    assert point.lower <= starts[69] <= point.upper  # the true last week before the shift
    assert abs(point.index - 70) <= 3


def test_constant_series_has_no_break() -> None:
    starts = tuple(dt.date(2000 + i, 1, 1) for i in range(30))
    assert find_change_points([5.0] * 30, starts).points == ()


def test_argmax_distribution_is_symmetric_with_equal_variances() -> None:
    # with xi = 1 and equal variances, argmax V is symmetric: P(<= 0) = 1/2, P(<= -x) = 1 - P(<= x)
    assert argmax_cdf(0.0, 1.0, 1.0, 1.0) == pytest.approx(0.5, abs=1e-9)
    for x in (0.5, 3.0, 20.0):
        assert argmax_cdf(-x, 1.0, 1.0, 1.0) == pytest.approx(1 - argmax_cdf(x, 1.0, 1.0, 1.0))
    assert argmax_cdf(200.0, 1.0, 1.0, 1.0) == pytest.approx(1.0, abs=1e-9)


def test_short_series_are_refused_with_a_reason() -> None:
    assert min_segment(13) == 1
    reason = too_short(13)
    assert reason is not None
    assert "14 periods" in reason
    assert too_short(14) is None
    assert math.floor(14 * 0.15) == 2


def test_three_breaks_and_intervals_as_strucchange_on_uk_driver_deaths() -> None:
    # tests/data/stl_ukdriverdeaths/ref_r.txt: breakpoints(sa ~ 1) and confint in R, on the
    # series seasonally adjusted by R's stl
    folder = NILE.parent / "stl_ukdriverdeaths"
    with (folder / "ukdriverdeaths_stl.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    adjusted = [float(r["deaths"]) - float(r["seasonal"]) for r in rows]
    starts = tuple(dt.date(int(r["month"][:4]), int(r["month"][5:]), 1) for r in rows)
    result = find_change_points(adjusted, starts)
    assert [p.index for p in result.points] == [29, 70, 164]
    assert [(p.lower, p.upper) for p in result.points] == [
        (starts[17 - 1], starts[39 - 1]),
        (starts[68 - 1], starts[74 - 1]),
        (starts[160 - 1], starts[166 - 1]),
    ]
    assert result.rss == pytest.approx(
        (8003492.163, 4460448.516, 3150421.119, 2810034.359, 2756069.231, 2682687.914), abs=0.01
    )
    assert result.bic == pytest.approx(
        (2597.863, 2496.129, 2439.883, 2428.445, 2435.237, 2440.571), abs=0.001
    )
    text = (folder / "ref_r.txt").read_text(encoding="utf-8")
    assert "[1]  29  70 164" in text
    assert "3   160         164    166" in text
