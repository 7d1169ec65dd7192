"""The store migrates itself: a store made by an older crimestats opens and upgrades."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from crimestats.errors import StoreError
from crimestats.storage.migrations import LATEST_VERSION, MIGRATIONS
from crimestats.storage.store import open_store


def _version_1_store(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL,"
        " note VARCHAR NOT NULL)"
    )
    con.execute(MIGRATIONS[0][2])
    con.execute("INSERT INTO schema_version VALUES (1, now(), 'v1')")
    con.execute(
        "INSERT INTO offences VALUES ('s', 'i', 1, NULL, 'Theft', NULL, 'unknown', NULL, NULL,"
        " NULL, 0, 1)"
    )
    con.close()


def test_an_old_store_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    _version_1_store(db)
    with open_store(db) as con:
        versions = [
            r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
        ]
        columns = {r[0] for r in con.execute("DESCRIBE offences").fetchall()}
        kept = con.execute("SELECT national_label FROM offences").fetchall()
    assert versions == list(range(1, LATEST_VERSION + 1))
    assert "needs_review" in columns
    assert kept == [("Theft",)]


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with open_store(db) as con:
        con.execute("INSERT INTO schema_version VALUES (99, now(), 'from the future')")
    with pytest.raises(StoreError, match="newer"), open_store(db):
        pass


def test_a_read_only_open_of_a_missing_store_says_so(tmp_path: Path) -> None:
    from crimestats.errors import NotFoundError

    with (
        pytest.raises(NotFoundError, match="no store"),
        open_store(tmp_path / "x.duckdb", read_only=True),
    ):
        pass


def _keys_before_migration_7(db: Path) -> None:
    """Rewrite a store's row keys as crimestats wrote them before migration 7 (fields
    joined with U+001F; a justice key without ``unsentenced``), then run migration 7."""
    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE row_ledger SET row_key = concat_ws(chr(31), "
        "json_extract_string(row_key, '$.incident_id'), "
        "json_extract_string(row_key, '$.offence_seq'), "
        "coalesce(json_extract_string(row_key, '$.victim_seq'), ''), "
        "coalesce(json_extract_string(row_key, '$.suspect_seq'), '')) "
        "WHERE target = 'incidents'"
    )
    con.execute(
        "UPDATE row_ledger SET row_key = concat_ws(chr(31), "
        "coalesce(json_extract_string(row_key, '$.incident_id'), ''), "
        "coalesce(json_extract_string(row_key, '$.person_ref'), ''), "
        "coalesce(json_extract_string(row_key, '$.stage'), ''), "
        "coalesce(json_extract_string(row_key, '$.event_date'), ''), "
        "coalesce(json_extract_string(row_key, '$.detail'), '')) "
        "WHERE target = 'justice_events'"
    )
    (ddl,) = (ddl for version, _, ddl in MIGRATIONS if version == 7)
    con.execute(ddl)
    con.close()


def test_row_keys_of_an_older_store_still_find_their_duplicates(tmp_path: Path) -> None:
    """Migration 7 rewrites the old joined keys into the typed JSON keys, so re-ingesting
    the same files into a store written before it finds every row a duplicate (an id that
    itself holds U+001F included) instead of loading it a second time."""
    from crimestats.services.ingesting import ingest_files

    db = tmp_path / "old.duckdb"
    incidents = tmp_path / "i.csv"
    incidents.write_text(
        "incident_id,offence_seq,victim_seq,reported_date,national_label\n"
        "C1,1,,2024-01-01,Theft\n"
        "C1,2,1,2024-01-01,Assault\n"
        "C\x1f2,1,,2024-01-02,Theft\n",
        encoding="utf-8",
    )
    events = tmp_path / "j.csv"
    events.write_text(
        "incident_id,person_ref,stage,event_date,unsentenced\n"
        "C1,P1,arrested,2024-01-02,\n"
        "C1,P1,sentenced,2024-03-01,yes\n",
        encoding="utf-8",
    )
    first = ingest_files([incidents], source="s", db=db)[0]
    jfirst = ingest_files([events], source="s", db=db, target="justice_events")[0]
    assert (first.accepted, jfirst.accepted) == (3, 2)
    _keys_before_migration_7(db)
    # the same rows in another order: another file, so only the row keys can match
    incidents.write_text(
        "incident_id,offence_seq,victim_seq,reported_date,national_label\n"
        "C\x1f2,1,,2024-01-02,Theft\n"
        "C1,2,1,2024-01-01,Assault\n"
        "C1,1,,2024-01-01,Theft\n",
        encoding="utf-8",
    )
    events.write_text(
        "incident_id,person_ref,stage,event_date,unsentenced\n"
        "C1,P1,sentenced,2024-03-01,yes\n"
        "C1,P1,arrested,2024-01-02,\n",
        encoding="utf-8",
    )
    again = ingest_files([incidents], source="s", db=db)[0]
    jagain = ingest_files([events], source="s", db=db, target="justice_events")[0]
    assert (again.read, again.accepted, again.duplicates) == (3, 0, 3)
    assert (jagain.read, jagain.accepted, jagain.duplicates) == (2, 0, 2)
    with open_store(db, read_only=True) as con:
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()
        offences = con.execute("SELECT count(*) FROM offences").fetchone()
    assert version == (LATEST_VERSION,)
    assert offences == (3,)
