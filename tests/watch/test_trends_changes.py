"""Year-on-year and recent-mean changes: p-values by hand and by a second library."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crimestats.watch.series import Freq
from crimestats.watch.trends.changes import (
    dispersion,
    nb_p_value,
    overdispersed,
    poisson_p_value,
    recent_mean,
    year_on_year,
)
from crimestats.watch.trends.report import ChangeTest


def _binomial_two_sided(x: int, n: int, p: float) -> float:
    """R binom.test's two-sided p: the probabilities no larger than that of x, summed."""
    pmf = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return min(1.0, sum(q for q in pmf if q <= pmf[x] * (1 + 1e-7)))


def test_poisson_p_value_by_hand() -> None:
    # 30 events this month against 18 the same month last year: given 48 events, the
    # current count is Binomial(48, 1/2) when the rates are equal
    assert poisson_p_value(30, 18, 1, 1) == pytest.approx(_binomial_two_sided(30, 48, 0.5))
    # 9 events in 3 months against 24 in the 12 before: p = 3 / 15 = 0.2
    assert poisson_p_value(9, 24, 3, 12) == pytest.approx(_binomial_two_sided(9, 33, 0.2))
    assert poisson_p_value(0, 0, 1, 1) == 1.0


def test_poisson_p_value_equals_r_poisson_test() -> None:
    # R 4.2.2: poisson.test(c(30, 18), c(1, 1))$p.value, poisson.test(c(9, 24), c(3, 12))
    assert poisson_p_value(30, 18, 1, 1) == pytest.approx(0.111402891061019, rel=1e-12)
    assert poisson_p_value(9, 24, 3, 12) == pytest.approx(0.280849102393748, rel=1e-12)


def test_poisson_p_value_of_a_textbook_case() -> None:
    # 10 against 2 with equal exposure: P(X >= 10) * 2 for Binomial(12, 1/2) = 2 * 79/4096
    assert poisson_p_value(10, 2, 1, 1) == pytest.approx(2 * 79 / 4096)


def test_negative_binomial_wald_equals_statsmodels_glm() -> None:
    import statsmodels.api as sm

    current = np.array([40, 55, 61])
    base = np.array([30, 42, 25, 51, 38, 29, 47, 33, 40, 36, 28, 45])
    alpha = 0.05
    y = np.concatenate([current, base])
    exog = np.column_stack([np.ones(len(y)), np.r_[np.ones(3), np.zeros(12)]])
    fit = sm.GLM(y, exog, family=sm.families.NegativeBinomial(alpha=alpha)).fit()
    got = nb_p_value(int(current.sum()), int(base.sum()), 3, 12, alpha)
    assert got == pytest.approx(float(fit.pvalues[1]), rel=1e-6)


def test_overdispersion_rule() -> None:
    calm = np.array([20, 22, 19, 21, 18, 20, 23, 19, 21, 20, 22, 18])
    wild = np.array([5, 40, 12, 33, 8, 51, 3, 29, 14, 45, 9, 38])
    phi_calm, phi_wild = dispersion(calm), dispersion(wild)
    assert phi_calm is not None
    assert phi_wild is not None
    assert phi_calm == pytest.approx(np.var(calm, ddof=1) / calm.mean())
    assert not overdispersed(phi_calm, 12)
    assert overdispersed(phi_wild, 12)
    assert dispersion(calm[:3]) is None  # too few periods to estimate


def test_year_on_year_compares_the_same_month() -> None:
    counts = np.array([20, 22, 19, 21, 18, 20, 23, 19, 21, 20, 22, 18, 35])
    labels = (*(f"2023-{m:02d}" for m in range(1, 13)), "2024-01")
    change, caveat = year_on_year(counts, labels, Freq.MONTH, None)
    assert caveat is None
    assert change is not None
    assert (change.current_label, change.base_label) == ("2024-01", "2023-01")
    assert (change.current, change.base) == (35, 20)
    assert change.test is ChangeTest.POISSON_EXACT
    assert change.percent_change == pytest.approx(75.0)
    assert change.p_value == pytest.approx(_binomial_two_sided(35, 55, 0.5))


def test_recent_mean_switches_to_negative_binomial_when_overdispersed() -> None:
    counts = np.array([5, 40, 12, 33, 8, 51, 3, 29, 14, 45, 9, 38, 60, 70, 65])
    labels = tuple(str(i) for i in range(15))
    change, caveat = recent_mean(counts, labels, Freq.MONTH, None)
    assert caveat is None
    assert change is not None
    assert change.test is ChangeTest.NEGATIVE_BINOMIAL
    assert (change.current_periods, change.base_periods) == (3, 12)
    base = counts[:12]
    alpha = (np.var(base, ddof=1) / base.mean() - 1) / base.mean()
    assert change.nb_alpha == pytest.approx(alpha)
    assert change.p_value == pytest.approx(nb_p_value(195, int(base.sum()), 3, 12, alpha))
    assert change.p_value > poisson_p_value(195, int(base.sum()), 3, 12)


def test_too_short_for_a_change_says_why() -> None:
    change, why = year_on_year(np.array([3, 4, 5]), ("a", "b", "c"), Freq.MONTH, None)
    assert change is None
    assert why is not None
    assert "needs 13" in why
