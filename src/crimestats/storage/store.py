"""Opening the store: a DuckDB file, created on first use and migrated by the package.

Only ``crimestats.storage`` imports DuckDB (STYLE.md practice 2). The path comes from
``--db``, else ``$CRIMESTATS_DB``, else ``./crimestats.duckdb``.

An existing file is opened only if it starts like a DuckDB database (``check_store_file``):
given an SQLite file, DuckDB would try to download its SQLite extension from the
internet, and a damaged file used to be reported as "in use". Extensions are never
installed or loaded on demand (the ones crimestats needs are built into the wheel).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from crimestats.errors import StoreError, StoreLockedError
from crimestats.storage.held_files import held_open, read_through_held
from crimestats.storage.migrations import LATEST_VERSION, MIGRATIONS
from crimestats.storage.torn_wal import discard_torn_commit

DEFAULT_DB = "crimestats.duckdb"
DB_ENV = "CRIMESTATS_DB"
MEMORY_ENV = "CRIMESTATS_MEMORY_LIMIT"
"""Caps DuckDB's memory (e.g. ``8GB``); past it, staging tables spill to ``<store>.tmp``."""
INGEST_MEMORY = 2 << 30
"""DuckDB's memory cap (bytes) while ingesting when ``$CRIMESTATS_MEMORY_LIMIT`` is not set.

Why a cap at all: DuckDB's own default is 80% of the machine's memory, and an ingest
holds every staged row, so without one its peak grew with the file (11.5 GB at 10M
rows). Capped, the staging tables and hash tables spill to the temporary folder next to
the store and the peak stays near the cap whatever the file's size; 2 GB keeps the whole
process under 4 GB and still leaves DuckDB room for the joins of a 10M-row file."""
CSV_BUFFER_LINES = 16
"""DuckDB's CSV reader takes one read buffer of 16 times ``max_line_size`` at once (it
cannot read a line longer than the buffer), so a raised line limit needs a larger cap."""

DUCKDB_MAGIC = b"DUCK"
"""Bytes 8-11 of every DuckDB database file (after an 8-byte checksum)."""
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_LOCKED = re.compile(r"could not set lock|conflicting lock", re.IGNORECASE)
_OTHER_FORMATS = {
    b"SQLite format 3\x00": "an SQLite database",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "a gzip file",
    b"PAR1": "a Parquet file",
}


def check_store_file(path: Path) -> None:
    """Refuse an existing file that is not a DuckDB database, before DuckDB opens it.

    A file this process already holds open (its DuckDB instance, say) is read through that
    descriptor: opening and closing another would drop DuckDB's lock (``held_files.py``).
    """
    if not path.is_file():
        return
    if held_open(path):
        head = read_through_held(path, 16)
        if head is None:
            return  # held, but not readable here: DuckDB decides
    else:
        with path.open("rb") as handle:
            head = handle.read(16)
    if head[8:12] == DUCKDB_MAGIC:
        return
    what = next((w for magic, w in _OTHER_FORMATS.items() if head.startswith(magic)), None)
    if what is None:
        what = "empty" if not head else "not a DuckDB database (damaged, or another kind of file)"
    else:
        what = f"{what}, not a DuckDB database"
    raise StoreError(
        f"{path} is {what}, so it is not a crimestats store",
        hint="give --db the path of a crimestats store, or a new path to create one; "
        "restore a damaged store from a backup",
    )


def is_store_file(path: Path, store: Path) -> bool:
    """Whether ``path`` is the store file itself or its write-ahead log (any link to them).

    Why asked: an ingest reads and hashes its input files, and opening and closing the
    store's own file in the process that holds it drops DuckDB's lock (``held_files.py``;
    ``crimestats ingest data/* --db data/s.duckdb`` did it, found by an attack in session 15).
    """
    for part in (store, Path(f"{store}.wal")):
        try:
            if path.samefile(part):
                return True
        except OSError:  # one of the two does not exist
            continue
    return False


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The store path: the argument, else ``$CRIMESTATS_DB``, else ``./crimestats.duckdb``."""
    if db:
        return Path(db)
    env = os.environ.get(DB_ENV)
    return Path(env) if env else Path(DEFAULT_DB)


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    check_store_file(path)
    torn = discard_torn_commit(path)
    if torn is not None:
        sys.stderr.write(
            f"note: the last write to {path} was interrupted before it committed (the process "
            f"was killed or crashed); its unfinished log ({torn.bytes_removed} bytes) was "
            "discarded, so the store is as it was before that write\n"
        )
    try:
        return duckdb.connect(str(path), read_only=read_only, config=dict(_CONFIG))
    except duckdb.IOException as exc:
        text = str(exc)
        if _LOCKED.search(text):
            raise StoreLockedError(
                f"the store {path} is in use by another process",
                hint="wait for the other crimestats command to finish, or use another --db",
            ) from exc
        if "corrupt" in text.lower() or "not a valid duckdb" in text.lower():
            raise StoreError(
                f"the store {path} is damaged ({text.splitlines()[0]})",
                hint="restore it from a backup, or give --db a new path to start a new store",
            ) from exc
        raise StoreError(
            f"cannot open the store {path}: {text.splitlines()[0]}",
            hint="check that the path is a crimestats store and that you may write there; "
            "restore a damaged store from a backup",
        ) from exc
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot open the store {path}: {str(exc).splitlines()[0]}",
            hint="is this a DuckDB file made by a compatible DuckDB (1.x)?",
        ) from exc


def temp_folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    """Where the store's connection spills: ``<store>.tmp`` (None for an in-memory store)."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return Path(str(row[0]) + ".tmp") if row and row[0] else None


