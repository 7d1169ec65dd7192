"""The one noise mechanism: OpenDP's discrete Laplace over a vector of counts.

``opendp.measurements.make_laplace`` on ``vector_domain(atom_domain(i64))`` with the
``l1_distance`` metric adds independent discrete Laplace (two-sided geometric) noise to
each count (Ghosh, Roughgarden & Sundararajan 2012; Canonne, Kamath & Steinke 2020).
If one privacy unit can change the counts by at most ``sensitivity`` in L1 distance,
noise of scale ``b = sensitivity / epsilon`` gives pure epsilon-DP (Dwork & Roth 2014,
Theorem 3.6). OpenDP's own privacy map, not our formula, decides: the scale is nudged
up until ``measurement.map(sensitivity) <= epsilon``.

Randomness: OpenDP samples from the operating system's CSPRNG and offers **no seed**
(a seedable sampler would let anyone who learns the seed remove the noise). DP releases
are therefore *not* byte-reproducible; to republish a release identically, keep its
released (noisy) values and reuse them, never redraw. Do not store the noise itself
next to a release: noise and release together give back the true counts.

opendp is the ``privacy`` extra, so it is imported here, lazily, and nowhere else.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from crimestats.dp.ledger import check_epsilon
from crimestats.errors import UsageError

MECHANISM: Final = "discrete Laplace (opendp.measurements.make_laplace, vector of i64 counts)"
"""How releases name their mechanism in metadata."""

OPENDP_MAX_INT: Final = 2**63 - 1


def _opendp() -> Any:
    try:
        import opendp.prelude as dp
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise UsageError(
            "differentially private releases need the opendp library",
            hint="install the privacy extra: pip install 'crimestats[privacy]'",
        ) from exc
    dp.enable_features("contrib")
    return dp


@dataclass(frozen=True)
class LaplaceCounts:
    """A calibrated discrete Laplace mechanism for vectors of counts.

    Attributes
    ----------
    scale
        The discrete Laplace scale ``b``: noise ``k`` has probability proportional to
        ``exp(-|k| / b)``.
    epsilon
        The privacy loss OpenDP's privacy map reports for ``sensitivity`` (<= the
        epsilon asked for).
    sensitivity
        The L1 sensitivity the mechanism is calibrated for.
    """

    scale: float
    epsilon: float
    sensitivity: int
    _measurement: Any

    def __call__(self, counts: Sequence[int]) -> list[int]:
        """Return ``counts`` with independent noise added to each (fresh draw each call)."""
        if not counts:
            return []
        return [int(v) for v in self._measurement(list(counts))]

    def accuracy(self, alpha: float = 0.05) -> float:
        """The (1 - alpha) half-width of one cell's noise (see :func:`cell_accuracy`)."""
        return cell_accuracy(self.scale, alpha)

    def accuracy_of_sum(self, cells: int, alpha: float = 0.05) -> float:
        """The (1 - alpha) half-width of a sum of cells (see :func:`sum_accuracy`)."""
        return sum_accuracy(self.scale, cells, alpha)


def cell_accuracy(scale: float, alpha: float = 0.05) -> float:
    """Half-width ``a`` with ``P[|noise| >= a] = alpha`` for discrete Laplace noise of
    ``scale``, from OpenDP's ``discrete_laplacian_scale_to_accuracy``.

    Its floor keeps the coverage, as OpenDP's documentation notes.
    """
    return _cell_accuracy(float(scale), float(alpha))


@functools.lru_cache(maxsize=256)
def _cell_accuracy(scale: float, alpha: float) -> float:
    """Cached: a deterministic function of its arguments, asked for once per release."""
    return float(_opendp().discrete_laplacian_scale_to_accuracy(scale, alpha))


