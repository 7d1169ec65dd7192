"""``crimestats scan`` on the store: incidents per area, the store's populations and the
centroids of the area polygons give the same clusters as SaTScan files written by hand
with the same counts and the squares' centres (spatial, and space-time by month)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from tests.conftest import base_row, write_flat
from typer.testing import CliRunner

from crimestats.cli import scan_cmd
from crimestats.services.ingesting import ingest_files
from crimestats.services.statistics import ingest_areas, ingest_population
from crimestats.spatial.scan_store import polygon_centroid

# a 4 x 3 grid of squares 0.01 degrees wide; area "A<col><row>", centre known exactly
SQUARES = {
    f"A{c}{r}": (-87.70 + c * 0.01, 41.80 + r * 0.01) for c in range(4) for r in range(3)
}  # (west, south) corners
POPULATION = {code: 1000 + 250 * (i % 5) for i, code in enumerate(sorted(SQUARES))}
MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")


def _cases() -> dict[tuple[str, str], int]:
    rng = np.random.default_rng(9)
    cases = {(a, m): int(rng.poisson(POPULATION[a] / 400)) for a in SQUARES for m in MONTHS}
    cases[("A21", "2024-04")] += 9  # a recent local excess
    cases[("A11", "2024-04")] += 4
    return cases


def _square(code: str, w: float, s: float) -> dict[str, object]:
    """A GeoJSON feature: the square 0.01 degrees wide whose south-west corner is (w, s)."""
    ring = [[w, s], [w + 0.01, s], [w + 0.01, s + 0.01], [w, s + 0.01], [w, s]]
    return {"type": "Feature", "properties": {"code": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip


def _feature(code: str) -> dict[str, object]:
    return _square(code, *SQUARES[code])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scan")
    db = folder / "s.duckdb"
    rows = []
    for (area, month), n in _cases().items():
        for k in range(n):
            rows.append(base_row(
                incident_id=f"{area}-{month}-{k}", reported_date=f"{month}-{1 + k % 27:02d}",
                occurred_start=f"{month}-{1 + k % 27:02d} 08:00:00",
                area_code=area, iccs_code="0501", national_label="Burglary",
            ))  # fmt: skip
    rows.append(base_row(incident_id="other", area_code="A00", iccs_code="0101"))
    loaded = ingest_files([write_flat(folder / "in.csv", rows)], source="t", db=db)[0]
    assert loaded.accepted == len(rows)
    pop = folder / "pop.csv"
    lines = "".join(f"{a},2024,{p}\n" for a, p in POPULATION.items())
    pop.write_text("area_code,year,population\n" + lines)
    ingest_population(db, pop)
    areas = folder / "areas.geojson"
    collection = {"type": "FeatureCollection", "features": [_feature(c) for c in SQUARES]}
    areas.write_text(json.dumps(collection))
    ingest_areas(db, areas, code_property="code")
    return db


def _files(folder: Path, time: bool) -> list[str]:
    """SaTScan files by hand: the same counts, populations, and the squares' centres."""
    cases = folder / "cases.txt"
    if time:
        cases.write_text("".join(f"{a} {n} {m}\n" for (a, m), n in _cases().items()))
    else:
        totals = {a: sum(n for (b, _), n in _cases().items() if b == a) for a in SQUARES}
        cases.write_text("".join(f"{a} {n}\n" for a, n in totals.items()))
    pop = folder / "pop.txt"
    pop.write_text("".join(f"{a} 2024 {p}\n" for a, p in POPULATION.items()))
    coords = folder / "coords.txt"
    coords.write_text("".join(f"{a} {s + 0.005} {w + 0.005}\n" for a, (w, s) in SQUARES.items()))
    return ["--cases", str(cases), "--population", str(pop), "--coords", str(coords),
            "--coords-kind", "latlong"]  # fmt: skip


def _run(*args: str) -> dict[str, object]:
    app = typer.Typer()
    scan_cmd.register(app)
    app.command("noop")(lambda: None)
    out = CliRunner().invoke(app, ["scan", "--permutations", "19", "--seed", "5", "--json", *args])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _clusters(doc: dict[str, object]) -> list[tuple[object, ...]]:
    return [(tuple(c["ids"]), c["cases"], round(c["llr"], 6), tuple(c["periods"]))  # type: ignore[index]
            for c in doc["clusters"]]  # type: ignore[attr-defined]  # fmt: skip


def test_store_spatial_scan_equals_the_files(store: Path, tmp_path: Path) -> None:
    from_store = _run("--db", str(store), "--iccs", "0501")
    from_files = _run(*_files(tmp_path, time=False))
    assert _clusters(from_store) == _clusters(from_files)
    assert from_store["cases"] == sum(_cases().values())  # the 0101 incident is not selected
    assert "A21" in from_store["clusters"][0]["ids"]  # type: ignore[index]


