"""Multiple testing across series: Benjamini-Hochberg false discovery rate control.

Why: a store run tests tens of thousands of series at once; at alpha 0.05 each, hundreds
would alarm by chance alone. Benjamini & Hochberg (1995, JRSS B 57:289) keep the expected
share of false alarms among the alarms at ``q``. Computed by ``statsmodels``
(``multipletests(method="fdr_bh")``), valid for independent or positively dependent tests
(Benjamini & Yekutieli 2001) -- neighbouring areas' counts rise together more often than
they trade off, so positive dependence is the plausible case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from statsmodels.stats.multitest import multipletests

from crimestats.errors import UsageError


@dataclass(frozen=True)
class FdrResult:
    """``reject`` per test at level ``q``; ``adjusted`` the BH-adjusted p-values."""

    reject: NDArray[np.bool_]
    adjusted: NDArray[np.float64]
    q: float


def benjamini_hochberg(pvalues: NDArray[np.float64], q: float) -> FdrResult:
    """BH at level ``q`` over ``pvalues`` (NaN = not tested: never rejected, adjusted NaN)."""
    if not 0 < q <= 1:
        raise UsageError(f"--fdr must be in (0, 1], got {q}", hint="use --fdr 0.05")
    p = np.asarray(pvalues, dtype=float)
    tested = ~np.isnan(p)
    reject = np.zeros(len(p), dtype=bool)
    adjusted = np.full(len(p), np.nan)
    if tested.any():
        flags, corrected, _, _ = multipletests(
            np.clip(p[tested], 0.0, 1.0), alpha=q, method="fdr_bh"
        )
        reject[tested] = flags
        adjusted[tested] = corrected
    return FdrResult(reject, adjusted, q)
