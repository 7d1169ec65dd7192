"""WGS84 longitude/latitude to metric x/y, before any distance, cell or bandwidth.

Why: a hotspot grid of "250 m cells", a kernel bandwidth of "400 m" and a near-repeat
band of "200 m" are all lengths; in degrees they are not (a degree of longitude is
111 km at the equator and 79 km at Memphis). Every spatial method therefore projects
first, with pyproj, to a CRS whose axes are in metres.

The default is the UTM zone of the data's centroid (WGS84 / UTM, EPSG 326zz north of
the equator, 327zz south; Snyder 1987, *Map Projections: A Working Manual*, ch. 8):
within a zone and 3 degrees beyond it, UTM distorts lengths by well under 1%, which is
far below a cell's size. A given EPSG is used as it is, after two checks, each refused
with one message: its axes must be in metres (not a geographic CRS in degrees, not a
State Plane CRS in US feet), and the points must lie in its area of use (a CRS used
outside its area silently gives wrong distances).

Axis order is always (x=easting, y=northing) from (lon, lat): pyproj's
``Transformer.from_crs(..., always_xy=True)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from crimestats.errors import UsageError

FloatArray: TypeAlias = NDArray[np.float64]

WGS84_EPSG = 4326
UTM_DEFAULT_MARGIN_DEG = 3.0
"""How far (degrees of longitude) points may lie outside the default UTM zone.

Beyond the zone edge the scale error grows (about 0.1% at 3 degrees past the edge at
mid-latitudes); data spanning more than that needs a CRS chosen for it (``--crs``).
"""
GIVEN_CRS_MARGIN_DEG = 0.1
"""Tolerance (degrees) on a given CRS's area of use: its bounds are rounded in EPSG."""


@dataclass(frozen=True)
class ProjectedPoints:
    """Points in a metric CRS, with the CRS named so every later step can state it.

    ``x`` and ``y`` are metres (easting, northing), in the input's order. ``how`` says
    whether the CRS was chosen (``"utm-of-centroid"``) or given (``"given"``).
    """

    x: FloatArray
    y: FloatArray
    epsg: int
    crs_name: str
    how: str

    @property
    def size(self) -> int:
        """Number of points."""
        return int(self.x.size)

    def xy(self) -> FloatArray:
        """The points as an ``(n, 2)`` array of metres."""
        return np.column_stack([self.x, self.y])


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 / UTM zone holding ``(lon, lat)``.

    Zones are 6 degrees wide from 180 W (zone 1); north of the equator 326zz, south
    327zz. The Norway and Svalbard exceptions are not applied (they matter only there).

    >>> utm_epsg(-90.05, 35.15)  # Memphis (downtown)
    32615
    >>> utm_epsg(-0.09, 51.51)  # City of London
    32630
    >>> utm_epsg(151.2, -33.9)  # Sydney
    32756
    """
    zone = int(np.floor((lon + 180.0) / 6.0)) + 1
    zone = min(max(zone, 1), 60)
    return (32600 if lat >= 0 else 32700) + zone


def _as_lonlat(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Float arrays of equal length, every pair a valid WGS84 (lon, lat), else refuse."""
    lons = np.asarray(lon, dtype=np.float64).ravel()
    lats = np.asarray(lat, dtype=np.float64).ravel()
    if lons.shape != lats.shape:
        raise UsageError(
            f"{lons.size} longitudes but {lats.size} latitudes",
            hint="pass one longitude and one latitude per point",
        )
    if lons.size == 0:
        raise UsageError(
            "there are no points to project",
            hint="check the filters (--iccs, --source, --since, --until) or the points file",
        )
    bad = ~(np.isfinite(lons) & np.isfinite(lats)) | (np.abs(lats) > 90) | (np.abs(lons) > 180)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise UsageError(
            f"{int(bad.sum())} point(s) are not WGS84 longitude/latitude, the first "
            f"(row {first}) is lon={lons[first]}, lat={lats[first]}",
            hint="drop rows without coordinates, and check the x column is the longitude",
        )
    return lons, lats


