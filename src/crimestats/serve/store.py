"""The server's one store connection: a cursor per reader, one writer at a time.

Why one connection: DuckDB lets a single process open a store for writing; inside it,
each ``cursor()`` is its own connection to the same database, reading the last
committed state (MVCC). So a reader never sees half an ingest and is never blocked by
one, and the audit log's appends are serialised by one lock so the chain cannot fork.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from starlette.requests import HTTPConnection

from crimestats.serve.loads import LOAD_THREADS
from crimestats.storage.store import serving_connection


class ServeStore:
    """The store as the server holds it for its lifetime."""

    @staticmethod
    def of(request: HTTPConnection) -> ServeStore:
        """The store of the app serving ``request`` (``app.state.store``), typed."""
        store: ServeStore = request.app.state.store
        return store

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con = serving_connection(path)
        self._write = threading.Lock()
        self._load = threading.Lock()

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one request's reads (a snapshot of committed data)."""
        cursor = self._con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    @contextmanager
    def ibis_reader(self) -> Iterator[Any]:
        """An Ibis backend on a fresh cursor, for the statistics engine."""
        import ibis

        with self.reader() as cursor:
            yield ibis.duckdb.from_connection(cursor)

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor held alone: audit appends and loads go one at a time."""
        with self._write, self.reader() as cursor:
            yield cursor

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Held through one load, review import or release: they go one at a time,
        without the audit lock (a long load must not stall the readers' audit appends).
        The service opens the store by path, which DuckDB resolves to this instance.
        Meanwhile DuckDB runs on ``LOAD_THREADS`` threads, so that a load leaves a
        core to the readers (:mod:`crimestats.serve.loads`); restored after."""
        with self._load:
            with self.reader() as con:
                row = con.execute("SELECT current_setting('threads')").fetchone()
                before = int(row[0]) if row else 0
                con.execute(f"SET threads = {int(LOAD_THREADS)}")
            try:
                yield
            finally:
                if before > 0:
                    with self.reader() as con:
                        con.execute(f"SET threads = {before}")

    def close(self) -> None:
        self._con.close()
