"""Replicate-weight variances: BRR, Fay's BRR, JK1, JKn and the bootstrap.

Why replicates: some surveys publish no strata or PSUs (they would identify areas) but a
set of replicate weights; an estimate is recomputed with each, and the spread of the
replicate estimates is its variance:
``v = scale * sum_r rscale_r * (theta_r - c)^2``, with c the full-sample estimate
(``center: full``, R ``survey``'s ``mse=TRUE``, what the RECS and most agencies use) or the
mean of the replicates (``center: mean``). The default scale of each method is R
``survey``'s: BRR 1/R; Fay 1/(R (1 - rho)^2); JK1 (R - 1)/R; bootstrap 1/(R - 1);
JKn 1 with ``rscales`` (n_h - 1)/n_h given per replicate in the design file.
"""

from __future__ import annotations

import numpy as np

from crimestats.survey.design import ReplicateMethod, VarianceDesign


def default_scale(design: VarianceDesign) -> float:
    """The scale of the design, or its method's default."""
    if design.scale is not None:
        return design.scale
    r = len(design.replicates)
    match design.method:
        case ReplicateMethod.BRR:
            return 1.0 / r
        case ReplicateMethod.FAY:
            return 1.0 / (r * (1.0 - design.rho) ** 2)
        case ReplicateMethod.JK1:
            return (r - 1.0) / r
        case ReplicateMethod.BOOTSTRAP:
            return 1.0 / (r - 1.0)
        case _:
            return 1.0


def variance(full: np.ndarray, reps: np.ndarray, design: VarianceDesign) -> np.ndarray:
    """Variance of each estimate ``full`` (domains) from its replicates (domains x R)."""
    rscales = np.asarray(design.rscales) if design.rscales else np.ones(reps.shape[1])
    centre = full[:, None] if design.center == "full" else reps.mean(axis=1, keepdims=True)
    out: np.ndarray = default_scale(design) * ((reps - centre) ** 2 * rscales).sum(axis=1)
    return out
