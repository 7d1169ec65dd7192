"""Geographic masking for published points (issue 5; DESIGN.md section 6).

Never publish an exact address. Two methods, each with a :class:`MaskingReport` for the
release metadata:

* :func:`aggregate_to_h3` counts points per H3 hexagon; cells under ``min_count`` are
  pooled into coarser parent cells, and what stays too small is suppressed.
* :func:`build_snap_points` derives anonymous map points, each the centre of at least
  ``min_sources`` distinct source locations within one area, and :func:`snap` moves each
  point to the nearest of them in its own area (data.police.uk's scheme, built from the
  data instead of an address register); :func:`count_at_snap_points` publishes their
  counts, only those of at least ``min_count``, never on an input location.

A pure library: numpy and h3 (the ``privacy`` extra); no shapely (areas are tested by ray
casting, :class:`AreaIndex`). See docs/geographic-masking.md.

>>> from crimestats.geomask import aggregate_to_h3
>>> aggregate_to_h3([(35.149, -89.942)] * 5, resolution=8, min_count=5).report.n_published
5
"""

from __future__ import annotations

from crimestats.errors import MaskingError
from crimestats.geomask.areas import (
    AreaIndex,
    KnownAreas,
    areas_from_geojson,
    orient_clockwise,
    point_in_polygon,
    signed_area,
)
from crimestats.geomask.counted import CountedPoint, SnapCounts, count_at_snap_points
from crimestats.geomask.hexagons import HexAggregation, HexCell, aggregate_to_h3
from crimestats.geomask.points import as_latlon, haversine_m
from crimestats.geomask.report import MaskingReport
from crimestats.geomask.snapping import (
    AreaOfPoint,
    SnapPoints,
    SnapResult,
    build_snap_points,
    mdav_groups,
    snap,
)

__all__ = [
    "AreaIndex",
    "AreaOfPoint",
    "CountedPoint",
    "HexAggregation",
    "HexCell",
    "KnownAreas",
    "MaskingError",
    "MaskingReport",
    "SnapCounts",
    "SnapPoints",
    "SnapResult",
    "aggregate_to_h3",
    "areas_from_geojson",
    "as_latlon",
    "build_snap_points",
    "count_at_snap_points",
    "haversine_m",
    "mdav_groups",
    "orient_clockwise",
    "point_in_polygon",
    "signed_area",
    "snap",
]
