"""Log-linear fits checked against hand-derived values and an independent optimiser."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.stats import norm

from crimestats.mse.capture_histories import CaptureData, read_capture_file
from crimestats.mse.loglinear import check_model, design_matrix, fit_model

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"


def _independent_poisson_fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poisson log-linear MLE by BFGS on the log-likelihood, then the inverse information."""

    def negll(b: np.ndarray) -> float:
        eta = x @ b
        return float(np.exp(eta).sum() - y @ eta)

    def grad(b: np.ndarray) -> np.ndarray:
        return x.T @ (np.exp(x @ b) - y)

    start = np.zeros(x.shape[1])
    start[0] = math.log(y.mean())
    sol = minimize(negll, start, jac=grad, method="BFGS", options={"gtol": 1e-10})
    mu = np.exp(x @ sol.x)
    cov = np.linalg.inv(x.T @ (mu[:, None] * x))
    return sol.x, cov


def test_two_lists_main_effects_is_lincoln_petersen() -> None:
    # n10 = 60, n01 = 40, n11 = 20: the dark figure is n10 * n01 / n11 = 120 and the
    # total (60 + 20)(40 + 20) / 20 = 240 (Lincoln-Petersen). The model is saturated, so
    # var(log dark) = 1/60 + 1/40 + 1/20 (delta method on log n10 + log n01 - log n11).
    data = CaptureData.from_rows(["A", "B"], [((1, 0), 60), ((0, 1), 40), ((1, 1), 20)])
    fit = fit_model(data, ())
    assert fit.usable
    assert fit.dark == pytest.approx(120.0, rel=1e-8)
    assert fit.total == pytest.approx(240.0, rel=1e-8)
    se = math.sqrt(1 / 60 + 1 / 40 + 1 / 20)
    assert fit.intercept_se == pytest.approx(se, rel=1e-6)
    z = norm.ppf(0.975)
    low, high = fit.interval()
    assert low == pytest.approx(120 + 120 * math.exp(-z * se), rel=1e-6)
    assert high == pytest.approx(120 + 120 * math.exp(z * se), rel=1e-6)


def test_kosovo_main_effects_agrees_with_an_independent_fit() -> None:
    data = read_capture_file(DATA / "kosovo_aggregate.csv")
    fit = fit_model(data, ())
    x = design_matrix(data.histories, ())
    beta, cov = _independent_poisson_fit(x, data.counts.astype(float))
    assert fit.total == pytest.approx(data.observed + math.exp(beta[0]), rel=1e-6)
    assert fit.intercept_se == pytest.approx(math.sqrt(cov[0, 0]), rel=1e-5)
    assert fit.total == pytest.approx(7394.59, abs=0.01)


def test_empty_overlap_term_removes_histories_and_counts_as_a_parameter() -> None:
    rows = [((1, 0, 0), 100), ((0, 1, 0), 90), ((0, 0, 1), 80), ((1, 0, 1), 30), ((0, 1, 1), 25)]
    data = CaptureData.from_rows(["A", "B", "C"], rows)
    fit = fit_model(data, [(0, 1)])
    assert fit.empty_pairs == ((0, 1),)
    assert fit.fitted_pairs == ()
    both = (data.histories[:, 0] * data.histories[:, 1]) == 1
    assert np.all(fit.mu[both] == 0.0)
    # independently: main effects on the five histories without A and B together
    keep = ~both
    beta, _ = _independent_poisson_fit(
        design_matrix(data.histories[keep], ()), data.counts[keep].astype(float)
    )
    assert fit.total == pytest.approx(data.observed + math.exp(beta[0]), rel=1e-6)
    assert fit.n_parameters == 5  # intercept, three lists, the -inf term
    assert fit.aic == pytest.approx(-2 * fit.log_likelihood + 10)
    assert fit.bic == pytest.approx(-2 * fit.log_likelihood + 5 * math.log(325))


def test_check_model_existence_and_identifiability() -> None:
    no_overlap = CaptureData.from_rows(["A", "B"], [((1, 0), 10), ((0, 1), 12)])
    assert not check_model(no_overlap, ()).exists

    three = [((1, 0, 0), 10), ((0, 1, 0), 12), ((0, 0, 1), 9), ((1, 1, 0), 4)]
    three += [((1, 0, 1), 3), ((0, 1, 1), 5)]
    all_pairs = [(0, 1), (0, 2), (1, 2)]
    saturated_zero = CaptureData.from_rows(["A", "B", "C"], three)  # no case on all three
    assert check_model(saturated_zero, all_pairs).identifiable
    assert not check_model(saturated_zero, all_pairs).exists
    assert check_model(saturated_zero, [(0, 1), (0, 2)]).ok

    saturated = CaptureData.from_rows(["A", "B", "C"], [*three, ((1, 1, 1), 1)])
    assert check_model(saturated, all_pairs).ok

    empty_ab = CaptureData.from_rows(
        ["A", "B", "C"],
        [((1, 0, 0), 10), ((0, 1, 0), 12), ((0, 0, 1), 9), ((1, 0, 1), 3), ((0, 1, 1), 5)],
    )
    # removing the A-and-B histories leaves 5 cells for 6 parameters
    check = check_model(empty_ab, all_pairs)
    assert not check.identifiable
    assert "not identifiable" in check.reason()


def test_nonexistent_fit_is_flagged_and_warnings_do_not_escape() -> None:
    data = CaptureData.from_rows(["A", "B"], [((1, 0), 10), ((0, 1), 12)])
    fit = fit_model(data, ())
    assert not fit.usable
    assert math.isnan(fit.total)
    assert math.isnan(fit.interval()[0])


@pytest.mark.parametrize("pairs", [(), ((0, 1), (1, 3), (2, 4)), ((0, 1), (0, 4), (1, 2), (3, 4))])
def test_newton_search_engine_agrees_with_statsmodels(pairs: tuple[tuple[int, int], ...]) -> None:
    # (0, 4) is LA:GP, an empty overlap: both engines see the same reduced table
    data = read_capture_file(DATA / "UKdat_5.csv")
    reported = fit_model(data, pairs)
    fast = fit_model(data, pairs, engine="newton")
    assert fast.converged
    assert fast.total == pytest.approx(reported.total, rel=1e-7)
    assert fast.intercept_se == pytest.approx(reported.intercept_se, rel=1e-6)
    assert fast.log_likelihood == pytest.approx(reported.log_likelihood, rel=1e-9)
    assert fast.deviance == pytest.approx(reported.deviance, rel=1e-6, abs=1e-8)
