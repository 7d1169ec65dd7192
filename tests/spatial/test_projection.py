"""Projection to metres: the UTM zone chosen, known coordinates, and every refusal."""

from __future__ import annotations

import numpy as np
import pytest

from crimestats.errors import CrimestatsError, UsageError
from crimestats.spatial.projection import metric_crs, project, to_lonlat, utm_epsg


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (-90.05, 35.15, 32615),  # Memphis downtown: zone 15 is 96 W..90 W
        (-89.95, 35.15, 32616),  # just east of 90 W
        (-0.09, 51.51, 32630),  # City of London
        (-87.63, 41.88, 32616),  # Chicago
        (151.2, -33.9, 32756),  # Sydney: southern hemisphere, 327zz
        (-180.0, 0.0, 32601),
        (180.0, 0.0, 32660),  # 180 E is the east edge of zone 60, not a zone 61
    ],
)
def test_utm_zone_of_a_point(lon: float, lat: float, epsg: int) -> None:
    assert utm_epsg(lon, lat) == epsg


def test_central_meridian_gives_the_false_easting_and_the_scaled_meridian_arc() -> None:
    # On a zone's central meridian x is the false easting, 500 000 m; y is k0 = 0.9996
    # times the WGS84 meridian arc from the equator (4 984 944.378 m to 45 N; Snyder 1987,
    # eq. 3-21 evaluated for WGS84), i.e. 4 982 950.40 m.
    projected = project([-93.0, -93.0], [0.0, 45.0])
    assert projected.epsg == 32615
    assert projected.how == "utm-of-centroid"
    assert "UTM zone 15N" in projected.crs_name
    np.testing.assert_allclose(projected.x, [500_000.0, 500_000.0], atol=1e-6)
    np.testing.assert_allclose(projected.y, [0.0, 4_982_950.40], atol=0.01)


def test_distances_in_metres_match_the_great_circle() -> None:
    # Two points 0.01 degree of latitude apart at 35 N: the WGS84 meridional radius of
    # curvature there is a(1-e2)/(1-e2 sin2 35)^1.5 = 6 356 428 m, so 1 109.41 m on the
    # ellipsoid. UTM scales lengths by k = 0.9996 (1 + (dlon cos lat)^2 / 2) ~ 1.0005 at
    # 2.95 degrees from the central meridian: within 0.1% of the ellipsoid.
    projected = project([-90.05, -90.05], [35.0, 35.01])
    distance = float(np.hypot(projected.x[1] - projected.x[0], projected.y[1] - projected.y[0]))
    assert distance == pytest.approx(1_109.41, rel=1e-3)
    assert distance == pytest.approx(1_109.41 * 1.000489, rel=1e-5)


def test_a_given_epsg_is_used_and_round_trips() -> None:
    lon = np.array([-90.05, -89.9, -90.0])
    lat = np.array([35.1, 35.2, 35.15])
    projected = project(lon, lat, epsg=32616)
    assert (projected.epsg, projected.how) == (32616, "given")
    assert projected.xy().shape == (3, 2)
    back_lon, back_lat = to_lonlat(projected.x, projected.y, epsg=32616)
    np.testing.assert_allclose(back_lon, lon, atol=1e-9)
    np.testing.assert_allclose(back_lat, lat, atol=1e-9)


@pytest.mark.parametrize(
    ("epsg", "words"),
    [
        (4326, "not a metric CRS"),  # geographic, degrees
        (2263, "US survey foot"),  # NY State Plane, feet
        (999_999, "not a coordinate reference system"),
    ],
)
def test_a_crs_not_in_metres_is_refused_with_a_hint(epsg: int, words: str) -> None:
    with pytest.raises(UsageError) as caught:
        metric_crs(epsg)
    assert words in str(caught.value)
    assert caught.value.hint


def test_points_outside_the_area_of_use_are_refused() -> None:
    # British National Grid (EPSG:27700) for Memphis points.
    with pytest.raises(UsageError, match=r"2 of 2 point\(s\) lie outside the area of use"):
        project([-90.05, -90.0], [35.1, 35.2], epsg=27700)


def test_the_default_zone_refuses_data_spanning_a_continent() -> None:
    # Centroid near 93 W (zone 15, 96..90 W); points at 75 W are 15 degrees outside it.
    with pytest.raises(UsageError, match="outside the area of use of EPSG:32615"):
        project([-111.0, -75.0, -93.0], [40.0, 40.0, 40.0])


def test_the_default_zone_accepts_a_city_across_a_zone_edge() -> None:
    projected = project([-90.3, -89.8], [35.1, 35.1])  # centroid 90.05 W
    assert projected.epsg == 32615
    assert projected.size == 2


@pytest.mark.parametrize(
    ("lon", "lat", "words"),
    [
        ([], [], "no points"),
        ([-90.0, np.nan], [35.0, 35.0], "1 point(s) are not WGS84"),
        ([35.0], [-90.5], "not WGS84"),  # latitude beyond 90: columns swapped
        ([1.0, 2.0], [3.0], "2 longitudes but 1 latitudes"),
    ],
)
def test_bad_coordinates_are_refused(lon: list[float], lat: list[float], words: str) -> None:
    with pytest.raises(CrimestatsError) as caught:
        project(lon, lat)
    assert words in str(caught.value)
