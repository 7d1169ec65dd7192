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
