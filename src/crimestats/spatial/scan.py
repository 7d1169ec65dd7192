"""Kulldorff's circular spatial scan statistic, discrete Poisson model (Kulldorff 1997).

The question: is there a place where the rate (cases per population) is higher than
anywhere-alike chance would make it, and where? Every circle of
:mod:`crimestats.spatial.scan_windows` is scored by its log likelihood ratio; the circle
with the largest is the *most likely cluster*. Its p-value is Monte Carlo: the total of
cases is re-allocated to the locations in proportion to population (multinomial, the
null of a constant rate), the largest LLR of each replicate is kept, and
``p = (1 + #{replicate max >= LLR}) / (replicates + 1)`` (Dwass 1957).

*Secondary clusters* are reported as SaTScan does by default ("no geographical
overlap"): each centre's best circle is a candidate, and the candidates in decreasing
LLR that share no location with a cluster already reported are the clusters, each judged
against the same replicate maxima (so conservative). Checked against SaTScan v9.6
(Cartesian) and 9.3.1 (latitude/longitude) on the New York leukaemia data
(``tests/spatial/test_scan_ny.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError
from crimestats.spatial.scan_windows import (
    CircleWindows,
    CoordinateKind,
    circle_windows,
    poisson_llr,
    relative_risk,
)

_BLOCK_CELLS = 4_000_000
"""Replicates are scored in blocks of at most this many (replicate x window) cells."""


@dataclass(frozen=True)
class ScanCluster:
    """One cluster: the locations of a circle and how unusual its count is.

    ``ids`` are nearest the centre first (the centre itself first), as SaTScan lists them.
    ``periods`` is empty for a purely spatial cluster; for a space-time one it holds the
    labels of the periods of the cylinder.
    """

    ids: tuple[str, ...]
    centre: str
    radius: float
    population: float
    cases: int
    expected: float
    relative_risk: float
    llr: float
    p_value: float | None
    periods: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanResult:
    """The most likely cluster first, then the secondary clusters in decreasing LLR."""

    clusters: tuple[ScanCluster, ...]
    locations: int
    total_cases: int
    total_population: float
    max_population_share: float
    permutations: int
    seed: int | None
    windows: int
    kind: str = "spatial"


@dataclass(frozen=True)
class ScanInput:
    """Locations with their cases, population and coordinates, checked to be usable."""

    ids: tuple[str, ...]
    cases: NDArray[np.int64]
    population: NDArray[np.float64]
    a: NDArray[np.float64]
    b: NDArray[np.float64]
    kind: CoordinateKind

    def __post_init__(self) -> None:
        n = len(self.ids)
        if not (self.cases.shape[0] == self.population.size == self.a.size == self.b.size == n):
            raise UsageError("cases, populations and coordinates must cover the same locations")
        if n < 2:
            raise UsageError("a scan needs at least 2 locations", hint="give more areas")
        if (self.population < 0).any() or not np.isfinite(self.population).all():
            raise UsageError("populations must be finite and not negative")
        if self.population.sum() <= 0:
            raise UsageError("the total population is 0", hint="check the population file")
        if (self.cases < 0).any():
            raise UsageError("case counts must not be negative")
        empty = [self.ids[k] for k in np.flatnonzero((self.population == 0) & (self.cases > 0))]
        if empty:
            raise UsageError(
                f"{len(empty)} location(s) have cases but no population, e.g. {empty[0]!r}",
                hint="give those locations their population, or leave their cases out",
            )
        if not (np.isfinite(self.a).all() and np.isfinite(self.b).all()):
            raise UsageError("some coordinates are not finite numbers")


def _window_llrs(
    windows: CircleWindows, cases: NDArray[np.int64], pop_share: NDArray[np.float64], total: int
) -> list[NDArray[np.float64]]:
    out = []
    for order, sizes in zip(windows.order, windows.sizes, strict=True):
        c = np.cumsum(cases[order])[sizes - 1]
        e = total * np.cumsum(pop_share[order])[sizes - 1]
        out.append(poisson_llr(c, e, total))
    return out


def replicate_maxima(
    windows: CircleWindows,
    pop_share: NDArray[np.float64],
    total: int,
    replicates: int,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """The largest LLR of each replicate: ``total`` cases spread by population share."""
    widest = max((int(o.size) for o in windows.order), default=1)
    block = max(1, min(replicates, _BLOCK_CELLS // max(widest, 1)))
    maxima = np.zeros(replicates, dtype=np.float64)
    expected = [
        total * np.cumsum(pop_share[o])[s - 1]
        for o, s in zip(windows.order, windows.sizes, strict=True)
    ]
    for start in range(0, replicates, block):
        stop = min(replicates, start + block)
        sims = rng.multinomial(total, pop_share, size=stop - start)
        best = np.zeros(stop - start, dtype=np.float64)
        for order, sizes, e in zip(windows.order, windows.sizes, expected, strict=True):
            if sizes.size == 0:
                continue
            c = np.cumsum(sims[:, order], axis=1)[:, sizes - 1]
            np.maximum(best, poisson_llr(c, e, total).max(axis=1), out=best)
        maxima[start:stop] = best
    return maxima


def non_overlapping(
    windows: CircleWindows, llrs: list[NDArray[np.float64]], max_clusters: int
) -> list[tuple[int, int]]:
    """``(centre, window)`` of the clusters, as SaTScan chooses them.

    Each centre offers one candidate, its best circle (the smallest among equal LLRs: a
    larger circle replaces it only with a strictly higher LLR, as the radius grows);
    candidates are taken in decreasing LLR, skipping any that shares a location with one
    already taken (SaTScan's default "no geographical overlap"). A smaller circle round a
    centre whose best circle overlaps an earlier cluster is never offered: so a lesser
    circle is not reported however high its own LLR (see docs/spatial-nearrepeat-scan.md,
    the New York long/lat run).
    """
    candidates: list[tuple[float, int, int]] = []
    for centre, values in enumerate(llrs):
        if values.size:
            k = int(np.argmax(values))  # the first maximum: the smallest circle
            candidates.append((float(values[k]), centre, k))
    candidates.sort(key=lambda t: -t[0])  # stable: equal LLRs keep the centres' order
    taken = np.zeros(len(windows.order), dtype=bool)
    chosen: list[tuple[int, int]] = []
    for value, centre, k in candidates:
        if value <= 0 or len(chosen) >= max_clusters:
            break
        members = windows.order[centre][: windows.sizes[centre][k]]
        if taken[members].any():
            continue
        taken[members] = True
        chosen.append((centre, k))
    return chosen


def spatial_scan(
    data: ScanInput,
    *,
    max_population_share: float = 0.5,
    permutations: int = 999,
    seed: int | None = None,
    max_clusters: int = 10,
) -> ScanResult:
    """The most likely and secondary high-rate clusters of a purely spatial Poisson scan.

    Parameters
    ----------
    data : ScanInput
        Cases and population per location, and where each location is.
    max_population_share : float
        Largest share of the total population a circle may hold (0 < share <= 0.5).
    permutations : int
        Monte Carlo replicates under the null (0: no p-values).
    seed : int, optional
        Seed of the numpy Generator; the same seed gives the same p-values.
    max_clusters : int
        At most this many clusters (most likely first). Circles with LLR 0 are never
        reported, nor (as in SaTScan) a secondary cluster every replicate beats (p = 1).
    """
    if permutations < 0:
        raise UsageError("--permutations must be 0 or more", hint="e.g. --permutations 999")
    cases = np.asarray(data.cases, dtype=np.int64)
    total = int(cases.sum())
    if total == 0:
        raise UsageError("there are no cases to scan", hint="check the case file or selection")
    pop_share = data.population / data.population.sum()
    windows = circle_windows(data.a, data.b, data.population, max_population_share, data.kind)
    llrs = _window_llrs(windows, cases, pop_share, total)
    chosen = non_overlapping(windows, llrs, max_clusters)
    maxima = (
        replicate_maxima(windows, pop_share, total, permutations, np.random.default_rng(seed))
        if permutations and chosen
        else np.zeros(0)
    )
    clusters: list[ScanCluster] = []
    for centre, k in chosen:
        members = windows.order[centre][: windows.sizes[centre][k]]
        c = int(cases[members].sum())
        e = float(total * pop_share[members].sum())
        llr = float(llrs[centre][k])
        p = float((1 + (maxima >= llr - 1e-9).sum()) / (permutations + 1)) if permutations else None
        if p is not None and p >= 1.0 and clusters:
            break  # every replicate beat it: SaTScan reports no such secondary cluster
        clusters.append(
            ScanCluster(
                ids=tuple(data.ids[m] for m in members),
                centre=data.ids[centre],
                radius=float(windows.radii[centre][k]),
                population=float(data.population[members].sum()),
                cases=c,
                expected=e,
                relative_risk=relative_risk(c, e, total),
                llr=llr,
                p_value=p,
            )
        )
    return ScanResult(
        clusters=tuple(clusters), locations=len(data.ids), total_cases=total,
        total_population=float(data.population.sum()),
        max_population_share=max_population_share, permutations=permutations, seed=seed,
        windows=windows.count,
    )  # fmt: skip


__all__ = [
    "ScanCluster",
    "ScanInput",
    "ScanResult",
    "non_overlapping",
    "replicate_maxima",
    "spatial_scan",
]
