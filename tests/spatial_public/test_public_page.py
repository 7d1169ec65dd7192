"""The public page's specifications: fixed breaks, one extent and scale for every panel,
a scale bar of the stated length, and the area outlines drawn when given."""

from __future__ import annotations

from typing import Any

import numpy as np
from pyproj import Transformer

from crimestats.spatial.public_map import PointGroupPair, public_map
from crimestats.spatial.public_page import Boundary, class_breaks, panel_specs, to_html

EPSG = 32616  # UTM 16N, Chicago


def _map() -> Any:
    rng = np.random.default_rng(4)
    lat, lon = 41.88 + rng.normal(0, 0.01, 2000), -87.63 + rng.normal(0, 0.01, 2000)
    busy = 41.9 + rng.normal(0, 0.003, 3000), -87.65 + rng.normal(0, 0.003, 3000)
    return public_map(
        [PointGroupPair("t", 2023, lat, lon), PointGroupPair("t", 2024, *busy)], min_count=10
    )


def _layer(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return next(layer for layer in spec["layer"] if layer.get("name") == name)


def test_panels_share_breaks_extent_and_scale() -> None:
    square = [[-87.66, 41.86], [-87.60, 41.86], [-87.60, 41.91], [-87.66, 41.91], [-87.66, 41.86]]
    outline = Boundary("A1", {"type": "Polygon", "coordinates": [square]})
    specs = panel_specs(_map(), EPSG, [outline])
    assert len(specs) == 2
    scales = [_layer(s, "hexagons")["encoding"]["color"]["scale"] for s in specs]
    assert scales[0] == scales[1]
    assert scales[0]["domain"] == list(class_breaks(10)[1:]) == [20, 50, 100, 200]
    assert specs[0]["projection"] == specs[1]["projection"]  # one extent, one scale
    assert (specs[0]["width"], specs[0]["height"]) == (specs[1]["width"], specs[1]["height"])
    # the scale bar: its length in metres, drawn through the same identity projection
    bar = _layer(specs[0], "scale_bar")["data"]["values"][0]
    metres = bar["x2"] - bar["x"]
    assert bar["label"] in (f"{metres / 1000:g} km", f"{metres:g} m")
    assert str(metres / 10 ** int(np.floor(np.log10(metres))))[0] in "125"
    # the outline is projected to the map's CRS (pyproj directly)
    areas = _layer(specs[0], "areas")["data"]["values"][0]["geometry"]["coordinates"][0]
    x, y = Transformer.from_crs(4326, EPSG, always_xy=True).transform(*square[0])
    assert areas[0] == [round(x, 1), round(y, 1)]


def test_the_page_draws_the_outlines_and_no_script() -> None:
    outline = Boundary("A1", {"type": "Polygon", "coordinates": [[
        [-87.66, 41.86], [-87.60, 41.86], [-87.60, 41.91], [-87.66, 41.91], [-87.66, 41.86],
    ]]})  # fmt: skip
    page = to_html(_map(), EPSG, boundaries=[outline], warnings=["coordinates are rounded"])
    assert page.count('class="mark-shape role-mark areas_marks"') == 2
    assert "<script" not in page
    assert "coordinates are rounded" in page
