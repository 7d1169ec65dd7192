"""The shipped mapping with victim and suspect fields: NYPD complaints, against csv counts.

``src/crimestats/bundled/nypd_complaints`` holds 2,444 real NYPD complaints (NYC Open
Data, "NYPD Complaint Data Historic") with one victim and one suspect description per
row. Every expected figure is counted from the raw file with Python's csv module:
victims by sex and type from ``VIC_SEX`` (D = business, E = the State), suspects by sex
from ``SUSP_SEX`` (blank: no suspect described), attempted offences from
``CRM_ATPT_CPTD_CD``.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from tests.conftest import run_cli

from crimestats.services.ingesting import IngestResult, ingest_files

ROOT = Path(__file__).resolve().parents[2] / "src" / "crimestats"
DATA = ROOT / "bundled" / "nypd_complaints" / "nypd_complaints_2010-01-01.csv.gz"
MAPPING = ROOT / "mappings" / "nypd_complaints.yaml"
VICTIM_SEX = {"F": "female", "M": "male", "D": "unknown", "E": "unknown"}
VICTIM_TYPE = {"F": "person", "M": "person", "D": "legal_entity", "E": "state"}
SUSPECT_SEX = {"F": "female", "M": "male", "U": "unknown"}


def _rows() -> list[dict[str, str]]:
    with gzip.open(DATA, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _query(db: Path, sql: str) -> dict[object, object]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {row[0]: row[1] for row in con.execute(sql).fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestResult]:
    db = tmp_path_factory.mktemp("nypd_complaints") / "s.duckdb"
    [result] = ingest_files([DATA], source="nypd_complaints", db=db, mapping=MAPPING)
    return db, result


def test_every_complaint_loads(loaded: tuple[Path, IngestResult]) -> None:
    db, result = loaded
    rows = _rows()
    assert len(rows) == 2444
    assert (result.read, result.accepted, result.quarantined) == (len(rows), len(rows), 0)
    attempted = Counter(r["CRM_ATPT_CPTD_CD"] == "ATTEMPTED" for r in rows)
    stored = _query(db, "SELECT attempted = 'true', count(*) FROM offences GROUP BY 1")
    assert stored == dict(attempted)


def test_victims_by_sex_match_a_csv_count(loaded: tuple[Path, IngestResult]) -> None:
    db, _ = loaded
    expected = Counter(VICTIM_SEX[r["VIC_SEX"]] for r in _rows() if r["VIC_SEX"])
    code, out, exc = run_cli(
        "stats", "--db", str(db), "--by", "victim_sex", "--unit", "victims", "--format", "json"
    )
    assert code == 0, (out, exc)
    got = {r["victim_sex"]: r["count"] for r in json.loads(out)["rows"]}
    assert got == dict(expected)
    assert expected["female"] == 1015  # PROVENANCE.md


def test_victim_types_match_a_csv_count(loaded: tuple[Path, IngestResult]) -> None:
    db, _ = loaded
    expected = Counter(VICTIM_TYPE[r["VIC_SEX"]] for r in _rows() if r["VIC_SEX"])
    assert _query(db, "SELECT victim_type, count(*) FROM victims GROUP BY 1") == dict(expected)


def test_suspects_by_sex_match_a_csv_count(loaded: tuple[Path, IngestResult]) -> None:
    db, _ = loaded
    expected = Counter(SUSPECT_SEX[r["SUSP_SEX"]] for r in _rows() if r["SUSP_SEX"])
    assert sum(expected.values()) == 942  # 2,444 complaints, 1,502 without a suspect
    assert _query(db, "SELECT sex, count(*) FROM suspects GROUP BY 1") == dict(expected)


def test_age_groups_are_not_turned_into_ages(loaded: tuple[Path, IngestResult]) -> None:
    # NYPD gives age groups (25-44, ...), flat v1 ages in years: none is invented, so
    # every victim falls in the UNODC group "unknown".
    db, _ = loaded
    code, out, exc = run_cli(
        "stats", "--db", str(db), "--by", "victim_age_group", "--unit", "victims",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, (out, exc)
    victims = sum(1 for r in _rows() if r["VIC_SEX"])
    assert json.loads(out)["rows"] == [{"victim_age_group": "unknown", "count": victims}]