@contextmanager
def bound_ingest_memory(
    con: duckdb.DuckDBPyConnection, *, max_line_bytes: int = 0
) -> Iterator[None]:
    """Cap the connection's memory for an ingest and make it spill next to the store.

    ``$CRIMESTATS_MEMORY_LIMIT`` (set by :func:`open_store`) wins; otherwise
    :data:`INGEST_MEMORY`, raised to hold the CSV reader's buffer for lines of
    ``max_line_bytes`` (plus 1 GiB to work in) when the line limit was raised. The
    temporary folder is named explicitly (it is DuckDB's default for a file store) so
    that spilling never depends on a default changing. The settings are DuckDB's, shared
    by every connection to the same database in the process (a server that loads files
    through its own instance): DuckDB's default limit is put back when the ingest ends
    (nothing else sets it without ``$CRIMESTATS_MEMORY_LIMIT``; RESET restores it
    exactly, where setting back the value DuckDB shows would round it down).
    """
    row = con.execute("SELECT current_setting('temp_directory')").fetchone()
    folder_before = str(row[0]) if row else ""
    capped = not os.environ.get(MEMORY_ENV)
    if capped:
        cap = max(INGEST_MEMORY, CSV_BUFFER_LINES * (max_line_bytes + 2) + (1 << 30))
        con.execute(f"SET memory_limit = '{cap // (1 << 20)}MiB'")
    folder = temp_folder(con)
    if folder is not None and folder_before != str(folder):
        # DuckDB refuses to move a temporary folder it has used: it then spills there.
        with suppress(duckdb.Error):
            con.execute("SET temp_directory = ?", [str(folder)])
    try:
        yield
    finally:
        if capped:
            with suppress(duckdb.Error):
                con.execute("RESET memory_limit")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied to the store (0 for an empty database)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or exists[0] == 0:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply missing migrations in one transaction; returns the version now in force."""
    current = schema_version(con)
    if current > LATEST_VERSION:
        raise StoreError(
            f"the store has schema version {current}, newer than this crimestats "
            f"understands ({LATEST_VERSION})",
            hint="upgrade crimestats",
        )
    if current == LATEST_VERSION:
        return current
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, note VARCHAR NOT NULL)"
        )
        for version, note, ddl in MIGRATIONS:
            if version <= current:
                continue
            con.execute(ddl)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [version, datetime.now(UTC).replace(tzinfo=None), note],
            )
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise StoreError(f"migrating the store failed: {exc}") from exc
    return LATEST_VERSION


@contextmanager
def open_store(
    db: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open (creating and migrating if needed) the store; close it afterwards.

    A read-only open of a missing store is an error rather than a silent new file.
    """
    path = resolve_db_path(db)
    if read_only and not path.exists():
        from crimestats.errors import NotFoundError

        raise NotFoundError(
            f"no store at {path}",
            hint="run 'crimestats init' or 'crimestats ingest', or pass --db PATH",
        )
    try:
        if not read_only and path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(path, read_only=read_only)
    except OSError as exc:  # a folder nobody may write, a name too long, a file as folder
        raise StoreError(
            f"cannot open the store {path}: {exc.strerror or exc}",
            hint="give --db (or $CRIMESTATS_DB) a path in a folder you may write",
        ) from exc
    limit = os.environ.get(MEMORY_ENV)
    if limit:
        try:
            con.execute("SET memory_limit = ?", [limit])
        except duckdb.Error as exc:
            con.close()
            raise StoreError(
                f"{MEMORY_ENV}={limit!r} is not a memory size",
                hint="write it like 8GB or 512MB",
            ) from exc
    try:
        if read_only:
            if schema_version(con) < LATEST_VERSION:
                con.close()
                con = _connect(path, read_only=False)
                migrate(con)
        else:
            migrate(con)
        yield con
    finally:
        con.close()


def serving_connection(db: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """One long-lived connection for a server process (the caller closes it).

    Why read-write: the server appends to the audit log and may load files (POST
    /v1/ingest); DuckDB lets one process write, and readers in that process take a
    ``cursor()`` each, so they read committed snapshots and never wait for a load.
    """
    path = resolve_db_path(db)
    with open_store(path):
        pass  # created and migrated (or refused with one message) before serving
    return _connect(path, read_only=False)
