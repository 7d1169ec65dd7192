"""Loads beside the readers: one core at most, at a lower priority, the event loop free.

Why: a steward's upload (POST /v1/ingest) is DuckDB work almost throughout (parsing,
checking, inserting, a checkpoint), which DuckDB spreads over every core; on a small
machine the readers' event loop then waited for a core behind it, and the public's
answers slowed two- to threefold while a load ran. DuckDB allows one writing process,
so the load cannot leave the server's process while the server holds the store; it
can be made to share the machine: while a load (or a review import, or a release)
runs, :meth:`crimestats.serve.store.ServeStore.loading` sets DuckDB's ``threads`` to
``LOAD_THREADS`` (a database-wide setting, restored after), so the load's queries run
on the thread that calls them, and :func:`run_load` calls them from a thread of its
own whose scheduling priority is lowered by ``LOAD_NICE`` (Linux lets a thread lower
its own priority). The event loop, at the normal priority, then gets a core when it
needs one; the load gets the rest, and takes longer under contention, not otherwise.

What does not change: the load is still one transaction per file (a reader sees all
of it or none), still audited, and answers the same reconciliation. The thread is new
for each load and ends with it, so no request thread is left at a lower priority.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from typing import Final, TypeVar

LOAD_THREADS: Final = 1
"""DuckDB threads while a load runs (the database-wide setting; restored after)."""
LOAD_NICE: Final = 10
"""How much the load thread lowers its own priority (``nice``; 19 is the lowest)."""

T = TypeVar("T")


def lower_priority(step: int = LOAD_NICE) -> bool:
    """Lower the calling thread's priority by ``step``; False where it cannot be."""
    setpriority = getattr(os, "setpriority", None)
    native_id = threading.get_native_id()
    if setpriority is None:
        return False
    try:
        current = os.getpriority(os.PRIO_PROCESS, native_id)
        setpriority(os.PRIO_PROCESS, native_id, min(19, current + step))
    except OSError:
        return False
    return True


async def run_load(work: Callable[[], T]) -> T:
    """``work()`` in a new thread of lower priority; its result, awaited on the loop."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(outcome: T | None, error: BaseException | None) -> None:
        if done.done():  # the request was cancelled meanwhile
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(outcome)  # type: ignore[arg-type]

    def target() -> None:
        lower_priority()
        try:
            outcome = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
            loop.call_soon_threadsafe(settle, None, exc)
        else:
            loop.call_soon_threadsafe(settle, outcome, None)

    threading.Thread(target=target, name="crimestats-load", daemon=True).start()
    return await done
