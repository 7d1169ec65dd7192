"""Area polygons: which area a point lies in, by ray casting, and ring orientation.

shapely is not a dependency of crimestats, so containment is the classic even-odd
ray-casting test (Shimrat 1962, "Algorithm 112: position of point relative to polygon";
the form used here is W. Randolph Franklin's PNPOLY). It treats coordinates as planar
``(lon, lat)``, which is what GeoJSON area files mean for areas a few kilometres across.
Points exactly on an edge may fall either side; give areas that share edges the same
vertices and each point lands in exactly one of them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crimestats.geomask.points import MaskingError

Ring: TypeAlias = Sequence[Sequence[float]]
"""A closed or open ring of GeoJSON ``[lon, lat]`` positions."""


def point_in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Even-odd ray-casting test of ``(lon, lat)`` against one ring.

    >>> square = [(0, 0), (1, 0), (1, 1), (0, 1)]
    >>> point_in_ring(0.5, 0.5, square), point_in_ring(1.5, 0.5, square)
    (True, False)
    """
    if not _in_box(lon, lat, ring):
        return False
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = float(ring[i][0]), float(ring[i][1])
        xj, yj = float(ring[j][0]), float(ring[j][1])
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _in_box(lon: float, lat: float, ring: Ring) -> bool:
    """Whether ``(lon, lat)`` is in the ring's bounding box (edges included).

    Why test it first: a point outside the box is outside the ring, but the ray casting's
    crossing abscissa is rounded, and on a degenerate ring (a zero-area sliver of
    subnormal coordinates) it can count a point left of every vertex as inside. Both ray
    castings (one point, arrays of points) take the box first, so they agree everywhere.
    """
    xs = [float(p[0]) for p in ring]
    ys = [float(p[1]) for p in ring]
    return min(xs) <= lon <= max(xs) and min(ys) <= lat <= max(ys)


def point_in_polygon(lon: float, lat: float, rings: Sequence[Ring]) -> bool:
    """Whether ``(lon, lat)`` is inside a GeoJSON polygon (exterior ring, then holes)."""
    if not rings or not point_in_ring(lon, lat, rings[0]):
        return False
    return not any(point_in_ring(lon, lat, hole) for hole in rings[1:])


def signed_area(ring: Ring) -> float:
    """Shoelace signed area of a ``[lon, lat]`` ring: positive when counter-clockwise."""
    total = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        total += x1 * y2 - x2 * y1
    return total / 2.0


def orient_clockwise(rings: Sequence[Ring]) -> list[list[list[float]]]:
    """Exterior ring clockwise, holes counter-clockwise, each ring closed.

    Vega-Lite's geoshape (d3-geo) reads a counter-clockwise exterior as "everything but
    this area" and paints the world; DESIGN.md section 10 asks for clockwise exteriors,
    as ``shapely.orient_polygons(..., exterior_cw=True)`` would give.
    """
    out: list[list[list[float]]] = []
    for index, ring in enumerate(rings):
        coords = [[float(p[0]), float(p[1])] for p in ring]
        if coords and coords[0] != coords[-1]:
            coords.append(list(coords[0]))
        clockwise = signed_area(coords) < 0
        if clockwise != (index == 0):
            coords.reverse()
        out.append(coords)
    return out


_BLOCK = 1_000_000
"""Point-edge pairs per numpy step in :func:`points_in_ring` (a few tens of MB)."""


