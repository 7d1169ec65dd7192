"""An exact copy of a row is a duplicate only when it carries no error of its own.

The benchmark workload (``bench/generate.py``) copies good rows at random; a copy can
land in an incident where another row was spoiled. Two cases, with the outcome each
follows from the rules of ``storage/group_checks.py`` (a row in error is never a
duplicate; an incident with a rejected row is held back whole):

- the spoiled row changes an *incident* field (here the reported date): every row of
  the incident, the copy included, carries ``incident-fields-conflict`` itself, so the
  copy is quarantined, not a duplicate;
- the spoiled row breaks a rule of its own (an age of 500): the other rows are held
  back with ``incident-has-rejected-rows`` and carry no error themselves, so the copy
  is a duplicate of its twin, whose raw text is in quarantine.

The first case (and its twins for a victim's or a suspect's fields) is why the 10M
workload counts 9,988 duplicates where the generator injected 10,000 exact copies (the
hand count of the raw file is in bench/RESULTS.md, ingest section), and why the code
of 2026-11-23, which let a duplicate outrank an error, counted 10,000.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
from tests.conftest import base_row

from crimestats.services.ingesting import IngestResult


def _quarantined_codes(db: Path) -> list[set[str]]:
    import json

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT reasons FROM quarantine ORDER BY row_number").fetchall()
    finally:
        con.close()
    return [{r["code"] for r in json.loads(reasons)} for (reasons,) in rows]


def test_copy_in_an_incident_whose_fields_conflict_is_quarantined(
    ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    good = base_row(offence_seq="1")
    spoiled = base_row(offence_seq="2", national_label="Theft", reported_date="2031-03-14")
    result = ingest_rows([good, spoiled, dict(good)])
    # By the rules: all three rows carry incident-fields-conflict; none is a duplicate.
    assert (result.read, result.accepted, result.quarantined, result.duplicates) == (3, 0, 3, 0)
    codes = _quarantined_codes(db)
    assert len(codes) == 3
    assert all("incident-fields-conflict" in c for c in codes)


def test_copy_in_an_incident_held_back_for_another_row_is_a_duplicate(
    ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    good = base_row(offence_seq="1")
    spoiled = base_row(offence_seq="2", national_label="Theft", victim_age="500")
    result = ingest_rows([good, spoiled, dict(good)])
    # The spoiled row and the good one are quarantined; the copy duplicates the good one.
    assert (result.read, result.accepted, result.quarantined, result.duplicates) == (3, 0, 2, 1)
    assert _quarantined_codes(db) == [
        {"incident-has-rejected-rows"},
        {"victim-age-out-of-range"},
    ]
