"""Counts per snap point: never below min_count, never on an input spot, never across areas.

The invariants are checked against the inputs directly (rounding, area membership and
totals computed here), for hand-made clusters and for random points.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.geomask import MaskingError, count_at_snap_points


def _side(lat: float, lon: float) -> str:
    """Two areas split by the meridian at lon 0.005."""
    return "west" if lon < 0.005 else "east"


def test_a_busy_cluster_is_published_and_a_quiet_one_suppressed() -> None:
    # A: 3 distinct locations with 4 crimes each; B, 1 km away: 2 locations, 1 crime each.
    # MDAV with k=2 on 5 locations takes the 2 farthest from the mean (B) as one group and
    # leaves A's 3 as the other, so the snap points carry 12 and 2 crimes.
    a = [(0.0, 0.0), (0.0, 0.0002), (0.0002, 0.0)] * 4
    b = [(0.01, 0.01), (0.01, 0.0102)]
    counted = count_at_snap_points(a + b, min_sources=2, min_count=5)
    assert [p.count for p in counted.points] == [12]
    (point,) = counted.points
    assert abs(point.lat - 0.0001) < 0.0003
    assert abs(point.lon - 0.0001) < 0.0003
    assert counted.report.n_suppressed == 2
    assert counted.report.n_published == 12
    assert counted.report.n_features == 1


def test_too_few_locations_suppress_everything() -> None:
    counted = count_at_snap_points([(1.0, 1.0)] * 50, min_sources=2, min_count=5)
    assert counted.points == ()
    assert counted.report.n_suppressed == 50


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(MaskingError, match="min_count"):
        count_at_snap_points([(0.0, 0.0), (0.0, 1.0)], min_sources=2, min_count=1)
    with pytest.raises(MaskingError, match="decimals"):
        count_at_snap_points([(0.0, 0.0), (0.0, 1.0)], 2, 5, decimals=0)


cluster = st.tuples(
    st.floats(0.0, 0.01, allow_nan=False), st.floats(0.0, 0.01, allow_nan=False)
).map(lambda p: (round(p[0], 5), round(p[1], 5)))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(cluster, st.integers(1, 6)), min_size=1, max_size=40),
    st.integers(2, 5),
    st.integers(2, 12),
    st.booleans(),
    st.lists(cluster, max_size=20),
)
def test_published_counts_keep_every_promise(
    spots: list[tuple[tuple[float, float], int]],
    min_sources: int,
    min_count: int,
    with_areas: bool,
    avoid: list[tuple[float, float]],
) -> None:
    points = [spot for spot, times in spots for _ in range(times)]
    avoided = {(round(a, 4), round(b, 4)) for a, b in avoid}
    counted = count_at_snap_points(
        points, min_sources, min_count, _side if with_areas else None, avoid=avoided
    )
    inputs = {(round(a, 4), round(b, 4)) for a, b in points}
    for point in counted.points:
        assert point.count >= min_count
        assert (point.lat, point.lon) == (round(point.lat, 4), round(point.lon, 4))
        assert (point.lat, point.lon) not in inputs
        assert (point.lat, point.lon) not in avoided
        if with_areas:
            assert _side(point.lat, point.lon) == point.area
    assert sum(p.count for p in counted.points) + counted.report.n_suppressed == len(points)
    assert len({(p.lat, p.lon) for p in counted.points}) == len(counted.points)
    if with_areas:  # no area is shown with more crimes than happened in it
        per_area = Counter(_side(*p) for p in points)
        shown: Counter[str] = Counter()
        for point in counted.points:
            shown[str(point.area)] += point.count
        assert all(shown[a] <= per_area[a] for a in shown)
