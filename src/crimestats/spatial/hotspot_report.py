"""The result of a hotspot run, as data, and its GeoJSON and JSON forms.

Why one typed result: the CLI prints it, ``--json`` serialises it, ``--out`` writes
it as GeoJSON and ``--html`` draws it; each reads the same fields, so what the map
shows is what the summary states (the CRS, the cell size, the bandwidth and its rule,
the weights, the FDR level, the warnings about rounded coordinates).

GeoJSON follows RFC 7946: WGS84 longitude/latitude (cells are projected back from the
metric CRS with pyproj), exterior rings counter-clockwise. The run's parameters travel
in a foreign member ``crimestats`` of the FeatureCollection.

This is the analysts' grid: every cell, small counts included, never published. The
public map is another thing drawn on the release's hexagons
(:mod:`crimestats.spatial.public_map`); :func:`check_min_count` is its floor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError
from crimestats.output_files import write_text
from crimestats.privacy.threshold import DEFAULT_THRESHOLD
from crimestats.spatial.classify import CellClass, TrendClass
from crimestats.spatial.grid import Grid
from crimestats.spatial.kde import Bandwidth
from crimestats.spatial.local_stats import Contiguity, LocalResult
from crimestats.spatial.projection import ProjectedPoints, to_lonlat
from crimestats.spatial.rates import CellRates
from crimestats.spatial.snapping import CoordinatePrecision, PrecisionWarning

COORDINATE_DECIMALS = 6
"""Decimals of published cell corners (0.1 m): the grid's own vertices, never a point."""


@dataclass(frozen=True)
class Exposure:
    """An exposure layer: weighted WGS84 points (e.g. census block centroids, population)."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    value: NDArray[np.float64]


@dataclass(frozen=True)
class PeriodTrends:
    """Per-cell trend classes across ``periods`` and the number of periods each was hot."""

    periods: tuple[str, ...]
    hot_counts: NDArray[np.int64]
    classes: tuple[TrendClass, ...]


@dataclass(frozen=True)
class HotspotReport:
    """Everything one run computed, per kept cell of ``grid`` (arrays in cell order)."""

    method: str
    projection: ProjectedPoints = field(repr=False)
    grid: Grid = field(repr=False)
    counts: NDArray[np.int64] = field(repr=False)
    precision: CoordinatePrecision
    warnings: tuple[PrecisionWarning, ...]
    fdr: float
    contiguity: Contiguity
    bandwidth: Bandwidth | None = None
    kde: NDArray[np.float64] | None = field(default=None, repr=False)
    local: LocalResult | None = field(default=None, repr=False)
    classes: tuple[CellClass, ...] | None = None
    trends: PeriodTrends | None = None
    rates: CellRates | None = field(default=None, repr=False)

    def summary(self) -> dict[str, Any]:
        """The run's parameters and totals (the ``--json`` output and the GeoJSON header)."""
        classes = {} if self.classes is None else _tally(self.classes)
        out: dict[str, Any] = {
            "method": self.method,
            "points": self.projection.size,
            "crs": f"EPSG:{self.projection.epsg}",
            "crs_name": self.projection.crs_name,
            "crs_chosen": self.projection.how,
            "grid": str(self.grid.kind),
            "cell_size_m": self.grid.cell_size,
            "cells": self.grid.size,
            "grid_columns": self.grid.n_cols,
            "grid_origin_m": [round(self.grid.x0, 3), round(self.grid.y0, 3)],
            "cells_with_points": int((self.counts > 0).sum()),
            "max_count": int(self.counts.max()) if self.counts.size else 0,
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
            "coordinate_step_deg": self.precision.step_deg,
            "repeated_location_share": round(self.precision.repeated_share, 4),
        }
        if self.bandwidth is not None:
            out["bandwidth_m"] = round(self.bandwidth.metres, 3)
            out["bandwidth_rule"] = self.bandwidth.rule
            out["kernel"] = "quartic, unscaled: sum of (1 - (d/h)^2)^2 for d <= h"
        if self.local is not None:
            out["statistic"] = str(self.local.statistic)
            out["weights"] = f"binary {self.contiguity} contiguity of cells"
            out["inference"] = str(self.local.inference)
            out["permutations"] = self.local.permutations
            out["seed"] = self.local.seed
            out["fdr"] = {"method": "Benjamini-Hochberg", "q": self.fdr}
            out["classes"] = classes
        if self.trends is not None:
            out["periods"] = list(self.trends.periods)
            out["trends"] = _tally(self.trends.classes)
        if self.rates is not None:
            out["rate_per"] = self.rates.per
            out["overall_rate"] = self.rates.overall
            out["rate_smoothing"] = "empirical Bayes (Marshall 1991, esda)"
        return out


