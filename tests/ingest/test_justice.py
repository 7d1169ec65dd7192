"""Justice events: the data.police.uk outcomes layout and the flat justice layout."""

from __future__ import annotations

from pathlib import Path

import duckdb

from crimestats.services.ingesting import ingest_files


def test_flat_justice_rows_and_their_rules(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    incidents = tmp_path / "i.csv"
    incidents.write_text("incident_id,reported_date,national_label\nC1,2024-01-01,Theft\n")
    ingest_files([incidents], source="s", db=db)
    events = tmp_path / "j.csv"
    events.write_text(
        "incident_id,person_ref,stage,event_date,unsentenced\n"
        "C1,P1,Arrested,2024-01-02,\n"  # ok (case and spaces normalised)
        "C1,P1,prosecuted,2024-02-01,yes\n"  # ok
        "C9,,suspected,2024-02-01,\n"  # ok, but the incident is unknown: a warning
        ",,convicted,2024-03-01,\n"  # neither incident nor person
        "C1,P1,hanged,2024-03-01,\n"  # not a stage
        "C1,P1,convicted,2024-02-30,\n"  # no such day
        "C1,P1,sentenced,2024-03-01,perhaps\n"  # not a boolean
        "C1,P1,Arrested,2024-01-02,\n"  # exact duplicate of the first row
    )
    result = ingest_files([events], source="s", db=db, target="justice_events")[0]
    assert (result.read, result.accepted, result.quarantined, result.duplicates) == (8, 3, 4, 1)
    assert result.issues == {
        "event-date-impossible": 1,
        "justice-incident-unknown": 1,
        "justice-subject-missing": 1,
        "stage-invalid": 1,
        "unsentenced-invalid": 1,
    }
    con = duckdb.connect(str(db), read_only=True)
    stages = con.execute(
        "SELECT stage, unsentenced FROM justice_events ORDER BY event_date, stage"
    ).fetchall()
    con.close()
    assert stages == [("arrested", None), ("prosecuted", True), ("suspected", None)]
