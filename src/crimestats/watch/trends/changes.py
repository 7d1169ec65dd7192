"""Year-on-year and recent-mean changes, each with an exact test of "no change".

Two windows of periods are compared by their mean count per period.

* **Year on year**: the last analysed period against the same period one year earlier
  (52 weeks, 12 months, 4 quarters or 1 year before). Both windows hold one period.
* **Recent mean**: the last :data:`RECENT` periods (4 weeks, 3 months, 1 quarter, 1 year)
  against the season before them (52 weeks, 12 months, 4 quarters; 3 years for yearly
  series). The base is a whole season so that it carries no seasonal bias of its own;
  the recent window is part of a season, so for a strongly seasonal series read the
  year-on-year change instead (docs/watch-trends.md).

**The test, and the rule that chooses it.** If the counts are Poisson, the count of the
current window given the total of both is binomial with p = k₁ / (k₁ + k₀), k the number
of periods of each window (the conditional test of two Poisson rates, Przyborowski &
Wilenski 1940; R's ``poisson.test``); it is exact at any count: ``scipy.stats.binomtest``,
two-sided (the sum of the probabilities no larger than that of the observed count).
Crime counts are often overdispersed (repeat offenders and victims, series of linked
incidents), and the Poisson test then finds changes that are noise. The dispersion
index φ = Σ (y - μ)² / μ / df is therefore computed on the periods before the current
window (one season of them; μ from the STL trend + season when a decomposition exists,
else their mean; df = periods - 1). When φ > 1 and the Pearson statistic
φ · df exceeds its χ²(df) 95 % point, the counts are overdispersed and the test is a Wald
test of the log ratio of means under a negative binomial model with variance μ + αμ²,
α = (φ - 1) / μ̄ by moments (se² = (1/m₁ + α)/k₁ + (1/m₀ + α)/k₀: the NB maximum-likelihood
estimate of a window's mean with α fixed is its sample mean). When a window has no events
the NB test is undefined; the Poisson test is then used and the result says so (flag).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import stats

from crimestats.watch.series import PERIODS_PER_YEAR, Freq
from crimestats.watch.trends.report import Change, ChangeTest

RECENT: Final[dict[Freq, int]] = {Freq.WEEK: 4, Freq.MONTH: 3, Freq.QUARTER: 1, Freq.YEAR: 1}
"""Periods in the recent window of the recent-mean change."""

BASE: Final[dict[Freq, int]] = {Freq.WEEK: 52, Freq.MONTH: 12, Freq.QUARTER: 4, Freq.YEAR: 3}
"""Periods in the base window of the recent-mean change (one season; 3 years for years)."""

MIN_DISPERSION_PERIODS: Final = 4
"""Fewer base periods than this give no dispersion estimate: the Poisson test is used."""

Ints = npt.NDArray[np.int64]


def poisson_p_value(current: int, base: int, k_current: int, k_base: int) -> float:
    """Two-sided exact p-value of equal Poisson rates (conditional binomial test)."""
    total = current + base
    if total == 0:
        return 1.0
    return float(stats.binomtest(current, total, k_current / (k_current + k_base)).pvalue)


def nb_p_value(current: int, base: int, k_current: int, k_base: int, alpha: float) -> float:
    """Two-sided Wald p-value of equal NB means (log ratio; both windows non-zero)."""
    m1, m0 = current / k_current, base / k_base
    se = math.sqrt((1 / m1 + alpha) / k_current + (1 / m0 + alpha) / k_base)
    z = math.log(m1 / m0) / se
    return float(2 * stats.norm.sf(abs(z)))


def dispersion(counts: Ints, fitted: npt.NDArray[np.float64] | None = None) -> float | None:
    """Pearson dispersion index of ``counts`` around ``fitted`` (else around their mean)."""
    if len(counts) < MIN_DISPERSION_PERIODS:
        return None
    y = counts.astype(np.float64)
    # around the fit when there is one; a fitted mean near zero would blow the index up
    mu = np.full_like(y, y.mean()) if fitted is None else np.maximum(fitted, 0.5)
    if mu.mean() <= 0:
        return None
    return float((((y - mu) ** 2) / mu).sum() / (len(y) - 1))


def overdispersed(phi: float | None, periods: int) -> bool:
    """The rule: φ > 1 and φ · df above the 95 % point of χ²(df)."""
    if phi is None or phi <= 1:
        return False
    df = periods - 1
    return bool(phi * df > stats.chi2.ppf(0.95, df))


def compare(
    current: Ints,
    base: Ints,
    labels: tuple[str, str],
    phi: float | None,
    phi_periods: int,
    base_mean: float,
) -> tuple[Change, str | None]:
    """The change from ``base`` to ``current`` windows, tested by the rule; and a caveat."""
    s1, s0 = int(current.sum()), int(base.sum())
    k1, k0 = len(current), len(base)
    m1, m0 = s1 / k1, s0 / k0
    ratio = m1 / m0 if m0 > 0 else None
    caveat = None
    kind, alpha = ChangeTest.POISSON_EXACT, None
    if overdispersed(phi, phi_periods) and phi is not None:
        if s1 > 0 and s0 > 0 and base_mean > 0:
            kind, alpha = ChangeTest.NEGATIVE_BINOMIAL, (phi - 1) / base_mean
        else:
            caveat = (
                f"overdispersed (φ = {phi:.2f}) but a window has no events, where the "
                "negative binomial test is undefined: the exact Poisson test was used and "
                "its p-value is too small"
            )
    p = nb_p_value(s1, s0, k1, k0, alpha) if alpha is not None else poisson_p_value(s1, s0, k1, k0)
    change = Change(
        current_label=labels[0],
        base_label=labels[1],
        current=s1,
        base=s0,
        current_periods=k1,
        base_periods=k0,
        ratio=ratio,
        percent_change=None if ratio is None else 100 * (ratio - 1),
        test=kind,
        p_value=p,
        dispersion=phi,
        nb_alpha=alpha,
    )
    return change, caveat


def _span(labels: tuple[str, ...]) -> str:
    return labels[0] if len(labels) == 1 else f"{labels[0]}..{labels[-1]}"


def year_on_year(
    counts: Ints, labels: tuple[str, ...], freq: Freq, fitted: npt.NDArray[np.float64] | None
) -> tuple[Change | None, str | None]:
    """The last period against the same period a year before; or why not (first None)."""
    lag = PERIODS_PER_YEAR[freq]
    if len(counts) < lag + 1:
        return None, (
            f"{len(counts)} complete periods: year on year needs {lag + 1} "
            f"(the last period and the one {lag} {freq.value}(s) before it)"
        )
    history = counts[:-1][-BASE[freq] :]
    fit = None if fitted is None else fitted[:-1][-BASE[freq] :]
    phi = dispersion(history, fit)
    change, caveat = compare(
        counts[-1:],
        counts[-1 - lag : -lag],
        (labels[-1], labels[-1 - lag]),
        phi,
        len(history),
        float(history.mean()),
    )
    return change, caveat


def recent_mean(
    counts: Ints, labels: tuple[str, ...], freq: Freq, fitted: npt.NDArray[np.float64] | None
) -> tuple[Change | None, str | None]:
    """The mean of the last periods against the season before; or why not (first None)."""
    k1, k0 = RECENT[freq], BASE[freq]
    if len(counts) < k1 + k0:
        return None, (
            f"{len(counts)} complete periods: the recent mean needs {k1 + k0} "
            f"(the last {k1} and the {k0} before them)"
        )
    current, base = counts[-k1:], counts[-k1 - k0 : -k1]
    fit = None if fitted is None else fitted[-k1 - k0 : -k1]
    phi = dispersion(base, fit)
    return compare(
        current,
        base,
        (_span(labels[-k1:]), _span(labels[-k1 - k0 : -k1])),
        phi,
        len(base),
        float(base.mean()),
    )