def points_in_ring(x: NDArray[np.float64], y: NDArray[np.float64], ring: Ring) -> NDArray[np.bool_]:
    """:func:`point_in_ring` for arrays of points: edge ``(j, i)`` with ``j = i - 1``.

    The one vectorised ray casting of crimestats (geographic masking and the area of a
    point in :mod:`crimestats.stats.locate` both use it).
    """
    xy = np.asarray([[float(p[0]), float(p[1])] for p in ring], dtype=np.float64)
    xi, yi = xy[:, 0], xy[:, 1]
    xj, yj = np.roll(xi, 1), np.roll(yi, 1)
    out = np.zeros(x.size, dtype=bool)
    step = max(1, _BLOCK // max(1, xi.size))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # +-inf compares right
        for start in range(0, x.size, step):
            px = x[start : start + step, None]
            py = y[start : start + step, None]
            crosses = (yi > py) != (yj > py)
            crosses &= px < (xj - xi) * (py - yi) / (yj - yi) + xi
            out[start : start + step] = (crosses.sum(axis=1) % 2) == 1
    if xy.size:  # outside the bounding box is outside (see _in_box)
        out &= (x >= xi.min()) & (x <= xi.max()) & (y >= yi.min()) & (y <= yi.max())
    return out


def polygons_of(geometry: Mapping[str, Any]) -> list[list[Ring]] | None:
    """The polygons (each a list of rings) of a GeoJSON geometry; None if it has no area."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [list(geometry["coordinates"])]
    if kind == "MultiPolygon":
        return [list(polygon) for polygon in geometry["coordinates"]]
    return None


def _polygons_of(geometry: Mapping[str, Any]) -> list[list[Ring]]:
    polygons = polygons_of(geometry)
    if polygons is not None:
        return polygons
    kind = geometry.get("type")
    raise MaskingError(
        f"area geometry of type {kind!r} cannot contain points",
        hint="give areas as GeoJSON Polygon or MultiPolygon geometries",
    )


@dataclass(frozen=True)
class AreaIndex:
    """Callable ``(lat, lon) -> area key or None`` over GeoJSON area polygons.

    Build it with :func:`areas_from_geojson`; pass it as ``area_of_point`` to
    :func:`~crimestats.geomask.build_snap_points`. A bounding-box test comes first, so a
    city's wards (tens of polygons) answer in microseconds per point.

    >>> index = AreaIndex.from_mapping({"A": {"type": "Polygon",
    ...     "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}})
    >>> index(0.5, 0.5), index(2.0, 2.0)
    ('A', None)
    """

    keys: tuple[Hashable, ...]
    polygons: tuple[tuple[list[Ring], ...], ...]
    boxes: tuple[tuple[float, float, float, float], ...] = field(repr=False)

    @classmethod
    def from_mapping(cls, geometries: Mapping[Hashable, Mapping[str, Any]]) -> AreaIndex:
        """Index ``{key: GeoJSON geometry}``."""
        keys, polygons, boxes = [], [], []
        for key, geometry in geometries.items():
            parts = tuple(_polygons_of(geometry))
            xs = [float(p[0]) for part in parts for p in part[0]]
            ys = [float(p[1]) for part in parts for p in part[0]]
            if not xs:
                raise MaskingError(f"area {key!r} has an empty polygon", hint="drop it")
            keys.append(key)
            polygons.append(parts)
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
        return cls(tuple(keys), tuple(polygons), tuple(boxes))

    def locate(self, lats: ArrayLike, lons: ArrayLike) -> list[Hashable | None]:
        """:meth:`__call__` for many points at once, vectorised with numpy.

        The same even-odd rule on the same ``[lon, lat]`` vertices, so each point gets
        the same key as ``index(lat, lon)``; a city's precincts (tens of thousands of
        vertices) against thousands of points take a fraction of a second instead of
        seconds in pure Python.
        """
        y = np.asarray(lats, dtype=np.float64).ravel()
        x = np.asarray(lons, dtype=np.float64).ravel()
        found: list[Hashable | None] = [None] * x.size
        open_rows = np.ones(x.size, dtype=bool)
        for key, parts, (x0, y0, x1, y1) in zip(self.keys, self.polygons, self.boxes, strict=True):
            rows = np.flatnonzero(open_rows & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
            if rows.size == 0:
                continue
            inside = np.zeros(rows.size, dtype=bool)
            for part in parts:
                in_part = points_in_ring(x[rows], y[rows], part[0])
                for hole in part[1:]:
                    in_part &= ~points_in_ring(x[rows], y[rows], hole)
                inside |= in_part
            for row in rows[inside].tolist():
                found[row] = key
            open_rows[rows[inside]] = False
        return found

    def with_known(
        self, lats: ArrayLike, lons: ArrayLike, *, outside: Hashable | None = None
    ) -> KnownAreas:
        """This index as an ``area_of_point`` with the given points looked up at once.

        ``outside`` is the key of points in no area (None: such points are suppressed by
        :func:`~crimestats.geomask.build_snap_points`; a key: they form a region of their
        own, snapped among themselves and never into an area).
        """
        y = np.asarray(lats, dtype=np.float64).ravel()
        x = np.asarray(lons, dtype=np.float64).ravel()
        keys = self.locate(y, x)
        known = dict(zip(zip(y.tolist(), x.tolist(), strict=True), keys, strict=True))
        return KnownAreas(self, known, outside)

    def __call__(self, lat: float, lon: float) -> Hashable | None:
        """The key of the first area containing ``(lat, lon)``, or None."""
        for key, parts, (x0, y0, x1, y1) in zip(self.keys, self.polygons, self.boxes, strict=True):
            if (
                x0 <= lon <= x1
                and y0 <= lat <= y1
                and any(point_in_polygon(lon, lat, part) for part in parts)
            ):
                return key
        return None


@dataclass(frozen=True)
class KnownAreas:
    """``(lat, lon) -> area key`` from an :class:`AreaIndex`, with known points cached.

    Made by :meth:`AreaIndex.with_known`. A point not among the known ones is looked up
    in the index; a point in no area gets ``outside``.
    """

    index: AreaIndex
    known: Mapping[tuple[float, float], Hashable | None] = field(repr=False)
    outside: Hashable | None = None

    def __call__(self, lat: float, lon: float) -> Hashable | None:
        point = (float(lat), float(lon))
        key = self.known[point] if point in self.known else self.index(lat, lon)
        return self.outside if key is None else key


def areas_from_geojson(collection: Mapping[str, Any], key_property: str) -> AreaIndex:
    """An :class:`AreaIndex` from a GeoJSON FeatureCollection, keyed by a property."""
    geometries: dict[Hashable, Mapping[str, Any]] = {}
    for number, feature in enumerate(collection.get("features", [])):
        properties = feature.get("properties") or {}
        if key_property not in properties:
            raise MaskingError(
                f"area feature {number} has no property {key_property!r}",
                hint="name the property that identifies each area (e.g. a ward code)",
            )
        key = properties[key_property]
        if key in geometries:
            raise MaskingError(f"area {key!r} appears twice", hint="dissolve it into one")
        geometries[key] = feature["geometry"]
    return AreaIndex.from_mapping(geometries)


__all__ = [
    "AreaIndex",
    "KnownAreas",
    "areas_from_geojson",
    "orient_clockwise",
    "point_in_polygon",
    "point_in_ring",
    "points_in_ring",
    "polygons_of",
    "signed_area",
]
