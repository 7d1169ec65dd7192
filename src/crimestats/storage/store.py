"""Opening the store: a DuckDB file, created on first use and migrated by the package.

Only ``crimestats.storage`` imports DuckDB (STYLE.md practice 2). The path comes from
``--db``, else ``$CRIMESTATS_DB``, else ``./crimestats.duckdb``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from crimestats.errors import StoreError, StoreLockedError
from crimestats.storage.migrations import LATEST_VERSION, MIGRATIONS

DEFAULT_DB = "crimestats.duckdb"
DB_ENV = "CRIMESTATS_DB"
MEMORY_ENV = "CRIMESTATS_MEMORY_LIMIT"
"""Caps DuckDB's memory (e.g. ``8GB``); past it, staging tables spill to ``<store>.tmp``."""


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The store path: the argument, else ``$CRIMESTATS_DB``, else ``./crimestats.duckdb``."""
    if db:
        return Path(db)
    env = os.environ.get(DB_ENV)
    return Path(env) if env else Path(DEFAULT_DB)


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreLockedError(
                f"the store {path} is in use by another process",
                hint="wait for the other crimestats command to finish, or use another --db",
            ) from exc
        raise StoreError(
            f"cannot open the store {path}: {text.splitlines()[0]}",
            hint="check that the path is a crimestats DuckDB file and that you may write there",
        ) from exc
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot open the store {path}: {str(exc).splitlines()[0]}",
            hint="is this a DuckDB file made by a compatible DuckDB (1.x)?",
        ) from exc


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
    if not read_only and path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(path, read_only=read_only)
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
