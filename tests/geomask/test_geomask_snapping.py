"""Snap points: hand-made sets with known answers, guarantees as properties, real data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.geomask import (
    AreaIndex,
    MaskingError,
    SnapPoints,
    build_snap_points,
    haversine_m,
    mdav_groups,
    snap,
)

U_SHAPE = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]


def _west_east(lat: float, lon: float) -> Hashable | None:
    return "west" if lon < 0 else "east"


def _check_guarantees(
    points: list[tuple[float, float]],
    snaps: SnapPoints,
    area_of_point: object = None,
) -> None:
    """The three promises, checked from the outside."""
    result = snap(points, snaps)
    published = result.published()
    inputs = set(points)
    assert not inputs & set(snaps.coordinates())  # no snap point is an input coordinate
    sources: dict[int, set[tuple[float, float]]] = defaultdict(set)
    for point, index, where in zip(points, result.index.tolist(), published, strict=True):
        if index < 0:
            assert where is None
            continue
        assert where is not None
        assert where not in inputs
        sources[index].add(point)
        if callable(area_of_point):
            assert area_of_point(*where) == area_of_point(*point)  # never across a boundary
    assert all(len(s) >= snaps.min_sources for s in sources.values())
    assert sorted(len(s) for s in sources.values()) == sorted(snaps.sources.tolist())
    assert np.all(snaps.sources >= snaps.min_sources)
    report = result.report
    assert report.n_published + report.n_suppressed == len(points)


def test_two_pairs_snap_to_their_midpoints() -> None:
    points = [(0.0, 0.0), (0.0, 0.002), (1.0, 1.0), (1.0, 1.002)]
    snaps = build_snap_points(points, 2)
    assert sorted(snaps.coordinates()) == [(0.0, 0.001), (1.0, 1.001)]
    result = snap(points, snaps)
    assert result.published() == [(0.0, 0.001), (0.0, 0.001), (1.0, 1.001), (1.0, 1.001)]
    # 0.001 degree of longitude on the equator, R = 6371008.8 m: 111.195 m.
    assert result.report.max_displacement_m == pytest.approx(111.195, abs=0.01)
    assert snaps.report.metadata()["counts"]["features"] == 2
    assert len(snaps.feature_collection()["features"]) == 2


def test_a_centroid_on_an_input_location_is_moved_off_it() -> None:
    points = [(0.0, -0.001), (0.0, 0.0), (0.0, 0.001)]  # the centroid is (0, 0): an input
    snaps = build_snap_points(points, 3)
    # Moved a quarter of the way towards the nearest other member, (0, -0.001).
    assert snaps.coordinates() == [(0.0, -0.00025)]
    _check_guarantees(points, snaps)


def test_repeats_of_one_location_count_once() -> None:
    points = [(0.0, 0.0)] * 10 + [(0.0, 0.002)]
    snaps = build_snap_points(points, 2)
    assert snaps.coordinates() == [(0.0, 0.001)]
    one_place = build_snap_points([(0.0, 0.0)] * 10, 2)  # ten crimes, one address
    assert len(one_place) == 0
    assert one_place.report.n_suppressed == 10


@pytest.mark.parametrize("min_sources", [1, 0, -3, True])
def test_min_sources_below_two_is_refused(min_sources: int) -> None:
    with pytest.raises(MaskingError, match="min_sources"):
        build_snap_points([(0.0, 0.0), (0.0, 1.0)], min_sources)


def test_no_points_is_refused() -> None:
    with pytest.raises(MaskingError, match="no points"):
        build_snap_points([], 2)


def test_areas_keep_groups_and_snaps_on_their_own_side() -> None:
    points = [(0.0, -0.001), (0.01, -0.001), (0.0, 0.001), (0.01, 0.001)]
    across = build_snap_points(points, 2)  # without areas, the nearest pairs straddle lon 0
    assert sorted(across.coordinates()) == [(0.0, 0.0), (0.01, 0.0)]
    snaps = build_snap_points(points, 2, _west_east)
    assert sorted(snaps.coordinates()) == [(0.005, -0.001), (0.005, 0.001)]
    assert sorted(map(str, snaps.areas)) == ["east", "west"]
    _check_guarantees(points, snaps, _west_east)


def test_an_area_with_too_few_locations_gets_no_snap_point() -> None:
    points = [(0.0, -0.001), (0.01, -0.001), (0.0, 0.001)]  # one location in the east
    snaps = build_snap_points(points, 2, _west_east)
    result = snap(points, snaps)
    assert result.index.tolist()[2] == -1
    assert result.published()[2] is None
    assert result.report.n_suppressed == 1
    _check_guarantees(points, snaps, _west_east)


def test_a_centroid_outside_a_concave_area_is_pulled_back_inside() -> None:
    index = AreaIndex.from_mapping({"U": {"type": "Polygon", "coordinates": [U_SHAPE]}})
    points = [(2.0, 0.5), (2.0, 2.5)]  # one in each arm; the centroid (2, 1.5) is in the gap
    snaps = build_snap_points(points, 2, index)
    assert snaps.coordinates() == [(2.0, 0.75)]  # three quarters of the way to the left arm
    assert index(2.0, 0.75) == "U"
    _check_guarantees(points, snaps, index)


def test_points_outside_every_area_are_suppressed() -> None:
    index = AreaIndex.from_mapping({"U": {"type": "Polygon", "coordinates": [U_SHAPE]}})
    points = [(0.5, 0.5), (0.5, 0.6), (10.0, 10.0)]
    result = snap(points, build_snap_points(points, 2, index))
    assert result.index.tolist()[2] == -1


def test_a_far_away_point_is_suppressed_under_max_distance() -> None:
    points = [(0.0, 0.0), (0.0, 0.002), (0.0, 0.004), (0.0, 0.5)]  # the last is 55 km off
    loose = snap(points, build_snap_points(points, 2))
    assert loose.report.n_suppressed == 0
    assert loose.report.max_displacement_m is not None
    assert loose.report.max_displacement_m > 20_000
    snaps = build_snap_points(points, 2, max_distance_m=1000)
    result = snap(points, snaps)
    assert result.index.tolist()[3] == -1
    assert result.report.n_suppressed == 1
    assert result.report.max_displacement_m is not None
    assert result.report.max_displacement_m < 1000
    assert snaps.report.metadata()["parameters"]["max_distance_m"] == 1000
    _check_guarantees(points, snaps)
    with pytest.raises(MaskingError, match="positive distance"):
        build_snap_points(points, 2, max_distance_m=0)


def test_snapping_a_point_that_sits_on_a_snap_point_is_refused() -> None:
    snaps = build_snap_points([(0.0, 0.0), (0.0, 0.002)], 2)
    with pytest.raises(MaskingError, match="coincide"):
        snap([(0.0, 0.001)], snaps)


def test_mdav_groups_have_k_to_2k_minus_1_members() -> None:
    rng = np.random.default_rng(5)
    xy = rng.random((103, 2))
    groups = mdav_groups(xy, 5)
    assert sorted(np.concatenate(groups).tolist()) == list(range(103))
    assert all(5 <= len(g) <= 9 for g in groups)


def test_haversine_known_distance() -> None:
    # London (51.5074, -0.1278) to Paris (48.8566, 2.3522): about 343.5 km.
    assert float(haversine_m(51.5074, -0.1278, 48.8566, 2.3522)) == pytest.approx(343_500, rel=2e-3)


coords = st.tuples(
    st.integers(0, 50).map(lambda i: 35.0 + i * 0.001),
    st.integers(0, 50).map(lambda i: -90.0 + i * 0.001),
)


def _quadrant(lat: float, lon: float) -> Hashable | None:
    if lat > 35.045:
        return None  # a strip outside every area
    return (lat < 35.02, lon < -89.975)


@settings(max_examples=100, deadline=None)
@given(
    points=st.lists(coords, min_size=1, max_size=80),
    min_sources=st.integers(2, 10),
    use_areas=st.booleans(),
    max_distance_m=st.one_of(st.none(), st.floats(50.0, 3000.0)),
)
def test_snap_point_guarantees_hold_for_random_points(
    points: list[tuple[float, float]],
    min_sources: int,
    use_areas: bool,
    max_distance_m: float | None,
) -> None:
    area = _quadrant if use_areas else None
    snaps = build_snap_points(points, min_sources, area, max_distance_m=max_distance_m)
    _check_guarantees(points, snaps, area)
    if max_distance_m is not None:
        result = snap(points, snaps)
        kept = result.index >= 0
        gaps = haversine_m(
            np.array(points)[kept, 0],
            np.array(points)[kept, 1],
            result.lats[kept],
            result.lons[kept],
        )
        assert np.all(gaps <= max_distance_m * 1.001)  # projection vs great circle
    if not use_areas and max_distance_m is None and len(set(points)) >= min_sources:
        assert len(snaps) >= 1
    if len(set(points)) < min_sources:
        assert len(snaps) == 0


def test_memphis_robberies_snapped_within_two_halves(
    memphis_points: list[tuple[float, float]],
) -> None:
    snaps = build_snap_points(memphis_points, 5, _memphis_halves)
    _check_guarantees(memphis_points, snaps, _memphis_halves)
    meta = snaps.report.metadata()
    assert meta["counts"]["input"] == 2245
    assert meta["counts"]["features"] == len(snaps)
    assert len(snaps) <= len(set(memphis_points)) // 5
    assert 0 < meta["displacement_m"]["median"] <= meta["displacement_m"]["max"]


def _memphis_halves(lat: float, lon: float) -> Hashable | None:
    return "west" if lon < -89.95 else "east"
