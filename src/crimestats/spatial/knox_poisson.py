"""Knox's original 2 x 2 test with its Poisson approximation (Knox 1964).

One distance limit and one time limit, both **inclusive** (closed: ``d <= s`` and
``days <= t``), as in R ``surveillance::knox`` (Meyer, Held & Hoehle 2017). Under no
space-time interaction the number of close pairs is approximately Poisson with mean
``lambda = (pairs close in space) x (pairs close in time) / (all pairs)``. It gives a
second, closed-form view of the same question as the banded Monte Carlo table of
:mod:`crimestats.spatial.knox`, and a published figure to check the pair counting against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import poisson

from crimestats.spatial.knox import Distance, close_pairs, pairs_by_day_gap


@dataclass(frozen=True)
class KnoxPoisson:
    """The 2 x 2 Knox count and its Poisson approximation.

    Attributes
    ----------
    close_pairs : int
        Pairs with ``d <= space_limit`` and ``days <= time_limit``.
    close_in_space, close_in_time, pairs : int
        The margins and the number of all pairs.
    expected : float
        Poisson mean ``close_in_space x close_in_time / pairs``.
    p_at_least : float
        ``P(X >= close_pairs)``, the one-sided p-value of an excess.
    p_more_than : float
        ``P(X > close_pairs)``, what ``surveillance::knox`` prints as its p-value.
    """

    close_pairs: int
    close_in_space: int
    close_in_time: int
    pairs: int
    expected: float
    p_at_least: float
    p_more_than: float


def knox_poisson(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    days: NDArray[np.int64],
    space_limit: float,
    time_limit: int,
    distance: Distance = Distance.MANHATTAN,
) -> KnoxPoisson:
    """Knox's 2 x 2 test with closed limits (``<= space_limit``, ``<= time_limit`` days)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    days = np.asarray(days, dtype=np.int64)
    # close_pairs is strict; the next float above the limit makes it inclusive
    i, j, _ = close_pairs(x, y, float(np.nextafter(space_limit, np.inf)), distance)
    in_time = np.abs(days[i] - days[j]) <= time_limit
    by_gap = pairs_by_day_gap(days)
    n = int(x.size)
    pairs = n * (n - 1) // 2
    close_in_time = int(by_gap[: int(time_limit) + 1].sum())
    expected = i.size * close_in_time / pairs
    observed = int(in_time.sum())
    return KnoxPoisson(
        close_pairs=observed, close_in_space=int(i.size), close_in_time=close_in_time,
        pairs=pairs, expected=float(expected),
        p_at_least=float(poisson.sf(observed - 1, expected)),
        p_more_than=float(poisson.sf(observed, expected)),
    )  # fmt: skip


__all__ = ["KnoxPoisson", "knox_poisson"]
