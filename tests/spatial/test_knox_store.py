"""``crimestats near-repeat`` on the store: the incidents of one ICCS code with a point and
a date, projected to their UTM zone, give the table a second, independent count gives
(pyproj directly, pairs by loops); the output holds no incident id."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
import typer
from pyproj import Transformer
from tests.conftest import base_row, write_flat
from typer.testing import CliRunner

from crimestats.cli import nearrepeat_cmd
from crimestats.services.ingesting import ingest_files

N = 80


def _rows() -> list[dict[str, object]]:
    rng = np.random.default_rng(15)
    rows = []
    for i in range(N):
        day = date(2024, 3, 1) + timedelta(days=int(rng.integers(0, 40)))
        row = base_row(
            incident_id=f"R{i:03d}",
            reported_date=(day + timedelta(days=int(rng.integers(0, 5)))).isoformat(),
            occurred_start=f"{day.isoformat()} {int(rng.integers(0, 24)):02d}:15:00",
            lat=41.88 + rng.random() * 0.01, lon=-87.64 + rng.random() * 0.012,
            iccs_code="0501" if i % 3 else "0101", national_label="Burglary",
        )  # fmt: skip
        if i % 17 == 0:
            row["lat"] = ""  # no point: left out and counted
        rows.append(row)
    rows[5]["lat"], rows[5]["lon"] = 41.8850, -87.6350  # two burglaries at one address
    rows[10]["lat"], rows[10]["lon"] = 41.8850, -87.6350
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nr")
    db = folder / "s.duckdb"
    ingest_files([write_flat(folder / "in.csv", _rows())], source="t", db=db)
    return db


def _by_hand(basis: str) -> list[list[int]]:
    """Rows of ICCS 0501 with a point: UTM 16N metres, days; then every pair by loops."""
    mover = Transformer.from_crs("EPSG:4326", "EPSG:32616", always_xy=True)
    events = []
    for r in _rows():
        if r["iccs_code"] != "0501" or r["lat"] == "":
            continue
        x, y = mover.transform(float(r["lon"]), float(r["lat"]))  # type: ignore[arg-type]
        text = str(r["occurred_start"])[:10] if basis == "occurred" else str(r["reported_date"])
        events.append((x, y, date.fromisoformat(text).toordinal()))
    table = [[0] * 3 for _ in range(4)]
    for (x1, y1, d1), (x2, y2, d2) in itertools.combinations(events, 2):
        dist = abs(x1 - x2) + abs(y1 - y2)
        gap = abs(d1 - d2)
        row = 0 if dist < 1 else 1 if dist < 200 else 2 if dist < 400 else 3
        col = 0 if gap < 7 else 1 if gap < 14 else 2
        table[row][col] += 1
    return table


def _run(db: Path, *extra: str) -> dict[str, object]:
    app = typer.Typer()
    nearrepeat_cmd.register(app)
    app.command("noop")(lambda: None)
    args = ["near-repeat", "--db", str(db), "--space-bands", "200,400", "--time-bands",
            "7,14", "--permutations", "9", "--seed", "3", "--json", *extra]  # fmt: skip
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "R0" not in out.stdout  # no incident id leaves the store
    return json.loads(out.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("basis", ["occurred", "reported"])
def test_store_table_equals_an_independent_count(store: Path, basis: str) -> None:
    doc = _run(store, "--iccs", "0501", "--date-basis", basis)
    assert doc["observed"] == _by_hand(basis)
    selected = sum(1 for i in range(N) if i % 3)
    without_point = sum(1 for i in range(N) if i % 3 and i % 17 == 0)
    assert doc["points"] == selected - without_point
    assert doc["points_left_out"] == without_point
    assert doc["crs"] == "EPSG:32616"
    assert sum(doc["observed"][0]) == 1  # the two burglaries at one address


def test_file_and_store_with_the_same_points_agree(store: Path, tmp_path: Path) -> None:
    """The same incidents written to a lon/lat file with --crs 4326 give the same table."""
    rows = [r for r in _rows() if r["iccs_code"] == "0501" and r["lat"] != ""]
    path = tmp_path / "points.csv"
    path.write_text(
        "lon,lat,when\n" + "".join(f"{r['lon']},{r['lat']},{r['occurred_start']}\n" for r in rows)
    )
    from_file = _run(tmp_path / "unused.duckdb", "--points", str(path), "--x", "lon", "--y",
                     "lat", "--date", "when", "--crs", "4326")  # fmt: skip
    assert from_file["observed"] == _run(store, "--iccs", "0501")["observed"]


def test_points_file_with_a_bad_date_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("x,y,date\n1,2,2024-01-01\n3,4,someday\n")
    app = typer.Typer()
    nearrepeat_cmd.register(app)
    app.command("noop")(lambda: None)
    from crimestats.errors import FileRefusedError

    out = CliRunner().invoke(app, ["near-repeat", "--points", str(path), "--space-bands",
                                   "100", "--time-bands", "7"])  # fmt: skip
    assert isinstance(out.exception, FileRefusedError)
    assert "line 3" in out.exception.message


def test_unknown_distance_is_bad_usage(tmp_path: Path) -> None:
    app = typer.Typer()
    nearrepeat_cmd.register(app)
    app.command("noop")(lambda: None)
    out = CliRunner().invoke(app, ["near-repeat", "--space-bands", "100", "--time-bands", "7",
                                   "--distance", "chebyshev"])  # fmt: skip
    assert out.exit_code == 2


def test_an_iccs_code_with_no_incident_names_the_code(store: Path) -> None:
    app = typer.Typer()
    nearrepeat_cmd.register(app)
    app.command("noop")(lambda: None)
    out = CliRunner().invoke(app, ["near-repeat", "--db", str(store), "--iccs", "0909",
                                   "--space-bands", "100", "--time-bands", "7"])  # fmt: skip
    assert "ICCS code 0909" in str(out.exception)
    assert "iccs search" in str(getattr(out.exception, "hint", ""))


@pytest.mark.parametrize("code", ["050", "05x1", "0501111"])
def test_an_iccs_code_of_no_level_is_bad_usage(store: Path, code: str) -> None:
    from crimestats.cli import scan_cmd

    for module, extra in ((nearrepeat_cmd, ["--space-bands", "100", "--time-bands", "7"]),
                          (scan_cmd, [])):  # fmt: skip
        app = typer.Typer()
        module.register(app)
        app.command("noop")(lambda: None)
        name = "near-repeat" if module is nearrepeat_cmd else "scan"
        out = CliRunner().invoke(app, [name, "--db", str(store), "--iccs", code, *extra])
        assert out.exit_code == 2
        assert "iccs search" in out.output