def _tally(values: tuple[Any, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for value in values:
        found[str(value)] = found.get(str(value), 0) + 1
    return dict(sorted(found.items()))


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 6)


def _cell_properties(report: HotspotReport, i: int) -> dict[str, Any]:
    props: dict[str, Any] = {"cell_id": int(report.grid.cell_id[i]), "n": int(report.counts[i])}
    if report.classes is not None:
        props["class"] = str(report.classes[i])
    if report.trends is not None:
        props["trend"] = str(report.trends.classes[i])
    if report.kde is not None:
        props["kde"] = _number(report.kde[i])
    if report.local is not None:
        local = report.local
        props["value"] = _number(local.value[i])
        props["z"] = _number(local.z[i])
        props["p"] = _number(local.p_analytic[i])
        if local.p_permutation is not None:
            props["p_permutation"] = _number(local.p_permutation[i])
        props["p_fdr"] = _number(local.p_fdr[i])
    if report.trends is not None:
        props["hot_periods"] = int(report.trends.hot_counts[i])
    if report.rates is not None:
        props["exposure"] = _number(report.rates.exposure[i])
        props["rate"] = _number(report.rates.raw[i])
        props["rate_eb"] = _number(report.rates.smoothed[i])
    return props


def _rings_lonlat(report: HotspotReport, cells: list[int]) -> list[list[list[float]]]:
    """Each cell's ring in WGS84, counter-clockwise (RFC 7946), in one pyproj call."""
    if not cells:
        return []
    rings = report.grid.rings()[np.asarray(cells)]
    lon, lat = to_lonlat(rings[..., 0].ravel(), rings[..., 1].ravel(), epsg=report.projection.epsg)
    corners = np.stack([lon, lat], axis=-1).reshape(rings.shape)
    rounded: list[list[list[float]]] = np.round(corners, COORDINATE_DECIMALS).tolist()
    return rounded


PUBLIC_MIN_COUNT_FLOOR = DEFAULT_THRESHOLD + 1
"""The smallest ``--min-count`` of a public map: a published cell never holds a count
the threshold rule withholds from every release table (1 to ``DEFAULT_THRESHOLD``)."""


def check_min_count(min_count: int) -> int:
    """A public map's minimum count: at least :data:`PUBLIC_MIN_COUNT_FLOOR`."""
    if (
        isinstance(min_count, bool)
        or not isinstance(min_count, int)
        or min_count < PUBLIC_MIN_COUNT_FLOOR
    ):
        raise UsageError(
            f"--min-count must be an integer of at least {PUBLIC_MIN_COUNT_FLOOR}, "
            f"got {min_count!r} (the threshold rule withholds counts 1 to {DEFAULT_THRESHOLD})",
            hint="the release maps use 10",
        )
    return min_count


def to_geojson(report: HotspotReport) -> dict[str, Any]:
    """The analysts' grid as an RFC 7946 FeatureCollection (see the module docstring)."""
    cells = list(range(report.grid.size))
    rings = _rings_lonlat(report, cells)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": _cell_properties(report, i),
        }
        for i, ring in zip(cells, rings, strict=True)
    ]
    return {"type": "FeatureCollection", "crimestats": report.summary(), "features": features}


def write_geojson(path: Path, report: HotspotReport, *, force: bool) -> None:
    """Write :func:`to_geojson` atomically (``crimestats.output_files``)."""
    text = json.dumps(to_geojson(report), indent=None)
    write_text(path, text + "\n", overwrite=force, option="--out")


__all__ = [
    "Exposure",
    "HotspotReport",
    "PeriodTrends",
    "check_min_count",
    "to_geojson",
    "write_geojson",
]
