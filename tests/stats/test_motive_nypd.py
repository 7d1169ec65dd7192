"""Hate crimes by bias motive and year: NYPD's bundled file, against a csv count.

The NYPD mapping loads every complaint as one offence with the ICCS motive
``hate_crime`` and the bias (``Bias Motive Description``) as ``motive_detail``, in lower
case. The expected counts are read from the raw file with Python's csv module alone: one
offence per distinct complaint id, by its bias and the year of its record-create date.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import run_cli

from crimestats.services.demo import bundled_path
from crimestats.services.ingesting import ingest_files

DATA = "nypd_hate_crimes/nypd_hate_crimes.csv.gz"
MAPPING = Path(__file__).resolve().parents[2] / "src/crimestats/mappings/nypd_hate_crimes.yaml"


def _complaints() -> dict[str, tuple[str, int]]:
    """Complaint id -> (bias in lower case, year reported), from the raw file."""
    with gzip.open(bundled_path(DATA), "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out: dict[str, tuple[str, int]] = {}
    for row in rows:
        key = (row["Bias Motive Description"].strip().lower(), int(row["Record Create Date"][-4:]))
        assert out.setdefault(row["Full Complaint ID"], key) == key  # one bias per complaint
    return out


@pytest.fixture(scope="module")
def nypd_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("nypd") / "s.duckdb"
    [result] = ingest_files([bundled_path(DATA)], source="nypd_hate_crimes", db=db, mapping=MAPPING)
    assert result.quarantined == 0, result.issues
    return db


def _stats(db: Path, *args: str) -> list[dict[str, object]]:
    code, out, exc = run_cli("stats", "--db", str(db), *args, "--format", "json")
    assert code == 0, (out, exc)
    rows: list[dict[str, object]] = json.loads(out)["rows"]
    return rows


def test_offences_by_motive_detail_and_year_match_a_csv_count(nypd_db: Path) -> None:
    expected = Counter(_complaints().values())
    rows = _stats(nypd_db, "--by", "motive_detail,year", "--unit", "offences")
    got = {(str(r["motive_detail"]), int(str(r["year"]))): r["count"] for r in rows}
    assert got == dict(expected)
    anti_asian = {y: n for (bias, y), n in expected.items() if bias == "anti-asian"}
    assert sum(anti_asian.values()) > 100  # the watch helpers' series is not empty


def test_every_complaint_is_a_hate_crime_by_year(nypd_db: Path) -> None:
    expected = Counter(year for _, year in _complaints().values())
    rows = _stats(nypd_db, "--by", "motive,year", "--unit", "offences")
    got = {(str(r["motive"]), int(str(r["year"]))): r["count"] for r in rows}
    assert got == {("hate_crime", y): n for y, n in expected.items()}
