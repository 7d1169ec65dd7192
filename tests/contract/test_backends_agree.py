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
