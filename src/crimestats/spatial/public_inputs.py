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

from crimestats.errors import UsageError
from crimestats.spatial.public_map import PointGroupPair, Steady
from crimestats.spatial.public_page import Boundary

MAP_FILE = "map_h3.csv"
"""The release's hexagon counts (``crimestats.release.maps.H3_FILES``)."""


@dataclass(frozen=True)
class PublicInputs:
    """The groups to map, the release's steady rule, and the area outlines to draw."""

    groups: tuple[PointGroupPair, ...]
    steady: Steady | None
    history_note: str
    boundaries: tuple[Boundary, ...]


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
    from crimestats.storage.spatial_points import selected_points
    from crimestats.storage.store import open_store, resolve_db_path

    path = resolve_db_path(db)
    with open_store(path, read_only=True) as con:
        release_groups = point_groups_on(con)
        earlier = earlier_map(con, MAP_FILE)
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
    return PublicInputs(tuple(pairs), earlier.steady, earlier.note, boundaries)


__all__ = ["MAP_FILE", "PublicInputs", "store_public_inputs"]
