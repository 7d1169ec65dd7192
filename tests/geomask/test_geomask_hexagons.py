"""H3 hexagon aggregation: hand-made cells with known answers, properties, real Memphis data.

Expected counts are computed here with h3 directly (cell, parent, children), not with the
code under test.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import h3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.geomask import (
    HexCell,
    MaskingError,
    aggregate_to_h3,
    point_in_polygon,
    signed_area,
)

MEMPHIS_CENTRE = (35.149, -89.942)


def _rings(geometry: Any) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def _vertices(features: tuple[HexCell, ...]) -> set[tuple[float, float]]:
    """Every published coordinate, as (lat, lon)."""
    return {
        (lat, lon)
        for f in features
        for polygon in _rings(f.geometry)
        for ring in polygon
        for lon, lat in ring
    }


def _independent(
    points: list[tuple[float, float]], resolution: int, min_count: int, levels: int
) -> tuple[dict[str, int], int]:
    """Published counts and the suppressed remainder, straight from h3."""
    pool = Counter(h3.latlng_to_cell(a, b, resolution) for a, b in points)
    published = {c: n for c, n in pool.items() if n >= min_count}
    small = {c: n for c, n in pool.items() if n < min_count}
    for level in range(1, levels + 1):
        parents: Counter[str] = Counter()
        for cell, n in small.items():
            parents[h3.cell_to_parent(cell, resolution - level)] += n
        published |= {c: n for c, n in parents.items() if n >= min_count}
        small = {c: n for c, n in parents.items() if n < min_count}
    return published, sum(small.values())


def test_one_big_cell_is_published_as_its_own_hexagon() -> None:
    result = aggregate_to_h3([MEMPHIS_CENTRE] * 6, resolution=8, min_count=5)
    cell = h3.latlng_to_cell(*MEMPHIS_CENTRE, 8)
    (feature,) = result.feature_collection()["features"]
    assert feature["id"] == cell
    assert feature["properties"] == {"cell": cell, "resolution": 8, "count": 6, "merged": False}
    ring = _rings(feature["geometry"])[0][0]
    assert {(lat, lon) for lon, lat in ring} == set(h3.cell_to_boundary(cell))
    assert signed_area(ring) < 0  # clockwise for Vega-Lite
    assert result.report.n_suppressed == 0
    assert result.report.n_merged == 0
    assert result.feature_collection()["type"] == "FeatureCollection"


def test_small_cells_merge_into_their_parent_which_has_a_hole_for_the_big_child() -> None:
    parent = h3.latlng_to_cell(*MEMPHIS_CENTRE, 7)
    centre_child = h3.cell_to_center_child(parent, 8)
    others = sorted(set(h3.cell_to_children(parent, 8)) - {centre_child})
    points = [h3.cell_to_latlng(centre_child)] * 5  # big enough alone
    for child in others[:3]:
        points += [h3.cell_to_latlng(child)] * 2  # 2 + 2 + 2 = 6, pooled in the parent
    result = aggregate_to_h3(points, resolution=8, min_count=5)
    assert result.counts == {centre_child: 5, parent: 6}
    merged = next(f for f in result.features if f.merged)
    assert merged.resolution == 7
    exterior, *holes = _rings(merged.geometry)[0]
    assert len(holes) == 1  # the published centre child, cut out: no overlap
    assert signed_area(exterior) < 0
    assert signed_area(holes[0]) > 0
    assert result.report.n_merged == 6
    assert result.report.n_suppressed == 0


def test_cells_still_too_small_at_the_top_level_are_suppressed_and_reported() -> None:
    far = (35.30, -89.60)
    points = [MEMPHIS_CENTRE] * 5 + [far] * 3
    result = aggregate_to_h3(points, resolution=8, min_count=5, max_merge_levels=0)
    assert list(result.counts.values()) == [5]
    report = result.report.metadata()
    assert report["counts"] == {
        "input": 8,
        "published": 5,
        "merged": 0,
        "suppressed": 3,
        "features": 1,
    }
    assert report["method"] == "h3-hexagons"
    assert report["parameters"]["min_count"] == 5


def test_nothing_published_when_everything_is_small() -> None:
    result = aggregate_to_h3([MEMPHIS_CENTRE], resolution=8, min_count=2)
    assert result.features == ()
    assert result.report.n_suppressed == 1
    assert result.report.max_displacement_m is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"resolution": 16, "min_count": 5}, "not an H3 resolution"),
        ({"resolution": 8, "min_count": 0}, "below 1"),
        ({"resolution": 8, "min_count": 5, "max_merge_levels": -1}, "negative"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(MaskingError, match=message):
        aggregate_to_h3([MEMPHIS_CENTRE], **kwargs)


def test_bad_coordinates_are_refused() -> None:
    with pytest.raises(MaskingError, match="not a WGS84"):
        aggregate_to_h3([(95.0, -89.9)], 8, 5)  # latitude past the pole
    with pytest.raises(MaskingError, match="not a WGS84"):
        aggregate_to_h3([(float("nan"), 35.1)], 8, 5)


def test_a_pair_of_arrays_is_accepted() -> None:
    lats, lons = [MEMPHIS_CENTRE[0]] * 5, [MEMPHIS_CENTRE[1]] * 5
    assert aggregate_to_h3((lats, lons), 8, 5).report.n_published == 5


coords = st.tuples(
    st.integers(0, 200).map(lambda i: 35.05 + i * 0.001),
    st.integers(0, 200).map(lambda i: -90.05 + i * 0.001),
)


@settings(max_examples=40, deadline=None)
@given(
    points=st.lists(coords, min_size=0, max_size=120),
    min_count=st.integers(2, 10),
    resolution=st.integers(6, 9),
    levels=st.integers(0, 3),
)
def test_properties_of_hexagon_aggregation(
    points: list[tuple[float, float]], min_count: int, resolution: int, levels: int
) -> None:
    result = aggregate_to_h3(points, resolution, min_count, max_merge_levels=levels)
    counts = result.counts
    assert all(n >= min_count for n in counts.values())
    assert sum(counts.values()) == len(points) - result.report.n_suppressed
    expected, suppressed = _independent(points, resolution, min_count, min(levels, resolution))
    assert counts == expected
    assert result.report.n_suppressed == suppressed
    assert not _vertices(result.features) & set(points)  # never an input coordinate
    for feature in result.features:
        for polygon in _rings(feature.geometry):
            assert signed_area(polygon[0]) < 0


def test_memphis_robberies_at_resolution_8_with_min_count_5(
    memphis_points: list[tuple[float, float]],
) -> None:
    result = aggregate_to_h3(memphis_points, resolution=8, min_count=5)
    counts = result.counts
    assert min(counts.values()) >= 5
    assert sum(counts.values()) == 2245 - result.report.n_suppressed
    expected, suppressed = _independent(memphis_points, 8, 5, 2)
    assert counts == expected
    assert result.report.n_suppressed == suppressed
    assert not _vertices(result.features) & set(memphis_points)
    # Every published point lies inside the polygon of the feature that counts it.
    for lat, lon in memphis_points[::10]:
        cell = h3.latlng_to_cell(lat, lon, 8)
        owner = next(
            (
                c
                for c in (cell, h3.cell_to_parent(cell, 7), h3.cell_to_parent(cell, 6))
                if c in counts
            ),
            None,
        )
        if owner is None:
            continue
        feature = next(f for f in result.features if f.cell == owner)
        assert any(point_in_polygon(lon, lat, p) for p in _rings(feature.geometry))
    meta = result.report.metadata()
    assert meta["counts"]["published"] + meta["counts"]["suppressed"] == 2245
    assert 0 < meta["displacement_m"]["median"] <= meta["displacement_m"]["max"]