def sum_accuracy(scale: float, cells: int, alpha: float = 0.05) -> float:
    """A conservative (1 - alpha) half-width for a sum of ``cells`` noised, clamped cells.

    Clamping at zero only moves a cell toward its true (non-negative) count, so each
    cell's error is at most its noise in absolute value, and the error of a sum is at
    most ``S = sum |noise_i|``. Two rigorous bounds on ``S``, of which the smaller is
    returned:

    * the union bound: every cell within ``cell_accuracy(alpha / cells)`` with
      probability >= ``1 - alpha``, so ``S <= cells * cell_accuracy(alpha / cells)``;
    * the Chernoff bound ``P[S >= a] <= exp(-t a) E[exp(t |X|)]^cells`` for any
      ``0 < t < 1/scale``, where for discrete Laplace ``X`` with ``q = exp(-1/scale)``,
      ``E[exp(t |X|)] = (1 - q)(1 + q e^t) / ((1 + q)(1 - q e^t))``; minimised over a
      grid of ``t`` (any ``t`` gives a valid bound).

    The bound covers the upward bias that clamping gives sparse tables, so it grows
    about linearly with ``cells``: derived margins of mostly-zero tables are imprecise.
    """
    if cells <= 0:
        return 0.0
    return _sum_accuracy(float(scale), int(cells), float(alpha))


@functools.lru_cache(maxsize=256)
def _sum_accuracy(scale: float, cells: int, alpha: float) -> float:
    """Cached: a deterministic function of its arguments, asked for once per margin shape."""
    if cells == 1:
        return cell_accuracy(scale, alpha)
    union = cells * cell_accuracy(scale, alpha / cells)
    return min(union, _chernoff_abs_sum(scale, cells, alpha))


def _chernoff_abs_sum(scale: float, cells: int, alpha: float, grid: int = 2000) -> float:
    q = math.exp(-1.0 / scale)
    log_alpha = math.log(alpha)
    best = math.inf
    for step in range(1, grid):
        t = step / (grid * scale)  # 0 < t < 1/scale, so q e^t < 1
        qe = q * math.exp(t)
        log_mgf = math.log1p(-q) - math.log1p(q) + math.log1p(qe) - math.log1p(-qe)
        best = min(best, (cells * log_mgf - log_alpha) / t)
    return best


def laplace_for_counts(*, epsilon: float, sensitivity: int) -> LaplaceCounts:
    """Build the discrete Laplace mechanism that spends at most ``epsilon``.

    Parameters
    ----------
    epsilon
        The privacy loss allowed for this release (pure DP), finite and > 0.
    sensitivity
        The most one privacy unit can change the vector of counts, in L1 distance:
        for counts where a unit adds at most one to a cell, the most cells one unit
        is counted in (computed by the caller).
    """
    if isinstance(sensitivity, bool) or not isinstance(sensitivity, int) or sensitivity < 1:
        raise UsageError(
            f"sensitivity must be an integer >= 1, got {sensitivity!r}",
            hint="use the most cells (summed changes) one privacy unit can affect",
        )
    epsilon = check_epsilon(epsilon)
    return _calibrated(epsilon, sensitivity)


@functools.lru_cache(maxsize=64)
def _calibrated(epsilon: float, sensitivity: int) -> LaplaceCounts:
    """The calibrated mechanism, cached: calibration is deterministic and takes milliseconds.

    Caching holds no randomness: each call of the returned mechanism draws fresh noise.
    """
    dp = _opendp()
    space = dp.vector_domain(dp.atom_domain(T="i64")), dp.l1_distance(T="i64")
    scale = sensitivity / epsilon
    measurement = dp.m.make_laplace(*space, scale=scale)
    # OpenDP rounds its privacy map up; nudge the scale until the map fits the budget.
    for _ in range(64):
        if measurement.map(sensitivity) <= epsilon:
            break
        scale = math.nextafter(scale, math.inf)
        measurement = dp.m.make_laplace(*space, scale=scale)
    else:  # pragma: no cover - OpenDP's rounding is a few ulps at most
        raise UsageError(f"could not calibrate noise for epsilon={epsilon!r}")
    return LaplaceCounts(
        scale=scale,
        epsilon=float(measurement.map(sensitivity)),
        sensitivity=sensitivity,
        _measurement=measurement,
    )


__all__ = ["MECHANISM", "LaplaceCounts", "cell_accuracy", "laplace_for_counts", "sum_accuracy"]
