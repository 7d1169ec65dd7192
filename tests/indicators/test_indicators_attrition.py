"""Attrition: hand-made store, and data.police.uk against the raw outcome files."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

import pytest

from crimestats.errors import UsageError
from crimestats.indicators import attrition_table
from crimestats.services.classifying import classify
from crimestats.services.demo import bundled_path, mapping_path
from crimestats.services.ingesting import ingest_files

STREET = "policeuk/city_of_london_street_2016-01_2017-06.csv.gz"
OUTCOMES = "policeuk/city_of_london_outcomes_2016-01_2017-06.csv.gz"
# data.police.uk outcome categories that mean a charge or a court/sentence outcome
# (https://data.police.uk/about/#outcomes), written out here independently of the mapping
PROSECUTED_OR_BEYOND = {
    "Suspect charged", "Suspect charged as part of another case", "Awaiting court outcome",
    "Court result unavailable", "Court case unable to proceed", "Defendant found not guilty",
    "Defendant sent to Crown Court", "Offender fined", "Offender given suspended prison sentence",
    "Offender given community sentence", "Offender given conditional discharge",
    "Offender given absolute discharge", "Offender otherwise dealt with",
    "Offender deprived of property", "Offender ordered to pay compensation",
    "Offender sent to prison",
}  # fmt: skip


def _pick(rows: list[dict[str, Any]], source: str, cat: str | None, stage: str) -> dict[str, Any]:
    [hit] = [r for r in rows if (r["source"], r["category"], r["stage"]) == (source, cat, stage)]
    return hit


def test_tiny_flow(tiny_db: Path) -> None:
    t = attrition_table(tiny_db, by="iccs_l1")
    rows = t.rows()
    assert _pick(rows, "tiny", "02", "recorded")["incidents"] == 3  # T1, T2, A1
    assert _pick(rows, "tiny", "02", "suspect_identified")["incidents"] == 2  # A1, T1
    arrested = _pick(rows, "tiny", "02", "arrested")
    assert (arrested["incidents"], arrested["median_days"]) == (1, 51.0)
    assert _pick(rows, "tiny", "02", "prosecuted")["incidents"] == 2  # A1, T1 (prison)
    prison = _pick(rows, "tiny", "02", "admitted_to_prison")
    assert (prison["incidents"], prison["median_days"]) == (1, 173.0)
    assert _pick(rows, "tiny", "01", "admitted_to_prison")["median_days"] == 82.5
    assert _pick(rows, "tiny", "01", "convicted")["incidents"] == 1  # H1 was unsentenced
    ooc = _pick(rows, "tiny", "01", "out_of_court_disposal")
    assert ooc["incidents"] is None
    assert "no justice event" in ooc["not_computable_reason"]
    assert _pick(rows, "tiny", "05", "recorded")["share_of_recorded"] == 100.0
    assert t.metadata["unit"] == "incidents"


def test_bad_level(tiny_db: Path) -> None:
    with pytest.raises(UsageError):
        attrition_table(tiny_db, by="iccs_l3")


@pytest.fixture(scope="module")
def policeuk_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("policeuk") / "p.duckdb"
    for file, mapping in ((STREET, "policeuk_street.yaml"), (OUTCOMES, "policeuk_outcomes.yaml")):
        ingest_files([bundled_path(file)], source="policeuk", db=db, mapping=mapping_path(mapping))
    classify(db)
    return db


def _raw(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_policeuk_burglary_against_the_raw_files(policeuk_db: Path) -> None:
    burglary = {r["Crime ID"] for r in _raw(bundled_path(STREET))
                if r["Crime type"] == "Burglary" and r["Crime ID"]}  # fmt: skip
    outcomes: dict[str, set[str]] = {}
    for r in _raw(bundled_path(OUTCOMES)):
        outcomes.setdefault(r["Crime ID"], set()).add(r["Outcome type"])
    prosecuted = {c for c in burglary if outcomes.get(c, set()) & PROSECUTED_OR_BEYOND}
    prison = {c for c in burglary if "Offender sent to prison" in outcomes.get(c, set())}
    rows = attrition_table(policeuk_db, by="iccs_l2", source="policeuk").rows()
    recorded = _pick(rows, "policeuk", "0501", "recorded")["incidents"]
    assert recorded == len(burglary)
    got = _pick(rows, "policeuk", "0501", "prosecuted")
    assert got["incidents"] == len(prosecuted) > 0
    assert got["share_of_recorded"] == pytest.approx(100 * len(prosecuted) / len(burglary))
    assert _pick(rows, "policeuk", "0501", "admitted_to_prison")["incidents"] == len(prison)
    arrested = _pick(rows, "policeuk", "0501", "arrested")
    assert arrested["incidents"] is None  # police.uk records no arrests: not zero
