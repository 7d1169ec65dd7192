"""Empirical Bayes rates: Marshall's formula by hand, the no-excess-variance case, exposure."""

from __future__ import annotations

import numpy as np
import pytest

from crimestats.errors import UsageError
from crimestats.spatial.grid import square_grid
from crimestats.spatial.rates import eb_rates, exposure_per_cell


def test_eb_rates_match_marshalls_formula_by_hand() -> None:
    e = np.array([2.0, 400.0, 30.0, 0.0])
    b = np.array([20.0, 20_000.0, 1_000.0, 500.0])
    # theta = 432 / 21 520; s2 = sum b (r - theta)^2 / sum b - theta / mean(b)
    theta = 432 / 21_520
    r = e / b
    s2 = (b * (r - theta) ** 2).sum() / b.sum() - theta / b.mean()
    w = s2 / (s2 + theta / b)
    expected = (w * r + (1 - w) * theta) * 1000
    rates = eb_rates(e, b)
    np.testing.assert_allclose(rates.smoothed, expected, rtol=1e-12)
    np.testing.assert_allclose(rates.raw, r * 1000)
    assert rates.overall == pytest.approx(theta * 1000)
    # the small cell (20 people, raw 100 per 1,000) is pulled most of the way to theta
    assert rates.smoothed[0] < 40 < rates.raw[0]


def test_no_excess_variance_gives_the_overall_rate_everywhere() -> None:
    e = np.array([10.0, 10.0, 10.0])
    b = np.array([1000.0, 1000.0, 1000.0])
    rates = eb_rates(e, b, per=100_000)
    np.testing.assert_allclose(rates.smoothed, [1000.0, 1000.0, 1000.0])


def test_cells_without_exposure_have_no_rate() -> None:
    rates = eb_rates(np.array([1.0, 5.0, 3.0]), np.array([0.0, 100.0, 300.0]))
    assert np.isnan(rates.raw[0])
    assert np.isnan(rates.smoothed[0])
    with pytest.raises(UsageError, match="at least 2 cells with exposure"):
        eb_rates(np.array([1.0, 5.0]), np.array([0.0, 100.0]))


def test_exposure_is_summed_per_cell() -> None:
    grid = square_grid(np.array([0.0, 1000.0]), np.array([0.0, 1000.0]), cell_size=500.0)
    exposure = exposure_per_cell(
        grid,
        np.array([10.0, 20.0, 900.0, -9_000.0]),
        np.array([10.0, 30.0, 900.0, 0.0]),
        np.array([5.0, 7.0, 100.0, 1e6]),
    )
    assert exposure.sum() == pytest.approx(112.0)  # the far point is outside every cell
    assert sorted(exposure[exposure > 0].tolist()) == [12.0, 100.0]