def test_store_space_time_scan_equals_the_files(store: Path, tmp_path: Path) -> None:
    from_store = _run("--db", str(store), "--iccs", "0501", "--time", "--period", "month")
    from_files = _run(*_files(tmp_path, time=True), "--time")
    assert _clusters(from_store) == _clusters(from_files)
    top = from_store["clusters"][0]  # type: ignore[index]
    assert top["periods"][-1] == "2024-04"  # prospective: alive at the end


def test_store_without_populations_says_how_to_load_them(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ingest_files([write_flat(tmp_path / "in.csv", [base_row(area_code="A00")])], source="t", db=db)
    app = typer.Typer()
    scan_cmd.register(app)
    app.command("noop")(lambda: None)
    out = CliRunner().invoke(app, ["scan", "--db", str(db)])
    assert "ingest-population" in str(getattr(out.exception, "hint", ""))


def test_files_must_come_together(tmp_path: Path) -> None:
    app = typer.Typer()
    scan_cmd.register(app)
    app.command("noop")(lambda: None)
    out = CliRunner().invoke(app, ["scan", "--cases", str(tmp_path / "c.txt")])
    assert "--population" in str(out.exception)


def test_polygon_centroid_of_a_square_with_a_hole_and_an_l_shape() -> None:
    square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]  # takes the lower-left quarter away
    lat, lon = polygon_centroid({"type": "Polygon", "coordinates": [square, hole]})  # type: ignore[misc]
    # three 2 x 2 squares centred (3, 1), (1, 3), (3, 3): mean (7/3, 7/3)
    assert (lon, lat) == pytest.approx((7 / 3, 7 / 3))
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[hole], [[[10, 0], [12, 0], [12, 2], [10, 2]]]],
    }
    assert polygon_centroid(multi) == pytest.approx((1.0, 6.0))


def test_area_level_rolls_incidents_and_populations_up_the_tree(tmp_path: Path) -> None:
    """Blocks (populations, no polygon) under four precinct squares (polygons, no
    population); incidents recorded in a block, or with only a point in a precinct. At
    --area-level precinct the scan sees each precinct's incidents and the sum of its
    blocks' populations, as SaTScan files written by hand with those sums."""
    db = tmp_path / "s.duckdb"
    corners = [(c, r) for c in range(2) for r in range(2)]
    precincts = {f"P{c}{r}": (-87.70 + c * 0.01, 41.80 + r * 0.01) for c, r in corners}
    blocks = {f"{p}-b{k}": p for p in precincts for k in range(3)}
    block_pop = {b: 400 + 100 * k for k, b in enumerate(sorted(blocks))}
    rng = np.random.default_rng(3)
    rows, by_precinct = [], dict.fromkeys(precincts, 0)
    for number, block in enumerate(sorted(blocks)):
        for k in range(int(rng.integers(1, 6)) + (8 if block.startswith("P11") else 0)):
            rows.append(base_row(incident_id=f"{number}-{k}", area_code=block))
            by_precinct[blocks[block]] += 1
    for p, (w, s) in precincts.items():  # two incidents each with only a point inside
        for k in range(2):
            rows.append(
                base_row(incident_id=f"{p}-pt{k}", lat=s + 0.004 + 0.002 * k, lon=w + 0.005)
            )
            by_precinct[p] += 1
    assert ingest_files([write_flat(tmp_path / "in.csv", rows)], source="t", db=db)[
        0
    ].accepted == len(rows)
    features = [{**_square(p, w, s), "properties": {"code": p}} for p, (w, s) in precincts.items()]
    features += [{"type": "Feature", "properties": {"code": b, "parent": p}, "geometry": None}
                 for b, p in blocks.items()]  # fmt: skip
    (tmp_path / "p.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features[:4]})
    )
    (tmp_path / "b.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features[4:]})
    )
    ingest_areas(db, tmp_path / "p.geojson", code_property="code", level="precinct")
    ingest_areas(
        db, tmp_path / "b.geojson", code_property="code", level="block", parent_property="parent"
    )
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "area_code,year,population\n" + "".join(f"{b},2024,{v}\n" for b, v in block_pop.items())
    )
    ingest_population(db, pop)
    from_store = _run("--db", str(db), "--area-level", "precinct")
    sums = {p: sum(v for b, v in block_pop.items() if blocks[b] == p) for p in precincts}
    (tmp_path / "c.txt").write_text("".join(f"{p} {n}\n" for p, n in by_precinct.items()))
    (tmp_path / "q.txt").write_text("".join(f"{p} 2024 {v}\n" for p, v in sums.items()))
    (tmp_path / "g.txt").write_text(
        "".join(f"{p} {s + 0.005} {w + 0.005}\n" for p, (w, s) in precincts.items())
    )
    from_files = _run("--cases", str(tmp_path / "c.txt"), "--population", str(tmp_path / "q.txt"),
                      "--coords", str(tmp_path / "g.txt"), "--coords-kind", "latlong")  # fmt: skip
    assert from_store["cases"] == sum(by_precinct.values())
    assert from_store["population"] == sum(block_pop.values())
    assert _clusters(from_store) == _clusters(from_files)
    assert "P11" in from_store["clusters"][0]["ids"]  # type: ignore[index]
