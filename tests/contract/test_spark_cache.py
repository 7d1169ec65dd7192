"""The PySpark backend's Parquet export: made once per store version, then reused.

Spark reads the store's tables from Parquet files DuckDB writes beside the store
(``<store>.spark/<fingerprint>/``). A second call must reuse them (the files are not
rewritten); a changed store (one more ingest, or populations replaced in place with the
same row count) must be exported again, or Spark would count stale rows. The expected
figures are worked out by hand from the rows ingested here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import base_row

from crimestats.stats import count_table
from crimestats.stats.denominator_files import PopulationRow
from crimestats.storage.denominators import store_populations

pytest.importorskip("pyspark", reason="the spark extra is not installed")


RATE = {"by": ["area", "year"], "unit": "incidents", "rate": True}


def _versions(db: Path) -> list[Path]:
    return sorted(p for p in db.with_name(db.name + ".spark").iterdir() if p.is_dir())


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("*.parquet")}


def _rows(db: Path) -> list[dict[str, Any]]:
    return count_table(db, backend="pyspark", **RATE).table.to_pylist()  # type: ignore[arg-type]


def test_export_is_reused_and_redone_when_the_store_changes(
    db: Path, ingest_rows: Callable[..., Any]
) -> None:
    ingest_rows([base_row(incident_id=f"I{i}", area_code="A1") for i in range(3)])
    store_populations(db, [PopulationRow("A1", 2024, None, None, 1000.0)], "census")

    # 3 incidents in A1 reported in 2024, population 1,000: 3 / 1000 * 100000 = 300
    assert _rows(db) == [
        {"area": "A1", "year": 2024, "count": 3, "population": 1000.0, "rate_per_100k": 300.0}
    ]
    [first] = _versions(db)
    stamps = _stamps(first)
    # only the tables this query reads are exported
    assert set(stamps) == {"incidents.parquet", "populations.parquet"}

    _rows(db)
    assert _versions(db) == [first]
    assert _stamps(first) == stamps  # reused, not rewritten

    ingest_rows([base_row(incident_id="I9", area_code="A1")])  # one more ingest
    # 4 incidents: 4 / 1000 * 100000 = 400
    assert _rows(db)[0]["count"] == 4
    [second] = _versions(db)
    assert second != first  # the old version's folder is removed

    # same row counts, a value replaced in place: 4 / 2000 * 100000 = 200
    store_populations(db, [PopulationRow("A1", 2024, None, None, 2000.0)], "census")
    assert _rows(db)[0]["rate_per_100k"] == 200.0
    [third] = _versions(db)
    assert third not in (first, second)


def test_export_keeps_store_types_and_leaves_out_internal_columns(
    db: Path, ingest_rows: Callable[..., Any], tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from crimestats.storage.spark import export_table
    from crimestats.storage.store import open_store

    ingest_rows([base_row(incident_id="I1", area_code="A1")])
    with open_store(db, read_only=True) as con:
        target = export_table(con, "incidents", tmp_path)
    schema = pq.read_schema(target)
    # Spark cannot read Parquet TIME: occurrence times stay timestamps, dates stay dates
    assert schema.field("occurred_start").type == pa.timestamp("us")
    assert schema.field("reported_date").type == pa.date32()
    assert "fields_hash" not in schema.names
    assert pq.read_table(target).column("occurred_start").to_pylist()[0].hour == 22


def test_a_table_the_store_lacks_is_a_user_error(
    db: Path, ingest_rows: Callable[..., Any], tmp_path: Path
) -> None:
    from crimestats.errors import NotFoundError
    from crimestats.storage.spark import export_table
    from crimestats.storage.store import open_store

    ingest_rows([base_row()])
    with open_store(db, read_only=True) as con, pytest.raises(NotFoundError, match="no table"):
        export_table(con, "no_such_table", tmp_path)
