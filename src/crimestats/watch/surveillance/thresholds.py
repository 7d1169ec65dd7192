"""Upper bounds and p-values of the Farrington methods from a fitted baseline mean.

* ``delta`` (Farrington et al. 1996, section 3.5): a power transform ``Y^e`` (``e = 2/3``
  corrects skewness) is taken as normal; by the delta method its variance is
  ``e^2 mu^(2e-1) tau`` with ``tau = phi + var(mu_hat)/mu`` (prediction plus estimation
  error), so ``U = (mu^e + z sqrt(e^2 mu^(2e-1) tau))^(1/e)``.
* ``nbPlugin`` (Noufaily et al. 2013, section 3.3): the ``1-alpha`` quantile of a
  negative binomial with mean ``mu`` and variance ``phi mu`` (Poisson when ``phi = 1``).
* ``muan``: the same quantile with ``mu`` replaced by the upper ``1-alpha`` bound of its
  estimate, ``exp(eta + z se(eta))``, which adds the estimation error back.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from scipy import stats

Array = NDArray[np.float64]


class ThresholdMethod(StrEnum):
    DELTA = "delta"
    NB_PLUGIN = "nbPlugin"
    MUAN = "muan"


class PowerTransform(StrEnum):
    TWO_THIRDS = "2/3"
    HALF = "1/2"
    NONE = "none"

    @property
    def exponent(self) -> float:
        return {"2/3": 2 / 3, "1/2": 0.5, "none": 1.0}[self.value]


def delta_upper(mu: Array, tau: Array, z: float, power: PowerTransform) -> tuple[Array, Array]:
    """Upper bound on the transformed scale, and the transformed standard error."""
    e = power.exponent
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(e**2 * mu ** (2 * e - 1) * tau)
        upper = np.maximum(mu**e + z * se, 0.0) ** (1 / e)
    return np.where(mu > 0, upper, 0.0), se


def delta_pvalue(y: Array, mu: Array, se: Array, power: PowerTransform) -> Array:
    """P(at least ``y``) under the normal approximation of the transformed count."""
    e = power.exponent
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (y**e - mu**e) / se
    p = stats.norm.sf(score)
    return np.asarray(np.where(mu > 0, p, np.where(y > 0, 0.0, 1.0)))


def _negative_binomial(mu: Array, phi: Array) -> tuple[Array, Array]:
    """scipy's (n, p) for mean ``mu`` and variance ``phi mu``; ``phi = 1`` -> near-Poisson."""
    size = np.maximum(mu, 1e-300) / np.maximum(phi - 1.0, 1e-10)
    return size, size / (size + np.maximum(mu, 1e-300))


def nb_quantile(q: float, mu: Array, phi: Array) -> Array:
    """The ``q`` quantile of the count: negative binomial, or Poisson when ``phi <= 1``."""
    size, prob = _negative_binomial(mu, phi)
    nb = stats.nbinom.ppf(q, size, prob)
    poisson = stats.poisson.ppf(q, mu)
    return np.asarray(np.where(mu > 0, np.where(phi > 1, nb, poisson), 0.0), dtype=float)


def nb_pvalue(y: Array, mu: Array, phi: Array) -> Array:
    """P(count >= y) under the same distribution as :func:`nb_quantile`."""
    size, prob = _negative_binomial(mu, phi)
    nb = stats.nbinom.sf(y - 1, size, prob)
    poisson = stats.poisson.sf(y - 1, mu)
    p = np.where(phi > 1, nb, poisson)
    return np.asarray(np.where(mu > 0, p, np.where(y > 0, 0.0, 1.0)))
