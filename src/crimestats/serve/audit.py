"""The audit entry every request leaves (issue 16 item 4): journalled, then chained.

Why here and not in a middleware: an entry names what went out (rows or cells, and a
hash of the bytes), which only the endpoint knows. Parameters are the request's query
parameters and path values; tokens and bodies never reach the log
(:func:`crimestats.govern.audit_chain.canonical_parameters` drops them by name).
Requests the API refuses are recorded by the guard (:mod:`crimestats.serve.refusals`).

Why two writer threads. A request hands its entry over and waits for the *journal
writer*, which appends every waiting entry to the journal file at once (one write, one
fsync: :mod:`crimestats.serve.journal`) and lets their answers go. The *chain writer*
then takes every journalled entry not yet chained and appends them to ``audit_log`` in
one transaction (:mod:`crimestats.serve.chaining`). A load's commit or checkpoint can
hold the database for seconds; only the chain writer waits for it, and its next group
is the larger for it, while answers go on. An endpoint on the event loop awaits its
entry without holding a thread.

What is guaranteed: no answer leaves before its entry is in the journal (flushed, and
fsynced unless the server was told otherwise); an entry that cannot be journalled fails
its request with a 500, and no data goes out. Journalled entries reach the chain within
moments, or, after a crash, when the server next starts (:meth:`AuditLog.start`
replays the journals of servers no longer running, each entry once, and notes how many
in an ``audit.replayed`` entry). ``crimestats audit verify`` reads the chain only:
while the server runs, the last moments' entries may still be in the journal.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any, Final

from fastapi import Request

from crimestats.govern import audit_chain
from crimestats.serve import journal
from crimestats.serve.auth import Caller
from crimestats.serve.chaining import write_chained
from crimestats.serve.store import ServeStore

TICK_SECONDS: Final = 0.5
"""How often the idle journal writer asks for due summaries (of counted refusals)."""
CHAIN_INTERVAL: Final = 0.2
"""The chain writer commits at most this often: a commit costs some 5 ms of CPU however
many entries it holds, and no answer waits for it, so letting a group gather for up to
200 ms bounds the chain's cost to a few percent of a core at any request rate."""
RETRY_SECONDS: Final = 1.0
"""How long the chain writer waits before trying a failed group again (it keeps it)."""


@dataclass(frozen=True, slots=True)
class Pending(audit_chain.Record):
    """An entry waiting to be journalled: a record whose time is given when it is queued
    (``logged_at`` stays empty until then, and comes last, by keyword, when given)."""

    logged_at: str = field(default="", kw_only=True)


@dataclass(frozen=True, slots=True)
class _Queued:
    """An entry in the journal writer's queue: stamped with its time, and whom to tell
    once it is journalled (``done``; ``waiter``, an event loop's future, set for the
    last entry of an :meth:`AuditLog.append_async`)."""

    record: journal.Journalled
    done: Future[None] = field(default_factory=Future)
    waiter: tuple[asyncio.AbstractEventLoop, asyncio.Future[None]] | None = None


