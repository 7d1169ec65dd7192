"""A quasi-Poisson log-linear GLM fitted to many count vectors at once.

Why not one ``statsmodels`` fit per series: the store run fits tens of thousands of
series that share one design (the same reference periods), so iteratively reweighted
least squares (IRLS) is run on all of them together with numpy; the estimates are those
of ``statsmodels.GLM(family=Poisson(), var_weights=w).fit(scale="X2")`` (tested). The
overdispersion is Pearson's X2 over the residual degrees of freedom, as in McCullagh &
Nelder (1989, section 4.5) and Farrington et al. (1996, section 3.3).

Down-weighting of past outbreaks (Farrington et al. 1996, section 3.4): standardised
Anscombe residuals ``s`` of a first fit give weights ``s**-2`` to points with ``s`` above
a threshold (1 in the 1996 paper, 2.58 in Noufaily et al. 2013) and 1 to the others,
rescaled to sum to the number of points; the model is then refitted with those weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

MAX_ITERATIONS = 25  # as R's glm.control(maxit = 25)
TOLERANCE = 1e-8  # relative change of deviance, as R's glm.control(epsilon = 1e-8)
_MU_FLOOR = 1e-10


@dataclass(frozen=True)
class QuasiPoissonFit:
    """Fits of ``S`` series on one design ``design`` (``n`` points, ``p`` columns).

    ``coef`` (S, p); ``mu`` (S, n); ``cov_unscaled`` (S, p, p) = (design'WX)^-1;
    ``dispersion`` (S,) Pearson X2 / (n - p), not floored; ``converged`` (S,).
    """

    coef: Array
    mu: Array
    cov_unscaled: Array
    dispersion: Array
    converged: NDArray[np.bool_]

    @property
    def phi(self) -> Array:
        """Overdispersion floored at 1 (Farrington et al. 1996: no underdispersion)."""
        return np.maximum(self.dispersion, 1.0)

    def hat(self, design: Array, weights: Array) -> Array:
        """Leverages h_ii = w_i mu_i x_i' (design'WX)^-1 x_i, shape (S, n)."""
        quad = np.einsum("np,spq,nq->sn", design, self.cov_unscaled, design)
        return np.asarray(weights * self.mu * quad)


def _deviance(y: Array, mu: Array, w: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return np.asarray(2.0 * np.sum(w * (term - (y - mu)), axis=1))


def fit(y: Array, design: Array, weights: Array | None = None) -> QuasiPoissonFit:
    """IRLS for ``log E[y] = design beta`` with prior weights, for every row of ``y``.

    ``y`` (S, n) counts, ``design`` (n, p) design shared by all rows, ``weights`` (S, n).
    Starts from ``mu = y + 0.1`` (as R's ``poisson()$initialize``) and stops when the
    relative change of deviance is below 1e-8. A row of all zeros has no finite maximum
    likelihood estimate; it ends with ``mu`` near 0 and is marked not converged only if
    the iterations run out while the deviance still moves.
    """
    y = np.atleast_2d(np.asarray(y, dtype=float))
    w = np.ones_like(y) if weights is None else np.atleast_2d(np.asarray(weights, dtype=float))
    n_rows = y.shape[0]
    p = design.shape[1]
    mu = y + 0.1
    eta = np.log(mu)
    deviance = _deviance(y, mu, w)
    converged = np.zeros(n_rows, dtype=bool)
    coef = np.zeros((n_rows, p))
    ridge = 1e-12 * np.eye(p)
    for _ in range(MAX_ITERATIONS):
        z = eta + (y - mu) / mu
        working = w * mu
        xtwx = np.einsum("np,sn,nq->spq", design, working, design) + ridge
        xtwz = np.einsum("np,sn->sp", design, working * z)
        new_coef = np.linalg.solve(xtwx, xtwz[..., None])[..., 0]
        coef = np.where(converged[:, None], coef, new_coef)
        eta = coef @ design.T
        mu = np.maximum(np.exp(np.minimum(eta, 700.0)), _MU_FLOOR)
        new_deviance = _deviance(y, mu, w)
        converged |= np.abs(new_deviance - deviance) / (np.abs(new_deviance) + 0.1) < TOLERANCE
        deviance = new_deviance
        if converged.all():
            break
    working = w * mu
    xtwx = np.einsum("np,sn,nq->spq", design, working, design) + ridge
    cov = np.linalg.inv(xtwx)
    pearson = np.sum(w * (y - mu) ** 2 / mu, axis=1)
    n_used = np.sum(w > 0, axis=1)
    dispersion = pearson / np.maximum(n_used - p, 1)
    return QuasiPoissonFit(coef, mu, cov, dispersion, converged)


def anscombe_residuals(y: Array, fitted: QuasiPoissonFit, design: Array, weights: Array) -> Array:
    """Standardised Anscombe residuals (Farrington et al. 1996, eq. 3.3):

    ``s_i = 3/2 (y_i^(2/3) - mu_i^(2/3)) / (mu_i^(1/6) sqrt(phi (1 - h_ii)))``.
    """
    mu = fitted.mu
    hat = np.minimum(fitted.hat(design, weights), 1.0 - 1e-12)
    scale = np.sqrt(fitted.phi[:, None] * (1.0 - hat))
    return np.asarray(1.5 * (y ** (2 / 3) - mu ** (2 / 3)) / (mu ** (1 / 6) * scale))


def outbreak_weights(residuals: Array, threshold: float) -> Array:
    """Weights ``s^-2`` above ``threshold``, 1 below, rescaled to sum to ``n`` per row."""
    above = residuals > threshold
    omega = np.where(above, 1.0 / np.where(above, residuals, 1.0) ** 2, 1.0)
    return np.asarray(omega * (omega.shape[1] / omega.sum(axis=1, keepdims=True)))


def fit_reweighted(y: Array, design: Array, threshold: float, reweight: bool) -> QuasiPoissonFit:
    """First fit, then (if ``reweight``) the refit with past outbreaks down-weighted."""
    y = np.atleast_2d(np.asarray(y, dtype=float))
    first = fit(y, design)
    if not reweight:
        return first
    ones = np.ones_like(y)
    omega = outbreak_weights(anscombe_residuals(y, first, design, ones), threshold)
    return fit(y, design, omega)
