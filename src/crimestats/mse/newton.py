"""A lean Newton-Raphson fit of a Poisson log-linear model, for searching many models.

The BIC search fits up to 1,024 models per data set (and again per bootstrap
replicate). statsmodels' GLM spends most of its time on bookkeeping around a 31-row
problem, so the *search* ranks models with this solver and the chosen model is refit
with statsmodels, whose numbers are the ones reported. A test checks both agree.

Newton's method on the concave Poisson log-likelihood ``sum(y * eta - exp(eta))``,
``eta = X b`` (McCullagh & Nelder 1989, ch. 2), with step halving whenever a step
would lower the likelihood. The inverse information ``(X' diag(mu) X)^-1`` is the
covariance of the estimates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MAX_ITERATIONS = 100
#: Stop when no coefficient moves more than this in one step.
STEP_TOLERANCE = 1e-10


@dataclass(frozen=True, eq=False)
class PoissonFit:
    """Coefficients, covariance, fitted means and fit statistics of one model."""

    params: FloatArray
    cov: FloatArray
    mu: FloatArray
    llf: float
    deviance: float
    converged: bool


def _loglik(y: FloatArray, eta: FloatArray, log_y_factorial: float) -> float:
    return float(y @ eta - np.exp(eta).sum() - log_y_factorial)


def poisson_deviance(y: FloatArray, mu: FloatArray) -> float:
    """``2 * sum(y log(y / mu) - (y - mu))`` with ``0 log 0 = 0``."""
    positive = y > 0
    term = np.zeros_like(y)
    term[positive] = y[positive] * np.log(y[positive] / mu[positive])
    return float(2.0 * (term - (y - mu)).sum())


def fit_poisson(x: FloatArray, y: FloatArray) -> PoissonFit:
    """Maximum likelihood fit; ``converged`` is False if Newton's method fails."""
    from scipy.special import gammaln

    log_y_factorial = float(gammaln(y + 1.0).sum())
    # start from the least-squares fit of log(y + 0.5), as IRLS's first step would
    beta, *_ = np.linalg.lstsq(x, np.log(y + 0.5), rcond=None)
    eta = x @ beta
    llf = _loglik(y, eta, log_y_factorial)
    converged = False
    with np.errstate(all="ignore"):
        for _ in range(MAX_ITERATIONS):
            mu = np.exp(eta)
            information = x.T @ (mu[:, None] * x)
            try:
                step = np.linalg.solve(information, x.T @ (y - mu))
            except np.linalg.LinAlgError:
                break
            scale = 1.0
            while scale > 1e-8:
                candidate = beta + scale * step
                new_eta = x @ candidate
                new_llf = _loglik(y, new_eta, log_y_factorial)
                if math.isfinite(new_llf) and new_llf >= llf - 1e-12 * abs(llf):
                    break
                scale /= 2.0
            else:
                break
            beta, eta, llf = candidate, new_eta, new_llf
            if float(np.max(np.abs(scale * step))) < STEP_TOLERANCE:
                converged = True
                break
        mu = np.exp(eta)
        try:
            cov = np.linalg.inv(x.T @ (mu[:, None] * x))
        except np.linalg.LinAlgError:
            cov = np.full((x.shape[1], x.shape[1]), np.nan)
            converged = False
    return PoissonFit(
        np.asarray(beta, dtype=np.float64),
        np.asarray(cov, dtype=np.float64),
        mu,
        llf,
        poisson_deviance(y, mu),
        converged,
    )


__all__ = ["PoissonFit", "fit_poisson", "poisson_deviance"]
