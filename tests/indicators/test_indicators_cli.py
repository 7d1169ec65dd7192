"""``indicators``, ``attrition`` and ``mse --register`` through local Typer apps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import typer
from typer.testing import CliRunner

from crimestats.cli import indicators_cmd, mse_cmd
from crimestats.errors import UsageError

UK5 = Path(__file__).resolve().parents[1] / "data" / "mse" / "UKdat_5.csv"
runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    indicators_cmd.register(app)
    mse_cmd.register(app)
    return app


def test_mse_register_round_trip(tiny_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(tiny_db, db)
    args = ["mse", str(UK5), "--json", "--register", "--area", "X", "--year", "2024",
            "--db", str(db)]  # fmt: skip
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["registered"]["replaced"] == 0
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT observed, total, ci_low, ci_high FROM mse_estimates").fetchall()
    con.close()
    assert stored == [(doc["observed"], doc["total"], doc["ci_low"], doc["ci_high"])]
    again = runner.invoke(_app(), args)
    assert json.loads(again.stdout)["registered"]["replaced"] == 1
    out = runner.invoke(_app(), ["indicators", "--format", "json", "--db", str(db), "--area", "X"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    mse_rows = [r for r in report["rows"] if r["source"].startswith("mse:")]
    [row] = mse_rows
    assert row["value"] == doc["total"] / 200000 * 100000
    assert row["value_low"] == doc["ci_low"] / 200000 * 100000
    detected = [r for r in report["rows"] if r["source"] == "store (all sources)"]
    assert detected[0]["numerator"] == 3
    assert report["metadata"]["mse_estimates"][0]["source_file"] == "UKdat_5.csv"


def test_register_needs_area_and_year() -> None:
    result = runner.invoke(_app(), ["mse", str(UK5), "--register"])
    assert isinstance(result.exception, UsageError)


def test_attrition_csv(tiny_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    result = runner.invoke(_app(), ["attrition", "--db", str(tiny_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    header = out.read_text().splitlines()[0]
    assert header == ("source,category,stage,incidents,share_of_recorded,median_days,"
                      "not_computable_reason")  # fmt: skip
    assert (tmp_path / "a.csv.metadata.json").exists()


def test_indicators_and_attrition_write_parquet(tmp_path: Path, tiny_db: Path) -> None:
    import pyarrow.parquet as pq
    from tests.conftest import run_cli

    for command in ("indicators", "attrition"):
        out = tmp_path / f"{command}.parquet"
        code, _, exc = run_cli(
            command, "--db", str(tiny_db), "--format", "parquet", "--out", str(out)
        )
        assert code == 0, exc
        csv_code, csv_text, _ = run_cli(command, "--db", str(tiny_db), "--format", "csv")
        assert csv_code == 0
        # the Parquet file holds the same rows as the CSV form (header line excluded)
        assert pq.read_table(out).num_rows == len(csv_text.strip().splitlines()) - 1
