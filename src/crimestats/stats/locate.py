"""Which polygon area a point lies in, for many points at once (numpy).

Containment is the even-odd ray casting of :mod:`crimestats.geomask.areas` (one
implementation: :func:`crimestats.geomask.areas.points_in_ring`), here applied area by
area with a bounding-box pre-filter, so that ten thousand census-block centroids against
a city's precincts (tens of thousands of vertices) take well under a second.
Coordinates are planar ``(lon, lat)``, as GeoJSON area files mean for areas a few
kilometres across; a point exactly on a shared edge may fall either side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crimestats.geomask.areas import points_in_ring, polygons_of


def points_in_geometry(lons: Any, lats: Any, geometry: Mapping[str, Any]) -> Any:
    """Boolean array: which points lie in a Polygon / MultiPolygon (holes excluded)."""
    import numpy as np

    lons = np.asarray(lons, dtype=np.float64)
    lats = np.asarray(lats, dtype=np.float64)
    result = np.zeros(len(lons), dtype=bool)
    for rings in polygons_of(geometry) or []:
        if not rings:
            continue
        outer = np.asarray([[float(p[0]), float(p[1])] for p in rings[0]])
        box = (
            (lons >= outer[:, 0].min())
            & (lons <= outer[:, 0].max())
            & (lats >= outer[:, 1].min())
            & (lats <= outer[:, 1].max())
        )
        candidates = np.flatnonzero(box & ~result)
        if not len(candidates):
            continue
        inside = points_in_ring(lons[candidates], lats[candidates], rings[0])
        for hole in rings[1:]:
            inside &= ~points_in_ring(lons[candidates], lats[candidates], hole)
        result[candidates[inside]] = True
    return result


def locate(
    lons: Any, lats: Any, areas: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[str | None]:
    """The code of the first area (in the order given) containing each point, or None."""
    import numpy as np

    lons = np.asarray(lons, dtype=np.float64)
    lats = np.asarray(lats, dtype=np.float64)
    found: list[str | None] = [None] * len(lons)
    todo = np.ones(len(lons), dtype=bool)
    for code, geometry in areas:
        open_ = np.flatnonzero(todo)
        if not len(open_):
            break
        inside = points_in_geometry(lons[open_], lats[open_], geometry)
        for i in open_[inside]:
            found[int(i)] = code
        todo[open_[inside]] = False
    return found
