"""What the masked map reads from the store, read once on a connection the caller holds.

Why apart from ``maps.py``: a release reads the store on one read-only connection (its
lineage, its history, the map's points and areas) and hands the map its inputs; the map
itself never opens the store (issue 12: pass tables, not paths). ``store_map_inputs``
opens a store for callers that have only its path (tests, scripts).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import duckdb

from crimestats.errors import UsageError
from crimestats.geomask import AreaIndex, areas_from_geojson
from crimestats.storage.points import (
    PointGroup,
    area_geometries_on,
    area_levels_on,
    point_groups_on,
)
from crimestats.storage.store import open_store, resolve_db_path


@dataclass(frozen=True)
class MapInputs:
    """The incident points per source and year, and the areas no snapping may cross."""

    groups: tuple[PointGroup, ...]
    areas: AreaIndex | None = None
    area_level: str | None = None


def _areas(con: duckdb.DuckDBPyConnection, method: str, level: str) -> AreaIndex:
    if method != "snap":
        raise UsageError(
            "maps.area_level applies to the snap method only",
            hint="drop area_level, or use method 'snap' (hexagons may straddle areas)",
        )
    geometries = area_geometries_on(con, level)
    if not geometries:
        levels = area_levels_on(con)
        raise UsageError(
            f"the store has no areas with a geometry at level {level!r}",
            hint=f"use one of: {', '.join(levels)}" if levels else "load area polygons first",
        )
    features = [
        {"type": "Feature", "properties": {"area": code}, "geometry": json.loads(text)}
        for code, text in geometries.items()
    ]
    return areas_from_geojson({"type": "FeatureCollection", "features": features}, "area")


def read_map_inputs(
    con: duckdb.DuckDBPyConnection, *, method: str = "h3", area_level: str | None = None
) -> MapInputs:
    """The map's inputs, read on the open store connection ``con``."""
    areas = None if area_level is None else _areas(con, method, area_level)
    return MapInputs(tuple(point_groups_on(con)), areas, area_level)


def store_map_inputs(
    db: str | os.PathLike[str] | None, *, method: str = "h3", area_level: str | None = None
) -> MapInputs:
    """:func:`read_map_inputs` on the store ``db``, opened read-only for this read."""
    with open_store(resolve_db_path(db), read_only=True) as con:
        return read_map_inputs(con, method=method, area_level=area_level)


__all__ = ["MapInputs", "read_map_inputs", "store_map_inputs"]
