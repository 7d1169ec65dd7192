"""The audit journal: each entry on disk before its answer leaves, chained into the log after.

Why a journal in front of the chain: a DuckDB commit costs milliseconds of CPU, and while
a load commits or checkpoints its hundreds of megabytes, the audit log's commit waits
behind it, for seconds; an answer that waited for it would wait as long. An append to a
plain file does not wait for the database. So an answer leaves once its entry is written
to the journal (``<store>.audit-journal``, one JSON line each, flushed to the operating
system and, with ``fsync``, to the disk), and the chain writer moves journalled entries
into ``audit_log`` in large groups shortly after.

What a crash can lose: nothing that was answered. Entries journalled but not yet
chained are chained at the next start (:func:`replay`), in their order, each once: an
entry already in the log (the crash fell between the chain's commit and the journal's
truncation) is recognised by its time, user, action, parameters and result hash, and
skipped. With ``fsync`` off, a crash of the machine itself (not of the server) can lose
the entries of the last moments, which the operating system had not yet written.
"""

from __future__ import annotations

import fcntl
import glob
import json
import os
from dataclasses import fields
from pathlib import Path
from typing import Any, Final

from crimestats.govern import audit_chain

TRUNCATE_BYTES: Final = 1024 * 1024
"""The journal is emptied once it is this large and every entry in it is chained."""

Journalled = audit_chain.Record
"""An entry as journalled: everything but its place in the chain (one line each, the
record's fields as a JSON array in their declared order)."""
_FIELDS: Final = tuple(f.name for f in fields(Journalled))


def _locked(path: Path) -> Any | None:
    """``path`` opened for appending and locked for this server alone, or None if a
    running server holds it (a lock goes with its holder, even when it crashes)."""
    handle = path.open("ab")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def orphans(db: Path) -> list[tuple[Path, Any]]:
    """The journals of ``db`` left by servers no longer running, each locked."""
    found = []
    for path in sorted(db.parent.glob(glob.escape(db.name) + ".audit-journal*")):
        handle = _locked(path)
        if handle is not None:
            found.append((path, handle))
    return found


class AuditJournal:
    """A journal file of its own (``<store>.audit-journal``, or ``.1``, ``.2``... when
    another server in this process holds the first), written by one thread."""

    def __init__(self, db: Path, *, fsync: bool) -> None:
        self.fsync = fsync
        for n in range(1000):
            self.path = db.with_name(db.name + ".audit-journal" + (f".{n}" if n else ""))
            handle = _locked(self.path)
            if handle is not None:
                self._handle = handle
                break
        else:
            raise RuntimeError(f"no free audit journal beside {db}")

    def write(self, entries: list[Journalled]) -> None:
        """Append ``entries`` and flush them (and fsync, if asked) before returning."""
        lines = b"".join(
            json.dumps([getattr(e, f) for f in _FIELDS], ensure_ascii=False).encode() + b"\n"
            for e in entries
        )
        self._handle.write(lines)
        self._handle.flush()
        if self.fsync:
            os.fsync(self._handle.fileno())

    def truncate_if_large(self) -> None:
        """Empty the journal if it is large (call only when all of it is chained)."""
        if self._handle.tell() >= TRUNCATE_BYTES:
            self._handle.truncate(0)
            self._handle.seek(0)

    def close(self, *, chained_all: bool) -> None:
        if chained_all:
            self.path.unlink(missing_ok=True)
        self._handle.close()


def read_journal(path: Path) -> list[Journalled]:
    """The entries of a journal left by an earlier run (a torn last line is dropped:
    its answer never left, since it leaves only after the line is flushed)."""
    if not path.exists():
        return []
    found = []
    for line in path.read_bytes().splitlines():
        try:
            values = json.loads(line)
            found.append(Journalled(*values))
        except (ValueError, TypeError):
            continue
    return found


def not_yet_chained(con: Any, entries: list[Journalled]) -> list[Journalled]:
    """The journalled ``entries`` that the audit log does not hold yet, in order."""
    if not entries:
        return []
    first = min(e.logged_at for e in entries)
    rows = con.execute(
        "SELECT logged_at, user_name, action, parameters, result_hash FROM audit_log "
        "WHERE logged_at >= ?",
        [first],
    ).fetchall()
    held = {tuple(r) for r in rows}
    return [
        e for e in entries
        if (e.logged_at, e.user_name, e.action, e.parameters, e.result_hash) not in held
    ]  # fmt: skip
