"""The ingest benchmark's records write the JSON the benchmark wrote when it passed dicts.

``bench/out/ingest.json`` and the child processes' output are read by people, docs and
``bench/run.py`` by key. The first four objects below are copied from a report written
by the dict-based benchmark (commit 953bb4c, ``bench_ingest.py --rows 20000``; the
ingest's issues cut to two); the last three are written by hand as that code built them
(a phase not run, a failed run with its load, a database gone and a load not measured).
None is produced by the records under test: a record must read them and write them back
with the same keys, in the same order, with the same values.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:  # the bench scripts import their records from bench/
    sys.path.insert(0, str(BENCH))

from phase_records import (  # noqa: E402
    JSON,
    IngestCounts,
    PhaseResult,
    ProcessUse,
    StoreCounts,
    Workload,
)

RUN = {"load": 2.908203125, "runs": [1.1], "cpu_runs": [0.7], "loads": [2.9]}
WRITTEN: list[JSON] = [
    {"phase": "generate (not timed against)", "seconds": 0.2, "rows_per_s": 100000},
    {"phase": "duckdb read_csv", "seconds": 0.66, "rows_loaded": 20000, "peak_mb": 222,
     "base_mb": 103, "cpu_s": 0.4, "db_mb": 1.5, "peak_disk_mb": 0, **RUN,
     "rows_per_s": 30141},
    {"phase": "crimestats ingest", "seconds": 1.26, "read": 20000, "accepted": 19866,
     "quarantined": 114, "duplicates": 20,
     "issues": {"incident-id-missing": 17, "reported-date-future": 14},
     "peak_mb": 319, "base_mb": 103, "cpu_s": 0.8, "db_mb": 4.8, "peak_disk_mb": 11, **RUN,
     "rows_per_s": 15930},
    {"phase": "ingest floor: parse + store", "seconds": 1.1,
     "steps": {"parse": 0.38, "parse CPU": 0.25, "store": 0.23, "store CPU": 0.15},
     "incidents": 16624, "offences": 19950, "victims": 11783, "suspects": 9341,
     "peak_mb": 259, "base_mb": 103, "cpu_s": 0.7, "db_mb": 3.0, "peak_disk_mb": 3, **RUN,
     "rows_per_s": 18185},
    {"phase": "crimestats ingest", "skipped": "not asked for"},
    {"phase": "crimestats ingest", "error": "exit 1: boom", "load": 3.5},
    {"phase": "duckdb read_csv", "seconds": 0.7, "rows_loaded": 5, "peak_mb": 1, "base_mb": 1,
     "cpu_s": 0.0, "db_mb": None, "peak_disk_mb": 0, "load": 1.0, "runs": [0.7, 0.9],
     "cpu_runs": [0.0, 0.1], "loads": [1.0, None]},
]  # fmt: skip


@pytest.mark.parametrize("written", WRITTEN, ids=lambda w: str(sorted(w)))
def test_a_phase_reads_and_writes_back_the_same_json(written: JSON) -> None:
    again = PhaseResult.from_json(json.loads(json.dumps(written))).to_json()
    assert json.dumps(again) == json.dumps(written)  # keys, order, values and their types


def test_a_child_result_crosses_the_process_boundary_whole() -> None:
    sent = PhaseResult(
        "crimestats ingest",
        seconds=1.25,
        counts=IngestCounts(10, 7, 2, 1, {"weapon-invalid": 3}),
        usage=ProcessUse(peak_mb=300, base_mb=100, cpu_s=0.8),
    )
    assert PhaseResult.from_json(json.loads(json.dumps(sent.to_json()))) == sent


def test_no_issues_write_no_issues_key_and_read_back_empty() -> None:
    counts = IngestCounts(3, 3, 0, 0)
    assert counts.to_json() == {"read": 3, "accepted": 3, "quarantined": 0, "duplicates": 0}
    assert IngestCounts.from_json(counts.to_json()) == counts


def test_the_floor_counts_are_the_four_event_tables_in_order() -> None:
    stored = StoreCounts(incidents=1, offences=2, victims=3, suspects=4)
    assert list(stored.to_json().items()) == [
        ("incidents", 1), ("offences", 2), ("victims", 3), ("suspects", 4)
    ]  # fmt: skip


def test_the_workload_is_the_manifest_less_its_columns() -> None:
    manifest = {
        "file": "flat_v1_20000_20261123.csv", "layout": "flat_v1", "columns": ["incident_id"],
        "rows": 20000, "seed": 20261123, "chunk_rows": 500000,
        "vocabulary": "chicago-2014-sample (199 offences)", "incidents": 16644,
        "duplicates": 20, "bad_rows": 100,
        "bad_rows_by_kind": {"blank-incident-id": 17, "no-offence-text": 83},
        "seconds": 0.2, "bytes": 4133102,
    }  # fmt: skip
    written = Workload.from_manifest(manifest, reused=True).to_json()
    expected = {k: v for k, v in manifest.items() if k != "columns"} | {"reused": True}
    assert json.dumps(written) == json.dumps(expected)
