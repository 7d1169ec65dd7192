"""Rounded and snapped coordinates are detected, and fine cells warned about."""

from __future__ import annotations

import numpy as np
import pytest
from tests.spatial.conftest import Robberies

from crimestats.spatial.projection import project
from crimestats.spatial.snapping import coordinate_precision, precision_warnings


def test_memphis_is_rounded_to_a_thousandth_of_a_degree(memphis_robberies: Robberies) -> None:
    r = memphis_robberies
    projected = project(r.lon, r.lat)
    precision = coordinate_precision(r.lon, r.lat, projected.x, projected.y)
    assert precision.step_deg == 0.001
    # 0.001 degree of longitude at the mean latitude (about 35.1 N): 111 320 x cos = 91 m
    assert precision.step_m == pytest.approx(111.32 * np.cos(np.radians(r.lat.mean())))
    assert 90 < precision.step_m < 92
    codes = [w.code for w in precision_warnings(precision, cell_size=100.0)]
    assert codes == ["coordinates-rounded"]
    assert precision_warnings(precision, cell_size=500.0) == []


def test_snapped_points_are_detected() -> None:
    rng = np.random.default_rng(3)
    # 200 snap points on a jittered 150 m lattice; 3,000 crimes, each at one of them
    sx = rng.integers(0, 20, 200) * 150.0 + rng.uniform(-20, 20, 200)
    sy = rng.integers(0, 20, 200) * 150.0 + rng.uniform(-20, 20, 200)
    pick = rng.integers(0, 200, 3000)
    x, y = 500_000 + sx[pick], 5_700_000 + sy[pick]
    from crimestats.spatial.projection import to_lonlat

    lon, lat = to_lonlat(x, y, epsg=32630)
    precision = coordinate_precision(lon, lat, x, y)
    assert precision.step_deg is None
    assert precision.repeated_share > 0.95
    assert precision.distinct_locations <= 200
    codes = [w.code for w in precision_warnings(precision, cell_size=100.0)]
    assert codes == ["coordinates-snapped"]


def test_unrounded_points_raise_no_warning() -> None:
    rng = np.random.default_rng(4)
    lon, lat = rng.uniform(-90.1, -89.9, 500), rng.uniform(35.0, 35.2, 500)
    projected = project(lon, lat)
    precision = coordinate_precision(lon, lat, projected.x, projected.y)
    assert precision.step_deg is None
    assert precision.repeated_share == 0.0
    assert precision_warnings(precision, cell_size=50.0) == []