class AuditLog:
    """The server's audit writers: the journal's and the chain's, and their queues."""

    def __init__(
        self,
        store: ServeStore,
        due: Callable[[bool], list[Pending]] | None = None,
        *,
        fsync: bool = True,
    ) -> None:
        self.store = store
        self.fsync = fsync
        self._due = due
        """Entries due without a request (summaries); called with ``True``: all of them."""
        self._pending: list[_Queued] = []
        self._to_chain: list[journal.Journalled] = []
        self._wake = threading.Condition()
        self._chain_wake = threading.Condition()
        self._stopping = False
        self._journal_done = False
        self._counts = [0, 0]
        """Entries journalled and chained by this server (equal: the journal may go)."""
        self._head: tuple[int, str] | None = None
        """(seq, entry_hash) of the last entry this server chained, kept so a group does
        not read the log for its head; should anything else append meanwhile (a load's
        own entry), the primary key refuses the group, retried on the head read afresh."""
        self._journal: journal.AuditJournal | None = None
        self._threads = [
            threading.Thread(target=self._journal_loop, name="audit-journal", daemon=True),
            threading.Thread(target=self._chain_loop, name="audit-chain", daemon=True),
        ]

    def start(self) -> int:
        """Chain what crashed servers journalled, then start writing; how many were."""
        replayed = 0
        for path, handle in journal.orphans(self.store.path):
            left = journal.read_journal(path)
            with self.store.writer() as con:
                missing = journal.not_yet_chained(con, left)
                if missing:
                    note = journal.Journalled(
                        audit_chain.timestamp(), "crimestats", "system", "audit.replayed",
                        audit_chain.canonical_parameters({"entries": len(missing)}), 0, "",
                    )  # fmt: skip
                    write_chained(con, [*missing, note], None)
            replayed += len(missing)
            path.unlink()
            handle.close()
        self._journal = journal.AuditJournal(self.store.path, fsync=self.fsync)
        for thread in self._threads:
            thread.start()
        return replayed

    def close(self) -> None:
        """Journal and chain what is queued and what is due, then stop both writers."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._threads[0].join(timeout=60)
        with self._chain_wake:
            self._journal_done = True
            self._chain_wake.notify()
        self._threads[1].join(timeout=60)
        if self._journal is not None:
            self._journal.close(chained_all=self._counts[0] == self._counts[1])

    def submit(
        self,
        *entries: Pending,
        waiter: tuple[asyncio.AbstractEventLoop, asyncio.Future[None]] | None = None,
    ) -> Future[None]:
        """Queue ``entries`` (in this order); the future of the last one's journalling
        (``waiter``: an event loop's future to settle with it too)."""
        with self._wake:
            if self._stopping:
                raise RuntimeError("the audit log is closed")
            stamped = [replace(entry, logged_at=audit_chain.timestamp()) for entry in entries]
            queued = [_Queued(record) for record in stamped[:-1]]
            queued.append(_Queued(stamped[-1], waiter=waiter))
            self._pending += queued
            self._wake.notify()
        return queued[-1].done

    def append(self, *entries: Pending) -> None:
        """Queue ``entries`` and return once they are journalled (from a worker thread)."""
        if entries:
            self.submit(*entries).result()

    async def append_async(self, *entries: Pending) -> None:
        """Queue ``entries`` and return once they are journalled, holding no thread.

        The journal writer settles the futures of a whole group with one call into the
        event loop (:func:`_settle`), not one each: each call wakes the loop."""
        if entries:
            loop = asyncio.get_running_loop()
            waiting: asyncio.Future[None] = loop.create_future()
            self.submit(*entries, waiter=(loop, waiting))
            await waiting

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until every entry journalled so far is chained (for tests and readers
        of the log that need the last moments, e.g. ``GET /v1/audit``)."""
        target = self._counts[0]
        deadline = time.monotonic() + timeout
        while self._counts[1] < target and time.monotonic() < deadline:
            time.sleep(0.005)

    def _journal_loop(self) -> None:
        assert self._journal is not None
        while True:
            with self._wake:
                if not self._pending and not self._stopping:
                    self._wake.wait(TICK_SECONDS)
                batch, self._pending = self._pending, []
                stopping = self._stopping
            if self._due is not None:
                batch += [
                    _Queued(replace(entry, logged_at=audit_chain.timestamp()))
                    for entry in self._due(stopping)
                ]
            if batch:
                self._journal_batch(batch)
            if stopping:
                with self._wake:
                    if not self._pending:
                        return

    def _journal_batch(self, batch: list[_Queued]) -> None:
        assert self._journal is not None
        lines = [entry.record for entry in batch]
        try:
            with self._chain_wake:  # everything journalled is chained: the file may go
                if self._counts[0] == self._counts[1]:
                    self._journal.truncate_if_large()
            self._journal.write(lines)
        except Exception as exc:  # noqa: BLE001 - no answer goes out without its entry
            for entry in batch:
                entry.done.set_exception(exc)
            _wake(batch, exc)
            return
        with self._chain_wake:
            self._counts[0] += len(lines)
            self._to_chain += lines
            self._chain_wake.notify()
        for entry in batch:
            entry.done.set_result(None)
        _wake(batch, None)

    def _chain_loop(self) -> None:
        last = 0.0
        while True:
            with self._chain_wake:
                while not self._to_chain and not self._journal_done:
                    self._chain_wake.wait()
                if not self._to_chain:
                    return
                ready = last + CHAIN_INTERVAL
                while time.monotonic() < ready and not self._journal_done:
                    self._chain_wake.wait(ready - time.monotonic())
                batch, self._to_chain = self._to_chain, []
            while not self._chain(batch):
                time.sleep(RETRY_SECONDS)
            last = time.monotonic()
            with self._chain_wake:
                self._counts[1] += len(batch)

    def _chain(self, batch: list[journal.Journalled]) -> bool:
        """Chain ``batch``; False if it could not be (it stays in the journal meanwhile)."""
        for head in (self._head, None):
            try:
                with self.store.writer() as con:
                    self._head = write_chained(con, batch, head)
                return True
            except Exception:  # noqa: BLE001 - kept and retried: the journal holds it
                self._head = None
        return False


def _wake(batch: list[_Queued], error: Exception | None) -> None:
    """Settle the event loops' futures of ``batch``: one call into each loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for entry in batch:
        if entry.waiter is not None:
            by_loop.setdefault(entry.waiter[0], []).append(entry.waiter[1])
    for loop, futures in by_loop.items():
        try:
            loop.call_soon_threadsafe(_settle, futures, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            continue


def _settle(futures: list[asyncio.Future[None]], error: Exception | None) -> None:
    for future in futures:
        if future.done():  # the request was cancelled meanwhile
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


MAX_TEXT: Final = 300
"""Longest parameter name or value, path or reason kept in an entry: the reads ignore
parameters they do not know, so a request could otherwise make an entry as long as its
URL, as often as its rate allows."""
MAX_PARAMETERS: Final = 30
"""Most query parameters kept in an entry (the endpoints know at most a handful)."""


def short(text: str) -> str:
    """``text`` cut to :data:`MAX_TEXT` characters (marked ``...`` when cut)."""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "..."


def bounded_query(query: Mapping[str, str]) -> dict[str, str]:
    """The query parameters as an entry keeps them: the first :data:`MAX_PARAMETERS`,
    names and values cut by :func:`short`."""
    return {short(str(k)): short(str(v)) for k, v in list(query.items())[:MAX_PARAMETERS]}


def entry_of(
    request: Request,
    caller: Caller,
    action: str,
    *,
    rows_out: int,
    body: bytes | None = None,
    digest: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Pending:
    """The entry for this request (``digest``: the sha256 of ``body``, if known)."""
    request.state.audited = True
    return entry_for(
        request.query_params, request.path_params, caller, action,
        rows_out=rows_out, body=body, digest=digest, extra=extra,
    )  # fmt: skip


def entry_for(
    query: Mapping[str, str],
    path_values: Mapping[str, Any],
    caller: Caller,
    action: str,
    *,
    rows_out: int,
    body: bytes | None = None,
    digest: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Pending:
    """:func:`entry_of` from a request's parts: its query parameters and path values
    (the caller marks the request audited; :mod:`crimestats.serve.fast_reads`)."""
    parameters: dict[str, Any] = bounded_query(query)
    parameters.update(path_values)
    if extra:
        parameters.update(extra)
    return Pending(
        user_name=caller.name,
        role=caller.role.value,
        action=action,
        parameters=audit_chain.canonical_parameters(parameters),
        rows_out=rows_out,
        result_hash=digest if digest is not None else audit_chain.result_digest(body or b""),
    )


def record(
    request: Request,
    caller: Caller,
    action: str,
    *,
    rows_out: int,
    body: bytes,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry for this request, after its answer was computed (from a thread)."""
    log: AuditLog = request.app.state.audit
    log.append(entry_of(request, caller, action, rows_out=rows_out, body=body, extra=extra))


async def record_async(
    request: Request,
    caller: Caller,
    action: str,
    *,
    rows_out: int,
    body: bytes | None = None,
    digest: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry for this request from the event loop, holding no thread."""
    log: AuditLog = request.app.state.audit
    entry = entry_of(
        request, caller, action, rows_out=rows_out, body=body, digest=digest, extra=extra
    )
    await log.append_async(entry)
