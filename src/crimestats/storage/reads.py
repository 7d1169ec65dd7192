"""Read access to the store through Ibis, so the same expressions can run elsewhere.

Opening makes sure the store exists and is migrated, then hands Ibis a read-only
connection to the same DuckDB file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from crimestats.storage.store import open_store, resolve_db_path


@contextmanager
def ibis_store(db: str | os.PathLike[str] | None = None) -> Iterator[Any]:
    """An Ibis DuckDB backend on the store (read-only); closed afterwards."""
    import ibis

    path = resolve_db_path(db)
    with open_store(path, read_only=True):
        pass  # raises NotFoundError for a missing store; migrates an old one
    # No extension is ever installed or loaded: there is no network, and a store is data.
    backend = ibis.duckdb.connect(
        str(path),
        read_only=True,
        autoinstall_known_extensions=False,
        autoload_known_extensions=False,
    )
    try:
        yield backend
    finally:
        backend.disconnect()
