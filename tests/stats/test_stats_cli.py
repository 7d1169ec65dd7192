"""The commands, through a local Typer app on which ``stats_cmd.register`` is called."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from crimestats.cli import stats_cmd
from crimestats.errors import UsageError

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    local = typer.Typer()
    stats_cmd.register(local)
    return local


def test_csv_to_stdout(app: typer.Typer, tiny_db: Path) -> None:
    result = runner.invoke(app, ["stats", "--by", "iccs_l1", "--unit", "offences",
                                 "--db", str(tiny_db)])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["iccs_l1", "count", "model_coded_share"],
        ["01", "1", "0"], ["02", "2", "0"], ["05", "2", "0"], ["", "1", "0"],
    ]  # fmt: skip


def test_json_has_metadata_and_rows(app: typer.Typer, tiny_db: Path) -> None:
    result = runner.invoke(app, ["stats", "--by", "year,iccs_l1", "--format", "json",
                                 "--period-basis", "occurred", "--db", str(tiny_db)])  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["metadata"]["unit"] == "incidents"
    assert doc["metadata"]["period_basis"] == "occurred"
    assert {"year": 2023, "iccs_l1": "02", "count": 1, "model_coded_share": 0.0} in doc["rows"]
    assert sum(r["count"] for r in doc["rows"]) == 5  # I1 twice (02, 05), I2, I3, I4


def test_rate_columns(app: typer.Typer, tiny_db: Path) -> None:
    result = runner.invoke(app, ["stats", "--by", "area", "--by", "year", "--rate",
                                 "--db", str(tiny_db)])  # fmt: skip
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert header == "area,year,count,population,rate_per_100k"


def test_out_files_with_sidecar(app: typer.Typer, tiny_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.parquet"
    result = runner.invoke(app, ["stats", "--by", "iccs_l3", "--unit", "offences",
                                 "--format", "parquet", "--out", str(out),
                                 "--db", str(tiny_db)])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.column_names == ["iccs_l3", "count", "model_coded_share"]
    assert dict(zip(table["iccs_l3"].to_pylist(), table["count"].to_pylist(), strict=True)) == {
        "02011": 1, "02012": 1, None: 4,
    }  # fmt: skip
    meta = json.loads((tmp_path / "t.parquet.metadata.json").read_text(encoding="utf-8"))
    assert meta["iccs"]["coded_above_level"] == {"iccs_l3": 3}
    out_csv = tmp_path / "t.csv"
    result = runner.invoke(app, ["stats", "--by", "source", "--out", str(out_csv),
                                 "--db", str(tiny_db)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out_csv.read_text(encoding="utf-8") == "source,count\ntiny,4\n"
    assert (tmp_path / "t.csv.metadata.json").exists()


def test_parquet_to_the_terminal_is_a_user_error(app: typer.Typer, tiny_db: Path) -> None:
    result = runner.invoke(app, ["stats", "--by", "year", "--format", "parquet",
                                 "--db", str(tiny_db)])  # fmt: skip
    assert isinstance(result.exception, UsageError)
    assert "Parquet" in str(result.exception)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--by", "nonsense"], "nonsense"),
        (["--by", "year", "--format", "xlsx"], "--format"),
        (["--by", "year", "--unit", "cars"], "--unit"),
    ],
)
def test_unknown_option_values_are_bad_usage(
    app: typer.Typer, tiny_db: Path, args: list[str], match: str
) -> None:
    """An option value outside its choices is bad usage (exit 2), naming the option."""
    result = runner.invoke(app, ["stats", *args, "--db", str(tiny_db)])
    assert result.exit_code == 2, result.output
    assert match in result.output


def test_missing_by_is_bad_usage(app: typer.Typer, tiny_db: Path) -> None:
    result = runner.invoke(app, ["stats", "--db", str(tiny_db)])
    assert result.exit_code == 2


def test_ingest_population_and_areas(app: typer.Typer, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    pop = tmp_path / "pop.csv"
    pop.write_text("area_code,year,population\nA,2020,100\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest-population", str(pop), "--source", "census",
                                 "--json", "--db", str(db)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 1
    areas = tmp_path / "a.geojson"
    areas.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"id": "A"}, "geometry": None}],
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest-areas", str(areas), "--code-property", "id",
                                 "--level", "district", "--db", str(db)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 areas loaded" in result.stdout
