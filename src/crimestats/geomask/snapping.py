"""Anonymous snap points built from the data, and snapping points to them.

data.police.uk replaces each crime's location with the nearest of a fixed list of
"anonymous map points", each with a catchment holding at least eight postal addresses
(https://data.police.uk/about/#location-anonymisation). We have no address register, so
the map points are built from the source locations themselves, by microaggregation:

1. The distinct source locations of each area (``area_of_point``) are grouped by MDAV,
   "maximum distance to average vector" (Domingo-Ferrer & Mateo-Sanz 2002, IEEE TKDE
   14(1); Domingo-Ferrer & Torra 2005), into groups of ``min_sources`` to
   ``2 * min_sources - 1`` nearby locations. An area with fewer distinct locations gets
   no snap point, and its points are suppressed.
2. Each group's snap point is its centroid. A centroid that falls on an input coordinate
   or outside the group's area is moved part of the way towards a member until it does
   neither; a group for which no such point is found gets no snap point.
3. Each location is assigned to its nearest snap point *in its own area* (the catchment),
   and a snap point whose catchment holds fewer than ``min_sources`` distinct locations
   is dropped, until every catchment is large enough.

So every published snap point stands for at least ``min_sources`` distinct source
locations, none is an input coordinate, and no point is snapped across an area boundary.
Distances are planar in a local equirectangular projection (fine for a city or a county).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from crimestats.geojson import FeatureCollection, feature_collection
from crimestats.geomask.points import (
    EARTH_RADIUS_M,
    FloatArray,
    MaskingError,
    Points,
    as_latlon,
    haversine_m,
)
from crimestats.geomask.report import MaskingReport, displacement_summary


class AreaOfPoint(Protocol):
    """``(lat, lon) -> area key``, or None for a point outside every area.

    Any function of that shape will do, e.g. an :class:`~crimestats.geomask.AreaIndex`.
    """

    def __call__(self, lat: float, lon: float, /) -> Hashable | None: ...


IntArray = NDArray[np.int64]
_NUDGES = (0.25, 0.5, 0.75)
_WHOLE = ("crimestats.geomask", "no areas")  # the one area when no area_of_point is given


@dataclass(frozen=True)
class SnapPoints:
    """Anonymous map points built by :func:`build_snap_points`.

    Attributes
    ----------
    lats, lons : ndarray
        The snap points (WGS84 degrees). Safe to publish.
    areas : tuple
        The area key of each snap point (None when no ``area_of_point`` was given).
    sources : ndarray
        Distinct source locations in each snap point's catchment (all >= min_sources).
        Internal: do not publish it next to the points of one small area.
    min_sources : int
    area_of_point : callable or None
    max_distance_m : float or None
        Points farther than this from their nearest snap point are suppressed.
    report : MaskingReport
        The report of snapping the points the snap points were built from.
    """

    lats: FloatArray
    lons: FloatArray
    areas: tuple[Hashable | None, ...]
    sources: IntArray
    min_sources: int
    area_of_point: AreaOfPoint | None
    max_distance_m: float | None
    origin_lat: float
    report: MaskingReport

    def __len__(self) -> int:
        return int(self.lats.size)

    def coordinates(self) -> list[tuple[float, float]]:
        """The snap points as ``(lat, lon)`` pairs."""
        return list(zip(self.lats.tolist(), self.lons.tolist(), strict=True))

    def feature_collection(self) -> FeatureCollection:
        """The snap points as GeoJSON Point features (``[lon, lat]``), numbered from 0."""
        return feature_collection(
            [
                {
                    "type": "Feature",
                    "id": i,
                    "properties": {"snap_point": i},
                    "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                }
                for i, (lat, lon) in enumerate(zip(self.lats, self.lons, strict=True))
            ]
        )


@dataclass(frozen=True)
class SnapResult:
    """Each input point's published location: its snap point, or none (suppressed).

    Attributes
    ----------
    index : ndarray of int
        Snap point number per input point; ``-1`` for a suppressed point.
    lats, lons : ndarray
        The published coordinates per input point; NaN for a suppressed point.
    report : MaskingReport
    """

    index: IntArray
    lats: FloatArray
    lons: FloatArray
    report: MaskingReport

    def published(self) -> list[tuple[float, float] | None]:
        """``(lat, lon)`` per input point, None where suppressed."""
        return [
            None if i < 0 else (float(a), float(b))
            for i, a, b in zip(self.index, self.lats, self.lons, strict=True)
        ]


def _project(lats: FloatArray, lons: FloatArray, origin_lat: float) -> FloatArray:
    scale = np.pi / 180.0 * EARTH_RADIUS_M
    return np.column_stack((lons * np.cos(np.radians(origin_lat)) * scale, lats * scale))


def _nearest_k(xy: FloatArray, centre: FloatArray, k: int) -> IntArray:
    d = ((xy - centre) ** 2).sum(axis=1)
    return np.argsort(d, kind="stable")[:k].astype(np.int64)


def mdav_groups(xy: FloatArray, k: int) -> list[IntArray]:
    """MDAV microaggregation: groups of ``k`` to ``2k - 1`` row indices of ``xy``.

    Deterministic (ties broken by row order). Needs at least ``k`` rows.

    >>> xy = np.array([[0.0, 0], [0, 1], [10, 0], [10, 1]])
    >>> [sorted(g.tolist()) for g in mdav_groups(xy, 2)]
    [[0, 1], [2, 3]]
    """
    remaining = np.arange(len(xy), dtype=np.int64)
    groups: list[IntArray] = []

    def take_around(row: int) -> None:
        nonlocal remaining
        chosen = _nearest_k(xy[remaining], xy[row], k)
        groups.append(remaining[chosen])
        remaining = np.delete(remaining, chosen)

    def farthest(centre: FloatArray) -> int:
        d = ((xy[remaining] - centre) ** 2).sum(axis=1)
        return int(remaining[int(np.argmax(d))])

    while remaining.size >= 3 * k:
        r = farthest(xy[remaining].mean(axis=0))
        take_around(r)
        take_around(farthest(xy[r]))
    if remaining.size >= 2 * k:
        take_around(farthest(xy[remaining].mean(axis=0)))
    if remaining.size:
        groups.append(remaining)
    return groups


def _nearest(xy: FloatArray, targets: FloatArray) -> IntArray:
    out = np.empty(len(xy), dtype=np.int64)
    step = 4096
    for start in range(0, len(xy), step):
        block = xy[start : start + step]
        d = ((block[:, None, :] - targets[None, :, :]) ** 2).sum(axis=2)
        out[start : start + step] = np.argmin(d, axis=1)
    return out


def _within(
    index: IntArray, xy: FloatArray, snap_xy: FloatArray, max_distance_m: float | None
) -> NDArray[np.bool_]:
    """Rows assigned to a snap point no farther than ``max_distance_m`` (projected)."""
    assigned = index >= 0
    if max_distance_m is None or not assigned.any():
        return assigned
    gap = np.sqrt(((xy[assigned] - snap_xy[index[assigned]]) ** 2).sum(axis=1))
    out = assigned.copy()
    out[assigned] = gap <= max_distance_m
    return out


def _area_keys(
    lats: FloatArray, lons: FloatArray, area_of_point: AreaOfPoint | None
) -> list[Hashable | None]:
    if area_of_point is None:
        return [_WHOLE] * len(lats)
    return [area_of_point(float(a), float(b)) for a, b in zip(lats, lons, strict=True)]


def _assign(
    xy: FloatArray, keys: list[Hashable | None], snap_xy: FloatArray, snap_keys: list[Hashable]
) -> IntArray:
    """Nearest snap point in the same area for each row of ``xy``; -1 where there is none."""
    index = np.full(len(xy), -1, dtype=np.int64)
    by_area: dict[Hashable, list[int]] = {}
    for i, key in enumerate(snap_keys):
        by_area.setdefault(key, []).append(i)
    rows: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        if key is not None and key in by_area:
            rows.setdefault(key, []).append(i)
    for key, members in rows.items():
        candidates = np.array(by_area[key], dtype=np.int64)
        found = _nearest(xy[members], snap_xy[candidates])
        index[members] = candidates[found]
    return index


def build_snap_points(
    points: Points,
    min_sources: int,
    area_of_point: AreaOfPoint | None = None,
    *,
    max_distance_m: float | None = None,
) -> SnapPoints:
    """Build anonymous snap points, each standing for >= ``min_sources`` distinct locations.

    Parameters
    ----------
    points
        Source ``(lat, lon)`` pairs; repeats of one location count once.
    min_sources
        Smallest number of distinct source locations behind each snap point (>= 2; the
        analogue of data.police.uk's eight postal addresses per map point).
    area_of_point
        ``(lat, lon) -> area key``, e.g. :class:`~crimestats.geomask.AreaIndex`; snap
        points never serve points of another area. Points outside every area (None)
        are suppressed.
    max_distance_m
        If given, a location farther than this (metres, in the local projection) from its
        nearest snap point is suppressed rather than shown far from where it was, and it
        does not count towards that snap point's ``min_sources``.

    Examples
    --------
    >>> snaps = build_snap_points([(0.0, 0.0), (0.0, 0.002), (1.0, 1.0), (1.0, 1.002)], 2)
    >>> sorted((round(a, 3), round(b, 3)) for a, b in snaps.coordinates())
    [(0.0, 0.001), (1.0, 1.001)]
    """
    if isinstance(min_sources, bool) or not isinstance(min_sources, int) or min_sources < 2:
        raise MaskingError(
            f"min_sources={min_sources!r} would let a snap point stand for one location, "
            "i.e. publish it",
            hint="use min_sources of 2 or more (data.police.uk uses 8 addresses per point)",
        )
    if max_distance_m is not None and not max_distance_m > 0:
        raise MaskingError(
            f"max_distance_m={max_distance_m!r} is not a positive distance",
            hint="give metres, e.g. 1000, or None for no limit",
        )
    lats, lons = as_latlon(points)
    if lats.size == 0:
        raise MaskingError("no points to build snap points from", hint="pass source points")
    distinct = np.unique(np.column_stack((lats, lons)), axis=0)
    d_lats, d_lons = distinct[:, 0].copy(), distinct[:, 1].copy()
    origin = float(d_lats.mean())
    xy = _project(d_lats, d_lons, origin)
    keys = _area_keys(d_lats, d_lons, area_of_point)
    taken = {(float(a), float(b)) for a, b in distinct}

    snap_ll: list[tuple[float, float]] = []
    snap_keys: list[Hashable] = []
    rows_of: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        if key is not None:
            rows_of.setdefault(key, []).append(i)
    for key in sorted(rows_of, key=repr):
        rows = np.array(rows_of[key], dtype=np.int64)
        if rows.size < min_sources:
            continue
        for group in mdav_groups(xy[rows], min_sources):
            members = rows[group]
            spot = _safe_centroid(d_lats[members], d_lons[members], key, taken, area_of_point)
            if spot is not None:
                snap_ll.append(spot)
                snap_keys.append(key)

    # Catchments: drop the snap point serving fewest distinct locations while it serves too
    # few. Removing a point changes only its own catchment, so only its rows move.
    snap_arr = np.array(snap_ll, dtype=np.float64).reshape(-1, 2)
    snap_xy = _project(snap_arr[:, 0], snap_arr[:, 1], origin)
    index = _assign(xy, keys, snap_xy, snap_keys)
    alive = np.ones(len(snap_ll), dtype=bool)
    area_of_snap = np.array([repr(k) for k in snap_keys], dtype=object)
    while True:
        served = _within(index, xy, snap_xy, max_distance_m)
        sizes = np.bincount(index[served], minlength=len(snap_ll))
        small = np.flatnonzero(alive & (sizes < min_sources))
        if small.size == 0:
            break
        drop = int(small[np.argmin(sizes[small])])
        alive[drop] = False
        moved = np.flatnonzero(index == drop)
        candidates = np.flatnonzero(alive & (area_of_snap == area_of_snap[drop]))
        if candidates.size == 0:  # only with max_distance_m: the area's last point is small
            index[moved] = -1
            continue
        index[moved] = candidates[_nearest(xy[moved], snap_xy[candidates])]
    served = _within(index, xy, snap_xy, max_distance_m)
    renumber = np.cumsum(alive) - 1
    index = np.array(
        [renumber[i] if ok else -1 for i, ok in zip(index.tolist(), served.tolist(), strict=True)],
        dtype=np.int64,
    )
    sizes = np.bincount(index[index >= 0], minlength=int(alive.sum()))
    snap_arr = snap_arr[alive]
    snap_keys = [k for k, a in zip(snap_keys, alive.tolist(), strict=True) if a]

    snaps = SnapPoints(
        lats=snap_arr[:, 0].copy(),
        lons=snap_arr[:, 1].copy(),
        areas=tuple(None if k == _WHOLE else k for k in snap_keys),
        sources=sizes.astype(np.int64),
        min_sources=min_sources,
        area_of_point=area_of_point,
        max_distance_m=max_distance_m,
        origin_lat=origin,
        report=_placeholder_report(),
    )
    built = snap(np.column_stack((lats, lons)), snaps)
    return replace(snaps, report=built.report)


def _placeholder_report() -> MaskingReport:
    return MaskingReport("snap-points", {}, 0, 0, 0, 0, 0, None, None)


def _safe_centroid(
    lats: FloatArray,
    lons: FloatArray,
    key: Hashable,
    taken: set[tuple[float, float]],
    area_of_point: AreaOfPoint | None,
) -> tuple[float, float] | None:
    """The group's centroid, or a point part-way to a member: never an input, same area."""
    centre = (float(lats.mean()), float(lons.mean()))
    order = np.argsort((lats - centre[0]) ** 2 + (lons - centre[1]) ** 2, kind="stable")
    candidates = [centre] + [
        (centre[0] + t * (float(lats[m]) - centre[0]), centre[1] + t * (float(lons[m]) - centre[1]))
        for m in order
        for t in _NUDGES
    ]
    for spot in candidates:
        if spot in taken:
            continue
        if area_of_point is not None and area_of_point(*spot) != key:
            continue
        return spot
    return None


def snap(points: Points, snap_points: SnapPoints) -> SnapResult:
    """Replace each point by the nearest snap point in its own area.

    A point outside every area, in an area without snap points, or farther than the snap
    points' ``max_distance_m`` from the nearest, is suppressed (``index`` -1).

    Raises :class:`MaskingError` if a published coordinate would equal one of the given
    points (possible only for points the snap points were not built from): rebuild the
    snap points with those points included.
    """
    lats, lons = as_latlon(points)
    keys = _area_keys(lats, lons, snap_points.area_of_point)
    snap_keys: list[Hashable] = [
        _WHOLE if snap_points.area_of_point is None else k for k in snap_points.areas
    ]
    origin = snap_points.origin_lat
    snap_xy = _project(snap_points.lats, snap_points.lons, origin)
    xy = _project(lats, lons, origin)
    index = _assign(xy, keys, snap_xy, snap_keys)
    index[~_within(index, xy, snap_xy, snap_points.max_distance_m)] = -1
    kept = index >= 0
    out_lats = np.full(lats.shape, np.nan)
    out_lons = np.full(lons.shape, np.nan)
    out_lats[kept] = snap_points.lats[index[kept]]
    out_lons[kept] = snap_points.lons[index[kept]]
    inputs = set(zip(lats.tolist(), lons.tolist(), strict=True))
    used = set(zip(out_lats[kept].tolist(), out_lons[kept].tolist(), strict=True))
    if inputs & used:
        raise MaskingError(
            f"{len(inputs & used)} snap point(s) coincide with an input location",
            hint="build the snap points from a set that includes these points",
        )
    distances = haversine_m(lats[kept], lons[kept], out_lats[kept], out_lons[kept])
    biggest, median = displacement_summary(distances)
    n_kept = int(kept.sum())
    report = MaskingReport(
        method="snap-points",
        parameters={
            "min_sources": snap_points.min_sources,
            "max_distance_m": snap_points.max_distance_m,
            "areas": snap_points.area_of_point is not None,
            "grouping": "MDAV microaggregation of distinct locations, per area",
        },
        n_input=int(lats.size),
        n_published=n_kept,
        n_suppressed=int(lats.size) - n_kept,
        n_merged=0,
        n_features=int(np.unique(index[kept]).size),
        max_displacement_m=biggest,
        median_displacement_m=median,
        notes=(
            "Each point is shown at the nearest anonymous snap point in its area, the "
            f"centre of at least {snap_points.min_sources} distinct source locations; "
            "it is an approximate location, not where the crime happened.",
        ),
    )
    return SnapResult(index=index, lats=out_lats, lons=out_lons, report=report)


__all__ = ["AreaOfPoint", "SnapPoints", "SnapResult", "build_snap_points", "mdav_groups", "snap"]
