"""The audit entry every data request appends (issue 16 item 4), committed in groups.

Why here and not in a middleware: an entry names what went out (rows or cells, and a
hash of the bytes), which only the endpoint knows. Parameters are the request's query
parameters and path values; tokens and bodies never reach the log
(:func:`crimestats.govern.audit_chain.canonical_parameters` drops them by name).

Why a group commit: one commit per request serialised the whole server on the audit
lock (about 40 answers a second on a loaded machine). A request now puts its entry in
the pending list and takes the writer lock; whoever holds it writes *every* pending
entry, chained in order, in one transaction, and marks them written; a request whose
entry someone else wrote returns at once. A request still answers only after its own
entry is committed, so "every answer is in the log" holds as before.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from fastapi import Request

from crimestats.govern import audit_chain
from crimestats.serve.auth import Caller
from crimestats.serve.store import ServeStore

_COLUMNS: Final = ", ".join(audit_chain.AuditEntry.__dataclass_fields__)


@dataclass(slots=True)
class _Pending:
    """An entry waiting for its commit (its place in the chain is given at commit)."""

    logged_at: str
    user_name: str
    role: str
    action: str
    parameters: str
    rows_out: int
    result_hash: str
    written: bool = False
    error: BaseException | None = None


@dataclass
class AuditLog:
    """The server's audit writer: pending entries and the lock that guards them."""

    store: ServeStore
    _pending: list[_Pending] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _head: tuple[int, str] | None = None
    """(seq, entry_hash) of the last entry this server wrote: read from the store once,
    then kept, so a batch does not scan the log for its head. Should anything else have
    appended meanwhile, the primary key refuses the batch and it is retried on the
    head read afresh."""

    def append(self, entry: _Pending) -> None:
        """Queue ``entry`` and return once it is committed (by this thread or another)."""
        with self._lock:
            entry.logged_at = datetime.now(UTC).isoformat(timespec="microseconds")
            self._pending.append(entry)
        with self.store.writer() as con:
            if not entry.written and entry.error is None:
                with self._lock:
                    batch, self._pending = self._pending, []
                if not self._write(con, batch, self._head):
                    self._write(con, batch, None)
        if entry.error is not None:
            raise entry.error

    def _write(self, con: Any, batch: list[_Pending], head: tuple[int, str] | None) -> bool:
        """Write ``batch`` after ``head`` (None: read it); False if the head was stale."""
        seq, prev = head if head is not None else audit_chain.head(con)
        rows = []
        for item in batch:
            seq += 1
            digest = audit_chain.entry_hash(
                seq=seq, logged_at=item.logged_at, user_name=item.user_name, role=item.role,
                action=item.action, parameters=item.parameters, rows_out=item.rows_out,
                result_hash=item.result_hash, prev_hash=prev,
            )  # fmt: skip
            entry = audit_chain.AuditEntry(
                seq, item.logged_at, item.user_name, item.role, item.action,
                item.parameters, item.rows_out, item.result_hash, prev, digest,
            )  # fmt: skip
            rows.append(astuple(entry))
            prev = digest
        try:
            con.execute("BEGIN TRANSACTION")
            con.executemany(
                f"INSERT INTO audit_log ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            con.execute("COMMIT")
        except Exception as exc:  # noqa: BLE001 - every waiting request must learn it failed
            con.execute("ROLLBACK")
            self._head = None
            if head is not None:
                return False
            for item in batch:
                item.error = exc
            return True
        self._head = (seq, prev)
        for item in batch:
            item.written = True
        return True


def record(
    request: Request,
    caller: Caller,
    action: str,
    *,
    rows_out: int,
    body: bytes,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry for this request, after its answer was computed."""
    log: AuditLog = request.app.state.audit
    parameters: dict[str, Any] = dict(request.query_params)
    parameters.update(request.path_params)
    if extra:
        parameters.update(extra)
    log.append(
        _Pending(
            logged_at="",
            user_name=caller.name,
            role=caller.role.value,
            action=action,
            parameters=audit_chain.canonical_parameters(parameters),
            rows_out=rows_out,
            result_hash=audit_chain.result_digest(body),
        )
    )
