"""Aggregate points to H3 hexagons with a minimum count per published cell.

Each point is counted in its H3 cell at the asked ``resolution`` (Uber's H3, Brodsky
2018; cell areas per resolution at https://h3geo.org/docs/core-library/restable). A cell
with at least ``min_count`` points is published. The points of the cells below it are
pooled in their parent cell, one resolution coarser; a parent whose pool reaches
``min_count`` is published with the pooled count, and what is still too small moves up
again, at most ``max_merge_levels`` times. What is left is suppressed and only its total
is reported.

A merged feature's polygon is the union of the parent's fine cells that no other feature
covers (the parent with holes where its big children are published), so the features
never overlap and every point lies inside the polygon it is counted in. The polygon
includes empty fine cells too, so it does not reveal which of the small cells had points.
Only the H3 grid's own vertices are published, never an input coordinate.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from crimestats.geojson import (
    AreaGeometry,
    Feature,
    FeatureCollection,
    Ring,
    feature_collection,
)
from crimestats.geomask.areas import orient_clockwise
from crimestats.geomask.points import MaskingError, Points, as_latlon, haversine_m
from crimestats.geomask.report import MaskingReport, displacement_summary

MAX_RESOLUTION = 15


@dataclass(frozen=True)
class HexCell:
    """One published hexagon, or a pooled parent standing for its small children.

    Attributes
    ----------
    cell : str
        H3 cell id (a pooled parent is coarser than the asked resolution).
    resolution : int
        The cell's H3 resolution.
    count : int
        Points counted in it (at least the run's ``min_count``).
    merged : bool
        Whether it pools small children (a parent), rather than being one fine cell.
    geometry : (Multi)Polygon or None
        WGS84, exterior rings clockwise; ``None`` when the run was asked not to draw
        whole cells (the caller draws them from ``cell``).
    """

    cell: str
    resolution: int
    count: int
    merged: bool
    geometry: AreaGeometry | None

    def feature(self) -> Feature:
        """The cell as a GeoJSON Feature, ``id`` its cell id."""
        return {
            "type": "Feature",
            "id": self.cell,
            "properties": {
                "cell": self.cell,
                "resolution": self.resolution,
                "count": self.count,
                "merged": self.merged,
            },
            "geometry": self.geometry,
        }


@dataclass(frozen=True)
class HexAggregation:
    """The published hexagons of one run, and its report.

    Attributes
    ----------
    features : tuple[HexCell, ...]
        The published cells, finest first, then by cell id.
    report : MaskingReport
        Method, parameters, and the counts merged and suppressed.
    """

    features: tuple[HexCell, ...]
    report: MaskingReport

    @property
    def counts(self) -> dict[str, int]:
        """``{cell id: published count}``."""
        return {f.cell: f.count for f in self.features}

    def feature_collection(self) -> FeatureCollection:
        """A GeoJSON FeatureCollection of the published cells."""
        return feature_collection([f.feature() for f in self.features])


@functools.lru_cache(maxsize=1 << 16)
def _cell_geometry(cell: str) -> AreaGeometry:
    """One cell's polygon, cached: the same cells recur across sources and years (a
    national map has thousands of cells, not millions). Callers must not mutate it."""
    return _geometry([cell])


def _geometry(cells: Iterable[str], *, orient: bool = True) -> AreaGeometry:
    """The union of ``cells`` as a (Multi)Polygon in (lng, lat); with ``orient=False`` the
    rings keep h3's order (a caller that orients them itself saves the work)."""
    import h3

    shape = h3.cells_to_h3shape(sorted(cells))
    polys = list(shape) if isinstance(shape, h3.LatLngMultiPoly) else [shape]
    polygons: Sequence[Sequence[Ring]] = [
        [[(lng, lat) for lat, lng in ring] for ring in (p.outer, *p.holes)] for p in polys
    ]
    if orient:
        polygons = [orient_clockwise(p) for p in polygons]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def aggregate_to_h3(
    points: Points,
    resolution: int,
    min_count: int,
    *,
    max_merge_levels: int = 2,
    cell_geometry: bool = True,
) -> HexAggregation:
    """Count points per H3 cell; merge small cells upward, then suppress what is left.

    Parameters
    ----------
    points
        ``(lat, lon)`` pairs in WGS84 degrees (see :func:`~crimestats.geomask.as_latlon`).
    resolution
        H3 resolution of the finest published cells (0-15; 8 is about 0.74 km^2).
    min_count
        Smallest count a published feature may carry (the threshold rule).
    max_merge_levels
        How many resolutions coarser small cells may be pooled (each level is 7 times
        the area); ``0`` suppresses small cells at once.
    cell_geometry
        With ``False``, a feature that is one whole cell gets ``geometry`` ``None``: the
        caller draws it from the cell id (a national map has hundreds of thousands of
        cells, and building each polygon twice is most of the time). Pooled parents,
        which stand for only some of their children, always carry their own shape, in
        h3's ring order (the caller orients it).

    Examples
    --------
    >>> result = aggregate_to_h3([(35.149, -89.942)] * 6, resolution=8, min_count=5)
    >>> [f.count for f in result.features]
    [6]
    >>> aggregate_to_h3([(35.149, -89.942)] * 4, 8, 5).report.n_suppressed
    4
    """
    import h3
    from h3.api import basic_int as h3int

    if not isinstance(resolution, int) or not 0 <= resolution <= MAX_RESOLUTION:
        raise MaskingError(
            f"resolution {resolution!r} is not an H3 resolution",
            hint="use an integer from 0 (continents) to 15 (about 1 m^2); 8 suits a city",
        )
    if min_count < 1:
        raise MaskingError(f"min_count {min_count} is below 1", hint="use 5 or more")
    if max_merge_levels < 0:
        raise MaskingError(f"max_merge_levels {max_merge_levels} is negative", hint="use 0-3")
    levels = min(max_merge_levels, resolution)
    lats, lons = as_latlon(points)
    # each point's cell as h3's integer id (no per-point string), then the distinct cells
    # once: a national map has millions of points in a few hundred thousand cells
    fine_ids = np.fromiter(
        (
            h3int.latlng_to_cell(a, b, resolution)
            for a, b in zip(lats.tolist(), lons.tolist(), strict=True)
        ),
        dtype=np.uint64,
        count=len(lats),
    )
    distinct_ids, point_cell, per_cell = np.unique(
        fine_ids, return_inverse=True, return_counts=True
    )
    distinct = [h3.int_to_str(int(c)) for c in distinct_ids]

    published: dict[str, int] = {}
    covered: set[str] = set()
    geometries: dict[str, AreaGeometry | None] = {}
    pool: Counter[str] = Counter(dict(zip(distinct, per_cell.tolist(), strict=True)))
    for cell, n in pool.items():
        if n >= min_count:
            published[cell] = n
            covered.add(cell)
            geometries[cell] = _cell_geometry(cell) if cell_geometry else None
    pool = Counter({cell: n for cell, n in pool.items() if n < min_count})
    merged_points = 0
    for level in range(1, levels + 1):
        parents: Counter[str] = Counter()
        for cell, n in pool.items():
            parents[h3.cell_to_parent(cell, resolution - level)] += n
        pool = Counter()
        for parent, n in sorted(parents.items()):
            if n >= min_count:
                cells = [c for c in h3.cell_to_children(parent, resolution) if c not in covered]
                covered.update(cells)
                published[parent] = n
                geometries[parent] = _geometry(cells, orient=cell_geometry)
                merged_points += n
            else:
                pool[parent] = n
    suppressed = sum(pool.values())

    # Where each published point is represented: the centre of the cell it is counted in
    # (worked out once per distinct fine cell, then looked up per point).
    owner = np.full((len(distinct), 2), np.nan)
    for index, cell in enumerate(distinct):
        for level in range(levels + 1):
            candidate = cell if level == 0 else h3.cell_to_parent(cell, resolution - level)
            if candidate in published:
                owner[index] = h3.cell_to_latlng(candidate)
                break
    centres = owner[point_cell.reshape(-1)]
    kept = ~np.isnan(centres[:, 0])
    distances = haversine_m(lats[kept], lons[kept], centres[kept, 0], centres[kept, 1])
    n_points = len(fine_ids)
    if int(kept.sum()) + suppressed != n_points:  # pragma: no cover - an invariant
        raise MaskingError("hexagon counts do not add up", hint="report this as a bug")

    order = sorted(published, key=lambda c: (-h3.get_resolution(c), c))
    features = tuple(
        HexCell(
            cell=cell,
            resolution=h3.get_resolution(cell),
            count=published[cell],
            merged=h3.get_resolution(cell) < resolution,
            geometry=geometries[cell],
        )
        for cell in order
    )
    biggest, median = displacement_summary(distances)
    report = MaskingReport(
        method="h3-hexagons",
        parameters={
            "resolution": resolution,
            "min_count": min_count,
            "max_merge_levels": max_merge_levels,
            "h3_version": h3.__version__,
        },
        n_input=n_points,
        n_published=n_points - suppressed,
        n_suppressed=suppressed,
        n_merged=merged_points,
        n_features=len(features),
        max_displacement_m=biggest,
        median_displacement_m=median,
        notes=(
            f"Counts are of points per H3 cell at resolution {resolution}; cells with fewer "
            f"than {min_count} were pooled into coarser cells (at most {levels} levels up) "
            "and what stayed below the threshold is suppressed.",
        ),
    )
    return HexAggregation(features=features, report=report)


__all__ = ["HexAggregation", "aggregate_to_h3"]
