"""A later file of the same source adds to the records the store holds, never copies them.

``storage/event_writes.py`` drops a staged record the store already holds (an anti-join
against the store's rows of the source). These files are built so the expected counts
follow by hand: the second file repeats incident I1 with a new offence and a new victim
(same incident fields, so no conflict), and brings a new incident I2.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
from tests.conftest import base_row

from crimestats.services.ingesting import IngestResult


def _records(db: Path, source: str) -> dict[str, list[tuple[str, int]]]:
    """(incident, seq) of each event table's rows of ``source``, sorted."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        incidents = con.execute(
            "SELECT incident_id, 0 FROM incidents WHERE source = ? ORDER BY 1", [source]
        ).fetchall()
        offences = con.execute(
            "SELECT incident_id, offence_seq FROM offences WHERE source = ? ORDER BY 1, 2",
            [source],
        ).fetchall()
        victims = con.execute(
            "SELECT incident_id, victim_seq FROM victims WHERE source = ? ORDER BY 1, 2",
            [source],
        ).fetchall()
    finally:
        con.close()
    return {"incidents": incidents, "offences": offences, "victims": victims}


def test_a_later_file_adds_new_records_and_keeps_held_ones_once(
    ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    first = base_row(offence_seq="1", victim_seq="1", victim_sex="female")
    ingest_rows([first])
    again = base_row(offence_seq="1", victim_seq="2", victim_sex="male")  # I1's offence 1 held
    added = base_row(offence_seq="2", victim_seq="1", national_label="Theft", victim_sex="female")
    other = base_row(incident_id="I2", offence_seq="1", victim_seq="1", victim_sex="male")
    result = ingest_rows([again, added, other])
    assert (result.read, result.accepted, result.quarantined, result.duplicates) == (3, 3, 0, 0)
    assert _records(db, "test") == {
        "incidents": [("I1", 0), ("I2", 0)],
        "offences": [("I1", 1), ("I1", 2), ("I2", 1)],
        "victims": [("I1", 1), ("I1", 2), ("I2", 1)],
    }


def test_another_source_with_the_same_keys_is_not_held(
    ingest_rows: Callable[..., IngestResult], db: Path
) -> None:
    """The store's records of one source never keep another's out (the anti-join is per
    source)."""
    ingest_rows([base_row(offence_seq="1", victim_seq="1")], source="a")
    ingest_rows([base_row(offence_seq="1", victim_seq="1")], source="b")
    assert _records(db, "a") == _records(db, "b")
    assert _records(db, "b")["offences"] == [("I1", 1)]