def metric_crs(epsg: int) -> CRS:
    """The CRS of ``epsg`` if it is projected with both axes in metres, else refuse."""
    try:
        crs = CRS.from_epsg(int(epsg))
    except CRSError as exc:
        raise UsageError(
            f"EPSG:{epsg} is not a coordinate reference system pyproj knows",
            hint="give a projected EPSG code in metres, or leave --crs out for the UTM zone",
        ) from exc
    units = {(axis.unit_name, axis.unit_conversion_factor) for axis in crs.axis_info}
    in_metres = bool(units) and all(factor == 1.0 for _name, factor in units)
    if not crs.is_projected or not in_metres:
        names = ", ".join(sorted({name for name, _f in units})) or "no unit"
        raise UsageError(
            f"EPSG:{epsg} ({crs.name}) is not a metric CRS: its axes are in {names}",
            hint="give a projected CRS in metres (e.g. a UTM zone, EPSG:326zz), "
            "or leave --crs out to use the UTM zone of the data",
        )
    return crs


def _check_area_of_use(
    crs: CRS, epsg: int, lons: FloatArray, lats: FloatArray, margin: float
) -> None:
    """Refuse points lying outside the CRS's area of use (plus ``margin`` degrees)."""
    area = crs.area_of_use
    if area is None:
        return
    west, south, east, north = area.west - margin, area.south, area.east + margin, area.north
    south, north = south - GIVEN_CRS_MARGIN_DEG, north + GIVEN_CRS_MARGIN_DEG
    # An area crossing the antimeridian has west > east: outside is then between them.
    crosses = west > east
    outside_lon = ((lons < west) & (lons > east)) if crosses else (lons < west) | (lons > east)
    outside = outside_lon | (lats < south) | (lats > north)
    if outside.any():
        # Rounded to 0.1 degree (about 10 km): enough to see which region is off, never
        # one incident's place (the points may be the store's, and messages get pasted).
        first = int(np.flatnonzero(outside)[0])
        raise UsageError(
            f"{int(outside.sum())} of {lons.size} point(s) lie outside the area of use of "
            f"EPSG:{epsg} ({crs.name}: lon {area.west:g}..{area.east:g}, "
            f"lat {area.south:g}..{area.north:g}); the first is near "
            f"lon {lons[first]:.1f}, lat {lats[first]:.1f}",
            hint="choose a CRS made for this area (--crs), or filter the points to one area",
        )


def project(
    lon: ArrayLike, lat: ArrayLike, *, epsg: int | None = None, like: ProjectedPoints | None = None
) -> ProjectedPoints:
    """Project WGS84 ``lon``/``lat`` to metres: the UTM zone of the centroid, or ``epsg``.

    The centroid is the mean longitude and latitude of the points. ``like`` projects a
    second layer (an exposure layer) to the CRS of earlier points, with the same
    tolerance on the area of use as they had. Refuses
    (:class:`~crimestats.errors.UsageError`) invalid coordinates, a CRS that is not
    metric, and points outside the CRS's area of use.

    >>> p = project([-90.01, -90.0], [35.0, 35.0])
    >>> p.epsg, round(float(p.x[1] - p.x[0]))  # 0.01 degree of longitude at 35 N
    (32615, 913)
    """
    lons, lats = _as_lonlat(lon, lat)
    if like is not None:
        margin = UTM_DEFAULT_MARGIN_DEG if like.how == "utm-of-centroid" else GIVEN_CRS_MARGIN_DEG
        chosen, how = like.epsg, like.how
    elif epsg is None:
        chosen = utm_epsg(float(lons.mean()), float(lats.mean()))
        how, margin = "utm-of-centroid", UTM_DEFAULT_MARGIN_DEG
    else:
        chosen, how, margin = int(epsg), "given", GIVEN_CRS_MARGIN_DEG
    crs = metric_crs(chosen)
    _check_area_of_use(crs, chosen, lons, lats, margin)
    transformer = Transformer.from_crs(WGS84_EPSG, crs, always_xy=True)
    x, y = transformer.transform(lons, lats)
    return ProjectedPoints(
        x=np.asarray(x, dtype=np.float64),
        y=np.asarray(y, dtype=np.float64),
        epsg=chosen,
        crs_name=str(crs.name),
        how=how,
    )


def to_lonlat(x: ArrayLike, y: ArrayLike, *, epsg: int) -> tuple[FloatArray, FloatArray]:
    """Metric ``x``/``y`` in ``epsg`` back to WGS84 (lon, lat): for GeoJSON (RFC 7946)."""
    transformer = Transformer.from_crs(epsg, WGS84_EPSG, always_xy=True)
    lon, lat = transformer.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


__all__ = [
    "ProjectedPoints",
    "metric_crs",
    "project",
    "to_lonlat",
    "utm_epsg",
]
