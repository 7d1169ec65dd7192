"""The step both Farrington methods share: baseline mean, overdispersion and trend.

Farrington et al. (1996, sections 3.3-3.6), for each row (one tested period of one
series): fit the quasi-Poisson GLM on the baseline with a linear trend, down-weight past
outbreaks and refit; keep the trend only if it is significant (two-sided t test on the
quasi-likelihood standard error, ``p < p_threshold``) and the trended prediction for
``t`` does not exceed the largest baseline count (no extrapolation beyond the data);
otherwise repeat the whole procedure without trend. Rows are processed together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from crimestats.watch.surveillance import poisson_glm
from crimestats.watch.surveillance.reference import ReferenceDesign

Array = NDArray[np.float64]


@dataclass(frozen=True)
class BaselineFit:
    """Per row: ``mu`` the expected count at ``t``; ``eta`` its log and ``var_eta`` the
    variance of ``eta`` (the inverse information times the floored overdispersion
    ``phi``, as R's ``algo.farrington`` does; tested on Salmonella Agona); ``phi`` the
    overdispersion floored at 1; ``trend`` whether the trend was kept."""

    mu: Array
    eta: Array
    var_eta: Array
    phi: Array
    trend: NDArray[np.bool_]


def _predict(fit: poisson_glm.QuasiPoissonFit, x0: Array) -> tuple[Array, Array]:
    eta = fit.coef @ x0
    var = np.einsum("p,spq,q->s", x0, fit.cov_unscaled, x0) * fit.phi
    return eta, var


def fit_baseline(
    y: Array,
    design: ReferenceDesign,
    *,
    reweight: bool,
    weights_threshold: float,
    p_threshold: float,
) -> BaselineFit:
    """Fit the baseline rows ``y`` (S, n) on ``design``; see the module docstring."""
    flat = design.without_trend()
    plain = poisson_glm.fit_reweighted(y, flat.matrix, weights_threshold, reweight)
    eta, var = _predict(plain, flat.x0)
    keep = np.zeros(len(eta), dtype=bool)
    phi = plain.phi
    if design.trend:
        trended = poisson_glm.fit_reweighted(y, design.matrix, weights_threshold, reweight)
        eta_t, var_t = _predict(trended, design.x0)
        df = len(design.offsets) - design.matrix.shape[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            t_stat = trended.coef[:, 1] / np.sqrt(
                trended.cov_unscaled[:, 1, 1] * trended.dispersion
            )
        p_value = 2 * stats.t.sf(np.abs(t_stat), df)
        keep = (p_value < p_threshold) & (np.exp(eta_t) <= y.max(axis=1)) & trended.converged
        eta = np.where(keep, eta_t, eta)
        var = np.where(keep, var_t, var)
        phi = np.where(keep, trended.phi, phi)
    all_zero = y.sum(axis=1) == 0  # no finite estimate: the baseline mean is 0
    mu = np.where(all_zero, 0.0, np.exp(eta))
    return BaselineFit(mu, eta, np.where(all_zero, 0.0, var), phi, keep & ~all_zero)


def rows_for(counts: Array, tested: NDArray[np.int64], design: ReferenceDesign) -> Array:
    """Baseline counts (S, n) of each tested position of one series."""
    return np.asarray(counts[tested[:, None] + design.offsets[None, :]], dtype=float)


def recent_sum(counts: Array, tested: NDArray[np.int64], periods: int) -> Array:
    """Count over the last ``periods`` periods up to and including each tested one."""
    cumulative = np.concatenate([[0.0], np.cumsum(counts)])
    start = np.maximum(tested + 1 - periods, 0)
    return np.asarray(cumulative[tested + 1] - cumulative[start])
