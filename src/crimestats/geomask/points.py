"""Input points, the masking error, and great-circle distance.

Every function in :mod:`crimestats.geomask` takes points as ``(lat, lon)`` pairs in WGS84
degrees: an iterable of pairs, an ``(n, 2)`` array, or a pair of equal-length arrays
``(lats, lons)``. GeoJSON output is the one place where the order is ``[lon, lat]``, as
RFC 7946 section 3.1.1 requires.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crimestats.errors import MaskingError

Points: TypeAlias = Iterable[Sequence[float]] | ArrayLike
"""``(lat, lon)`` pairs, an ``(n, 2)`` array, or a pair of arrays ``(lats, lons)``."""

FloatArray: TypeAlias = NDArray[np.float64]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), metres; the radius h3 uses too."""


def as_latlon(points: Points) -> tuple[FloatArray, FloatArray]:
    """Return ``(lats, lons)`` as float arrays, refusing anything that is not WGS84.

    >>> lats, lons = as_latlon([(35.1, -89.9), (35.2, -90.0)])
    >>> lats.tolist(), lons.tolist()
    ([35.1, 35.2], [-89.9, -90.0])
    """
    if isinstance(points, tuple) and len(points) == 2 and np.ndim(points[0]) == 1:
        lats = np.asarray(points[0], dtype=np.float64)
        lons = np.asarray(points[1], dtype=np.float64)
        if lats.shape != lons.shape:
            raise MaskingError(
                f"lats has {lats.size} values but lons has {lons.size}",
                hint="pass two arrays of the same length, or (lat, lon) pairs",
            )
    else:
        raw = points if isinstance(points, np.ndarray) else list(points)  # type: ignore[arg-type]
        array = np.asarray(raw, dtype=np.float64)
        if array.size == 0:
            array = array.reshape(0, 2)
        if array.ndim != 2 or array.shape[1] != 2:
            raise MaskingError(
                f"points have shape {array.shape}, not (n, 2)",
                hint="pass (lat, lon) pairs, an (n, 2) array, or a pair of arrays",
            )
        lats, lons = array[:, 0].copy(), array[:, 1].copy()
    bad = ~(np.isfinite(lats) & np.isfinite(lons))
    bad |= (np.abs(lats) > 90) | (np.abs(lons) > 180)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise MaskingError(
            f"point {first} ({lats[first]}, {lons[first]}) is not a WGS84 (lat, lon) pair",
            hint="drop rows without coordinates first, and check latitude comes before longitude",
        )
    return lats, lons


def haversine_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> FloatArray:
    """Great-circle distance in metres (haversine formula; Sinnott 1984).

    >>> round(float(haversine_m(0.0, 0.0, 0.0, 1.0)))
    111195
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


__all__ = ["EARTH_RADIUS_M", "MaskingError", "Points", "as_latlon", "haversine_m"]
