"""``crimestats hotspots`` end to end: published sfhotspot values through the CLI, Gi* by
hand on the grid, public maps, store filters, and one clear message per mistake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from tests.conftest import run_cli

ROBBERIES = Path(__file__).resolve().parents[1] / "data" / "incidents_code_memphis_sfhotspot"
POINTS = ["--points", str(ROBBERIES / "memphis_robberies.csv"), "--x", "longitude"]
POINTS += ["--y", "latitude"]


@pytest.fixture(autouse=True, scope="module")
def _registered() -> None:
    """The lead registers the command in cli/app.py at merge; until then, here."""
    from crimestats.cli import hotspots_cmd
    from crimestats.cli.app import app

    if not any(c.name == "hotspots" for c in app.registered_commands):
        hotspots_cmd.register(app)


def _run(*args: str) -> tuple[int, str, BaseException | None]:
    return run_cli("hotspots", *args)


def _features(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return data["crimestats"], data["features"]


def test_kde_through_the_cli_gives_sfhotspots_published_values(tmp_path: Path) -> None:
    out = tmp_path / "kde.geojson"
    code, stdout, _ = _run(
        *POINTS, "--method", "kde", "--crs", "2843", "--bandwidth-rule", "sfhotspot",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0, stdout
    summary = json.loads(stdout)
    assert summary["cells"] == 3301
    assert summary["bandwidth_m"] == pytest.approx(5585.4, abs=0.05)
    assert summary["crs"] == "EPSG:2843"
    header, features = _features(out)
    assert len(features) == 3301
    assert header["bandwidth_rule"] == "sfhotspot"
    kde = [round(f["properties"]["kde"], 1) for f in features[:10]]
    assert kde == [20.7, 25.1, 30.2, 35.6, 40.7, 45.2, 48.4, 50.1, 50.2, 48.6]
    assert [f["properties"]["n"] for f in features[:10]] == [0] * 9 + [1]
    ring = features[0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    assert len(ring) == 5
    lon, lat = ring[0]
    assert -90.2 < lon < -89.6  # WGS84 longitude first (RFC 7946)
    assert 34.9 < lat < 35.4
    # counter-clockwise exterior ring (RFC 7946 section 3.1.6): positive shoelace area
    xy = np.array(ring)
    assert np.dot(xy[:-1, 0], xy[1:, 1]) - np.dot(xy[1:, 0], xy[:-1, 1]) > 0


def _gi_star_by_hand(counts: np.ndarray, neighbours: list[int]) -> float:
    """Getis & Ord (1992) / Ord & Getis (1995) Gi* z with binary weights, self included."""
    n = counts.size
    mean = counts.mean()
    s = np.sqrt((counts**2).mean() - mean**2)
    w = len(neighbours)
    local = counts[neighbours].sum()
    return float((local - mean * w) / (s * np.sqrt((n * w - w * w) / (n - 1))))


def test_gi_star_cells_match_the_formula_by_hand(tmp_path: Path) -> None:
    out = tmp_path / "gi.geojson"
    code, stdout, _ = _run(*POINTS, "--cell-size", "1000", "--out", str(out), "--json")
    assert code == 0, stdout
    header, features = _features(out)
    assert header["statistic"] == "gistar"
    assert header["weights"] == "binary queen contiguity of cells"
    counts = np.array([f["properties"]["n"] for f in features], dtype=float)
    assert counts.sum() == 2245
    ids = [f["properties"]["cell_id"] for f in features]
    columns = header["grid_columns"]
    position = {cell: k for k, cell in enumerate(ids)}
    z = np.array([f["properties"]["z"] for f in features])
    for k in (int(np.argmax(z)), int(np.argmin(z)), len(ids) // 2):
        row, col = divmod(ids[k], columns)
        neighbours = [
            position[(row + dr) * columns + col + dc]
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if 0 <= col + dc < columns and (row + dr) * columns + col + dc in position
        ]
        assert z[k] == pytest.approx(_gi_star_by_hand(counts, neighbours), abs=1e-6)  # 6 decimals
    hot = [f["properties"] for f in features if f["properties"]["class"] == "hot"]
    assert hot
    assert all(p["p_fdr"] <= 0.05 for p in hot)
    assert all(p["z"] > 0 for p in hot)
    assert header["classes"]["hot"] == len(hot)


def test_a_public_map_keeps_only_hexagons_with_the_minimum_count(tmp_path: Path) -> None:
    import h3

    from crimestats.geomask import aggregate_to_h3

    out = tmp_path / "public.geojson"
    code, stdout, _ = _run(*POINTS, "--cell-size", "1000", "--public", "--out", str(out))
    assert code == 0, stdout
    header, features = _features(out)
    assert (header["min_count"], header["h3_resolution"]) == (10, 8)
    assert features
    assert all(f["properties"]["count"] >= 10 for f in features)
    keys = {k for f in features for k in f["properties"]}
    assert keys == {"source", "year", "h3_cell", "resolution", "count"}
    # a points file has no release: the hexagons are geomask's own on the same points
    lines = (ROBBERIES / "memphis_robberies.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    lat = [float(r[head.index("latitude")]) for r in rows]
    lon = [float(r[head.index("longitude")]) for r in rows]
    direct = aggregate_to_h3((np.array(lat), np.array(lon)), 8, 10).counts
    assert {f["properties"]["h3_cell"]: f["properties"]["count"] for f in features} == direct
    # published vertices are the H3 grid's own, never a point
    first = features[0]
    if first["properties"]["resolution"] == 8:
        boundary = {
            (round(b, 6), round(a, 6))
            for a, b in h3.cell_to_boundary(first["properties"]["h3_cell"])
        }
        assert {tuple(p) for p in first["geometry"]["coordinates"][0]} == boundary


def test_fine_cells_on_rounded_coordinates_are_warned_about(tmp_path: Path) -> None:
    # the robberies of downtown Memphis only (a box of about 5 x 5 km): few cells, fast
    lines = (ROBBERIES / "memphis_robberies.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [
        line
        for line in lines[1:]
        if -90.07 <= float(line.split(",")[3]) <= -90.02
        and 35.11 <= float(line.split(",")[4]) <= 35.16
    ]
    small = tmp_path / "downtown.csv"
    small.write_text("\n".join(kept) + "\n", encoding="utf-8")
    args = ["--points", str(small), "--x", "longitude", "--y", "latitude", "--method", "count"]
    code, stdout, _ = _run(*args, "--cell-size", "100", "--out", str(tmp_path / "a.geojson"))
    assert code == 0, stdout
    assert "warning: coordinates are rounded to 0.001 degree" in " ".join(stdout.split())
    code, stdout, _ = _run(*args, "--cell-size", "250", "--out", str(tmp_path / "b.geojson"))
    assert code == 0, stdout
    assert "warning" not in stdout


def test_periods_give_trend_classes(tmp_path: Path) -> None:
    out = tmp_path / "trend.geojson"
    code, stdout, _ = _run(
        *POINTS, "--date", "date", "--period", "quarter", "--cell-size", "1000",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0, stdout
    summary = json.loads(stdout)
    assert summary["periods"] == ["2019-Q1", "2019-Q2", "2019-Q3", "2019-Q4"]
    _, features = _features(out)
    trends = [f["properties"]["trend"] for f in features]
    assert sum(summary["trends"].values()) == len(features)
    # "never" exactly where the cell was hot in no quarter
    for f in features:
        p = f["properties"]
        assert (p["trend"] == "never") == (p["hot_periods"] == 0)
    assert "persistent" in trends


def test_store_points_are_filtered_by_iccs_source_and_dates(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "store.geojson"
    code, stdout, _ = _run(
        "--db", str(demo_db), "--source", "chicago", "--iccs", "0502",
        "--since", "2014-03-01", "--until", "2014-06-30", "--method", "count",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0, stdout
    summary = json.loads(stdout)
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        expected = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE lat IS NOT NULL AND lon IS NOT NULL) "
            "FROM incidents i WHERE source = 'chicago' AND reported_date "
            "BETWEEN DATE '2014-03-01' AND DATE '2014-06-30' AND EXISTS (SELECT 1 FROM "
            "offences o WHERE o.source = i.source AND o.incident_id = i.incident_id "
            "AND o.iccs_code LIKE '0502%')"
        ).fetchone()
    finally:
        con.close()
    assert expected is not None
    assert summary["selection"]["incidents"] == expected[0]
    assert summary["points"] == expected[1]
    assert summary["selection"]["without_point"] == expected[0] - expected[1]
    assert summary["crs"] == "EPSG:32616"  # Chicago: UTM zone 16N


@pytest.mark.parametrize(
    ("args", "exit_code", "words"),
    [
        (["--method", "hexbin"], 2, "'hexbin' is not known"),
        (["--grid", "triangle"], 2, "'triangle' is not known"),
        (["--cell-size", "-5"], 2, "positive number of metres"),
        (["--since", "2019-13-01"], 2, "not a date"),
        (["--crs", "4326"], 1, "EPSG:4326 (WGS 84) is not a metric CRS"),
        (["--crs", "27700"], 1, "outside the area of use of EPSG:27700"),
        (["--fdr", "1.5"], 1, "--fdr must be between 0 and 1"),
        (["--public", "--min-count", "1"], 1, "--min-count must be an integer of at least 4"),
        (["--iccs", "0401"], 1, "--iccs and --source select store points"),
        (["--public", "--area-level", "district"], 1, "--area-level draws the store's areas"),
        (["--public", "--h3-resolution", "16"], 2, "16 is not an H3 resolution"),
        (["--permutations", "99999"], 1, "simulated values in memory"),
    ],
)
def test_mistakes_get_one_message(
    tmp_path: Path, args: list[str], exit_code: int, words: str
) -> None:
    from typer.testing import CliRunner

    from crimestats.cli.app import main

    out = tmp_path / "x.geojson"
    runner = CliRunner()
    with runner.isolation(env={"CRIMESTATS_DEBUG": None}) as (stdout, stderr, _):
        with pytest.raises(SystemExit) as caught:
            main(["hotspots", *POINTS, "--out", str(out), *args])
        text = stdout.getvalue().decode() + stderr.getvalue().decode()
    assert caught.value.code == exit_code
    assert words in " ".join(text.split())
    assert "Traceback" not in text
    assert not out.exists()


def test_exposure_gives_raw_and_empirical_bayes_rates(tmp_path: Path) -> None:
    # exposure: 1,000 residents at each robbery point's own location (so every cell with
    # robberies has exposure) plus 50,000 at one place with no robbery nearby
    import csv as csv_module

    from crimestats.spatial.rates import eb_rates

    with (ROBBERIES / "memphis_robberies.csv").open(encoding="utf-8") as handle:
        rows = list(csv_module.DictReader(handle))[:300]
    exposure = tmp_path / "people.csv"
    with exposure.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_module.writer(handle)
        writer.writerow(["longitude", "latitude", "residents"])
        for row in rows:
            writer.writerow([row["longitude"], row["latitude"], 1000])
    out = tmp_path / "rates.geojson"
    code, stdout, _ = _run(
        *POINTS, "--cell-size", "2000", "--method", "count", "--exposure", str(exposure),
        "--exposure-value", "residents", "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0, stdout
    header, features = _features(out)
    assert header["rate_smoothing"].startswith("empirical Bayes")
    props = [f["properties"] for f in features]
    exposed = [p for p in props if p["exposure"] and p["exposure"] > 0]
    assert sum(p["exposure"] for p in exposed) == pytest.approx(300_000)
    counts = np.array([p["n"] for p in props], dtype=float)
    people = np.array([p["exposure"] or 0.0 for p in props])
    expected = eb_rates(counts, people)
    got = np.array([np.nan if p["rate_eb"] is None else p["rate_eb"] for p in props])
    np.testing.assert_allclose(got, expected.smoothed, rtol=1e-6, equal_nan=True)
    for p in exposed:
        assert p["rate"] == pytest.approx(1000 * p["n"] / p["exposure"], rel=1e-6)


def test_points_file_rows_without_coordinates_are_counted_not_guessed(tmp_path: Path) -> None:
    src = (ROBBERIES / "memphis_robberies.csv").read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.csv"
    lines = [*src[:400], "x1,personal robbery,2019-02-01T00:00:00Z,,35.1", "x2,p,2019,abc,35"]
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, stdout, _ = _run(
        "--points", str(broken), "--x", "longitude", "--y", "latitude", "--method", "count",
        "--out", str(tmp_path / "b.geojson"), "--json",
    )  # fmt: skip
    assert code == 0, stdout
    summary = json.loads(stdout)
    assert summary["selection"]["rows"] == 401
    assert summary["selection"]["without_point"] == 2
    assert summary["points"] == 399


def test_local_moran_cells_match_the_formula_by_hand(tmp_path: Path) -> None:
    out = tmp_path / "lisa.geojson"
    code, stdout, _ = _run(
        *POINTS, "--method", "lisa", "--cell-size", "1500", "--out", str(out), "--json"
    )
    assert code == 0, stdout
    header, features = _features(out)
    assert header["statistic"] == "lisa"
    counts = np.array([f["properties"]["n"] for f in features], dtype=float)
    ids = [f["properties"]["cell_id"] for f in features]
    columns = header["grid_columns"]
    position = {cell: k for k, cell in enumerate(ids)}
    z = counts - counts.mean()
    m2 = (z**2).sum() / z.size  # Anselin (1995), spdep's localmoran: Ii = z_i / m2 * lag_i
    values = np.array([f["properties"]["value"] for f in features])
    for k in (0, len(ids) // 3, int(np.argmax(counts))):
        row, col = divmod(ids[k], columns)
        neighbours = [
            position[(row + dr) * columns + col + dc]
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (dr, dc) != (0, 0)
            and 0 <= col + dc < columns
            and (row + dr) * columns + col + dc in position
        ]
        lag = z[neighbours].mean()  # row-standardised weights
        assert values[k] == pytest.approx(z[k] / m2 * lag, abs=1e-6)
    classes = {f["properties"]["class"] for f in features}
    assert classes <= {"hot", "cold", "high-low outlier", "low-high outlier", "not significant"}
    assert "hot" in classes


def test_hexagons_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "hex.geojson"
    html = tmp_path / "hex.html"
    code, stdout, _ = _run(
        *POINTS, "--grid", "hex", "--cell-size", "1000", "--out", str(out), "--html", str(html)
    )
    assert code == 0, stdout
    header, features = _features(out)
    assert header["grid"] == "hex"
    assert all(len(f["geometry"]["coordinates"][0]) == 7 for f in features)
    assert sum(f["properties"]["n"] for f in features) == 2245
    page = html.read_text(encoding="utf-8")
    assert page.count("<polygon") == len(features)
    assert "<script" not in page  # offline, nothing to run


def test_too_few_permutations_for_the_fdr_are_warned_about(tmp_path: Path) -> None:
    # 1,000 m cells: about 850 cells; 99 permutations give p >= 0.02 > 0.05 / 850
    out = tmp_path / "perm.geojson"
    code, stdout, _ = _run(
        *POINTS, "--cell-size", "1000", "--permutations", "99", "--seed", "4", "--out",
        str(out), "--json",
    )  # fmt: skip
    assert code == 0, stdout
    summary = json.loads(stdout)
    assert summary["inference"] == "permutation"
    assert summary["seed"] == 4
    codes = [w["code"] for w in summary["warnings"]]
    assert codes == ["permutations-too-few"]
    needed = -(-2 * summary["cells"] // 0.05)  # ceil(2 m / q)
    assert f"--permutations {int(needed):,} or more" in " ".join(
        summary["warnings"][0]["message"].split()
    )
