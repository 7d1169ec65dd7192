"""A commit DuckDB never finished must not come back in part when the store is reopened.

Why this exists: a process killed during ``COMMIT`` (``kill -9``, the OOM killer, a power
cut) can leave the store's write-ahead log ending in entries with no closing flush entry.
DuckDB's replay is meant to roll such a tail back, and does so for deletes, updates and
small inserts, but DuckDB 1.5.6 keeps the row groups that a large insert wrote straight to
the database file (``ROW_GROUP_DATA`` entries). A killed ``ingest --replace`` then came back
with the new version's rows *and* the old version's: the deletes were rolled back, the
inserts were not (found by CI in session 15; upstream: duckdb/duckdb pull request 25931,
"Fix uncommitted data recovered accidentally", open when this was written). The
reproduction, in DuckDB alone and through ``ingest --replace``, is
``tests/storage/test_torn_wal.py``.

What it does: before DuckDB opens a store, the log is cut back to the end of its last
complete commit, which is what DuckDB's replay means to do anyway. Nothing is cut unless
every condition holds; otherwise the log is left to DuckDB exactly as it was:

- no other process has the store open (an open-file-description lock on the store file,
  which conflicts with the lock DuckDB holds while it has the file open), and this process
  has not either (``storage/held_files.py``): a live writer's log may be mid-commit;
- no checkpoint was under way (no ``.wal.checkpoint`` or ``.wal.recovery`` file, no
  checkpoint entry anywhere in the log);
- the log is in the format read here (version 2: a version entry, then entries of size,
  checksum and body, each body a serialized object whose first field (id 100) is the
  entry's type and which ends in ``FF FF``), read to its end without a surprise.

What came before the last flush is committed, whatever it is (the migrations' schema
changes often share a log with the ingest after them; an attack in session 15 found that an
earlier version of this guard gave up on any log holding one). After the last flush any
entry but a version, a checkpoint or a second flush belongs to the unfinished commit.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crimestats.storage.held_files import held_open

_VERSION_ENTRY = b"\x64\x00\x62\x65\x00\x02\xff\xff"
"""Field 100 (type) = 98 (WAL_VERSION), field 101 (version) = 2, end of object."""
_ENTRY_HEADER = struct.Struct("<QQ")
"""Each entry after the version entry: body size, checksum (not recomputed here)."""
_FLUSH = 100
"""WAL_FLUSH: written after a transaction's last entry; the commit is durable once it is."""
_TRANSACTION_TYPES = range(1, 98)
"""Entry types a transaction writes (catalog changes 1-24, data 25-29): everything below
WAL_VERSION (98) and CHECKPOINT (99)."""
_FLOCK = struct.Struct("hhqqi4x")
"""``struct flock`` on 64-bit Linux: type, whence, start, length, pid (0 for OFD locks)."""


@dataclass(frozen=True, slots=True)
class TornCommit:
    """What was cut from a store's log: the unfinished commit's size and entry count."""

    wal: Path
    bytes_removed: int
    entries_removed: int


def discard_torn_commit(store: Path) -> TornCommit | None:
    """Cut the store's log back to its last complete commit; None when nothing was cut."""
    wal = Path(f"{store}.wal")
    if not wal.is_file() or wal.stat().st_size == 0:
        return None
    if any(Path(f"{store}.wal.{kind}").exists() for kind in ("checkpoint", "recovery")):
        return None
    if held_open(store) is not False or held_open(wal) is not False:
        return None  # this process holds it (its DuckDB owns the log), or cannot tell
    with _exclusive(store) as held:
        if not held:
            return None
        with wal.open("rb") as log:
            tail = _unfinished_tail(log, wal.stat().st_size)
        if tail is None:
            return None
        keep, entries = tail
        removed = wal.stat().st_size - keep
        try:
            with wal.open("r+b") as handle:
                handle.truncate(keep)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:  # a store the user may read but not write: DuckDB replays as before
            return None
        return TornCommit(wal=wal, bytes_removed=removed, entries_removed=entries)


def _unfinished_tail(log: BinaryIO, size: int) -> tuple[int, int] | None:
    """(offset to keep, entries after it) when the log ends in an unfinished commit.

    None when the log ends in a flush (nothing to cut) or is not read to the end without
    a surprise (then DuckDB decides, as before). Reads each entry's header and the ends
    of its body only: a log can hold gigabytes of row ids.
    """
    if log.read(len(_VERSION_ENTRY)) != _VERSION_ENTRY:
        return None
    pos = keep = len(_VERSION_ENTRY)
    after_flush = 0
    while pos < size:
        if pos + _ENTRY_HEADER.size > size:
            break  # a header cut short by the crash: part of the unfinished tail
        log.seek(pos)
        length, _checksum = _ENTRY_HEADER.unpack(log.read(_ENTRY_HEADER.size))
        body = pos + _ENTRY_HEADER.size
        if body + length > size:
            break  # a body cut short by the crash
        if length < 5:
            return None
        head = log.read(3)
        log.seek(body + length - 2)
        if head[:2] != b"\x64\x00" or log.read(2) != b"\xff\xff":
            return None
        pos = body + length
        if head[2] == _FLUSH:
            keep, after_flush = pos, 0
        elif head[2] in _TRANSACTION_TYPES:
            after_flush += 1
        else:
            return None  # a checkpoint, a second version entry, or a type not known here
    if pos < size:
        after_flush += 1  # the piece of an entry the crash cut
    if not after_flush:
        return None
    return keep, after_flush


@contextlib.contextmanager
def _exclusive(store: Path) -> Iterator[bool]:
    """Hold a write lock on the whole store file while the log is cut; yields whether held.

    An open-file-description lock (Linux): it conflicts with DuckDB's own lock in another
    process. Taken only when this process holds no descriptor of the store: closing this
    one would drop every POSIX lock the process has on the file (``held_files.py``).
    """
    ofd_lock = getattr(fcntl, "F_OFD_SETLK", None)
    if ofd_lock is None:
        yield False
        return
    try:
        fd = os.open(store, os.O_RDWR)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.fcntl(fd, ofd_lock, _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
