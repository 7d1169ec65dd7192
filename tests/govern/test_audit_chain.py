"""The audit log's hash chain catches every kind of quiet rewrite (issue 16 item 4).

Each test appends real entries to a real store, then tampers with ``audit_log``
directly in DuckDB (as someone holding the file would) and checks that
``verify`` names the first broken entry and how. The hash is recomputed here
independently (hashlib over the documented canonical JSON), not through the code.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from crimestats.govern import audit_chain
from crimestats.govern.audit_chain import GENESIS, Break
from crimestats.storage.store import open_store


def _fill(db: Path, n: int = 5) -> None:
    with open_store(db) as con:
        for i in range(1, n + 1):
            audit_chain.append(
                con,
                user_name=f"user{i % 2}",
                role="analyst",
                action="stats",
                parameters={"by": "year", "token": "cs_secret_never_logged", "i": i},
                rows_out=i * 10,
                result_hash=audit_chain.result_digest(f"result {i}"),
            )


def _verify(db: Path, head: str | None = None) -> audit_chain.Verdict:
    with open_store(db, read_only=True) as con:
        return audit_chain.verify(con, known_head=head)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    db = tmp_path / "store.duckdb"
    _fill(db)
    return db


def test_hash_follows_the_documented_recipe(log: Path) -> None:
    """sha256 of the sorted, compact JSON of the fields, chained from 64 zeros."""
    con = duckdb.connect(str(log), read_only=True)
    rows = con.execute(
        "SELECT seq, logged_at, user_name, role, action, parameters, rows_out, "
        "result_hash, prev_hash, entry_hash FROM audit_log ORDER BY seq"
    ).fetchall()
    con.close()
    prev = "0" * 64
    for seq, at, user, role, action, params, rows_out, result, link, stored in rows:
        assert link == prev
        text = json.dumps(
            {
                "action": action,
                "logged_at": at,
                "parameters": params,
                "prev_hash": link,
                "result_hash": result,
                "role": role,
                "rows_out": rows_out,
                "seq": seq,
                "user": user,
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        assert hashlib.sha256(text.encode()).hexdigest() == stored
        prev = stored
    assert len(rows) == 5


def test_intact_log_verifies_and_secrets_are_not_logged(log: Path) -> None:
    verdict = _verify(log)
    assert verdict.ok
    assert verdict.entries == 5
    con = duckdb.connect(str(log), read_only=True)
    params = [r[0] for r in con.execute("SELECT parameters FROM audit_log").fetchall()]
    con.close()
    assert all("cs_secret" not in p and "token" not in p for p in params)
    assert json.loads(params[0]) == {"by": "year", "i": 1}


def _tamper(db: Path, *sql: str) -> None:
    con = duckdb.connect(str(db))
    for statement in sql:
        con.execute(statement)
    con.close()


def test_an_edited_entry_is_named(log: Path) -> None:
    _tamper(log, "UPDATE audit_log SET rows_out = 0 WHERE seq = 3")
    verdict = _verify(log)
    assert (verdict.ok, verdict.first_bad_seq, verdict.kind) == (False, 3, Break.EDITED)


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(log: Path) -> None:
    """The forger recomputes entry 2's hash: entry 3 no longer links to it."""
    with open_store(log) as con:
        row = next(e for e in audit_chain.entries(con) if e.seq == 2)
    forged = audit_chain.entry_hash(
        seq=2,
        logged_at=row.logged_at,
        user_name="nobody",
        role=row.role,
        action=row.action,
        parameters=row.parameters,
        rows_out=row.rows_out,
        result_hash=row.result_hash,
        prev_hash=row.prev_hash,
    )
    _tamper(
        log, f"UPDATE audit_log SET user_name = 'nobody', entry_hash = '{forged}' WHERE seq = 2"
    )
    verdict = _verify(log)
    assert (verdict.first_bad_seq, verdict.kind) == (3, Break.INSERTED)


def test_a_deleted_entry_is_named(log: Path) -> None:
    _tamper(log, "DELETE FROM audit_log WHERE seq = 2")
    verdict = _verify(log)
    assert (verdict.first_bad_seq, verdict.kind) == (2, Break.DELETED)


def test_reordered_entries_are_named(log: Path) -> None:
    _tamper(
        log,
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = 100",
    )
    verdict = _verify(log)
    assert (verdict.first_bad_seq, verdict.kind) == (2, Break.REORDERED)
    assert "written at 4" in verdict.detail


def _forge(db: Path, seq: int, prev_hash: str, user: str) -> None:
    """Insert an entry at ``seq`` with a hash valid for its own fields."""
    at = "2026-01-01T00:00:00.000000+00:00"
    digest = audit_chain.entry_hash(
        seq=seq,
        logged_at=at,
        user_name=user,
        role="admin",
        action="stats",
        parameters="{}",
        rows_out=0,
        result_hash="",
        prev_hash=prev_hash,
    )
    _tamper(
        db,
        f"INSERT INTO audit_log VALUES ({seq}, '{at}', '{user}', 'admin', 'stats', '{{}}', "
        f"0, '', '{prev_hash}', '{digest}')",
    )


def test_an_entry_put_in_the_middle_is_named(log: Path) -> None:
    """The forger makes room at 3 and inserts an entry chained to 2."""
    with pytest.raises(duckdb.ConstraintException):  # seq is a primary key: no twin
        _tamper(log, "INSERT INTO audit_log SELECT * FROM audit_log WHERE seq = 3")
    with open_store(log, read_only=True) as con:
        second = next(e for e in audit_chain.entries(con) if e.seq == 2)
    _tamper(
        log,
        "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3",
        "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000",
    )
    _forge(log, 3, second.entry_hash, "mallory")
    verdict = _verify(log)
    assert (verdict.first_bad_seq, verdict.kind) == (3, Break.INSERTED)


def test_an_entry_linked_to_nothing_is_named(log: Path) -> None:
    _forge(log, 6, "1" * 64, "mallory")
    verdict = _verify(log)
    assert (verdict.first_bad_seq, verdict.kind) == (6, Break.INSERTED)


def test_a_removed_entry_with_the_rest_moved_up_is_named(log: Path) -> None:
    _tamper(
        log,
        "DELETE FROM audit_log WHERE seq = 2",
        "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3",
        "UPDATE audit_log SET seq = seq - 1001 WHERE seq >= 1000",
    )
    verdict = _verify(log)
    assert (verdict.first_bad_seq, verdict.kind) == (2, Break.DELETED)


def test_a_cut_end_is_caught_only_with_a_kept_head(log: Path) -> None:
    with open_store(log, read_only=True) as con:
        _, kept = audit_chain.head(con)
    _tamper(log, "DELETE FROM audit_log WHERE seq = 5")
    assert _verify(log).ok  # the log alone cannot show a cut end
    verdict = _verify(log, head=kept)
    assert (verdict.ok, verdict.kind) == (False, Break.TRUNCATED)


def test_an_empty_log_is_intact(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    with open_store(db):
        pass
    verdict = _verify(db, head=GENESIS)
    assert verdict.ok
    assert verdict.entries == 0
    assert verdict.head == GENESIS
