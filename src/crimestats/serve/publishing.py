"""POST /v1/releases: a release built from a snapshot of the served store.

Why a snapshot: :func:`crimestats.release.build_release` reads the store through
read-only connections opened by path, which DuckDB refuses inside the process that holds
the store read-write (the server). So the server copies its committed state into a
private file (``COPY FROM DATABASE``, one consistent snapshot), builds and records the
release there exactly as ``crimestats release`` would, then copies the four rows sets
the recording wrote (``releases``, ``privacy_ledger``, ``release_withheld``,
``release_cells``, all keyed by the release id) into the served store in one
transaction. The release folder is made by the server under its release root, named by
the time, never by the client.

Why only the rows past the snapshot's: a release's id is a hash of its manifest, so the
same data released again has the same id, and the snapshot already holds the earlier
recording's rows under it; copying every row of that id would record the earlier
release (and its privacy spends) a second time. The rows the build appended are those
past each table's length at the copy (DuckDB numbers a table's rows in ``rowid`` in
the order they were appended).
"""

from __future__ import annotations

import secrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from duckdb import DuckDBPyConnection

from crimestats.release.build import ReleaseResult, build_release
from crimestats.serve.store import ServeStore

RECORDING_TABLES: Final = ("releases", "privacy_ledger", "release_withheld", "release_cells")
"""The tables a recorded release writes rows to, each with a ``release_id`` column."""


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _length(con: DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def publish(
    store: ServeStore, root: Path, *, threshold: int | None, as_of: str | None
) -> ReleaseResult:
    """Build, record and publish a release of the served store under ``root``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    out = root / f"release-{stamp}-{secrets.token_hex(3)}"
    root.mkdir(parents=True, exist_ok=True)
    with store.loading(), tempfile.TemporaryDirectory(prefix="crimestats-snap-") as tmp:
        snapshot = Path(tmp) / "snapshot.duckdb"
        alias = f"snap_{secrets.token_hex(4)}"
        with store.reader() as con:
            row = con.execute("SELECT current_database()").fetchone()
            main = str(row[0]) if row else "memory"
            con.execute(f"ATTACH {_quoted(snapshot)} AS {alias}")
            try:
                con.execute(f'COPY FROM DATABASE "{main}" TO {alias}')
                copied = {table: _length(con, f"{alias}.{table}") for table in RECORDING_TABLES}
            finally:
                con.execute(f"DETACH {alias}")
        result = build_release(snapshot, out, threshold=threshold, as_of=as_of)
        with store.writer() as con:
            con.execute(f"ATTACH {_quoted(snapshot)} AS {alias} (READ_ONLY)")
            try:
                con.execute("BEGIN TRANSACTION")
                for table in RECORDING_TABLES:
                    con.execute(
                        f"INSERT INTO {table} SELECT * FROM {alias}.{table} "
                        "WHERE release_id = ? AND rowid >= ?",
                        [result.release_id, copied[table]],
                    )
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            finally:
                con.execute(f"DETACH {alias}")
    return result
