"""The hotspot analysis as one call: project, grid, count, smooth, test, classify.

Every step is a module of its own (``projection``, ``grid``, ``kde``, ``local_stats``,
``classify``, ``rates``, ``snapping``); this module runs them in order on WGS84 points
and gathers the result into a :class:`~crimestats.spatial.hotspot_report.HotspotReport`.
It takes arrays, not a store, so the same analysis runs on the store's points and on
any points file.

Methods (``--method``): ``count`` (points per cell), ``kde`` (quartic kernel),
``gistar`` (Getis-Ord Gi* on the counts, the default of hotspot maps) and ``lisa``
(local Moran on the counts). Counts are always reported; KDE is reported for ``kde``;
the local statistic and the hot/cold classes for ``gistar`` and ``lisa``. With dates
and a ``period``, Gi* (or local Moran) is computed per period on the same grid and the
cells get a trend class (``classify.classify_trends``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError
from crimestats.spatial.classify import DEFAULT_FDR_Q, CellClass, check_q, classify_cells
from crimestats.spatial.classify import classify_trends as _classify_trends
from crimestats.spatial.grid import GridKind, count_points, make_grid
from crimestats.spatial.hotspot_report import Exposure, HotspotReport, PeriodTrends
from crimestats.spatial.kde import BandwidthRule, choose_bandwidth, quartic_kde
from crimestats.spatial.local_stats import (
    Contiguity,
    LocalResult,
    Statistic,
    local_statistic,
    neighbour_graph,
)
from crimestats.spatial.projection import project
from crimestats.spatial.rates import eb_rates, exposure_per_cell
from crimestats.spatial.snapping import (
    PrecisionWarning,
    coordinate_precision,
    precision_warnings,
)


class Method(StrEnum):
    """What ``crimestats hotspots`` computes per cell."""

    COUNT = "count"
    KDE = "kde"
    GISTAR = "gistar"
    LISA = "lisa"


class Period(StrEnum):
    """Length of the periods compared for trend classes."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class HotspotOptions:
    """Every choice of one run; the defaults are those the docs (docs/spatial.md) explain."""

    method: Method = Method.GISTAR
    grid: GridKind = GridKind.SQUARE
    cell_size: float | None = None
    bandwidth: float | None = None
    bandwidth_rule: BandwidthRule = BandwidthRule.NRD
    epsg: int | None = None
    contiguity: Contiguity = Contiguity.QUEEN
    permutations: int = 0
    fdr: float = DEFAULT_FDR_Q
    seed: int = 0
    period: Period | None = None
    aligned: bool = False
    """A grid on the CRS-wide lattice (public maps: see :mod:`crimestats.spatial.grid`)."""


def period_labels(dates: NDArray[np.datetime64], period: Period) -> NDArray[np.str_]:
    """``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` of each date.

    >>> period_labels(np.array(["2019-02-03", "2019-11-30"], dtype="datetime64[D]"),
    ...               Period.QUARTER).tolist()
    ['2019-Q1', '2019-Q4']
    """
    months = dates.astype("datetime64[M]").astype(np.int64)
    years = months // 12 + 1970
    if period is Period.YEAR:
        return years.astype(str)
    if period is Period.MONTH:
        return np.array([f"{y:04d}-{m % 12 + 1:02d}" for y, m in zip(years, months, strict=True)])
    return np.array([f"{y:04d}-Q{m % 12 // 3 + 1}" for y, m in zip(years, months, strict=True)])


def permutation_warnings(local: LocalResult, q: float) -> list[PrecisionWarning]:
    """A warning when too few permutations leave the FDR unable to call any single cell.

    N permutations cannot give a two-sided p below ``2 / (N + 1)``; with m cells,
    Benjamini-Hochberg calls a lone extreme cell only if its p is at most ``q / m``.
    """
    if local.p_permutation is None:
        return []
    floor, cells = 2 / (local.permutations + 1), local.value.size
    if floor <= q / cells:
        return []
    needed = math.ceil(2 * cells / q)
    return [
        PrecisionWarning(
            "permutations-too-few",
            f"{local.permutations} permutations give p-values of at least {floor:.2g}; "
            f"with {cells:,} cells at FDR q = {q:g} a cell needs p <= {q / cells:.2g} "
            f"unless many cells are as extreme, so few or no cells can be called: use "
            f"--permutations {needed:,} or more, larger cells, or analytic p-values",
        )
    ]


