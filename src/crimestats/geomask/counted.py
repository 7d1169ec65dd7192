"""Counts of points per anonymous snap point, publishable: a minimum count and no input spot.

Why: :func:`~crimestats.geomask.snap` moves each point to an anonymous snap point, but a map
that shows "3 crimes here" for a snap point serving a quiet cul-de-sac still singles out
a few households. A published map of counts therefore needs two more rules on top of
snapping (the threshold rule of docs/disclosure-control.md, applied to places):

1. a snap point is published only with at least ``min_count`` points; the points of the
   others are suppressed (counted in the report, never placed);
2. published coordinates are rounded to ``decimals`` (4 is about 11 m) and never equal an
   input location rounded the same way (nor any position in ``avoid``): a point that
   would is moved to the nearest free position of the rounding grid, within three grid
   steps and in the snap point's own area, or else it is not published.
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from crimestats.geomask.points import MaskingError, Points, as_latlon
from crimestats.geomask.report import MaskingReport
from crimestats.geomask.snapping import AreaOfPoint, build_snap_points, snap


@dataclass(frozen=True)
class CountedPoint:
    """One published snap point: where (rounded), its area key, and how many points."""

    lat: float
    lon: float
    area: Hashable | None
    count: int


@dataclass(frozen=True)
class SnapCounts:
    """The result of :func:`count_at_snap_points`.

    Attributes
    ----------
    points : tuple[CountedPoint, ...]
        Published points, sorted by ``(lat, lon)``; every ``count >= min_count``.
    report : MaskingReport
        ``n_published`` = sum of the counts, ``n_suppressed`` the rest, ``n_features``
        the number of published points. Displacement is that of snapping, measured
        before small snap points were dropped.
    """

    points: tuple[CountedPoint, ...]
    report: MaskingReport


def _free_spot(
    lat: float,
    lon: float,
    decimals: int,
    blocked: Sequence[Container[tuple[float, float]]],
    area_of_point: AreaOfPoint | None,
    key: Hashable | None,
) -> tuple[float, float] | None:
    """``(lat, lon)`` rounded, or the nearest free neighbour on the rounding grid."""
    step = 10.0**-decimals
    base = (round(lat, decimals), round(lon, decimals))
    for ring in range(4):
        spots = sorted(
            (abs(i) + abs(j), i, j)
            for i in range(-ring, ring + 1)
            for j in range(-ring, ring + 1)
            if max(abs(i), abs(j)) == ring
        )
        for _, i, j in spots:
            spot = (round(base[0] + i * step, decimals), round(base[1] + j * step, decimals))
            if any(spot in b for b in blocked):
                continue
            if area_of_point is None or area_of_point(*spot) == key:
                return spot
    return None


def count_at_snap_points(
    points: Points,
    min_sources: int,
    min_count: int,
    area_of_point: AreaOfPoint | None = None,
    *,
    max_distance_m: float | None = None,
    decimals: int = 4,
    avoid: Container[tuple[float, float]] | None = None,
) -> SnapCounts:
    """Snap points to anonymous points and publish the counts that are large enough.

    Parameters
    ----------
    points, min_sources, area_of_point, max_distance_m
        As for :func:`~crimestats.geomask.build_snap_points` (snap points are built from
        these points). Fewer than ``min_sources`` distinct locations: all suppressed.
    min_count
        Smallest count of a published point (>= 2).
    decimals
        Decimals of the published coordinates (1-7).
    avoid
        More ``(lat, lon)`` positions, rounded to ``decimals``, that no published point
        may take (e.g. the locations of other sources in the same release).

    Examples
    --------
    >>> cluster = [(35.1 + i * 1e-4, -90.0) for i in range(4)] * 3
    >>> counted = count_at_snap_points(cluster, min_sources=2, min_count=5)
    >>> [p.count for p in counted.points], counted.report.n_suppressed
    ([6, 6], 0)
    """
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 2:
        raise MaskingError(
            f"min_count={min_count!r} would publish a single point's location",
            hint="use 5 or more",
        )
    if not isinstance(decimals, int) or not 1 <= decimals <= 7:
        raise MaskingError(f"decimals={decimals!r} is not 1-7", hint="use 4 (about 11 m)")
    lats, lons = as_latlon(points)
    parameters = {
        "min_sources": min_sources,
        "min_count": min_count,
        "max_distance_m": max_distance_m,
        "areas": area_of_point is not None,
        "coordinate_decimals": decimals,
    }
    if np.unique(np.column_stack((lats, lons)), axis=0).shape[0] < min_sources:
        report = MaskingReport(
            "snap-points", parameters, int(lats.size), 0, int(lats.size), 0, 0, None, None,
            notes=("Fewer distinct locations than min_sources: every point is suppressed.",),
        )  # fmt: skip
        return SnapCounts((), report)
    snaps = build_snap_points(
        (lats, lons), min_sources, area_of_point, max_distance_m=max_distance_m
    )
    result = snap((lats, lons), snaps)
    counts = np.bincount(result.index[result.index >= 0], minlength=len(snaps))
    inputs = {
        (round(a, decimals), round(b, decimals))
        for a, b in zip(lats.tolist(), lons.tolist(), strict=True)
    }
    blocked: list[Container[tuple[float, float]]] = [inputs]
    if avoid is not None:
        blocked.append(avoid)
    published: dict[tuple[float, float], CountedPoint] = {}
    blocked.append(published)
    for lat, lon, key, n in zip(
        snaps.lats.tolist(), snaps.lons.tolist(), snaps.areas, counts.tolist(), strict=True
    ):
        if n < min_count:
            continue
        spot = _free_spot(lat, lon, decimals, blocked, area_of_point, key)
        if spot is not None:
            published[spot] = CountedPoint(spot[0], spot[1], key, int(n))
    kept = sum(p.count for p in published.values())
    snapped = result.report
    report = MaskingReport(
        method="snap-points",
        parameters={**dict(snapped.parameters), **parameters},
        n_input=int(lats.size),
        n_published=kept,
        n_suppressed=int(lats.size) - kept,
        n_merged=0,
        n_features=len(published),
        max_displacement_m=snapped.max_displacement_m,
        median_displacement_m=snapped.median_displacement_m,
        notes=(
            *snapped.notes,
            f"Snap points with fewer than {min_count} points are not published; their "
            "points are counted as suppressed. Displacement is measured before that.",
        ),
    )
    return SnapCounts(tuple(published[k] for k in sorted(published)), report)


__all__ = ["CountedPoint", "SnapCounts", "count_at_snap_points"]
