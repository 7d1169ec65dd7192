"""The prospective space-time scan statistic, discrete Poisson model (Kulldorff 2001).

The question for a watch: is there a place where the rate has been high *lately*? The
windows are cylinders: a circle of :mod:`crimestats.spatial.scan_windows` (up to the
largest population share) by a run of periods that ends with the last period of the
study (prospective: only clusters still alive at its end count), from 1 period up to
the largest time share (50 % of the periods by default, as SaTScan).

Expected counts are adjusted for the time trend nonparametrically (SaTScan's
"nonparametric temporal adjustment"): each period's cases are spread over the locations
in proportion to that period's population, ``e[l, t] = C_t p[l, t] / P_t``, so a month
busy everywhere is no cluster and only a *local* excess is. Each cylinder is scored with
the Poisson LLR on the total ``C`` (Kulldorff 2001, eq. 2); Monte Carlo replicates
re-allocate each period's cases by population (multinomial per period), and clusters are
reported as in :mod:`crimestats.spatial.scan` (most likely, then no shared location).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError
from crimestats.spatial.scan import ScanCluster, ScanResult, non_overlapping
from crimestats.spatial.scan_windows import (
    CircleWindows,
    CoordinateKind,
    circle_windows,
    poisson_llr,
    relative_risk,
)

_BLOCK_CELLS = 4_000_000


@dataclass(frozen=True)
class SpaceTimeInput:
    """Cases and population per (location, period); periods in time order."""

    ids: tuple[str, ...]
    periods: tuple[str, ...]
    cases: NDArray[np.int64] = field(repr=False)
    population: NDArray[np.float64] = field(repr=False)
    a: NDArray[np.float64] = field(repr=False)
    b: NDArray[np.float64] = field(repr=False)
    kind: CoordinateKind = CoordinateKind.CARTESIAN

    def __post_init__(self) -> None:
        shape = (len(self.ids), len(self.periods))
        if self.cases.shape != shape or self.population.shape != shape:
            raise UsageError("cases and populations must be given per location and period")
        if len(self.periods) < 2:
            raise UsageError(
                "a space-time scan needs at least 2 periods",
                hint="give dated cases over more periods, or drop --time for a spatial scan",
            )
        if (self.population < 0).any() or not np.isfinite(self.population).all():
            raise UsageError("populations must be finite and not negative")
        if (self.population.sum(axis=0) <= 0).any():
            raise UsageError(
                "some period has no population", hint="give populations of every period"
            )
        if (self.cases < 0).any():
            raise UsageError("case counts must not be negative")
        if ((self.population == 0) & (self.cases > 0)).any():
            raise UsageError(
                "some location has cases in a period in which its population is 0",
                hint="give every location with cases a population for that period",
            )


def _suffix(values: NDArray[np.float64], longest: int) -> NDArray[np.float64]:
    """``out[..., span-1]`` = sum of the last ``span`` periods, for ``span = 1..longest``."""
    return np.asarray(np.cumsum(values[..., ::-1], axis=-1)[..., :longest], np.float64)


def _expected(data: SpaceTimeInput) -> NDArray[np.float64]:
    share = data.population / data.population.sum(axis=0, keepdims=True)
    return np.asarray(share * data.cases.sum(axis=0, keepdims=True), dtype=np.float64)


def _cylinders(
    windows: CircleWindows, by_location: NDArray[np.float64]
) -> list[NDArray[np.float64]]:
    """Per centre, ``(window, length)`` sums of a ``(location, length)`` table."""
    return [
        np.cumsum(by_location[order], axis=0)[sizes - 1]
        for order, sizes in zip(windows.order, windows.sizes, strict=True)
    ]


def _replicate_maxima(
    data: SpaceTimeInput, windows: CircleWindows, expected: list[NDArray[np.float64]],
    longest: int, replicates: int, rng: np.random.Generator,
) -> NDArray[np.float64]:  # fmt: skip
    total = int(data.cases.sum())
    per_period = data.cases.sum(axis=0)
    share = data.population / data.population.sum(axis=0, keepdims=True)
    widest = max((int(o.size) for o in windows.order), default=1)
    block = max(1, min(replicates, _BLOCK_CELLS // max(widest * longest, 1)))
    maxima = np.zeros(replicates)
    for start in range(0, replicates, block):
        size = min(replicates, start + block) - start
        draws = [
            rng.multinomial(int(per_period[t]), share[:, t], size=size)
            for t in range(share.shape[1])
        ]
        sims = np.stack(draws, axis=-1)
        recent = _suffix(sims.astype(np.float64), longest)
        best = np.zeros(size)
        for order, sizes, e in zip(windows.order, windows.sizes, expected, strict=True):
            if sizes.size:
                c = np.cumsum(recent[:, order, :], axis=1)[:, sizes - 1, :]
                np.maximum(best, poisson_llr(c, e, total).reshape(size, -1).max(axis=1), out=best)
        maxima[start : start + size] = best
    return maxima


def spacetime_scan(
    data: SpaceTimeInput,
    *,
    max_population_share: float = 0.5,
    max_time_share: float = 0.5,
    permutations: int = 999,
    seed: int | None = None,
    max_clusters: int = 10,
) -> ScanResult:
    """Most likely and secondary clusters among cylinders ending at the last period."""
    if not 0 < max_time_share <= 0.9:
        raise UsageError("the largest time share must be more than 0 and at most 0.9")
    if permutations < 0:
        raise UsageError("--permutations must be 0 or more", hint="e.g. --permutations 999")
    total = int(data.cases.sum())
    if total == 0:
        raise UsageError("there are no cases to scan", hint="check the case file or selection")
    periods = len(data.periods)
    longest = max(1, int(np.floor(max_time_share * periods)))
    mean_pop = data.population.mean(axis=1)
    windows = circle_windows(data.a, data.b, mean_pop, max_population_share, data.kind)
    cases_recent = _suffix(data.cases.astype(np.float64), longest)
    expected = _cylinders(windows, _suffix(_expected(data), longest))
    observed = _cylinders(windows, cases_recent)
    llrs = [poisson_llr(c, e, total) for c, e in zip(observed, expected, strict=True)]
    # cylinders of one circle share its locations, so each circle competes with its best
    # run of periods (the shortest among equals), then circles as in the spatial scan
    best_span = [np.argmax(m, axis=1) if m.size else np.zeros(0, np.intp) for m in llrs]
    best = [m.max(axis=1) if m.size else np.zeros(0) for m in llrs]
    chosen = [(i, k, int(best_span[i][k])) for i, k in non_overlapping(windows, best, max_clusters)]
    maxima = (
        _replicate_maxima(
            data, windows, expected, longest, permutations, np.random.default_rng(seed)
        )
        if permutations and chosen
        else np.zeros(0)
    )
    clusters: list[ScanCluster] = []
    for i, k, span in chosen:
        members = windows.order[i][: windows.sizes[i][k]]
        c, e, llr = int(observed[i][k, span]), float(expected[i][k, span]), float(llrs[i][k, span])
        p = float((1 + (maxima >= llr - 1e-9).sum()) / (permutations + 1)) if permutations else None
        if p is not None and p >= 1.0 and clusters:
            break
        clusters.append(
            ScanCluster(
                ids=tuple(data.ids[m] for m in members),
                centre=data.ids[i],
                radius=float(windows.radii[i][k]),
                population=float(mean_pop[members].sum()),
                cases=c,
                expected=e,
                relative_risk=relative_risk(c, e, total),
                llr=llr,
                p_value=p,
                periods=data.periods[periods - span - 1 :],
            )
        )
    return ScanResult(
        clusters=tuple(clusters), locations=len(data.ids), total_cases=total,
        total_population=float(mean_pop.sum()), max_population_share=max_population_share,
        permutations=permutations, seed=seed, windows=windows.count * longest, kind="space-time",
    )  # fmt: skip


__all__ = ["SpaceTimeInput", "spacetime_scan"]
