"""Ray-casting containment, ring orientation, and area indexes, on hand-drawn polygons."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats import geomask
from crimestats.geomask import (
    AreaIndex,
    MaskingError,
    areas_from_geojson,
    orient_clockwise,
    point_in_polygon,
    signed_area,
)

SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]  # counter-clockwise
HOLE = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]]
# A U: two arms (lon 0-1 and 2-3) joined along the bottom (lat 0-1).
U_SHAPE = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]


def test_every_public_name_is_exported_and_documented() -> None:
    for name in geomask.__all__:
        assert getattr(geomask, name).__doc__, name
    public = {n for n in dir(geomask) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(geomask, n)).__name__ == "module"}
    assert public - modules - {"annotations"} == set(geomask.__all__)


@pytest.mark.parametrize(
    ("lon", "lat", "inside"),
    [(0.5, 0.5, False), (0.2, 0.2, True), (0.5, 0.3, True), (1.5, 0.5, False), (-0.1, 0.5, False)],
)
def test_point_in_polygon_with_a_hole(lon: float, lat: float, inside: bool) -> None:
    assert point_in_polygon(lon, lat, [SQUARE, HOLE]) is inside


def test_point_in_a_concave_polygon() -> None:
    assert point_in_polygon(0.5, 2.0, [U_SHAPE])
    assert point_in_polygon(2.5, 2.0, [U_SHAPE])
    assert not point_in_polygon(1.5, 2.0, [U_SHAPE])  # the gap between the arms
    assert point_in_polygon(1.5, 0.5, [U_SHAPE])


def test_orient_clockwise_turns_exteriors_clockwise_and_holes_counter_clockwise() -> None:
    assert signed_area(SQUARE) == pytest.approx(1.0)
    exterior, hole = orient_clockwise([SQUARE, list(reversed(HOLE))])
    assert signed_area(exterior) == pytest.approx(-1.0)
    assert signed_area(hole) == pytest.approx(0.04)
    assert exterior[0] == exterior[-1]
    open_ring = orient_clockwise([SQUARE[:-1]])[0]
    assert open_ring[0] == open_ring[-1]
    assert len(open_ring) == 5


def test_areas_from_geojson_finds_the_area_or_none() -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "properties": {"ward": "W1"},
                "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
            },
            {
                "properties": {"ward": "W2"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]], [U_SHAPE]],
                },
            },
        ],
    }
    index = areas_from_geojson(collection, "ward")
    assert isinstance(index, AreaIndex)
    assert index(0.5, 0.5) == "W1"  # (lat, lon)
    assert index(0.5, 1.5) == "W2"
    assert index(5.0, 5.0) is None


def test_bad_areas_are_refused_with_a_hint() -> None:
    with pytest.raises(MaskingError, match="no property 'ward'"):
        areas_from_geojson({"features": [{"properties": {}, "geometry": {}}]}, "ward")
    with pytest.raises(MaskingError, match="cannot contain points"):
        AreaIndex.from_mapping({"A": {"type": "Point", "coordinates": [0, 0]}})
    feature = {"properties": {"w": 1}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    with pytest.raises(MaskingError, match="appears twice"):
        areas_from_geojson({"features": [feature, feature]}, "w")


def _shapes() -> AreaIndex:
    return AreaIndex.from_mapping(
        {
            "holed": {"type": "Polygon", "coordinates": [SQUARE, HOLE]},
            "u": {
                "type": "MultiPolygon",
                "coordinates": [[[[x + 2.0, y] for x, y in U_SHAPE]], [[[5, 5], [6, 5], [5, 6]]]],
            },
        }
    )


def test_locate_many_gives_the_hand_worked_keys() -> None:
    index = _shapes()
    # (lat, lon): in the square, in its hole, in the U's bottom, between the U's arms,
    # in the triangle, nowhere
    lats = [0.2, 0.5, 0.5, 2.0, 5.2, 9.0]
    lons = [0.2, 0.5, 3.5, 3.5, 5.2, 9.0]
    assert index.locate(lats, lons) == ["holed", None, "u", None, "u", None]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1, 7, allow_nan=False), st.floats(-1, 7, allow_nan=False)),
        max_size=40,
    )
)
def test_locate_many_agrees_with_one_at_a_time(points: list[tuple[float, float]]) -> None:
    index = _shapes()
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    assert index.locate(lats, lons) == [index(a, b) for a, b in points]
    known = index.with_known(lats, lons, outside="elsewhere")
    for lat, lon in points:
        expected = index(lat, lon)
        assert known(lat, lon) == ("elsewhere" if expected is None else expected)
    assert known(0.2, 0.2) == "holed"  # a point not given in advance is looked up
