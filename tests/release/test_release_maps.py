"""The release's masked maps: no small count, no source coordinate, valid and stable GeoJSON.

Expected figures come from the store by direct SQL and from h3 called here, never from
the code under test; the small store's answers are worked out by hand.
"""

from __future__ import annotations

import csv
import inspect
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import h3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.errors import UsageError
from crimestats.release.map_inputs import store_map_inputs
from crimestats.release.maps import MapOutput, rfc7946_geometry
from crimestats.release.maps import write_maps as write_store_maps


def write_maps(db: Any, folder: Any, **options: Any) -> Any:
    """The masked map of the store ``db``: its inputs read once, then written."""
    inputs = store_map_inputs(
        db, method=options.get("method", "h3"), area_level=options.pop("area_level", None)
    )
    return write_store_maps(inputs, folder, **options)


MIN_COUNT = 10
RESOLUTION = 8


@pytest.fixture(scope="module")
def hex_maps(
    demo_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[MapOutput, Path, Path]:
    """The demo store mapped twice with hexagons, into two folders."""
    first = tmp_path_factory.mktemp("maps")
    second = tmp_path_factory.mktemp("maps")
    out = write_maps(demo_db, first, h3_resolution=RESOLUTION, min_count=MIN_COUNT)
    write_maps(demo_db, second, h3_resolution=RESOLUTION, min_count=MIN_COUNT)
    return out, first, second


@pytest.fixture(scope="module")
def snap_maps(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[MapOutput, Path]:
    folder = tmp_path_factory.mktemp("snap")
    return write_maps(demo_db, folder, min_count=MIN_COUNT, method="snap", min_sources=8), folder


def _store_points(db: Path) -> tuple[dict[tuple[str, int], int], set[tuple[float, float]]]:
    """Incidents with coordinates per (source, year of report), and every distinct location."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = con.execute(
            "SELECT source, year(reported_date), count(*) FROM incidents "
            "WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY ALL"
        ).fetchall()
        locations = con.execute(
            "SELECT DISTINCT lat, lon FROM incidents WHERE lat IS NOT NULL AND lon IS NOT NULL"
        ).fetchall()
    finally:
        con.close()
    return {(s, int(y)): int(n) for s, y, n in counts}, {(a, b) for a, b in locations}


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return list(geometry["coordinates"])


def _shoelace(ring: list[list[float]]) -> float:
    """Twice the signed area of a closed ring: positive when counter-clockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))


def _number_pairs(text: str, decimals: int) -> set[tuple[float, float]]:
    """Every two numbers next to each other in a text, both ways round, rounded."""
    numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text)]
    pairs: set[tuple[float, float]] = set()
    for a, b in itertools.pairwise(numbers):
        pairs.add((round(a, decimals), round(b, decimals)))
        pairs.add((round(b, decimals), round(a, decimals)))
    return pairs


