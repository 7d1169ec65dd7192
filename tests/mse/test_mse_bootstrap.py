"""The parametric bootstrap: seeded, reproducible, drawn from the fitted model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crimestats.mse.bootstrap import bootstrap_interval, simulate_counts
from crimestats.mse.capture_histories import read_capture_file
from crimestats.mse.estimate import estimate, estimate_all
from crimestats.mse.selection import select_stepwise

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"


def test_simulated_tables_have_the_fitted_model_means() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    fit = select_stepwise(data).fit
    rng = np.random.default_rng(7)
    draws = np.array([simulate_counts(fit, rng) for _ in range(2000)])
    # each cell is Binomial(round(N), mu_h / N): mean mu_h (up to rounding of N),
    # standard error of the mean sqrt(mu_h (1 - mu_h / N) / 2000)
    population = round(fit.total)
    expected = fit.mu * population / fit.total
    se = np.sqrt(expected * (1 - expected / population) / 2000)
    assert np.all(np.abs(draws.mean(axis=0) - expected) <= 4.5 * se + 1e-12)
    # histories removed by an empty-overlap term, or with zero fitted mean, stay empty
    assert np.all(draws[:, fit.mu == 0] == 0)


def test_bootstrap_is_reproducible_with_a_seed_and_changes_with_it() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    fit = select_stepwise(data).fit
    a = bootstrap_interval(data, fit, "stepwise", replicates=6, seed=11)
    b = bootstrap_interval(data, fit, "stepwise", replicates=6, seed=11)
    c = bootstrap_interval(data, fit, "stepwise", replicates=6, seed=12)
    assert (a.low, a.high, a.median) == (b.low, b.high, b.median)
    assert (a.low, a.high) != (c.low, c.high)
    assert a.seed == 11
    assert a.succeeded == 6
    assert a.low < fit.total < a.high


def test_estimate_reports_progress_and_the_interval() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    ticks: list[tuple[int, int]] = []
    result = estimate(data, "main", bootstrap=5, seed=3, progress=lambda k, n: ticks.append((k, n)))
    assert ticks == [(k, 5) for k in range(1, 6)]
    assert result.bootstrap is not None
    as_dict = result.to_dict()["bootstrap"]
    assert isinstance(as_dict, dict)
    assert as_dict["replicates"] == 5
    assert as_dict["seed"] == 3
    assert as_dict["low"] == pytest.approx(result.bootstrap.low)


def test_all_methods_bootstrap_from_independent_streams() -> None:
    data = read_capture_file(DATA / "kosovo_aggregate_pattern_counts.csv")
    one = estimate_all(data, bootstrap=4, seed=5)
    two = estimate_all(data, bootstrap=4, seed=5)
    lows = [r.bootstrap.low for r in one.results if r.bootstrap]
    assert lows == [r.bootstrap.low for r in two.results if r.bootstrap]
    assert len(lows) == 3
    assert all(r.bootstrap is not None and r.bootstrap.seed == 5 for r in one.results)


def test_bootstrap_refuses_nonsense() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    fit = select_stepwise(data).fit
    with pytest.raises(ValueError, match="at least 1"):
        bootstrap_interval(data, fit, "stepwise", replicates=0, seed=1)
