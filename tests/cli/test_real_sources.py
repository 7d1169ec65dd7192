"""Every bundled real source, end to end through the real CLI, checked against figures
computed independently from the raw files (Python's csv module) or published in the
data set's PROVENANCE.md."""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from crimestats.services.demo import BUNDLED, BundledSource, bundled_path, mapping_path


def _rows(relative: str) -> list[dict[str, str]]:
    with gzip.open(bundled_path(relative), "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crimestats", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _ingest(item: BundledSource, db: Path) -> dict[str, Any]:
    proc = _cli(
        "ingest", str(bundled_path(item.file)), "--source", item.source,
        "--mapping", str(mapping_path(item.mapping)), "--db", str(db), "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """One store loaded with every bundled source through ``crimestats ingest --json``."""
    db = tmp_path_factory.mktemp("real") / "real.duckdb"
    outs = []
    for item in BUNDLED:
        outs.append(_ingest(item, db))
    return db, outs


def _one(db: Path, sql: str) -> Any:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_reconciliation_holds_for_every_file(store: tuple[Path, list[dict[str, Any]]]) -> None:
    _, outs = store
    for item, out in zip(BUNDLED, outs, strict=True):
        raw = _rows(item.file)
        assert out["read"] == len(raw), item.file
        assert out["read"] == out["accepted"] + out["quarantined"] + out["duplicates"]
        assert out["refused"] == 0


def test_chicago(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = store
    raw = _rows(BUNDLED[0].file)
    assert len(raw) == 6957  # PROVENANCE.md
    dates = [datetime.strptime(r["Date"], "%m/%d/%Y %I:%M:%S %p") for r in raw]
    located = sum(1 for r in raw if r["Latitude"])
    got = _one(
        db,
        "SELECT count(*), count(lat), min(occurred_start), max(occurred_start), "
        "count(DISTINCT area_code) FROM incidents WHERE source = 'chicago'",
    )[0]
    assert got == (6957, located, min(dates), max(dates), len({r["Beat"] for r in raw}))
    assert located == 6884  # PROVENANCE.md: "6,884 rows have lat/lon"
    codes = Counter(r["IUCR"] for r in raw)
    stored = dict(
        _one(db, "SELECT national_code, count(*) FROM offences WHERE source='chicago' GROUP BY 1")
    )
    assert stored == dict(codes)


def test_policeuk_street_categories_match_provenance(
    store: tuple[Path, list[dict[str, Any]]],
) -> None:
    db, _ = store
    stored = dict(
        _one(
            db,
            "SELECT national_code, count(*) FROM offences o JOIN incidents i "
            "USING (source, incident_id) WHERE source = 'policeuk' GROUP BY 1",
        )
    )
    # counts published in the data set's PROVENANCE.md
    assert stored["Other theft"] == 2247
    assert stored["Anti-social behaviour"] == 1980
    assert stored["Violence and sexual offences"] == 1372
    assert stored["Robbery"] == 49
    assert sum(stored.values()) == 10118


def test_policeuk_outcomes_are_justice_events(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, outs = store
    raw = _rows(BUNDLED[2].file)
    keys = Counter((r["Crime ID"], r["Month"], r["Outcome type"]) for r in raw)
    repeats = sum(n - 1 for n in keys.values())
    assert outs[2]["duplicates"] == repeats
    assert outs[2]["accepted"] == len(keys)
    street_ids = {r["Crime ID"] for r in _rows(BUNDLED[1].file) if r["Crime ID"]}
    unknown = sum(1 for k in keys if k[0] not in street_ids)
    assert outs[2]["issues"].get("justice-incident-unknown", 0) == unknown
    prison = _one(db, "SELECT count(*) FROM justice_events WHERE stage = 'admitted_to_prison'")[0][
        0
    ]
    assert prison == len({k for k in keys if k[2] == "Offender sent to prison"})


def test_code_homicides_by_city(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = store
    stored = dict(
        _one(
            db,
            "SELECT split_part(description, ':', 1), count(*) FROM offences "
            "WHERE source = 'code_crimedata' GROUP BY 1",
        )
    )
    # PROVENANCE.md: Chicago 499, Los Angeles 411, New York 345, Detroit 307, ...
    assert stored["Chicago"] == 499
    assert stored["Los Angeles"] == 411
    assert stored["New York"] == 345
    assert stored["Virginia Beach"] == 19
    fatal = _one(
        db, "SELECT count(*) FROM victims WHERE source='code_crimedata' AND injury='fatal'"
    )
    assert fatal[0][0] == 1922


def test_nypd_repeats_become_suspects(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = store
    raw = _rows(BUNDLED[4].file)
    per_complaint = Counter(r["Full Complaint ID"] for r in raw)
    got = _one(
        db,
        "SELECT (SELECT count(*) FROM incidents WHERE source = 'nypd_hate_crimes'),"
        " (SELECT count(*) FROM suspects WHERE source = 'nypd_hate_crimes'),"
        " (SELECT count(person_ref) FROM suspects WHERE source = 'nypd_hate_crimes')",
    )[0]
    assert got == (len(per_complaint), len(raw), sum(1 for r in raw if r["Arrest Id"]))


def test_memphis(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = store
    raw = _rows(BUNDLED[5].file)
    got = _one(db, "SELECT count(*), min(lon), max(lat) FROM incidents WHERE source='code_memphis'")
    assert got[0] == (
        2245,
        min(float(r["longitude"]) for r in raw),
        max(float(r["latitude"]) for r in raw),
    )


def test_reingesting_everything_adds_nothing(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = store
    before = _one(db, "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM quarantine)")
    out = _ingest(BUNDLED[0], db)
    assert (out["accepted"], out["duplicates"]) == (0, out["read"])
    assert (
        _one(db, "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM quarantine)")
        == before
    )


def test_status_reports_every_source(store: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = store
    proc = _cli("status", "--json", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert set(info["sources"]) == {b.source for b in BUNDLED}
    chicago = info["sources"]["chicago"]
    assert chicago["incidents"] == 6957
    assert chicago["reported_from"] == "2014-02-28"
    assert chicago["blank_share"]["lat"] == round(1 - 6884 / 6957, 4)
