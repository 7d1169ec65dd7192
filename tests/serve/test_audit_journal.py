"""The audit journal (:mod:`crimestats.serve.journal`): answered entries survive a crash.

A crash is played by closing a journal's file without the server's orderly close (the
file stays, its lock goes, as when a process dies); the next server start must chain
every entry of it once, in order, with its own time, and say so in the log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crimestats.govern import audit_chain
from crimestats.serve import journal
from crimestats.serve.audit import AuditLog, Pending
from crimestats.serve.chaining import write_chained
from crimestats.serve.journal import AuditJournal, Journalled, read_journal
from crimestats.serve.store import ServeStore
from crimestats.storage.store import open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ServeStore]:
    db = tmp_path / "store.duckdb"
    with open_store(db):
        pass
    served = ServeStore(db)
    yield served
    served.close()


def _entries(n: int, start: int = 0) -> list[Journalled]:
    return [
        Journalled(f"2026-12-01T00:00:{start + i:02d}.000000+00:00", "ana", "analyst",
                   "stats", json.dumps({"n": start + i}), i, f"{start + i:064x}")
        for i in range(n)
    ]  # fmt: skip


def _chain(store: ServeStore) -> list[audit_chain.AuditEntry]:
    with store.reader() as con:
        assert audit_chain.verify(con).ok
        return list(audit_chain.entries(con))


def _crash_with(store: ServeStore, entries: list[Journalled]) -> Path:
    journal = AuditJournal(store.path, fsync=True)
    journal.write(entries)
    journal._handle.close()  # the process dies: the file stays, the lock goes
    return journal.path


def test_answered_entries_are_chained_in_order_and_the_journal_goes(store: ServeStore) -> None:
    log = AuditLog(store)
    assert log.start() == 0
    for n in range(30):
        log.append(Pending("ana", "analyst", "stats", json.dumps({"n": n}), n, "h"))
    log.close()
    chained = _chain(store)
    assert [json.loads(e.parameters)["n"] for e in chained] == list(range(30))
    assert not list(store.path.parent.glob("*.audit-journal*"))


def test_an_answered_entry_stays_in_the_journal_when_it_is_emptied(
    store: ServeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal is emptied when all of it is chained: before a group is written,
    never after (a group written and then cut would be lost to a crash)."""
    monkeypatch.setattr(journal, "TRUNCATE_BYTES", 1)
    log = AuditLog(store)
    log.start()
    for n in range(5):
        log.append(Pending("ana", "analyst", "stats", json.dumps({"n": n}), n, "h"))
        on_disk = read_journal(log._journal.path)  # type: ignore[union-attr]
        assert [json.loads(e.parameters)["n"] for e in on_disk] == [n]
        log.flush()
    log.close()
    assert len(_chain(store)) == 5


def test_a_crash_loses_no_journalled_entry(store: ServeStore) -> None:
    path = _crash_with(store, _entries(5))
    assert path.exists()
    log = AuditLog(store)
    assert log.start() == 5
    log.close()
    chained = _chain(store)
    assert [e.logged_at for e in chained[:5]] == [e.logged_at for e in _entries(5)]
    assert chained[5].action == "audit.replayed"
    assert json.loads(chained[5].parameters) == {"entries": 5}
    assert not path.exists()


def test_entries_chained_before_the_crash_are_not_chained_twice(store: ServeStore) -> None:
    with store.writer() as con:
        write_chained(con, _entries(3), None)  # chained, then the crash, before truncation
    _crash_with(store, _entries(5))  # the journal still holds those 3, and 2 more
    log = AuditLog(store)
    assert log.start() == 2
    log.close()
    chained = _chain(store)
    assert [e.action for e in chained] == ["stats"] * 5 + ["audit.replayed"]
    assert [json.loads(e.parameters)["n"] for e in chained[:5]] == [0, 1, 2, 3, 4]


def test_a_running_servers_journal_is_not_replayed_by_another(store: ServeStore) -> None:
    first = AuditLog(store)
    first.start()
    first.append(Pending("ana", "analyst", "stats", "{}", 0, "h"))
    second = AuditLog(store)  # a second server in this process: its own journal
    assert second.start() == 0
    second.append(Pending("bob", "analyst", "stats", "{}", 0, "h"))
    first.close()
    second.close()
    assert sorted(e.user_name for e in _chain(store)) == ["ana", "bob"]
