"""Honest status and messages (issue 13 item 7), on the bundled Memphis robberies and
files built from them, with every expected figure computed with the csv module."""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from crimestats.cli.store_cmd import blank_text
from crimestats.services.demo import bundled_path, mapping_path
from crimestats.services.ingesting import ingest_files
from crimestats.services.quarantine import quarantined_rows
from crimestats.services.status import store_status

MEMPHIS = "code_memphis/memphis_robberies.csv.gz"


def _raw() -> tuple[list[str], list[dict[str, str]]]:
    with gzip.open(bundled_path(MEMPHIS), "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crimestats", *args], capture_output=True, text=True, check=False
    )


MAPPING = mapping_path("code_memphis_robberies.yaml")


def test_a_no_op_reingest_adds_no_file_and_no_row(tmp_path: Path) -> None:
    _, raw = _raw()
    db = tmp_path / "s.duckdb"
    for _ in range(2):
        ingest_files([bundled_path(MEMPHIS)], source="memphis", db=db, mapping=MAPPING)
    totals = store_status(db)["sources"]["memphis"]
    assert totals["files"] == 1
    assert totals["read"] == len(raw)
    assert totals["ingests"] == 2
    assert totals["read"] == totals["accepted"] + totals["quarantined"] + totals["duplicates"]


def test_blank_coordinates_are_counted_not_rounded_away(tmp_path: Path) -> None:
    header, raw = _raw()
    for i in range(0, 5 * 400, 400):  # 5 blank coordinates in 2,245 rows: 0.2%
        raw[i]["latitude"] = raw[i]["longitude"] = ""
    blank = sum(1 for r in raw if not r["latitude"])
    db = tmp_path / "s.duckdb"
    ingest_files([_write(tmp_path / "m.csv", header, raw)], source="m", db=db, mapping=MAPPING)
    info = store_status(db)["sources"]["m"]
    assert info["blank_count"]["lat"] == blank
    assert info["blank_base"]["lat"] == len({r["uid"] for r in raw})
    proc = _cli("status", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert f"0.2% ({blank})" in proc.stdout


def test_blank_text_never_says_zero_for_some_blanks() -> None:
    assert blank_text(31, 6957) == "0.4% (31)"
    assert blank_text(1, 100_000) == "<0.1% (1)"
    assert blank_text(0, 10) == "0%"


def test_victim_and_suspect_fields_have_blank_shares(tmp_path: Path) -> None:
    lines = [
        "incident_id,reported_date,national_label,victim_seq,victim_age,victim_sex,"
        "suspect_seq,suspect_age",
        "A,2024-01-01,Theft,1,30,female,1,",
        "B,2024-01-02,Theft,1,,unknown,1,40",
        "C,2024-01-03,Theft,1,,male,1,",
    ]
    path = tmp_path / "p.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    db = tmp_path / "s.duckdb"
    ingest_files([path], source="p", db=db)
    info = store_status(db)["sources"]["p"]
    assert info["blank_count"]["victim_age"] == sum(1 for r in rows if not r["victim_age"])
    assert info["blank_count"]["victim_sex"] == sum(1 for r in rows if r["victim_sex"] == "unknown")
    assert info["blank_count"]["suspect_age"] == sum(1 for r in rows if not r["suspect_age"])
    assert info["blank_share"]["suspect_age"] == round(2 / 3, 4)


def test_quarantine_names_the_editor_line_and_the_incident(tmp_path: Path) -> None:
    header, raw = _raw()
    raw[106]["date"] = "not a date"
    path = _write(tmp_path / "m.csv", header, raw)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        line = next(reader.line_num for rec in reader if rec[2] == "not a date")
    db = tmp_path / "s.duckdb"
    ingest_files([path], source="m", db=db, mapping=MAPPING)
    (row,) = quarantined_rows(db)
    assert row["line"] == line == 108  # the header is line 1
    assert row["incident_id"] == raw[106]["uid"]
    proc = _cli("quarantine", "--db", str(db))
    assert " 108 " in proc.stdout
    assert raw[106]["uid"] in proc.stdout


def test_status_counts_only_the_version_that_replaced(tmp_path: Path) -> None:
    header, raw = _raw()
    db = tmp_path / "s.duckdb"
    half = _write(tmp_path / "half.csv", header, raw[: len(raw) // 2])
    ingest_files([half], source="m", db=db, mapping=MAPPING)
    ingest_files([bundled_path(MEMPHIS)], source="m", db=db, mapping=MAPPING, replace=True)
    totals = store_status(db)["sources"]["m"]
    assert (totals["files"], totals["read"]) == (1, len(raw))
    assert totals["incidents"] == len({r["uid"] for r in raw})


@pytest.mark.parametrize(
    "args",
    [
        ["--by", "unknown_field"],
        ["--by", "year", "--unit", "nope"],
        ["--by", "year", "--period-basis", "nope"],
        ["--by", "year", "--backend", "nope"],
        ["--by", "year", "--format", "nope"],
    ],
)
def test_an_unknown_stats_option_value_is_bad_usage(tmp_path: Path, args: list[str]) -> None:
    proc = _cli("stats", *args, "--db", str(tmp_path / "s.duckdb"))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.dumps(args[-1])[1:-1] in proc.stderr
