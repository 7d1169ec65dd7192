"""Survey indicator rows have the columns of the store's indicator table, and say why not."""

from __future__ import annotations

from pathlib import Path

from crimestats.indicators.definitions import COLUMNS
from crimestats.survey import indicators


def test_same_columns_as_the_indicator_table() -> None:
    assert indicators.COLUMNS == COLUMNS


def test_without_a_survey_every_indicator_says_why(tmp_path: Path) -> None:
    rows = indicators.indicator_rows_for_store(tmp_path / "store.duckdb")
    assert [r["indicator"] for r in rows] == ["16.1.3", "16.1.4", "16.3.1"]
    assert all(
        r["value"] is None and "no survey is loaded" in r["not_computable_reason"] for r in rows
    )


def test_rows_fit_the_indicator_table_schema(tmp_path: Path) -> None:
    import pyarrow as pa

    numbers = {"numerator", "denominator", "value", "value_low", "value_high", "unknown_share"}
    whole = ("year", "unknown")
    schema = pa.schema(
        [(c, pa.float64() if c in numbers else pa.int64() if c in whole else pa.string())
         for c in COLUMNS]
    )  # fmt: skip
    rows = indicators.indicator_rows_for_store(tmp_path / "store.duckdb")
    assert pa.Table.from_pylist(rows, schema=schema).num_rows == 3
    assert set(indicators.SURVEY_INDICATORS) == {"16.1.3", "16.1.4", "16.3.1"}
