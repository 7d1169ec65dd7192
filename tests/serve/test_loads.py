"""A load in the server runs on one DuckDB thread, from a thread of lower priority,
and the server's settings come back after it (serve/loads.py, ServeStore.loading)."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from pathlib import Path

import pytest

from crimestats.serve.loads import LOAD_NICE, LOAD_THREADS, run_load
from crimestats.serve.store import ServeStore


def _threads(store: ServeStore) -> int:
    with store.reader() as con:
        row = con.execute("SELECT current_setting('threads')").fetchone()
    assert row is not None
    return int(row[0])


def test_a_load_runs_on_one_thread_at_lower_priority(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(demo_db, db)
    store = ServeStore(db)
    try:
        with store.reader() as con:
            con.execute("SET threads = 2")
        seen: dict[str, int] = {}

        def work() -> int:
            me = threading.get_native_id()
            seen["nice"] = os.getpriority(os.PRIO_PROCESS, me)
            with store.loading():
                seen["threads"] = _threads(store)
            return me

        caller_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        worker = asyncio.run(run_load(work))
        assert worker != threading.get_native_id()  # a thread of its own
        assert seen["nice"] == min(19, caller_nice + LOAD_NICE)
        assert seen["threads"] == LOAD_THREADS == 1
        assert _threads(store) == 2  # restored
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == caller_nice
    finally:
        store.close()


def test_a_failed_load_raises_in_the_request_and_restores_the_threads(
    demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(demo_db, db)
    store = ServeStore(db)
    try:
        with store.reader() as con:
            con.execute("SET threads = 2")

        def work() -> None:
            with store.loading():
                raise ValueError("a bad file")

        with pytest.raises(ValueError, match="a bad file"):
            asyncio.run(run_load(work))
        assert _threads(store) == 2
    finally:
        store.close()
