"""``crimestats export-parquet``: the store as Parquet partitioned by source and year.

Checked with DuckDB's own Parquet reader (hive partitions), independently of the code
that wrote the folder; Spark reading the same folder is in tests/contract.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from crimestats.cli import parquet_cmd
from crimestats.errors import UsageError
from crimestats.storage.parquet_export import MANIFEST, export_parquet


def _sql(query: str, db: Path | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db) if db else ":memory:", read_only=db is not None)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def _parquet(folder: Path, table: str) -> str:
    return f"read_parquet('{folder / table}/**/*.parquet', hive_partitioning = true)"


@pytest.fixture(scope="module")
def exported(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_parquet(demo_db, tmp_path_factory.mktemp("export") / "store").folder


def test_every_row_is_exported_once(demo_db: Path, exported: Path) -> None:
    manifest = json.loads((exported / MANIFEST).read_text())
    for table in ("incidents", "offences", "victims", "suspects", "justice_events"):
        [[stored]] = _sql(f"SELECT count(*) FROM {table}", demo_db)
        [[written]] = _sql(f"SELECT count(*) FROM {_parquet(exported, table)}")
        assert written == stored == manifest["rows"][table], table
    [[areas]] = _sql("SELECT count(*) FROM areas", demo_db)
    assert _sql(f"SELECT count(*) FROM '{exported / 'areas' / 'areas.parquet'}'") == [(areas,)]


def test_partitions_are_the_source_and_the_incidents_report_year(
    demo_db: Path, exported: Path
) -> None:
    sources = {r[0] for r in _sql("SELECT DISTINCT source FROM incidents", demo_db)}
    assert {p.name for p in (exported / "incidents").iterdir()} == {f"source={s}" for s in sources}
    bad = _sql(
        f"SELECT count(*) FROM {_parquet(exported, 'incidents')} WHERE year <> year(reported_date)"
    )
    assert bad == [(0,)]
    # an offence lies in its incident's partition
    pairs = _sql(
        f"SELECT count(*) FROM {_parquet(exported, 'offences')} o JOIN "
        f"{_parquet(exported, 'incidents')} i USING (source, incident_id) WHERE o.year <> i.year"
    )
    assert pairs == [(0,)]


def test_a_folder_in_use_is_refused_and_an_export_replaced_only_with_force(
    demo_db: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="holds no Parquet export"):
        export_parquet(demo_db, other)
    assert (other / "notes.txt").read_text() == "mine"
    app = typer.Typer()
    app.command("noop")(lambda: None)
    parquet_cmd.register(app)
    out = tmp_path / "export"
    runner = CliRunner()
    first = runner.invoke(app, ["export-parquet", str(out), "--db", str(demo_db), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["rows"]["incidents"] > 0
    again = runner.invoke(app, ["export-parquet", str(out), "--db", str(demo_db)])
    assert isinstance(again.exception, UsageError)  # cli/app.py prints it, exit 1
    assert "--force" in str(again.exception.hint)
    forced = runner.invoke(app, ["export-parquet", str(out), "--db", str(demo_db), "--force"])
    assert forced.exit_code == 0, forced.output
    assert not list(tmp_path.glob(".export.partial-*"))


def test_an_empty_event_table_is_one_file_of_no_rows(tmp_path: Path) -> None:
    """A table without rows still has a file Spark can take the columns from (DuckDB's
    partitioned COPY writes no file for no rows, and Spark cannot read an empty folder)."""
    from crimestats.storage.store import open_store

    db = tmp_path / "empty.duckdb"
    with open_store(db):
        pass
    folder = export_parquet(db, tmp_path / "export").folder
    for table in ("incidents", "offences", "victims", "suspects", "justice_events"):
        stored = [r[0] for r in _sql(f"DESCRIBE {table}", db) if r[0] != "fields_hash"]
        described = _sql(f"DESCRIBE SELECT * FROM '{folder / table / (table + '.parquet')}'")
        assert [r[0] for r in described] == [*stored, "year"], table
        assert _sql(f"SELECT count(*) FROM {_parquet(folder, table)}") == [(0,)], table
