"""The red team's two attacks on the square public grid, replayed on the hexagon map.

The square lattice of session 6 is gone from ``hotspots --public`` (the map is now the
release's H3 hexagons), so these replace ``tests/attacks/test_attack_spatial.py``'s
westernmost-easting and unmasked-page tests: a lone incident far from the others is in
no published shape and no published vertex is derived from it, and ``--public --html``
writes the public page, never the analysts' one.
"""

from __future__ import annotations

import json
from pathlib import Path

import h3
import numpy as np
import pytest
from tests.conftest import run_cli


@pytest.fixture(autouse=True, scope="module")
def _registered() -> None:
    from crimestats.cli import hotspots_cmd
    from crimestats.cli.app import app

    if not any(c.name == "hotspots" for c in app.registered_commands):
        hotspots_cmd.register(app)


def _town(path: Path) -> tuple[Path, float, float]:
    """A dense centre (every cell there holds >= 10) and one lone incident far west."""
    rng = np.random.default_rng(3)
    lon = np.concatenate([-87.63 + rng.normal(0, 0.002, 600), [-87.70123]])
    lat = np.concatenate([41.88 + rng.normal(0, 0.002, 600), [41.88]])
    rows = "\n".join(f"{a:.7f},{b:.7f}" for a, b in zip(lon, lat, strict=True))
    path.write_text("lon,lat\n" + rows + "\n", encoding="utf-8")
    return path, float(lon[-1]), float(lat[-1])


def test_no_public_vertex_comes_from_an_incident(tmp_path: Path) -> None:
    points, lone_lon, lone_lat = _town(tmp_path / "p.csv")
    out = tmp_path / "public.geojson"
    code, text, _ = run_cli(
        "hotspots", "--points", str(points), "--x", "lon", "--y", "lat", "--method",
        "count", "--public", "--out", str(out),
    )  # fmt: skip
    assert code == 0, text
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert features
    lone_cell = h3.latlng_to_cell(lone_lat, lone_lon, 8)
    grid_vertices = set()
    for f in features:
        cell = f["properties"]["h3_cell"]
        children = h3.cell_to_children(cell, 8) if f["properties"]["resolution"] < 8 else [cell]
        assert lone_cell not in children  # the lone incident is in no published shape
        for child in children:
            grid_vertices |= {(round(b, 6), round(a, 6)) for a, b in h3.cell_to_boundary(child)}
    for f in features:
        rings = f["geometry"]["coordinates"]
        polygons = rings if f["geometry"]["type"] == "MultiPolygon" else [rings]
        for ring in (r for p in polygons for r in p):
            # every vertex is one of the H3 grid's own, fixed before any data
            assert {tuple(v) for v in ring} <= grid_vertices


def test_public_html_is_the_public_page_not_the_analysts(tmp_path: Path) -> None:
    points, *_ = _town(tmp_path / "p.csv")
    out, page = tmp_path / "public.geojson", tmp_path / "page.html"
    code, text, _ = run_cli(
        "hotspots", "--points", str(points), "--x", "lon", "--y", "lat", "--method",
        "count", "--cell-size", "150", "--public", "--out", str(out), "--html", str(page),
    )  # fmt: skip
    assert code == 0, text
    body = page.read_text(encoding="utf-8")
    assert "analyst" not in body.lower()
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert body.count("<path") >= len(features)
    assert "Every hexagon shows at least 10 incidents" in body
