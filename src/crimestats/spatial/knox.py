"""The Knox test of near repeats, with Monte Carlo p-values and Knox ratios per band.

Knox (1964) counts the pairs of events that are close in both space and time; Ratcliffe's
Near Repeat Calculator (Ratcliffe 2009; Johnson et al. 2007) extends it to a table of
distance bands by time bands and judges each cell against tables computed with the dates
shuffled among the places. A cell's **Knox ratio** is observed / mean of the shuffled
tables (the calculator's "observed over mean expected"); its **p-value** is
``(1 + #{shuffled >= observed}) / (permutations + 1)``: the share of tables, the observed
one included, with at least as many pairs (the calculator's "20 iterations" are 19
shuffles plus the observed table, p = 0.05 at best).

The expected count is exact, not simulated: a uniform shuffle of the dates gives each pair
of places a uniformly drawn pair of dates, so the mean over all shuffles of a cell is
``(pairs in its space band) x (pairs in its time band) / (all pairs)``. That is the value
the calculator's mean of 19 shuffles estimates; the mean of this run's shuffles is kept
beside it (``expected_simulated``) and agrees within Monte Carlo error.

Why it is fast enough: a shuffle of dates leaves the places, and so every pair's
distance, unchanged, and it leaves the multiset of dates unchanged, so each time band's
count over *all* pairs is the same in every table. Only the pairs within the largest
spatial edge (found once with a k-d tree) need their time gaps recounted per shuffle; the
open-ended "More than" row is the column total less the rows above it. The cost per
shuffle is the number of close pairs, not n^2 / 2.

Bands and their inclusive edges are those of :mod:`crimestats.spatial.bands`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from crimestats.errors import UsageError
from crimestats.spatial.bands import Bands


class Distance(StrEnum):
    """How far apart two points are: Manhattan (the calculator's default) or Euclidean."""

    MANHATTAN = "manhattan"
    EUCLIDEAN = "euclidean"


@dataclass(frozen=True)
class KnoxResult:
    """A near-repeat table: rows are space bands (same location first), columns time bands.

    Attributes
    ----------
    space, time : Bands
        Row and column bands.
    distance : Distance
    n_points : int
        Events in the test (pairs: ``n (n - 1) / 2``).
    permutations : int
        Shuffles of the dates; ``seed`` makes them reproducible.
    observed : ndarray of int
        Pair counts per (space band, time band).
    expected : ndarray of float
        Mean count over all possible shuffles (exact, see the module docstring).
    expected_simulated : ndarray of float
        Mean count over this run's shuffles (NaN with no permutations).
    knox_ratio : ndarray of float
        ``observed / expected`` (NaN where nothing is expected).
    p_value : ndarray of float
        Monte Carlo p-value of an excess in each cell.
    """

    space: Bands
    time: Bands
    distance: Distance
    n_points: int
    permutations: int
    seed: int | None
    observed: NDArray[np.int64] = field(repr=False)
    expected: NDArray[np.float64] = field(repr=False)
    expected_simulated: NDArray[np.float64] = field(repr=False)
    knox_ratio: NDArray[np.float64] = field(repr=False)
    p_value: NDArray[np.float64] = field(repr=False)

    @property
    def pairs(self) -> int:
        return self.n_points * (self.n_points - 1) // 2

    @property
    def same_location(self) -> NDArray[np.int64]:
        """The observed row of repeats at the same location, kept apart from near repeats."""
        return np.asarray(self.observed[0], dtype=np.int64)


def whole_days(dates: NDArray[np.datetime64]) -> NDArray[np.int64]:
    """Calendar days since 1970-01-01 (a time of day is dropped, as the calculator does)."""
    return np.asarray(np.asarray(dates).astype("datetime64[D]").astype(np.int64), np.int64)


def _check_points(x: NDArray[np.float64], y: NDArray[np.float64], days: NDArray[np.int64]) -> None:
    if not (x.shape == y.shape == days.shape) or x.ndim != 1:
        raise UsageError("x, y and dates must be 1-d and of the same length")
    if x.size < 2:
        raise UsageError(
            f"the Knox test needs at least 2 events with a place and a date, got {x.size}",
            hint="widen the selection (another --iccs code, more data)",
        )
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise UsageError("some coordinates are not finite numbers", hint="drop those rows")


MAX_CLOSE_PAIRS = 50_000_000
"""Pairs within the largest distance band held at once (about 1.2 GB with their bands)."""


def close_pairs(
    x: NDArray[np.float64], y: NDArray[np.float64], limit: float, distance: Distance
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """Every pair ``i < j`` strictly closer than ``limit``, and its exact distance."""
    tree = cKDTree(np.column_stack([x, y]))
    p = 1.0 if distance is Distance.MANHATTAN else 2.0
    # the tree's bound is inclusive and its arithmetic may round; search a hair wider and
    # decide with the exact distance below
    reach = limit * (1 + 1e-9) + 1e-9
    pairs = (int(tree.count_neighbors(tree, reach, p=p)) - x.size) // 2  # counted, not held
    if pairs > MAX_CLOSE_PAIRS:
        raise UsageError(
            f"{pairs:,} pairs of events lie within the largest distance band ({limit:g}); "
            f"at most {MAX_CLOSE_PAIRS:,} can be tested at once",
            hint="use a smaller largest band (near repeats are about short distances), "
            "or fewer events (one --iccs code, one --source)",
        )
    found = tree.query_pairs(reach, p=p, output_type="ndarray")
    i, j = found[:, 0].astype(np.intp), found[:, 1].astype(np.intp)
    dx, dy = np.abs(x[i] - x[j]), np.abs(y[i] - y[j])
    d = dx + dy if distance is Distance.MANHATTAN else np.hypot(dx, dy)
    keep = d < limit
    return i[keep], j[keep], d[keep]


def pairs_by_day_gap(days: NDArray[np.int64]) -> NDArray[np.int64]:
    """``out[g]`` = number of pairs exactly ``g`` days apart, over all pairs.

    From the histogram ``h`` of days: ``sum_k h[k] h[k+g]`` for ``g > 0``, and
    ``sum_k h[k] (h[k] - 1) / 2`` for ``g = 0``; exact integer arithmetic.
    """
    h = np.bincount(days - days.min()).astype(np.int64)
    lags = np.correlate(h, h, mode="full")[h.size - 1 :].copy()
    lags[0] = int((h * (h - 1) // 2).sum())
    return lags


def _column_totals(days: NDArray[np.int64], time: Bands) -> NDArray[np.int64]:
    by_gap = pairs_by_day_gap(days)
    gaps = np.arange(by_gap.size)
    return (
        np.bincount(time.index(gaps), weights=by_gap, minlength=time.size).round().astype(np.int64)
    )


def _table(
    row_base: NDArray[np.intp], gaps: NDArray[np.int64], band_of_gap: NDArray[np.intp],
    shape: tuple[int, int], column_totals: NDArray[np.int64],
) -> NDArray[np.int64]:  # fmt: skip
    """Counts of the close pairs per cell; the last row is what the column totals leave.

    ``row_base`` is each close pair's space band times the number of time bands, and
    ``band_of_gap[g]`` the time band of a gap of ``g`` days (a lookup, not a search: this
    runs once per shuffle over every close pair).
    """
    close = np.bincount(row_base + band_of_gap[gaps], minlength=(shape[0] - 1) * shape[1])
    close = close.reshape(shape[0] - 1, shape[1])
    return np.vstack([close, column_totals - close.sum(axis=0)]).astype(np.int64)


def knox_test(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    days: NDArray[np.int64],
    space: Bands,
    time: Bands,
    *,
    distance: Distance = Distance.MANHATTAN,
    permutations: int = 99,
    seed: int | None = None,
) -> KnoxResult:
    """Observed and Monte Carlo table of pairs by distance band and time band.

    Parameters
    ----------
    x, y : ndarray
        Planar coordinates in the unit of the space bands (metres: project first).
    days : ndarray of int
        Whole days (e.g. :func:`whole_days`).
    space, time : Bands
        From :func:`crimestats.spatial.bands.space_bands` and ``time_bands``.
    permutations : int
        Shuffles of the dates among the places (0: the observed table only).
    seed : int, optional
        Seed of the numpy Generator; the same seed gives the same expected table.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    days = np.asarray(days, dtype=np.int64)
    _check_points(x, y, days)
    if permutations < 0:
        raise UsageError("--permutations must be 0 or more", hint="e.g. --permutations 99")
    i, j, d = close_pairs(x, y, space.edges[-1], distance)
    row_base = space.index(d) * time.size
    band_of_gap = time.index(np.arange(int(days.max() - days.min()) + 1))
    shape = (space.size, time.size)
    totals = _column_totals(days, time)
    observed = _table(row_base, np.abs(days[i] - days[j]), band_of_gap, shape, totals)
    rng = np.random.default_rng(seed)
    sums = np.zeros(observed.shape, dtype=np.float64)
    at_least = np.zeros(observed.shape, dtype=np.int64)
    for _ in range(permutations):
        shuffled = rng.permutation(days)
        table = _table(row_base, np.abs(shuffled[i] - shuffled[j]), band_of_gap, shape, totals)
        sums += table
        at_least += table >= observed
    expected = np.outer(observed.sum(axis=1), totals) / (x.size * (x.size - 1) / 2)
    if permutations:
        simulated = sums / permutations
        p_value = ((1.0 + at_least) / (permutations + 1.0)).astype(np.float64)
    else:
        simulated = np.full(observed.shape, np.nan)
        p_value = np.full(observed.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    return KnoxResult(
        space=space, time=time, distance=distance, n_points=int(x.size),
        permutations=permutations, seed=seed, observed=observed, expected=expected,
        expected_simulated=simulated,
        knox_ratio=ratio, p_value=p_value,
    )  # fmt: skip


__all__ = ["Distance", "KnoxResult", "close_pairs", "knox_test", "pairs_by_day_gap", "whole_days"]
