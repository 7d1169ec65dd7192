"""What the scan statistic scans: locations with cases, population and a place.

Two sources give the same inputs (:class:`~crimestats.spatial.scan.ScanInput`, or
:class:`~crimestats.spatial.scan_spacetime.SpaceTimeInput` with ``time``):

* SaTScan files (:mod:`crimestats.spatial.satscan_files`): cases, population and
  coordinates per location id;
* the store (:mod:`crimestats.spatial.scan_store`): incidents per area and period,
  the store's populations, and each area's place.

Populations by year: the purely spatial scan uses each location's mean over the years
given; the space-time scan uses the year of each period (its first four characters) when
that year is given, else the location's mean. A location with cases but no population or
no place cannot be scanned; it is left out and counted in :class:`Coverage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crimestats.errors import FileRefusedError, UsageError
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
    places = read_coordinates(coords)
    if kind is CoordinateKind.LATLONG:
        for location, (lat, lon) in places.items():
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise FileRefusedError(
                    str(coords),
                    "satscan-line-bad",
                    f"location {location!r}: ({lat:g}, {lon:g}) is not a latitude and "
                    "longitude in degrees",
                    hint="write 'location_id latitude longitude', or use --coords-kind "
                    "cartesian for planar x y",
                )
    return Counts(found, read_population(population), places, kind)


__all__ = [
    "Counts",
    "Coverage",
    "assemble",
    "counts_from_files",
]
