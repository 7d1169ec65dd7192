"""The audit entry every request leaves (issue 16 item 4), written by one thread in groups.

Why here and not in a middleware: an entry names what went out (rows or cells, and a
hash of the bytes), which only the endpoint knows. Parameters are the request's query
parameters and path values; tokens and bodies never reach the log
(:func:`crimestats.govern.audit_chain.canonical_parameters` drops them by name).
Requests the API refuses are recorded by the guard (:mod:`crimestats.serve.refusals`).

Why one writer thread with group commit: a DuckDB commit costs milliseconds of CPU and
a write to the write-ahead log; one per request serialised the server on it. A request
now hands its entry to the writer and waits; the writer takes *every* entry waiting,
chains them in order and inserts them with one statement in one transaction, then wakes
their requests. While it commits, the next group gathers. So the cost of a commit is
shared by every request that arrived meanwhile, and an endpoint on the event loop waits
without holding a thread.

What is guaranteed: an answer leaves only after its entry is committed (in DuckDB's
write-ahead log); if the commit fails, the request fails with a 500 and no data goes
out. A crash can lose entries only of requests that had not been answered yet.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from fastapi import Request

from crimestats.govern import audit_chain
from crimestats.serve.auth import Caller
from crimestats.serve.store import ServeStore

_COLUMNS: Final = ", ".join(audit_chain.AuditEntry.__dataclass_fields__)
_ROW: Final = "(" + ", ".join("?" * len(audit_chain.AuditEntry.__dataclass_fields__)) + ")"
TICK_SECONDS: Final = 0.5
"""How often the idle writer asks for due summaries (of counted refusals)."""
CHUNK: Final = 500
"""Entries per INSERT statement (a group of more takes several, in one transaction)."""
RETRIES: Final = 3
"""Batches retried on a head read afresh when something else appended meanwhile."""


@dataclass(slots=True)
class Pending:
    """An entry waiting for its commit (its time and place in the chain are given when
    it is queued and written)."""

    user_name: str
    role: str
    action: str
    parameters: str
    rows_out: int
    result_hash: str
    logged_at: str = ""
    done: Future[None] = field(default_factory=Future)


class AuditLog:
    """The server's audit writer: a queue, a thread, and the chain's head."""

    def __init__(self, store: ServeStore, due: Callable[[bool], list[Pending]] | None = None):
        self.store = store
        self._due = due
        """Entries that are due without a request (summaries); ``True``: all of them."""
        self._pending: list[Pending] = []
        self._wake = threading.Condition()
        self._stopping = False
        self._head: tuple[int, str] | None = None
        """(seq, entry_hash) of the last entry this server wrote: kept, so a batch does
        not scan the log for its head. Should anything else have appended meanwhile (a
        load's own entry), the primary key refuses the batch, which is retried on the
        head read afresh."""
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Write what is queued and what is due, then stop the writer."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._thread.join(timeout=60)

    def submit(self, *entries: Pending) -> Future[None]:
        """Queue ``entries`` (in this order); the future of the last one's commit."""
        with self._wake:
            if self._stopping:
                raise RuntimeError("the audit log is closed")
            for entry in entries:
                entry.logged_at = datetime.now(UTC).isoformat(timespec="microseconds")
                self._pending.append(entry)
            self._wake.notify()
        return entries[-1].done

    def append(self, *entries: Pending) -> None:
        """Queue ``entries`` and return once they are committed (from a worker thread)."""
        if entries:
            self.submit(*entries).result()

    async def append_async(self, *entries: Pending) -> None:
        """Queue ``entries`` and return once they are committed, holding no thread."""
        if entries:
            await asyncio.wrap_future(self.submit(*entries))

    def _run(self) -> None:
        while True:
            with self._wake:
                if not self._pending and not self._stopping:
                    self._wake.wait(TICK_SECONDS)
                batch, self._pending = self._pending, []
                stopping = self._stopping
            if self._due is not None:
                batch += self._due(stopping)
            if batch:
                self._commit(batch)
            if stopping:
                with self._wake:
                    if not self._pending:
                        return

    def _commit(self, batch: list[Pending]) -> None:
        error: BaseException | None = None
        for attempt in range(RETRIES):
            try:
                with self.store.writer() as con:
                    self._write(con, batch, self._head if attempt == 0 else None)
                error = None
                break
            except Exception as exc:  # noqa: BLE001 - every waiting request must learn it
                self._head, error = None, exc
        for entry in batch:
            if error is None:
                entry.done.set_result(None)
            else:
                entry.done.set_exception(error)

    def _write(self, con: Any, batch: list[Pending], head: tuple[int, str] | None) -> None:
        """Write ``batch`` after ``head`` (None: read it) in one statement and transaction."""
        seq, prev = head if head is not None else audit_chain.head(con)
        values: list[Any] = []
        for item in batch:
            seq += 1
            digest = audit_chain.entry_hash(
                seq=seq, logged_at=item.logged_at, user_name=item.user_name, role=item.role,
                action=item.action, parameters=item.parameters, rows_out=item.rows_out,
                result_hash=item.result_hash, prev_hash=prev,
            )  # fmt: skip
            values += astuple(audit_chain.AuditEntry(
                seq, item.logged_at, item.user_name, item.role, item.action,
                item.parameters, item.rows_out, item.result_hash, prev, digest,
            ))  # fmt: skip
            prev = digest
        width = len(audit_chain.AuditEntry.__dataclass_fields__)
        con.execute("BEGIN TRANSACTION")
        try:
            for start in range(0, len(batch), CHUNK):
                chunk = values[start * width : (start + CHUNK) * width]
                rows = ", ".join([_ROW] * (len(chunk) // width))
                con.execute(f"INSERT INTO audit_log ({_COLUMNS}) VALUES {rows}", chunk)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        self._head = (seq, prev)


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
    parameters: dict[str, Any] = dict(request.query_params)
    parameters.update(request.path_params)
    if extra:
        parameters.update(extra)
    request.state.audited = True
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
