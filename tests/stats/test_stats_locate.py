"""The vectorised point-in-polygon agrees with the pure-Python ray casting of geomask."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.geomask import point_in_polygon
from crimestats.stats.locate import locate, points_in_geometry

coords = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False)
points = st.lists(st.tuples(coords, coords), min_size=1, max_size=40)
rings = st.lists(st.tuples(coords, coords), min_size=3, max_size=12)


@settings(max_examples=200, deadline=None)
@given(rings, st.lists(rings, max_size=2), points)
def test_same_answer_as_geomask(
    outer: list[Any], holes: list[Any], pts: list[tuple[float, float]]
) -> None:
    polygon = [outer, *holes]
    lons = np.array([p[0] for p in pts])
    lats = np.array([p[1] for p in pts])
    got = points_in_geometry(lons, lats, {"type": "Polygon", "coordinates": polygon})
    expected = [point_in_polygon(x, y, polygon) for x, y in pts]
    assert got.tolist() == expected


def test_locate_first_area_wins_and_holes_are_outside() -> None:
    square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]
    areas: list[tuple[str, dict[str, Any]]] = [
        ("inner", {"type": "Polygon", "coordinates": [hole]}),
        ("donut", {"type": "MultiPolygon", "coordinates": [[square, hole]]}),
    ]
    found = locate([1.5, 3.0, 9.0], [1.5, 3.0, 9.0], areas)
    assert found == ["inner", "donut", None]


def test_a_point_left_of_a_sliver_is_outside_in_both() -> None:
    """A zero-area triangle of subnormal coordinates, and a point left of every vertex:
    the ray casting's rounded crossing counted it inside (found by the property test);
    outside its bounding box, both tests now say outside."""
    sliver = [[5e-324, 0.0], [5e-324, 0.0], [1.0, 5e-324]]
    got = points_in_geometry(
        np.array([0.0]), np.array([0.0]), {"type": "Polygon", "coordinates": [sliver]}
    )
    assert got.tolist() == [False]
    assert point_in_polygon(0.0, 0.0, [sliver]) is False
