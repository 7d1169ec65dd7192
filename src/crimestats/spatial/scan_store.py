"""The scan statistic's inputs from the store: cases per area, populations, places.

Two ways to count, as ``crimestats stats`` counts:

* without ``area_level``: incidents per recorded area code (the ``area`` field), the
  areas' own populations (total rows of ``crimestats ingest-population``), and each area
  placed at the centroid of its polygon of level ``area`` (``crimestats ingest-areas``'
  default level) unless ``--coords`` places them;
* with ``area_level``: the counts of :func:`crimestats.stats.count_table` at that level
  of the areas tree (an incident counts in the ancestor of its area, or in the polygon
  holding its point when it has no area code), and populations rolled up the tree as the
  rates of that table are (:func:`crimestats.stats.hierarchy.roll_up_populations`: the
  children's sum only when every child has one), the areas placed at their polygons'
  centroids at that level.

An ICCS code selects incidents with an offence coded to it or below it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from crimestats.errors import UsageError
from crimestats.spatial.satscan_files import read_coordinates
from crimestats.spatial.scan_inputs import Counts
from crimestats.spatial.scan_windows import CoordinateKind
from crimestats.spatial.selection import iccs_field


def polygon_centroid(geometry: dict[str, object]) -> tuple[float, float] | None:
    """``(lat, lon)`` of the area-weighted centroid of a GeoJSON (multi)polygon, holes out."""
    from crimestats.geomask.areas import polygons_of

    polygons = polygons_of(geometry)
    if not polygons:
        return None
    weight = cx = cy = 0.0
    # relative to one vertex: the cross products of small numbers keep their precision,
    # so areas on a regular grid get centroids that are exactly as far apart as they look
    origin = np.asarray(polygons[0][0][0], dtype=np.float64)[:2]
    for polygon in polygons:
        for number, ring in enumerate(polygon):
            xy = np.asarray(ring, dtype=np.float64)[:, :2] - origin
            x, y = xy[:, 0], xy[:, 1]
            x2, y2 = np.roll(x, -1), np.roll(y, -1)
            cross = x * y2 - x2 * y
            area = abs(cross.sum()) / 2
            if area == 0:
                continue
            sign = 1.0 if number == 0 else -1.0  # holes take their area away
            cx += sign * area * ((x + x2) * cross).sum() / (6 * cross.sum() / 2)
            cy += sign * area * ((y + y2) * cross).sum() / (6 * cross.sum() / 2)
            weight += sign * area
    if weight <= 0:
        return None
    return float(origin[1] + cy / weight), float(origin[0] + cx / weight)


def _places(db: str | os.PathLike[str] | None, level: str) -> dict[str, tuple[float, float]]:
    from crimestats.storage.points import area_geometries, area_levels

    geometries = area_geometries(db, level)
    if not geometries:
        levels = area_levels(db)
        raise UsageError(
            f"the store has no area polygons of level {level!r} to place the areas",
            hint="give --coords FILE (area_code x y), load areas with crimestats "
            "ingest-areas" + (f", or use --area-level {levels[0]}" if levels else ""),
        )
    places = {}
    for code, text in geometries.items():
        centre = polygon_centroid(json.loads(text))
        if centre is not None:
            places[code] = centre
    return places


def _counts_at_level(
    db: str | os.PathLike[str] | None, level: str, iccs: str | None, source: str | None,
    period: str | None, date_basis: str,
) -> tuple[dict[tuple[str, str | None], int], dict[str, dict[str, float]]]:  # fmt: skip
    """Cases per (area at ``level``, period) from the stats engine, and rolled-up populations."""
    from crimestats.stats import count_table
    from crimestats.stats.hierarchy import read_tree, roll_up_populations
    from crimestats.storage.spatial_reads import area_total_populations

    by = ["area", *([iccs_field(iccs)] if iccs else []), *([period] if period else [])]
    table = count_table(db, by=by, source=source, period_basis=date_basis, area_level=level)
    cases: dict[tuple[str, str | None], int] = {}
    for row in table.table.to_pylist():
        if row["area"] is None or (iccs and row[by[1]] != iccs):
            continue
        key = (str(row["area"]), str(row[period]) if period else None)
        cases[key] = cases.get(key, 0) + int(row["count"])
    own = [
        (area, year, None, None, value)
        for area, years in area_total_populations(db).items()
        for year, value in years.items()
    ]
    rolled = roll_up_populations(read_tree(db), level, own)
    population: dict[str, dict[str, float]] = {}
    for area, year, sex, age, value in rolled.rows:
        if sex is None and age is None:
            population.setdefault(area, {})[str(year)] = value
    return cases, population


def counts_from_store(
    db: str | os.PathLike[str] | None,
    *,
    iccs: str | None,
    source: str | None,
    period: str | None,
    date_basis: str,
    coords: Path | None,
    kind: CoordinateKind,
    area_level: str | None,
) -> Counts:
    """Incidents per area (and period), the areas' populations, and their places."""
    from crimestats.storage.spatial_reads import area_case_counts, area_total_populations

    if iccs is not None:
        iccs_field(iccs)  # a code of a level, checked before the store is opened
    if area_level is None:
        rows = area_case_counts(db, iccs=iccs, source=source, period=period, date_basis=date_basis)
        cases = {(area, p): n for area, p, n in rows}
        population = {
            area: {str(year): value for year, value in years.items()}
            for area, years in area_total_populations(db).items()
        }
    else:
        cases, population = _counts_at_level(db, area_level, iccs, source, period, date_basis)
    if not population:
        raise UsageError(
            "the store has no populations to scan against"
            + (f" at level {area_level!r}" if area_level else ""),
            hint="load them with: crimestats ingest-population FILE",
        )
    if coords is not None:
        return Counts(cases, population, read_coordinates(coords), kind)
    places = _places(db, area_level or "area")
    return Counts(cases, population, places, CoordinateKind.LATLONG)


__all__ = ["counts_from_store", "polygon_centroid"]