_STATISTIC = {Method.GISTAR: Statistic.GI_STAR, Method.LISA: Statistic.LOCAL_MORAN}


def _trends(
    statistic: Statistic,
    index: NDArray[np.int64],
    labels: NDArray[np.str_],
    size: int,
    graph: object,
    options: HotspotOptions,
) -> PeriodTrends:
    """Per-period local statistics on one grid, then the trend class of each cell."""
    periods = sorted(set(labels.tolist()))
    if len(periods) < 2:
        raise UsageError(
            f"the points span one {options.period} only ({periods[0] if periods else '-'})",
            hint="give a longer span or a shorter --period",
        )
    hot = np.zeros((len(periods), size), dtype=bool)
    z = np.zeros((len(periods), size))
    for row, label in enumerate(periods):
        inside = (labels == label) & (index >= 0)
        counts = np.bincount(index[inside], minlength=size).astype(float)
        if np.ptp(counts) == 0:
            continue  # nothing to compare in this period: no cell is hot
        result = local_statistic(
            statistic, counts, graph, permutations=options.permutations, seed=options.seed
        )
        z[row] = result.z
        hot[row] = [c is CellClass.HOT for c in classify_cells(result, options.fdr)]
    return PeriodTrends(
        periods=tuple(periods),
        hot_counts=hot.sum(axis=0).astype(np.int64),
        classes=tuple(_classify_trends(hot, z)),
    )


def analyse(
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    options: HotspotOptions,
    *,
    dates: NDArray[np.datetime64] | None = None,
    exposure: Exposure | None = None,
) -> HotspotReport:
    """Run the hotspot analysis of ``options`` on WGS84 points (see the module docstring)."""
    check_q(options.fdr)
    if options.permutations < 0:
        raise UsageError(
            f"--permutations must be 0 or more, got {options.permutations}",
            hint="0 for analytic p-values, or e.g. 999",
        )
    if options.period is not None and dates is None:
        raise UsageError("--period needs dates", hint="points files need --date COLUMN for periods")
    points = project(lon, lat, epsg=options.epsg)
    grid = make_grid(points.x, points.y, options.grid, options.cell_size, aligned=options.aligned)
    index_counts = count_points(grid, points.x, points.y)
    precision = coordinate_precision(lon, lat, points.x, points.y)
    warnings = precision_warnings(precision, grid.cell_size)
    report = HotspotReport(
        method=options.method,
        projection=points,
        grid=grid,
        counts=index_counts,
        precision=precision,
        warnings=tuple(warnings),
        fdr=options.fdr,
        contiguity=options.contiguity,
    )
    if options.method is Method.KDE:
        bandwidth = choose_bandwidth(
            points.x, points.y, given=options.bandwidth, rule=options.bandwidth_rule
        )
        values = quartic_kde(grid.x, grid.y, points.x, points.y, bandwidth.metres)
        report = replace(report, bandwidth=bandwidth, kde=values)
    local: LocalResult | None = None
    if options.method in _STATISTIC:
        statistic = _STATISTIC[options.method]
        star = statistic is Statistic.GI_STAR
        graph = neighbour_graph(grid, options.contiguity, include_self=star)
        local = local_statistic(
            statistic,
            index_counts.astype(float),
            graph,
            permutations=options.permutations,
            seed=options.seed,
        )
        report = replace(
            report,
            local=local,
            classes=tuple(classify_cells(local, options.fdr)),
            warnings=report.warnings + tuple(permutation_warnings(local, options.fdr)),
        )
        if options.period is not None and dates is not None:
            from crimestats.spatial.grid import assign

            labels = period_labels(dates, options.period)
            index = assign(grid, points.x, points.y)
            trends = _trends(statistic, index, labels, grid.size, graph, options)
            report = replace(report, trends=trends)
    if exposure is not None:
        ex, ey = project(exposure.lon, exposure.lat, like=points).xy().T
        per_cell = exposure_per_cell(grid, ex, ey, exposure.value)
        report = replace(report, rates=eb_rates(index_counts.astype(float), per_cell))
    return report


__all__ = ["HotspotOptions", "Method", "Period", "analyse", "period_labels"]
