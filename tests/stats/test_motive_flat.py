"""The motive of flat v1: its values are ICCS tag Mot, it loads, counts and re-reads.

The allowed values are checked against the ICCS v1.0 Table II rows shipped in
``src/crimestats/data/iccs/iccs_disaggregating_variables.csv`` (tag ``Mot``), so the
enumeration cannot drift from the classification's own list.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
from tests.conftest import base_row

from crimestats.domain.enums import Motive, values
from crimestats.services.ingesting import IngestResult
from crimestats.stats import count_table

ICCS_TAGS = (
    Path(__file__).resolve().parents[2]
    / "src/crimestats/data/iccs/iccs_disaggregating_variables.csv"
)
LABEL_TO_VALUE = {"Other motive": "other", "Not known": "unknown"}
"""The two ICCS labels whose value is shorter than the snake-cased label."""


def test_motive_values_are_the_iccs_motive_tag() -> None:
    with ICCS_TAGS.open(encoding="utf-8", newline="") as handle:
        labels = [r["value_label"] for r in csv.DictReader(handle) if r["tag"] == "Mot"]
    assert len(labels) == 8  # ICCS v1.0 Table II, Mot 1-8
    expected = [
        LABEL_TO_VALUE.get(label, re.sub(r"[^a-z]+", "_", label.lower()).strip("_"))
        for label in labels
    ]
    assert list(values(Motive)) == expected


def test_flat_rows_load_their_motive_and_default_to_unknown(
    ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    rows = [
        base_row(incident_id="A", motive="hate_crime", motive_detail="anti-asian"),
        base_row(incident_id="B", motive="Hate crime", motive_detail="anti-jewish"),
        base_row(incident_id="C", motive="illicit_gain"),
        base_row(incident_id="D"),
    ]
    result = ingest_rows(rows)
    assert (result.accepted, result.quarantined) == (4, 0)
    table = count_table(db, by=["motive", "motive_detail"], unit="offences")
    got = {(r["motive"], r["motive_detail"]): r["count"] for r in table.table.to_pylist()}
    assert got == {
        ("hate_crime", "anti-asian"): 1,
        ("hate_crime", "anti-jewish"): 1,  # "Hate crime" normalised like any enum value
        ("illicit_gain", None): 1,
        ("unknown", None): 1,
    }
    again = ingest_rows(rows)
    assert (again.read, again.duplicates) == (4, 4)


def test_a_motive_outside_iccs_is_quarantined(
    ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    result = ingest_rows([base_row(motive="revenge")])
    assert result.quarantined == 1
    assert result.issues == {"motive-invalid": 1}
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM offences").fetchone() == (0,)
    finally:
        con.close()