def test_files_and_resources(hex_maps: tuple[MapOutput, Path, Path]) -> None:
    out, folder, _ = hex_maps
    assert out.files == ["map_h3.geojson", "map_h3.csv"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(out.files)
    assert [r["path"] for r in out.resources] == out.files
    table = next(r for r in out.resources if r["path"] == "map_h3.csv")
    header = (folder / "map_h3.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert [f["name"] for f in table["schema"]["fields"]] == header
    assert out.metadata["parameters"]["min_count"] == MIN_COUNT


def test_no_published_count_below_min_count(hex_maps: tuple[MapOutput, Path, Path]) -> None:
    _, folder, _ = hex_maps
    rows = _csv(folder / "map_h3.csv")
    assert rows
    assert all(int(r["count"]) >= MIN_COUNT for r in rows)
    features = json.loads((folder / "map_h3.geojson").read_text(encoding="utf-8"))["features"]
    assert all(f["properties"]["count"] >= MIN_COUNT for f in features)
    assert [f["properties"]["h3_cell"] for f in features] == [r["h3_cell"] for r in rows]


def _band(part: int, whole: int) -> str:
    """The published share band, recomputed here from the store (release/maps.py)."""
    if part == 0:
        return "none"
    share = part / whole
    return "under 5%" if share < 0.05 else "5% to 20%" if share < 0.2 else "20% or more"


def test_published_plus_suppressed_is_every_point_in_the_store(
    demo_db: Path, hex_maps: tuple[MapOutput, Path, Path]
) -> None:
    out, folder, _ = hex_maps
    expected, _ = _store_points(demo_db)
    published: Counter[tuple[str, int]] = Counter()
    for row in _csv(folder / "map_h3.csv"):
        published[(row["source"], int(row["year"]))] += int(row["count"])
    counts = {
        (g["source"], g["year"]): g["masking"]["counts"]
        for g in out.metadata["groups"]
        if "masking" in g
    }
    assert set(counts) == set(expected)
    suppressed = 0
    for key, n in expected.items():
        assert counts[key]["published"] == published[key], key
        assert published[key] <= n, key
        # the exact number suppressed is not published (it could pin a withheld margin):
        # only its share band, which must match the store
        assert counts[key]["suppressed_share"] == _band(n - published[key], n), key
        assert "suppressed" not in counts[key]
        suppressed += n - published[key]
    assert suppressed > 0  # the real data has sparse places


def test_a_source_without_points_produces_nothing_but_a_note(
    demo_db: Path, hex_maps: tuple[MapOutput, Path, Path]
) -> None:
    out, folder, _ = hex_maps
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        unmapped = {
            s
            for (s,) in con.execute(
                "SELECT source FROM incidents GROUP BY source HAVING count(lat) = 0"
            ).fetchall()
        }
    finally:
        con.close()
    assert unmapped == {"nypd_hate_crimes"}  # the NYPD file has no coordinates
    groups = [g for g in out.metadata["groups"] if g["source"] in unmapped]
    assert groups
    assert all("masking" not in g and g["note"] for g in groups)
    assert all("incidents" not in g for g in groups)  # no exact count per source and year
    assert not any(r["source"] in unmapped for r in _csv(folder / "map_h3.csv"))
    assert any("nypd_hate_crimes" in note for note in out.metadata["notes"])


def test_no_source_coordinate_in_any_file(
    demo_db: Path, hex_maps: tuple[MapOutput, Path, Path]
) -> None:
    out, folder, _ = hex_maps
    _, locations = _store_points(demo_db)
    source5 = {(round(a, 5), round(b, 5)) for a, b in locations}
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())]
    texts.append(json.dumps(out.metadata) + json.dumps(out.resources))
    for text in texts:
        assert not _number_pairs(text, 5) & source5
    # the only coordinates are H3 grid vertices, which do not depend on the data
    features = json.loads(texts[sorted(out.files).index("map_h3.geojson")])["features"]
    for feature in features:
        cell = feature["properties"]["h3_cell"]
        fine = (
            [cell]
            if h3.get_resolution(cell) == RESOLUTION
            else h3.cell_to_children(cell, RESOLUTION)
        )
        grid = {(round(lng, 6), round(lat, 6)) for c in fine for lat, lng in h3.cell_to_boundary(c)}
        for polygon in _polygons(feature["geometry"]):
            for ring in polygon:
                assert {(x, y) for x, y in ring} <= grid, cell


