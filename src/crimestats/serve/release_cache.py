"""The recorded releases and their rendered tables, kept in memory between requests.

Why a cache is safe here: a release folder never changes once released (its files are
checked against the manifest the first time they are read, :mod:`~crimestats.serve.releases`),
so a table rendered once as JSON or CSV is the same bytes for ever, and so is its sha256
(the audit entry's result hash and the answer's ETag). The list of releases does change
when one is published; only this server can publish while it holds the store, and it
calls :meth:`ReleaseCache.invalidate` when it does; the list is also read afresh after
``ttl_seconds``, so nothing else can make it stale for longer. A read of the list that
was under way when the cache was invalidated (it may have begun before the release was
committed) is answered but not kept: each invalidation starts a new generation, and only
a read begun in the current one is kept.

Why it matters: reading the list from the store cost about 3 ms a request and rendering
a table about 0.3 ms; the release tables are what the public asks for most.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Final

from crimestats.govern.audit_chain import result_digest
from crimestats.serve import releases
from crimestats.serve.responses import Format, table_body
from crimestats.serve.store import ServeStore

TTL_SECONDS: Final = 5.0
MAX_CACHED_BYTES: Final = 64 * 1024 * 1024
"""Rendered tables kept at most (a table past this is rendered each time)."""


@dataclass(frozen=True, slots=True)
class RenderedTable:
    """A release table as sent: its bytes, media type, sha256 and row count."""

    body: bytes
    media_type: str
    digest: str
    rows: int

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'


class ReleaseCache:
    """The releases of ``store`` and their rendered tables; thread-safe."""

    def __init__(self, store: ServeStore, ttl_seconds: float = TTL_SECONDS) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds
        self._entries: list[releases.ReleaseEntry] | None = None
        self._read_at = 0.0
        self._tables: dict[tuple[str, str, Format], RenderedTable] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self._generation = 0

    @property
    def stale(self) -> bool:
        """Whether the next :meth:`entries` reads the store."""
        return self._entries is None or time.monotonic() - self._read_at > self.ttl_seconds

    def invalidate(self) -> None:
        """Read the list afresh next time (a release was just published)."""
        with self._lock:
            self._generation += 1
            self._entries = None

    def entries(self) -> list[releases.ReleaseEntry]:
        """Every recorded release, newest first."""
        cached = self._entries
        if cached is not None and not self.stale:
            return cached
        generation = self._generation
        read_at = time.monotonic()
        with self.store.reader() as con:
            fresh = releases.list_releases(con)
        with self._lock:
            if generation == self._generation:
                self._entries, self._read_at = fresh, read_at
        return fresh

    def find(self, release_id: str) -> releases.ReleaseEntry:
        """The release ``release_id`` (``latest``: the newest), or NotFoundError."""
        return releases.find_in(self.entries(), release_id)

    def table(self, entry: releases.ReleaseEntry, table: str, fmt: Format) -> RenderedTable:
        """``table`` of ``entry`` rendered as ``fmt`` (checked and rendered once)."""
        key = (entry.release_id, table, fmt)
        rendered = self._tables.get(key)
        if rendered is not None:
            return rendered
        columns, rows = releases.table_rows(entry, table)
        extra = {"release_id": entry.release_id, "table": table}
        body, media = table_body(fmt, columns, rows, extra)
        rendered = RenderedTable(body, media, result_digest(body), len(rows))
        with self._lock:
            if self._bytes + len(body) <= MAX_CACHED_BYTES and key not in self._tables:
                self._tables[key] = rendered
                self._bytes += len(body)
        return rendered
