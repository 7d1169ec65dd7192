"""Issue 16, attacks on the public fast path: the bundled data's release, map included.

The demo store (real incidents with coordinates and exact dates) is released and
served; an attacker reads every table and file the fast path serves. No count below
the threshold is published, no incident id appears, and the map carries no point: every
coordinate of the GeoJSON is a vertex of the H3 cell its feature names or of one of its
children down to the map's finest resolution (a coarse cell is drawn as the union of
its children), computed here with the h3 library: grid points, never an incident's
position.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import h3
import httpx
from tests.attacks.fast_reads_servers import released_copy, serving

THRESHOLD = 3


def _incident_ids(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT DISTINCT incident_id FROM incidents").fetchall()
    finally:
        con.close()
    return {str(r[0]) for r in rows if len(str(r[0])) >= 5}


def test_the_demo_release_serves_no_small_count_no_id_and_no_point(
    demo_db: Path, tmp_path: Path
) -> None:
    made = released_copy(demo_db, tmp_path)
    ids = _incident_ids(made.db)
    assert len(ids) > 100
    with serving(made.db) as (url, _), httpx.Client(base_url=url, timeout=30) as client:
        summary = client.get("/v1/releases/latest").json()
        assert "map_h3" in summary["tables"]
        bodies = {"summary": json.dumps(summary).encode()}
        for table in summary["tables"]:
            got = client.get(f"/v1/releases/latest/tables/{table}").json()
            bodies[table] = json.dumps(got).encode()
            for row in got["rows"]:
                if row.get("count") not in ("", None):
                    assert int(row["count"]) >= THRESHOLD, (table, row)
        for name in summary["files"]:
            got = client.get(f"/v1/releases/latest/files/{name}")
            assert got.status_code == 200
            bodies[name] = got.content
    for name, body in bodies.items():
        if name.endswith(".parquet"):
            continue
        words = set(re.findall(r"[A-Za-z0-9_-]+", body.decode("utf-8")))
        assert not ids & words, (name, sorted(ids & words)[:5])
    features = json.loads(bodies["map_h3.geojson"])["features"]
    assert features
    finest = max(f["properties"]["resolution"] for f in features)
    for feature in features:
        cell = feature["properties"]["h3_cell"]
        assert feature["properties"]["count"] >= THRESHOLD
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        grid = _vertices(cell, finest)
        for point in re.findall(r"\[(-?[\d.]+), (-?[\d.]+)\]", json.dumps(feature["geometry"])):
            assert (round(float(point[0]), 6), round(float(point[1]), 6)) in grid, cell


def _vertices(cell: str, finest: int) -> set[tuple[float, float]]:
    """The (lng, lat) vertices of ``cell`` and of its children down to ``finest``."""
    cells = {cell}
    for resolution in range(h3.get_resolution(cell) + 1, finest + 1):
        cells |= set(h3.cell_to_children(cell, resolution))
    return {(round(lng, 6), round(lat, 6)) for c in cells for lat, lng in h3.cell_to_boundary(c)}
