"""Read access to the store through Ibis, so the same expressions can run elsewhere.

Opening makes sure the store exists and is migrated, then hands that same read-only
connection to Ibis: one open of the file, not two (opening a 1 GB store costs
0.1-0.2 s, as much as a small table's group-by at ten million incidents, issue 19).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from crimestats.storage.store import open_store, resolve_db_path

if TYPE_CHECKING:
    from pathlib import Path


@contextmanager
def ibis_store(db: str | os.PathLike[str] | None = None) -> Iterator[Any]:
    """An Ibis DuckDB backend on the store (read-only); closed afterwards."""
    import ibis

    path = resolve_db_path(db)
    # NotFoundError for a missing store; an old store is migrated (then read through the
    # connection that migrated it). open_store's connection never installs or loads an
    # extension: there is no network, and a store is data. It closes it afterwards.
    with open_store(path, read_only=True) as con:
        yield ibis.duckdb.from_connection(con)


def store_state(con: Any, extra: dict[str, Any] | None = None) -> tuple[Path, str] | None:
    """The store file under an Ibis DuckDB backend and a key of its content's state.

    None when ``con`` is not DuckDB on a file (Spark, an in-memory database). The key
    hashes :func:`crimestats.storage.spark.store_fingerprint` (file size and modification
    time, schema version, ingests, row counts: no table scan) and ``extra`` (the
    caller's format version), so anything kept per state (the coverage of
    :mod:`crimestats.stats.coverage_cache`) is never read for another state.
    """
    import hashlib
    import json
    from pathlib import Path

    import duckdb

    from crimestats.storage.spark import store_fingerprint

    raw = getattr(con, "con", None)
    if getattr(con, "name", None) != "duckdb" or not isinstance(raw, duckdb.DuckDBPyConnection):
        return None
    row = raw.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    if not row or not row[0]:
        return None
    path = Path(row[0])
    try:
        facts = {**store_fingerprint(raw, path), **(extra or {})}
    except duckdb.Error:  # a DuckDB file that is not a store (no ingests table): keep nothing
        return None
    return path, hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()
