"""Incident points for the release's maps: where each incident was, grouped by source and year.

Why a module of its own: the maps (``crimestats.release.maps``) are the only place that
reads exact coordinates out of the store, and they must never write one. Keeping the
read here, next to the schema, means one query decides what counts as a usable point,
and the map code never sees DuckDB (only ``crimestats.storage`` imports it).

A usable point is an incident whose ``lat`` and ``lon`` are both present, finite and in
WGS84 range; the year is that of ``reported_date``, as in the standard tables (the
default period basis of :func:`crimestats.stats.count_table`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import StoreError
from crimestats.storage.store import open_store, resolve_db_path

USABLE_POINT = (
    "lat IS NOT NULL AND lon IS NOT NULL AND isfinite(lat) AND isfinite(lon) "
    "AND lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180"
)


@dataclass(frozen=True)
class PointGroup:
    """The usable incident points of one source and year, and how many had none.

    Attributes
    ----------
    source : str
    year : int
        Calendar year of the report date.
    lats, lons : ndarray
        WGS84 degrees, one per incident with a usable point, sorted by (lat, lon).
    incidents : int
        Every incident of the source and year.
    without_point : int
        Incidents with no usable point (missing, not finite or out of range).
    """

    source: str
    year: int
    lats: NDArray[np.float64] = field(repr=False)
    lons: NDArray[np.float64] = field(repr=False)
    incidents: int
    without_point: int

    @property
    def n_points(self) -> int:
        return int(self.lats.size)


def incident_point_groups(db: str | os.PathLike[str] | None) -> list[PointGroup]:
    """Every (source, year) of the store with its points, sorted by source then year.

    Groups with no usable point are included (empty arrays), so a caller can say so.
    """
    path = resolve_db_path(db)
    with open_store(path, read_only=True) as con:
        totals = con.execute(
            "SELECT source, CAST(year(reported_date) AS INTEGER) AS y, count(*), "
            f"count(*) FILTER (WHERE {USABLE_POINT}) "
            "FROM incidents GROUP BY ALL ORDER BY source, y"
        ).fetchall()
        # only the coordinates per row (no per-row source text: 10M rows stay ~160 MB);
        # both queries run on one read-only connection, so they see the same rows, and
        # the same ORDER BY (source, year) lets the counts slice the arrays
        arrays = con.execute(
            f"SELECT lat, lon FROM incidents WHERE {USABLE_POINT} "
            "ORDER BY source, year(reported_date), lat, lon"
        ).fetchnumpy()
    lats = np.asarray(arrays["lat"], dtype=np.float64)
    lons = np.asarray(arrays["lon"], dtype=np.float64)
    if lats.size != sum(int(row[3]) for row in totals):  # pragma: no cover - an invariant
        raise StoreError(
            "the incident points could not be read consistently",
            hint="make sure no other process writes to the store during a release",
        )
    groups: list[PointGroup] = []
    start = 0
    for source, year, incidents, usable in totals:
        stop = start + int(usable)
        groups.append(
            PointGroup(
                source=str(source),
                year=int(year),
                lats=lats[start:stop].copy(),
                lons=lons[start:stop].copy(),
                incidents=int(incidents),
                without_point=int(incidents) - int(usable),
            )
        )
        start = stop
    return groups


def area_geometries(db: str | os.PathLike[str] | None, level: str) -> dict[str, str]:
    """``{area_code: GeoJSON geometry text}`` of the store's areas at ``level`` with a geometry.

    Sorted by area code, so a caller that builds anything from them is deterministic.
    """
    path = resolve_db_path(db)
    with open_store(path, read_only=True) as con:
        rows = con.execute(
            "SELECT area_code, geometry FROM areas "
            "WHERE level = ? AND geometry IS NOT NULL ORDER BY area_code",
            [level],
        ).fetchall()
    return {str(code): str(geometry) for code, geometry in rows}


def area_levels(db: str | os.PathLike[str] | None) -> list[str]:
    """Levels of the store's areas that have at least one geometry (for error hints)."""
    path = resolve_db_path(db)
    with open_store(path, read_only=True) as con:
        rows = con.execute(
            "SELECT DISTINCT level FROM areas WHERE geometry IS NOT NULL ORDER BY level"
        ).fetchall()
    return [str(level) for (level,) in rows]


__all__ = ["PointGroup", "area_geometries", "area_levels", "incident_point_groups"]
