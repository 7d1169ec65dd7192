"""With-replacement Taylor linearisation: the variance of totals and ratios of totals.

Why this form: public-use files give pseudo-strata and pseudo-PSUs, and analysts (BJS,
R ``survey`` with ``ids=PSU, strata=STRATUM, nest=TRUE``) treat the PSUs as drawn with
replacement within strata, so the variance of a total is, per stratum h with n_h PSUs,
``n_h / (n_h - 1) * sum_i (z_hi - mean_h z)^2`` summed over strata, where z_hi is the
PSU total of the (linearised) weighted variable. A ratio R = Y / X is linearised as
``z = (y - R x) / X``. Domains are estimated by zeroing the variable outside the domain
while every PSU of the design stays in the sum (a PSU with no case of the domain is a
zero, not absent): dropping rows first would understate the variance.

A stratum with one PSU has no within-stratum variance; see
:class:`crimestats.survey.design.LonelyPsu` for the choices (R's names and meanings).
"""

from __future__ import annotations

import numpy as np

from crimestats.errors import UsageError
from crimestats.survey.design import LonelyPsu


def psu_totals(psu_id: np.ndarray, values: np.ndarray, domain: np.ndarray,
               n_domains: int, n_psu: int) -> np.ndarray:  # fmt: skip
    """Totals of ``values`` per domain and PSU: an array (n_domains, n_psu)."""
    index = domain.astype(np.int64) * n_psu + psu_id
    flat = np.bincount(index, weights=values, minlength=n_domains * n_psu)
    return flat.reshape(n_domains, n_psu)


def variance(z: np.ndarray, psu_strata: np.ndarray, lonely: LonelyPsu) -> np.ndarray:
    """Variance of the total of z, one per row of ``z`` (domains x PSUs)."""
    n_strata = int(psu_strata.max()) + 1 if psu_strata.size else 0
    n_h = np.bincount(psu_strata, minlength=n_strata).astype(float)
    alone = n_h[psu_strata] == 1
    if alone.any() and lonely is LonelyPsu.FAIL:
        raise UsageError(
            f"{int((n_h == 1).sum())} stratum(s) of the design have only one PSU",
            hint="set design.lonely_psu to remove, certainty or adjust (see docs/surveys.md)",
        )
    sums = np.zeros((z.shape[0], n_strata))
    for d in range(z.shape[0]):
        sums[d] = np.bincount(psu_strata, weights=z[d], minlength=n_strata)
    means = sums / np.where(n_h > 0, n_h, 1.0)
    dev = z - means[:, psu_strata]
    factor = np.where(alone, 0.0, n_h[psu_strata] / np.maximum(n_h[psu_strata] - 1, 1))
    if lonely is LonelyPsu.ADJUST:
        grand = z.sum(axis=1, keepdims=True) / z.shape[1]
        dev = np.where(alone, z - grand, dev)
        factor = np.where(alone, 1.0, factor)
    out: np.ndarray = (factor * dev**2).sum(axis=1)
    return out


def ratio_scores(y_psu: np.ndarray, x_psu: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Estimates and linearised PSU scores: totals when ``x_psu`` is None, else Y / X."""
    y = y_psu.sum(axis=1)
    if x_psu is None:
        return y, y_psu
    x = x_psu.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(x != 0, y / x, np.nan)
        z = (y_psu - r[:, None] * x_psu) / x[:, None]
    return r, z
