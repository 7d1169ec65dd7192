"""One declaration of an audit entry's seven fields changed no byte written or hashed.

The journal line, the ``audit_log`` rows and the ``audit export`` lines below are
literals written by the code before :class:`crimestats.govern.audit_chain.Record` was
the one declaration (commit 8e5b04c, run by hand once; the values are pasted here). A
store or journal left by that code must still verify, replay and export as it did.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from pathlib import Path

from crimestats.govern import audit_chain
from crimestats.serve.audit import AuditLog, Pending
from crimestats.serve.journal import AuditJournal, Journalled, read_journal
from crimestats.serve.store import ServeStore
from crimestats.storage.store import open_store

_H1 = "eedbc10256375c83a37e79c28ec02413960d7d70e073e51c06f62629af68587d"
_H2 = "a8414b27641acacdba559d9581847a89b25d88b3896d61e6b0fa1506f1c62485"
OLD_ROWS = [
    (1, "2026-12-01T09:00:00.000001+00:00", "ana", "analyst", "stats",
     '{"area":"Zo\\u00eb","period":"2025"}', 12,
     "400a936d0ac7637324413df9aaf2067ff68468e602a5446af1e454878b5bad1e", "0" * 64, _H1),
    (2, "2026-12-01T09:00:01.500000+00:00", "cli:ingest", "cli", "ingest",
     '{"file":"a.csv","rows":3}', 3, "", _H1, _H2),
]  # fmt: skip
"""Two rows of ``audit_log`` as the old ``audit_chain.append`` wrote them."""

OLD_EXPORT = [
    '{"seq": 1, "logged_at": "2026-12-01T09:00:00.000001+00:00", "user_name": "ana", '
    '"role": "analyst", "action": "stats", "parameters": "{\\"area\\":\\"Zo\\\\u00eb\\",'
    '\\"period\\":\\"2025\\"}", "rows_out": 12, "result_hash": '
    '"400a936d0ac7637324413df9aaf2067ff68468e602a5446af1e454878b5bad1e", "prev_hash": '
    '"0000000000000000000000000000000000000000000000000000000000000000", "entry_hash": '
    f'"{_H1}"}}',
    '{"seq": 2, "logged_at": "2026-12-01T09:00:01.500000+00:00", "user_name": "cli:ingest", '
    '"role": "cli", "action": "ingest", "parameters": "{\\"file\\":\\"a.csv\\",\\"rows\\":3}", '
    f'"rows_out": 3, "result_hash": "", "prev_hash": "{_H1}", "entry_hash": "{_H2}"}}',
]
"""The same rows as ``audit export`` printed them (``json.dumps(asdict(entry))``)."""

OLD_JOURNAL = (
    b'["2026-12-01T09:00:02.000000+00:00", "bob", "analyst", "map", '
    b'"{\\"q\\":\\"Zo\\\\u00eb\\"}", 7, '
    b'"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"]\n'
)
"""One journal line as the old ``AuditJournal.write`` wrote it."""


def _old_store(tmp_path: Path) -> Path:
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        con.executemany(f"INSERT INTO audit_log VALUES ({', '.join('?' * 10)})", OLD_ROWS)
    return db


def test_an_old_log_still_verifies_and_takes_new_entries(tmp_path: Path) -> None:
    db = _old_store(tmp_path)
    with open_store(db) as con:
        assert audit_chain.verify(con) == audit_chain.Verdict(True, 2, _H2)
        added = audit_chain.append(
            con, user_name="ana", role="analyst", action="stats", parameters={"n": 1}
        )
        assert (added.seq, added.prev_hash) == (3, _H2)
        assert audit_chain.verify(con).ok
        assert [tuple(asdict(e).values()) for e in audit_chain.entries(con)][:2] == OLD_ROWS


def test_an_old_entrys_hash_is_the_documented_recipe(tmp_path: Path) -> None:
    """Recomputed by hand (docs/governance.md): sha256 of the sorted compact JSON, with
    the user under ``user``; and by the code, from the row as stored."""
    seq, logged_at, user, role, action, parameters, rows_out, result, prev, digest = OLD_ROWS[0]
    canonical = json.dumps(
        {"seq": seq, "logged_at": logged_at, "user": user, "role": role, "action": action,
         "parameters": parameters, "rows_out": rows_out, "result_hash": result,
         "prev_hash": prev},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )  # fmt: skip
    assert hashlib.sha256(canonical.encode()).hexdigest() == digest
    assert audit_chain.AuditEntry(*OLD_ROWS[0]).recomputed_hash() == digest


def test_entries_export_as_they_did(tmp_path: Path) -> None:
    db = _old_store(tmp_path)
    with open_store(db, read_only=True) as con:
        lines = [json.dumps(asdict(e), ensure_ascii=False) for e in audit_chain.entries(con)]
    assert lines == OLD_EXPORT
    assert [f.name for f in fields(audit_chain.AuditEntry)] == [
        "seq", "logged_at", "user_name", "role", "action", "parameters", "rows_out",
        "result_hash", "prev_hash", "entry_hash",
    ]  # fmt: skip


def test_an_old_journal_line_reads_and_writes_byte_for_byte(tmp_path: Path) -> None:
    old = tmp_path / "old.audit-journal"
    old.write_bytes(OLD_JOURNAL)
    (record,) = read_journal(old)
    assert record == Journalled(
        "2026-12-01T09:00:02.000000+00:00", "bob", "analyst", "map", '{"q":"Zo\\u00eb"}', 7,
        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
    )  # fmt: skip
    journal = AuditJournal(tmp_path / "new.duckdb", fsync=False)
    journal.write([record])
    journal.close(chained_all=False)
    assert journal.path.read_bytes() == OLD_JOURNAL


def test_an_old_journal_is_replayed_onto_an_old_log(tmp_path: Path) -> None:
    db = _old_store(tmp_path)
    db.with_name(db.name + ".audit-journal").write_bytes(OLD_JOURNAL)
    served = ServeStore(db)
    log = AuditLog(served)
    assert log.start() == 1
    log.close()
    served.close()
    with open_store(db, read_only=True) as con:
        assert audit_chain.verify(con).ok
        chained = list(audit_chain.entries(con))
    assert chained[2].logged_at == "2026-12-01T09:00:02.000000+00:00"
    assert (chained[2].user_name, chained[2].rows_out, chained[2].prev_hash) == ("bob", 7, _H2)
    assert chained[3].action == "audit.replayed"


def test_a_pending_entry_is_a_record_whose_time_comes_later() -> None:
    entry = Pending("ana", "analyst", "stats", "{}", 0, "h")
    assert isinstance(entry, audit_chain.Record)
    assert (entry.logged_at, entry.user_name, entry.result_hash) == ("", "ana", "h")
    assert Pending("a", "r", "x", "{}", 1, "", logged_at="t").logged_at == "t"
