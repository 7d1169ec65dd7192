"""``bench_stats``'s records write ``stats.json`` as the dict-based benchmark wrote it.

The full run is compared by running both versions (the session's report); these cases
are the paths a short run does not take: a table without hand-written SQL and a PySpark
pass that failed after its export. The expected objects are written by hand from the
dict-based ``bench_stats.main`` (commit 953bb4c): the keys it set, in the order it set
them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:  # the bench scripts import their records from bench/
    sys.path.insert(0, str(BENCH))

from stats_records import (  # noqa: E402
    OpenConnection,
    ScalingRun,
    SparkPass,
    StatsReport,
    TableTiming,
)

COMPARED = TableTiming("year (incidents)", 1.5, 0.3, 0.2, True, OpenConnection(0.1, 0.4))
ALONE = TableTiming("area x year (incidents rate @region)", 1.5, 0.5, pyspark_s=2.0)


def _report(spark: SparkPass | None, pandas_load_s: float | None) -> StatsReport:
    return StatsReport(
        rows=10, machine="m", cpus=2, tables=(COMPARED, ALONE), kept_once_s=0.25,
        coverage_scan_s=0.125, spark=spark, pandas_load_s=pandas_load_s,
        peak_rss_mb_python=300,
    )  # fmt: skip


def test_a_table_writes_the_figures_it_has_in_the_old_order() -> None:
    assert json.dumps(COMPARED.to_json()) == json.dumps(
        {"table": "year (incidents)", "load": 1.5, "plain_s": 0.2, "duckdb_s": 0.3,
         "ratio": 0.3 / 0.2, "plain_agrees": True, "plain_open_s": 0.1, "duckdb_open_s": 0.4,
         "ratio_open": 0.4 / 0.1}
    )  # fmt: skip
    assert json.dumps(ALONE.to_json()) == json.dumps(
        {"table": "area x year (incidents rate @region)", "load": 1.5, "duckdb_s": 0.5,
         "pyspark_s": 2.0}
    )  # fmt: skip


def test_a_failed_spark_pass_keeps_its_export_and_says_why() -> None:
    report = _report(SparkPass((COMPARED, ALONE), export_s=3.0, error="Py4JError: heap"), None)
    written = report.to_json()
    assert list(written) == [
        "rows", "machine", "cpus", "tables", "kept_once_s", "coverage_scan_s", "worst_ratio",
        "worst_ratio_open", "meets_target", "pyspark_export_s", "pyspark_error",
        "peak_rss_mb_python",
    ]  # fmt: skip
    assert (written["worst_ratio"], written["worst_ratio_open"]) == (0.3 / 0.2, 4.0)
    assert written["meets_target"] is True  # 1.5 <= 2 and equal cells


def test_a_whole_run_lists_the_scaling_runs_then_the_pandas_load() -> None:
    spark = SparkPass((COMPARED, ALONE), export_s=3.0, scaling=(ScalingRun("local[1]", 2.5, True),))
    written = _report(spark, 0.75).to_json()
    assert list(written)[9:] == [
        "pyspark_export_s", "pyspark_scaling", "pandas_load_s", "peak_rss_mb_python"
    ]  # fmt: skip
    assert written["pyspark_scaling"] == [{"master": "local[1]", "seconds": 2.5, "agrees": True}]
    assert "pyspark_export_s" not in _report(None, None).to_json()
