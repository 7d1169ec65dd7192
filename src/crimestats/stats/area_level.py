"""``--area-level``: the Ibis side of area hierarchies (see :mod:`crimestats.stats.hierarchy`).

:func:`prepare_area_level` reads the tree, maps every area code to its ancestor at the
level, and places the distinct coordinates of incidents without an area code in the
polygon areas (finest first). :func:`relabel` swaps an incidents table's ``area_code``
for the level area through two left joins on those small mappings, so counts by
``area`` are counts by the level's areas on any Ibis backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from crimestats.errors import UsageError
from crimestats.geomask.areas import polygons_of
from crimestats.stats.hierarchy import AreaTree
from crimestats.stats.locate import locate


@dataclass(frozen=True)
class AreaLevel:
    """A level of the area tree and the mappings that put incidents in its areas."""

    level: str
    tree: AreaTree
    code_map: Any  # pyarrow.Table: m_code, m_area (NULL: in the tree, no ancestor at level)
    point_map: Any  # pyarrow.Table: m_lat, m_lon, m_parea (distinct placed points)


def prepare_area_level(tree: AreaTree, con: Any, level: str, source: str | None) -> AreaLevel:
    """Build the mappings for ``level`` (``tree``: :func:`read_tree` of the store)."""
    import pyarrow as pa

    if level not in tree.levels():
        known = ", ".join(tree.levels()) or "(none: the areas table is empty)"
        raise UsageError(
            f"no areas of level {level!r} in the store",
            hint=f"levels in the areas table: {known} (load areas with crimestats ingest-areas)",
        )
    codes = sorted(tree.level)
    code_map = pa.table(
        {
            "m_code": pa.array(codes, pa.string()),
            "m_area": pa.array([tree.at_level(c, level) for c in codes], pa.string()),
        }
    )
    lats, lons, placed = _place_points(con, tree, level, source)
    point_map = pa.table(
        {
            "m_lat": pa.array(lats, pa.float64()),
            "m_lon": pa.array(lons, pa.float64()),
            "m_parea": pa.array(placed, pa.string()),
        }
    )
    return AreaLevel(level, tree, code_map, point_map)


def _place_points(
    con: Any, tree: AreaTree, level: str, source: str | None
) -> tuple[list[float], list[float], list[str | None]]:
    """Distinct coordinates of incidents without an area, placed in the level's areas."""
    polygons = tree.polygons_below(level)
    if not polygons:
        return [], [], []
    xs, ys = [], []
    for _, geometry in polygons:
        for rings in polygons_of(geometry) or []:
            xs += [float(p[0]) for p in rings[0]]
            ys += [float(p[1]) for p in rings[0]]
    inc = con.table("incidents")
    if source is not None:
        inc = inc.filter(inc.source == source)
    inc = inc.filter(
        inc.area_code.isnull()
        & inc.lat.between(min(ys), max(ys))
        & inc.lon.between(min(xs), max(xs))
    )
    points = inc.select("lat", "lon").distinct().to_pyarrow()
    lats = points.column("lat").to_pylist()
    lons = points.column("lon").to_pylist()
    found = locate(lons, lats, polygons)
    keep = [i for i, code in enumerate(found) if code is not None]
    return (
        [lats[i] for i in keep],
        [lons[i] for i in keep],
        [tree.at_level(str(found[i]), level) for i in keep],
    )


def relabel(incidents: Any, area_level: AreaLevel, flags: bool = False) -> Any:
    """``incidents`` with ``area_code`` replaced by its area at the level (NULL if none).

    With ``flags``, adds ``m_recorded`` (an area code was recorded), ``m_known`` (it is in
    the areas table) and ``m_placed`` (the area came from the coordinates), for metadata.
    """
    import ibis

    codes = ibis.memtable(area_level.code_map).mutate(m_known=ibis.literal(True))
    points = ibis.memtable(area_level.point_map)
    t = incidents.left_join(codes, incidents.area_code == codes.m_code)
    t = t.left_join(points, [t.area_code.isnull(), t.lat == points.m_lat, t.lon == points.m_lon])
    extra = {}
    if flags:
        extra = {
            "m_recorded": t.area_code.notnull(),
            "m_known": t.m_known.fill_null(False),
            "m_placed": t.m_parea.notnull(),
        }
    columns = [c for c in incidents.columns if c != "area_code"]
    return t.select(*columns, area_code=ibis.coalesce(t.m_area, t.m_parea), **extra)


class Placement(TypedDict):
    """The ``area_hierarchy`` part of a table's metadata (:func:`placement`).

    ``incidents`` counts the incidents in scope by how they got an area at ``level``
    (``by_recorded_area``, ``placed_by_coordinates``, ...) or why they did not.
    """

    level: str
    areas_at_level: int
    incidents: dict[str, int]


def placement(con: Any, area_level: AreaLevel, source: str | None) -> Placement:
    """How the incidents in scope got (or did not get) an area at the level."""
    inc = con.table("incidents")
    if source is not None:
        inc = inc.filter(inc.source == source)
    t = relabel(inc, area_level, flags=True)
    counts = {
        "by_recorded_area": t.m_recorded & t.area_code.notnull(),
        "placed_by_coordinates": t.m_placed,
        "recorded_area_has_no_ancestor_at_level": t.m_known & t.area_code.isnull(),
        "recorded_area_not_in_areas_table": t.m_recorded & ~t.m_known,
        "no_area_and_not_placed": ~t.m_recorded & ~t.m_placed,
    }
    row = t.aggregate(**{k: v.cast("int64").sum() for k, v in counts.items()}).to_pyarrow()
    found = {k: int(v[0] or 0) for k, v in row.to_pydict().items()}
    return {
        "level": area_level.level,
        "areas_at_level": len(area_level.tree.codes_at(area_level.level)),
        "incidents": found,
    }
