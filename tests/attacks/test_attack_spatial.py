"""Hostile use of ``hotspots --public``, ``scan`` and ``hotspots --points``.

The public map promise (docs/security.md): cells of at least ``--min-count`` points,
counts and classes only, never a single incident's place. The attacks here read a
public GeoJSON as an outsider would (its header names the CRS and the cell size) and
try to recover one incident's coordinate from the grid's geometry.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from crimestats.cli.app import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``crimestats ARGS`` in-process through the real entry point: (exit code, output)."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _points(path: Path, lon: np.ndarray, lat: np.ndarray) -> Path:
    rows = "\n".join(f"{a:.7f},{b:.7f}" for a, b in zip(lon, lat, strict=True))
    path.write_text("lon,lat\n" + rows + "\n", encoding="utf-8")
    return path


def _town(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A dense centre (every cell there holds >= 10) and one lone incident far west."""
    rng = np.random.default_rng(seed)
    lon = np.concatenate([-87.63 + rng.normal(0, 0.002, 600), [-87.70123]])
    lat = np.concatenate([41.88 + rng.normal(0, 0.002, 600), [41.88]])
    return lon, lat


def _projected_easting(lon: float, lat: float, epsg: int) -> float:
    x, _ = Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)
    return float(x)


def test_the_analyst_grid_keeps_the_sfhotspot_corner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --public nothing changes: the grid's corner is sfhotspot's."""
    lon, lat = _town()
    out = tmp_path / "analyst.geojson"
    code, text = run_cli(
        capsys, "hotspots", "--points", str(_points(tmp_path / "p.csv", lon, lat)),
        "--x", "lon", "--y", "lat", "--method", "count", "--cell-size", "150",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, text
    header = json.loads(out.read_text(encoding="utf-8"))["crimestats"]
    epsg = int(header["crs"].split(":")[1])
    xs = [_projected_easting(float(a), float(b), epsg) for a, b in zip(lon, lat, strict=True)]
    assert header["grid_origin_m"][0] == pytest.approx(min(xs) - 75.0, abs=0.01)


@pytest.mark.parametrize("min_count", ["2", "3"])
def test_a_public_map_never_shows_a_count_the_threshold_rule_withholds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], min_count: str
) -> None:
    # Found by this attack: --public --min-count 2 published cells of 2 and 3 points,
    # counts every release table withholds (privacy.threshold, counts 1 to 3).
    lon, lat = _town()
    out = tmp_path / "public.geojson"
    code, text = run_cli(
        capsys, "hotspots", "--points", str(_points(tmp_path / "p.csv", lon, lat)),
        "--x", "lon", "--y", "lat", "--method", "count", "--public",
        "--min-count", min_count, "--out", str(out),
    )  # fmt: skip
    assert code == 1
    assert "--min-count must be an integer of at least 4" in text
    assert not out.exists()


def test_points_left_out_of_a_points_file_are_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found by this attack: rows with nan, inf or 1e308 coordinates were dropped in
    # silence (only --json said so); the text output now counts them.
    lon, lat = _town()
    path = _points(tmp_path / "p.csv", lon, lat)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("nan,41.88\ninf,41.88\n1e308,1e308\n")
    code, text = run_cli(
        capsys, "hotspots", "--points", str(path), "--x", "lon", "--y", "lat",
        "--method", "count", "--out", str(tmp_path / "m.geojson"),
    )  # fmt: skip
    assert code == 0, text
    assert "left out: 3 record(s)" in text


def test_out_and_html_naming_one_file_is_refused_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lon, lat = _town()
    same = tmp_path / "map.geojson"
    code, text = run_cli(
        capsys, "hotspots", "--points", str(_points(tmp_path / "p.csv", lon, lat)),
        "--x", "lon", "--y", "lat", "--method", "count",
        "--out", str(same), "--html", str(same),
    )  # fmt: skip
    assert code == 1
    assert "name the same file" in text
    assert not same.exists()


def _satscan(tmp_path: Path, cases: str, coords: str) -> list[str]:
    (tmp_path / "c.cas").write_text(cases, encoding="utf-8")
    (tmp_path / "p.pop").write_text("a 2020 100\nb 2020 100\nc 2020 100\n", encoding="utf-8")
    (tmp_path / "g.geo").write_text(coords, encoding="utf-8")
    return ["scan", "--cases", str(tmp_path / "c.cas"), "--population", str(tmp_path / "p.pop"),
            "--coords", str(tmp_path / "g.geo"), "--permutations", "9"]  # fmt: skip


@pytest.mark.parametrize(
    ("cases", "coords", "extra", "message"),
    [
        # Before: OverflowError, "this is a bug".
        ("a 1e308\nb 1\nc 2\n", "a 0 0\nb 1 1\nc 2 0\n", [], "larger than 2**53"),
        # Before: a latitude of 9e15 was scanned as if it were a place.
        ("a 5\nb 1\nc 2\n", "a 9e15 1\nb 1 1\nc 2 2\n", ["--coords-kind", "latlong"],
         "is not a latitude and longitude"),
    ],
)  # fmt: skip
def test_hostile_satscan_files_get_one_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cases: str,
    coords: str,
    extra: list[str],
    message: str,
) -> None:
    code, text = run_cli(capsys, *_satscan(tmp_path, cases, coords), *extra)
    assert code == 1, text
    assert message in text
    assert "this is a bug" not in text


def test_an_area_of_use_error_does_not_print_an_incidents_exact_place() -> None:
    # Found by this attack: on a store mixing cities, `near-repeat` and `hotspots`
    # printed "the first is lon=-97.27960, lat=32.76980": one incident's exact place.
    from crimestats.errors import UsageError
    from crimestats.spatial.projection import project

    lon = np.array([-87.63, -87.64, -97.2796012])
    lat = np.array([41.88, 41.89, 32.7698034])
    with pytest.raises(UsageError) as caught:
        project(lon, lat, epsg=32616)
    message = caught.value.message
    assert "-97.2796" not in message
    assert "32.7698" not in message
    assert "near lon -97.3, lat 32.8" in message
