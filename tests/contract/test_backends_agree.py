"""The same statistics on DuckDB and on PySpark, cell for cell (DESIGN.md section 8).

One Spark session for the whole package (the JVM takes seconds to start: conftest.py);
the store is the bundled real data, coded to ICCS. The tables are compared exactly: same columns,
types, rows and order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crimestats.stats import count_table

pytest.importorskip("pyspark", reason="the spark extra is not installed")


STANDARD_TABLES = [
    {"by": ["source", "year", "iccs_l1"], "unit": "offences"},
    {"by": ["iccs_l2", "month"], "unit": "incidents"},
    {"by": ["source", "iccs_l3"], "unit": "incidents"},
    {"by": ["source", "victim_sex", "victim_age_group"], "unit": "victims"},
    {"by": ["source", "weapon", "attempted", "cyber_related"], "unit": "incidents"},
    {"by": ["area", "quarter"], "unit": "suspects", "period_basis": "occurred"},
    {"by": ["source", "location_type"], "unit": "offences"},
    {"by": ["area", "year", "iccs_l1"], "unit": "incidents", "rate": True},
    # area hierarchy: Memphis robberies placed in precincts, block populations rolled up
    {"by": ["area", "year"], "unit": "incidents", "rate": True, "area_level": "precinct",
     "population_year": 2020, "source": "code_memphis"},
    {"by": ["area", "month"], "unit": "offences", "rate": True, "area_level": "city"},
]  # fmt: skip


@pytest.fixture(scope="module")
def store(demo_db: Path) -> Path:
    """The session's bundled-data store (read only here)."""
    return demo_db


@pytest.mark.parametrize("spec", STANDARD_TABLES, ids=lambda s: "-".join(s["by"]))
def test_duckdb_and_pyspark_agree(store: Path, spec: dict[str, object]) -> None:
    on_duckdb = count_table(store, **spec)  # type: ignore[arg-type]
    on_spark = count_table(store, backend="pyspark", **spec)  # type: ignore[arg-type]
    assert on_duckdb.table.num_rows > 0
    assert on_duckdb.table.schema == on_spark.table.schema
    assert on_duckdb.table.to_pylist() == on_spark.table.to_pylist()
    assert on_duckdb.metadata["sum_of_counts"] == on_spark.metadata["sum_of_counts"]
    for key in ("area_hierarchy", "rate"):
        assert on_duckdb.metadata.get(key) == on_spark.metadata.get(key)


# ---- issue 19 item 3: the release tables, the watch series and a Parquet export on Spark


def test_release_tables_agree(store: Path) -> None:
    """The release's counted tables (rows and the metadata its notes read), on both."""
    from crimestats.release.standard_tables import STANDARD_TABLES
    from crimestats.release.tables import count_tables, count_tables_on
    from crimestats.storage.spark import spark_store

    on_duckdb = count_tables(store, STANDARD_TABLES)
    with spark_store(store) as con:
        on_spark = count_tables_on(con, STANDARD_TABLES, store=str(store))
    for spec in STANDARD_TABLES:
        duck, spark = on_duckdb[spec.name], on_spark[spec.name]
        assert duck.rows, spec.name
        assert duck.rows == spark.rows, spec.name
        for key in ("units_in_scope", "iccs", "partial_periods", "sum_of_counts"):
            assert duck.metadata.get(key) == spark.metadata.get(key), (spec.name, key)


@pytest.mark.parametrize("unit", ["incidents", "offences"])
def test_watch_monthly_series_agree(store: Path, unit: str) -> None:
    """The monthly series of the watch (watch/series.py, through count_expr), on both."""
    from crimestats.storage.reads import ibis_store
    from crimestats.storage.spark import spark_store
    from crimestats.watch.series import series_on

    with ibis_store(store) as con:
        on_duckdb = series_on(con, by=["iccs_l1"], freq="month", unit=unit)
    with spark_store(store) as con:
        on_spark = series_on(con, by=["iccs_l1"], freq="month", unit=unit)
    assert len(on_duckdb) > 3
    assert on_duckdb == on_spark


def test_a_parquet_export_is_read_in_place(store: Path, tmp_path: Path) -> None:
    """``export-parquet`` (partitioned by source and year) read by Spark gives the store's
    tables: the scale-out path of docs/scale.md."""
    from crimestats.storage.parquet_export import export_parquet

    folder = export_parquet(store, tmp_path / "export").folder
    specs = [
        {"by": ["source", "year"], "unit": "incidents"},
        {"by": ["source", "iccs_l2"], "unit": "offences"},
        {"by": ["month", "iccs_l1"], "unit": "incidents"},
        {"by": ["source", "victim_sex", "victim_age_group"], "unit": "victims"},
    ]
    for spec in specs:
        on_duckdb = count_table(store, **spec)  # type: ignore[arg-type]
        on_spark = count_table(folder, backend="pyspark", **spec)  # type: ignore[arg-type]
        assert on_duckdb.table.schema == on_spark.table.schema
        assert on_duckdb.table.to_pylist() == on_spark.table.to_pylist()
        assert (
            on_duckdb.metadata["partial_periods" if "month" in spec["by"] else "rows"]
            == (on_spark.metadata["partial_periods" if "month" in spec["by"] else "rows"])
        )


def test_an_export_with_empty_tables_is_read_in_place(tmp_path: Path) -> None:
    """A store without justice events (the benchmark's) exports an empty table Spark can
    read: counting from the folder gives DuckDB's (empty) table, not a schema error."""
    from crimestats.storage.parquet_export import export_parquet
    from crimestats.storage.store import open_store

    db = tmp_path / "empty.duckdb"
    with open_store(db):
        pass
    folder = export_parquet(db, tmp_path / "export").folder
    spec = {"by": ["source", "year"], "unit": "offences"}
    on_duckdb = count_table(db, **spec)  # type: ignore[arg-type]
    on_spark = count_table(folder, backend="pyspark", **spec)  # type: ignore[arg-type]
    assert on_spark.table.num_rows == on_duckdb.table.num_rows == 0
    assert on_spark.table.column_names == on_duckdb.table.column_names


@pytest.mark.parametrize("master", ["local[1]", "local[4]"])
def test_the_same_table_on_one_and_four_executors(
    store: Path, master: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spark's answer does not depend on how many executors share the work."""
    from crimestats.storage.spark import MASTER_ENV, restart_spark

    spec = {"by": ["source", "year", "iccs_l1"], "unit": "offences"}
    on_duckdb = count_table(store, **spec)  # type: ignore[arg-type]
    monkeypatch.setenv(MASTER_ENV, "local[2]")  # put back after the test
    try:
        session = restart_spark(master)
        assert session.sparkContext.master == master
        on_spark = count_table(store, backend="pyspark", **spec)  # type: ignore[arg-type]
    finally:
        restart_spark("local[2]")
    assert on_duckdb.table.to_pylist() == on_spark.table.to_pylist()
