"""Parametric bootstrap of the population estimate, repeating the model selection.

The normal interval of :meth:`ModelFit.interval` treats the chosen model as known. It
is not: a few cases more or less on an overlap can change which terms the stepwise or
BIC search keeps, and with them the estimate. The bootstrap puts that back in.

Each replicate is drawn from the fitted model the way SparseMSE simulates one
(``BICandbootstrapsim``; Chan, Silverman & Vincent 2019, section 3.4): the number of
observed cases is ``Binomial(round(N), sum(mu) / N)`` for the estimated population
``N``, and those cases fall into histories ``Multinomial(n, mu / sum(mu))``. The whole
method (cleaning of non-informative lists, model selection, fit) is then rerun on the
replicate, and the interval is the percentile interval of the replicate totals
(Efron & Tibshirani 1993, ch. 13). Replicates for which no estimate exists are counted
and reported, not silently dropped.

Every draw comes from one ``numpy.random.Generator`` built from the caller's seed, so
the same data, method and seed give the same interval (STYLE.md practice 9).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from crimestats.errors import CrimestatsError, UsageError
from crimestats.mse.capture_histories import CaptureData, IntArray, informative_lists
from crimestats.mse.loglinear import ModelFit
from crimestats.mse.selection import select

#: Above this share of failed replicates the interval is flagged as unreliable.
MAX_FAILED_SHARE = 0.05

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BootstrapInterval:
    """Percentile interval of the bootstrap totals, with what it rests on."""

    replicates: int
    succeeded: int
    seed: int | None
    level: float
    low: float
    high: float
    median: float

    @property
    def failed(self) -> int:
        """Replicates for which the method gave no estimate."""
        return self.replicates - self.succeeded

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values."""
        return {
            "replicates": self.replicates,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "seed": self.seed,
            "level": self.level,
            "low": _finite(self.low),
            "high": _finite(self.high),
            "median": _finite(self.median),
            "kind": "parametric bootstrap, percentile, model selection repeated",
        }


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def simulate_counts(fit: ModelFit, rng: np.random.Generator) -> IntArray:
    """One replicate table of counts drawn from ``fit`` (see the module docstring)."""
    total = fit.total
    seen = float(fit.mu.sum())
    population = max(round(total), 1)
    n = int(rng.binomial(population, min(seen / total, 1.0)))
    return rng.multinomial(n, fit.mu / seen).astype(np.int64)


def replicate_total(data: CaptureData, method: str, pthresh: float) -> float:
    """The method's estimate on one replicate, or NaN when it gives none."""
    if data.observed == 0:
        return math.nan
    try:
        cleaned, _ = informative_lists(data)
    except CrimestatsError:
        return math.nan
    fit = select(cleaned, method, pthresh).fit
    # cases dropped with a non-informative list are still seen cases
    return fit.total + (data.observed - cleaned.observed) if fit.usable else math.nan


def bootstrap_interval(
    data: CaptureData,
    fit: ModelFit,
    method: str,
    *,
    replicates: int,
    seed: int | np.random.Generator | None,
    pthresh: float = 0.02,
    level: float = 0.95,
    progress: Progress | None = None,
) -> BootstrapInterval:
    """Bootstrap ``replicates`` tables from ``fit`` and rerun ``method`` on each.

    ``data`` must be the data ``fit`` was fitted to. ``seed`` may be an int (recorded
    in the result) or a ready generator.
    """
    if replicates < 1:
        raise UsageError("replicates must be at least 1", hint="give 1 or more replicates")
    if not fit.usable:
        raise UsageError(
            "the fit has no estimate to bootstrap from",
            hint="choose a model that gives an estimate (see the warnings), then bootstrap",
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    totals = np.full(replicates, np.nan)
    for k in range(replicates):
        counts = simulate_counts(fit, rng)
        totals[k] = replicate_total(data.with_counts(counts), method, pthresh)
        if progress is not None:
            progress(k + 1, replicates)
    good = totals[np.isfinite(totals)]
    alpha = (1.0 - level) / 2.0
    if len(good):
        low, high, median = (float(q) for q in np.quantile(good, [alpha, 1 - alpha, 0.5]))
    else:
        low = high = median = math.nan
    return BootstrapInterval(
        replicates=replicates,
        succeeded=len(good),
        seed=seed if isinstance(seed, int) else None,
        level=level,
        low=low,
        high=high,
        median=median,
    )


__all__ = [
    "MAX_FAILED_SHARE",
    "BootstrapInterval",
    "bootstrap_interval",
    "replicate_total",
    "simulate_counts",
]
