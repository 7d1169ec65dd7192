"""What the scan statistic scans: locations with cases, population and a place.

Two sources give the same inputs (:class:`~crimestats.spatial.scan.ScanInput`, or
:class:`~crimestats.spatial.scan_spacetime.SpaceTimeInput` with ``time``):

* SaTScan files (:mod:`crimestats.spatial.satscan_files`): cases, population and
  coordinates per location id;
* the store: incidents per area (the ``area`` of ``crimestats stats``) and period,
  populations from ``crimestats ingest-population`` (total rows), and each area's place
  from a coordinates file or else the centroid of its polygon (``crimestats ingest-areas``).

Populations by year: the purely spatial scan uses each location's mean over the years
given; the space-time scan uses the year of each period (its first four characters) when
that year is given, else the location's mean. A location with cases but no population or
no place cannot be scanned; it is left out and counted in :class:`Coverage`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crimestats.errors import UsageError
from crimestats.spatial.periods import complete_periods
from crimestats.spatial.satscan_files import read_cases, read_coordinates, read_population
from crimestats.spatial.scan import ScanInput
from crimestats.spatial.scan_spacetime import SpaceTimeInput
from crimestats.spatial.scan_windows import CoordinateKind


@dataclass(frozen=True)
class Coverage:
    """Cases and locations that could not be scanned, and why."""

    cases_without_population: int = 0
    cases_without_place: int = 0
    locations_left_out: int = 0


@dataclass(frozen=True)
class Counts:
    """Cases per (location, period or None), populations per (location, year) and places."""

    cases: dict[tuple[str, str | None], int]
    population: dict[str, dict[str, float]]
    places: dict[str, tuple[float, float]]
    kind: CoordinateKind


def _population_for(years: dict[str, float], period: str | None) -> float:
    if period is not None and period[:4] in years:
        return years[period[:4]]
    return sum(years.values()) / len(years)


def assemble(counts: Counts, *, time: bool) -> tuple[ScanInput | SpaceTimeInput, Coverage]:
    """Locations with a population and a place; the others are counted as left out."""
    located = set(counts.population) & set(counts.places)
    lost_pop = sum(n for (loc, _), n in counts.cases.items() if loc not in counts.population)
    lost_place = sum(
        n
        for (loc, _), n in counts.cases.items()
        if loc in counts.population and loc not in counts.places
    )
    case_locations = {loc for loc, _ in counts.cases}
    ids = tuple(sorted(located, key=lambda s: (len(s), s) if s.isdigit() else (0, s)))
    coverage = Coverage(lost_pop, lost_place, len(case_locations - located))
    a = np.array([counts.places[i][0] for i in ids], dtype=np.float64)
    b = np.array([counts.places[i][1] for i in ids], dtype=np.float64)
    if not time:
        totals: dict[str, int] = {}
        for (loc, _), n in counts.cases.items():
            totals[loc] = totals.get(loc, 0) + n
        cases = np.array([totals.get(i, 0) for i in ids], dtype=np.int64)
        pop = np.array([_population_for(counts.population[i], None) for i in ids])
        return ScanInput(ids, cases, pop, a, b, counts.kind), coverage
    if any(p is None for _, p in counts.cases):
        raise UsageError(
            "--time needs a date on every case line ('location_id cases date')",
            hint="add the dates, or drop --time for a purely spatial scan",
        )
    periods = complete_periods({p for _, p in counts.cases if p is not None})
    if periods is None:
        raise UsageError(
            "the case dates mix years, months and days",
            hint="give every case date at the same precision (e.g. all YYYY/MM)",
        )
    index = {p: t for t, p in enumerate(periods)}
    where = {loc: r for r, loc in enumerate(ids)}
    matrix = np.zeros((len(ids), len(periods)), dtype=np.int64)
    for (loc, period), n in counts.cases.items():
        if loc in where and period is not None:
            matrix[where[loc], index[period]] += n
    pop_matrix = np.array(
        [[_population_for(counts.population[i], p) for p in periods] for i in ids], dtype=np.float64
    ).reshape(len(ids), len(periods))
    return SpaceTimeInput(ids, periods, matrix, pop_matrix, a, b, counts.kind), coverage


def counts_from_files(cases: Path, population: Path, coords: Path, kind: CoordinateKind) -> Counts:
    """SaTScan case, population and coordinates files."""
    found: dict[tuple[str, str | None], int] = {}
    for record in read_cases(cases):
        key = (record.location, record.period)
        found[key] = found.get(key, 0) + record.cases
    return Counts(found, read_population(population), read_coordinates(coords), kind)


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


def counts_from_store(
    db: str | os.PathLike[str] | None,
    *,
    iccs: str | None,
    source: str | None,
    period: str | None,
    date_basis: str,
    coords: Path | None,
    kind: CoordinateKind,
    area_level: str,
) -> Counts:
    """Incidents per area (and period), the store's populations, and the areas' places."""
    from crimestats.storage.points import area_geometries, area_levels
    from crimestats.storage.spatial_reads import area_case_counts, area_total_populations

    rows = area_case_counts(db, iccs=iccs, source=source, period=period, date_basis=date_basis)
    population = {
        area: {str(year): value for year, value in years.items()}
        for area, years in area_total_populations(db).items()
    }
    if not population:
        raise UsageError(
            "the store has no populations to scan against",
            hint="load them with: crimestats ingest-population FILE",
        )
    if coords is not None:
        places = read_coordinates(coords)
    else:
        geometries = area_geometries(db, area_level)
        if not geometries:
            levels = area_levels(db)
            raise UsageError(
                f"the store has no area polygons of level {area_level!r} to place the areas",
                hint="give --coords FILE (area_code x y), load areas with crimestats "
                "ingest-areas" + (f", or use --area-level {levels[0]}" if levels else ""),
            )
        places = {}
        for code, text in geometries.items():
            centre = polygon_centroid(json.loads(text))
            if centre is not None:
                places[code] = centre
        kind = CoordinateKind.LATLONG
    cases = {(area, p): n for area, p, n in rows}
    return Counts(cases, population, places, kind)


__all__ = [
    "Counts",
    "Coverage",
    "assemble",
    "counts_from_files",
    "counts_from_store",
    "polygon_centroid",
]