def test_geojson_rings_closed_and_right_hand_rule(hex_maps: tuple[MapOutput, Path, Path]) -> None:
    _, folder, _ = hex_maps
    collection = json.loads((folder / "map_h3.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    holes = 0
    for feature in collection["features"]:
        for polygon in _polygons(feature["geometry"]):
            for index, ring in enumerate(polygon):
                assert len(ring) >= 4
                assert ring[0] == ring[-1]
                assert all(len(str(v).split(".")[-1]) <= 6 for p in ring for v in p)
                # RFC 7946 section 3.1.6: exterior counter-clockwise, holes clockwise
                assert (_shoelace(ring) > 0) == (index == 0)
                holes += index > 0
    assert holes > 0  # merged cells with published children have holes: they were checked


def test_the_same_store_gives_the_same_bytes(hex_maps: tuple[MapOutput, Path, Path]) -> None:
    out, first, second = hex_maps
    for name in out.files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_snap_points_never_small_never_a_source_location(
    demo_db: Path, snap_maps: tuple[MapOutput, Path]
) -> None:
    out, folder = snap_maps
    assert out.files == ["map_snap.geojson", "map_snap.csv"]
    expected, locations = _store_points(demo_db)
    rows = _csv(folder / "map_snap.csv")
    assert rows
    assert all(int(r["count"]) >= MIN_COUNT for r in rows)
    source4 = {(round(a, 4), round(b, 4)) for a, b in locations}
    assert not {(float(r["lat"]), float(r["lon"])) for r in rows} & source4
    for path in folder.iterdir():
        assert not _number_pairs(path.read_text(encoding="utf-8"), 5) & {
            (round(a, 5), round(b, 5)) for a, b in locations
        }
    features = json.loads((folder / "map_snap.geojson").read_text(encoding="utf-8"))["features"]
    assert [f["geometry"]["coordinates"] for f in features] == [
        [float(r["lon"]), float(r["lat"])] for r in rows
    ]
    published: Counter[tuple[str, int]] = Counter()
    for row in rows:
        published[(row["source"], int(row["year"]))] += int(row["count"])
    for group in out.metadata["groups"]:
        key = (group["source"], group["year"])
        if "masking" in group:
            counts = group["masking"]["counts"]
            assert counts["published"] == published[key]
            assert counts["suppressed_share"] == _band(
                expected[key] - published[key], expected[key]
            )


def test_small_store_worked_by_hand(
    tmp_path: Path, db: Path, ingest_rows: Callable[..., Any]
) -> None:
    # 12 incidents at one spot, 3 far away (another continent), 2 without coordinates
    rows = [
        {"incident_id": f"A{i}", "reported_date": "2024-03-01", "national_label": "Theft",
         "lat": "51.5101", "lon": "-0.0921"}
        for i in range(12)
    ] + [
        {"incident_id": f"B{i}", "reported_date": "2024-03-02", "national_label": "Theft",
         "lat": "35.149", "lon": "-89.942"}
        for i in range(3)
    ] + [
        {"incident_id": f"C{i}", "reported_date": "2024-03-03", "national_label": "Theft"}
        for i in range(2)
    ]  # fmt: skip
    ingest_rows(rows, source="town")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = write_maps(db, out_dir, h3_resolution=9, min_count=5)
    table = _csv(out_dir / "map_h3.csv")
    cell = h3.latlng_to_cell(51.5101, -0.0921, 9)
    assert table == [
        {"source": "town", "year": "2024", "h3_cell": cell, "resolution": "9", "count": "12"}
    ]
    (group,) = out.metadata["groups"]
    assert "incidents" not in group  # 17: never published exactly
    assert group["masking"]["counts"]["published"] == 12
    assert group["masking"]["counts"]["suppressed_share"] == "20% or more"  # 3 of 15
    assert group["masking"]["counts"]["without_location_share"] == "5% to 20%"  # 2 of 17
    assert "51.5101" not in (out_dir / "map_h3.geojson").read_text(encoding="utf-8")


def test_a_store_without_points_writes_no_file(
    tmp_path: Path, db: Path, ingest_rows: Callable[..., Any]
) -> None:
    ingest_rows([{"incident_id": "X", "reported_date": "2024-01-01", "national_label": "Theft"}])
    folder = tmp_path / "out"
    folder.mkdir()
    out = write_maps(db, folder)
    assert out.files == []
    assert out.resources == []
    assert list(folder.iterdir()) == []
    assert out.metadata["groups"][0]["note"]  # nothing mapped, and why


@pytest.mark.parametrize(
    ("options", "word"),
    [
        ({"min_count": 1}, "min_count"),
        ({"h3_resolution": 16}, "h3_resolution"),
        ({"method": "kde"}, "method"),
        ({"method": "snap", "min_sources": 1}, "min_sources"),
    ],
)
def test_bad_options_are_refused(demo_db: Path, tmp_path: Path, options: Any, word: str) -> None:
    with pytest.raises(UsageError, match=word):
        write_maps(demo_db, tmp_path, **options)
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-60, 60), st.floats(-60, 60)), min_size=3, max_size=8, unique=True
    ),
    st.booleans(),
)
def test_any_ring_comes_out_closed_and_counter_clockwise(
    points: list[tuple[float, float]], reverse: bool
) -> None:
    # a star-shaped ring around its centre, in either direction
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    ring = sorted(points, key=lambda p: math.atan2(p[1] - cy, p[0] - cx))
    if reverse:
        ring.reverse()
    if abs(_shoelace([*ring, ring[0]])) < 1e-3:
        return  # degenerate (collinear) ring: orientation is meaningless
    out = rfc7946_geometry({"type": "Polygon", "coordinates": [ring]})["coordinates"][0]
    assert out[0] == out[-1]
    assert _shoelace(out) > 0
    assert {tuple(p) for p in out} == {(round(x, 6), round(y, 6)) for x, y in ring}


