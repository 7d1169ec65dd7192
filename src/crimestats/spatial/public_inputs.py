"""What the public hotspot map reads from the store: the release's groups and history.

Why apart from :mod:`crimestats.spatial.public_map` (which takes arrays): the complement
rule needs, per source and year, both the selected incidents and every incident the
release's map counts (``crimestats.storage.points``, the release's own read), and the
release's last published hexagons (``crimestats.release.map_history``) so that an
unchanged hexagon shows the count the release shows. Everything is read through the
store's own functions: one rule of a usable point, one rule of what ``--iccs``,
``--since`` and ``--until`` select.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crimestats.errors import UsageError
from crimestats.spatial.public_map import PointGroupPair, Steady
from crimestats.spatial.public_page import Boundary

DATAPACKAGE = "datapackage.json"
"""The release's descriptor (``crimestats.release.package.DATAPACKAGE``)."""
MAP_FILE = "map_h3.csv"
"""The release's hexagon counts (``crimestats.release.maps.H3_FILES``)."""


@dataclass(frozen=True)
class PublicInputs:
    """The groups to map, the release's steady rule, and the area outlines to draw.

    ``release_parameters`` is ``(h3_resolution, min_count)`` of the last recorded
    release's hexagon map (its ``datapackage.json``), or ``None`` when there is none.
    """

    groups: tuple[PointGroupPair, ...]
    steady: Steady | None
    history_note: str
    boundaries: tuple[Boundary, ...]
    release_parameters: tuple[int, int] | None = None


def _release_parameters(map_path: str | None) -> tuple[int, int] | None:
    """The resolution and minimum count the release's map states in its datapackage."""
    if map_path is None:
        return None
    try:
        package = json.loads((Path(map_path).parent / DATAPACKAGE).read_text(encoding="utf-8"))
        for resource in package.get("resources", []):
            if resource.get("path") == MAP_FILE:
                found = resource["crimestats"]["parameters"]
                return int(found["h3_resolution"]), int(found["min_count"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None


def check_parameters(
    release: tuple[int, int] | None, resolution: int | None, min_count: int | None
) -> tuple[int, int]:
    """The public map's resolution and minimum count: the release's, unless none exists.

    A value given that differs from the release's is refused: hexagons pooled at another
    resolution or threshold could be subtracted from the release's own.
    """
    from crimestats.spatial.public_map import DEFAULT_H3_RESOLUTION, DEFAULT_MIN_COUNT

    if release is None:
        return (
            DEFAULT_H3_RESOLUTION if resolution is None else resolution,
            DEFAULT_MIN_COUNT if min_count is None else min_count,
        )
    given = (
        release[0] if resolution is None else resolution,
        release[1] if min_count is None else min_count,
    )
    if given != release:
        raise UsageError(
            f"the last recorded release's map uses H3 resolution {release[0]} and minimum "
            f"count {release[1]}; a public map with resolution {given[0]} and minimum count "
            f"{given[1]} could be subtracted from it",
            hint="leave --h3-resolution and --min-count out "
            f"(or give {release[0]} and {release[1]})",
        )
    return release


def _overlap(year: int, since: date | None, until: date | None) -> tuple[date, date] | None:
    first = max(date(year, 1, 1), since or date.min)
    last = min(date(year, 12, 31), until or date.max)
    return (first, last) if first <= last else None


def store_public_inputs(
    db: str | os.PathLike[str] | None,
    *,
    iccs: str | None = None,
    source: str | None = None,
    since: date | None = None,
    until: date | None = None,
    area_level: str | None = None,
) -> PublicInputs:
    """Per source and year of the selection: the selected points and the release's."""
    from crimestats.release.map_history import earlier_map
    from crimestats.storage.points import area_geometries_on, area_levels_on, point_groups_on
    from crimestats.storage.releases import last_recorded_file
    from crimestats.storage.spatial_points import selected_points
    from crimestats.storage.store import open_store, resolve_db_path

    path = resolve_db_path(db)
    with open_store(path, read_only=True) as con:
        release_groups = point_groups_on(con)
        earlier = earlier_map(con, MAP_FILE)
        recorded = last_recorded_file(con, MAP_FILE)
        outlines: dict[str, str] = {}
        if area_level is not None:
            outlines = area_geometries_on(con, area_level)
            if not outlines:
                levels = area_levels_on(con)
                raise UsageError(
                    f"the store has no areas with a geometry at level {area_level!r}",
                    hint=f"use one of: {', '.join(levels)}" if levels else "leave --area-level out",
                )
    pairs: list[PointGroupPair] = []
    for group in release_groups:
        if source is not None and group.source != source:
            continue
        span = _overlap(group.year, since, until)
        if span is None or group.n_points == 0:
            continue
        chosen = selected_points(path, iccs=iccs, source=group.source, since=span[0], until=span[1])
        pairs.append(
            PointGroupPair(
                source=group.source,
                year=group.year,
                lats=chosen.lats,
                lons=chosen.lons,
                whole_lats=group.lats,
                whole_lons=group.lons,
            )
        )
    boundaries = tuple(Boundary(code, json.loads(text)) for code, text in outlines.items())
    parameters = _release_parameters(None if recorded is None else recorded[0])
    return PublicInputs(tuple(pairs), earlier.steady, earlier.note, boundaries, parameters)


__all__ = ["MAP_FILE", "PublicInputs", "check_parameters", "store_public_inputs"]