def _winding(lon: float, lat: float, ring: list[list[float]]) -> int:
    """Winding number of a ring around a point (Sunday 2001): a second method, not even-odd."""
    number = 0
    for (x1, y1), (x2, y2) in itertools.pairwise([*ring, ring[0]]):
        side = (x2 - x1) * (lat - y1) - (lon - x1) * (y2 - y1)
        if y1 <= lat < y2 and side > 0:
            number += 1
        elif y2 <= lat < y1 and side < 0:
            number -= 1
    return number


def _inside(lon: float, lat: float, geometry: dict[str, Any]) -> bool:
    return any(
        _winding(lon, lat, polygon[0]) != 0
        and not any(_winding(lon, lat, hole) != 0 for hole in polygon[1:])
        for polygon in _polygons(geometry)
    )


def test_snap_points_stay_in_their_precinct(demo_db: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        precincts = {
            code: json.loads(geometry)
            for code, geometry in con.execute(
                "SELECT area_code, geometry FROM areas WHERE level = 'precinct'"
            ).fetchall()
        }
    finally:
        con.close()
    assert len(precincts) == 9  # the Memphis Police Department's precincts
    out = write_maps(demo_db, tmp_path, method="snap", area_level="precinct", min_count=MIN_COUNT)
    assert out.metadata["parameters"]["area_level"] == "precinct"
    rows = [r for r in _csv(tmp_path / "map_snap.csv") if r["area"]]
    assert {r["source"] for r in rows} == {"code_memphis"}
    assert len({r["area"] for r in rows}) >= 5
    for row in rows:
        assert int(row["count"]) >= MIN_COUNT
        point = (float(row["lon"]), float(row["lat"]))
        assert _inside(*point, precincts[row["area"]]), row
        others = [
            code for code, g in precincts.items() if code != row["area"] and _inside(*point, g)
        ]
        assert others == [], row


def test_area_level_is_checked(demo_db: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="snap method only"):
        write_maps(demo_db, tmp_path, area_level="precinct")
    with pytest.raises(UsageError, match="no areas") as caught:
        write_maps(demo_db, tmp_path, method="snap", area_level="ward")
    assert "precinct" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_resources_pass_frictionless_validate(hex_maps: tuple[MapOutput, Path, Path]) -> None:
    frictionless = pytest.importorskip("frictionless")
    out, folder, _ = hex_maps
    package = folder.parent / f"{folder.name}-package"
    package.mkdir()
    for name in out.files:
        (package / name).write_bytes((folder / name).read_bytes())
    descriptor = {"name": "maps", "resources": out.resources}
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = frictionless.validate(str(package / "datapackage.json"))
    errors = [e.message for t in report.tasks for e in t.errors] + [
        e.message for e in report.errors
    ]
    assert report.valid, errors


def test_max_distance_suppresses_far_points(demo_db: Path, tmp_path: Path) -> None:
    out = write_maps(demo_db, tmp_path, method="snap", max_distance_m=500.0)
    farthest = [
        g["masking"]["displacement_m"]["max"] for g in out.metadata["groups"] if "masking" in g
    ]
    measured = [d for d in farthest if d is not None]
    assert measured  # some source and year kept points within 500 m
    assert all(d <= 500.0 * 1.01 for d in measured)  # planar limit vs great-circle distance
    with pytest.raises(UsageError, match="max_distance_m"):
        write_maps(demo_db, tmp_path / "x", max_distance_m=500.0)  # h3 has no such option


def test_the_doc_names_every_option() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "geographic-masking.md"
    text = doc.read_text(encoding="utf-8")
    for name in [*inspect.signature(write_store_maps).parameters, "area_level"]:
        if name not in {"inputs", "folder"}:
            assert f"`{name}" in text, name
