"""Refused requests in the audit log, itemised up to a rate per client address, then counted.

Why: a token guessed, a file path probed, a role overstepped are exactly what an audit
log is read for, so every request the API refuses (401, 403, 404, 413, 422, 429, and a
500) is recorded: who (the caller when known, else ``unknown``), from which address,
the method and path, the parameters with secrets dropped, the status and the reason.

Why not one entry each, always: a refused request costs its sender nothing, and an
entry costs the server a write and the log a row for ever; an unauthenticated flood
would grow the log without bound and slow every honest answer behind its writes. So
each client address has a bucket (``burst`` entries at once, then ``rate`` a second):
within it a refusal is written as its own entry, beyond it only counted. Every
``summary_seconds`` each address with counted refusals gets one ``refused.summary``
entry (how many, by status, the first and last time), so nothing is lost, only
grouped; and the first refusal counted for an address not counted in the interval
before writes at once a ``refused.flood`` entry, so that a crash before the next
summary still leaves the flood's start in the log (the crash loses at most the count
since the last summary, never the fact). At most ``max_addresses`` addresses are
counted apart; the rest share the key ``other``, which bounds memory and the summaries
per interval.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Final, TypedDict

from crimestats.govern import audit_chain
from crimestats.serve.audit import Pending
from crimestats.serve.limits import RateLimiter

OTHER: Final = "other"
"""The key shared by addresses beyond ``max_addresses``."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused request, as the guard saw it."""

    client: str
    user_name: str
    role: str
    method: str
    path: str
    query: dict[str, str]
    status: int
    reason: str

    def parameters(self) -> dict[str, object]:
        """The parameters of its ``refused`` entry: the refusal but for the user and
        role, which the entry holds in fields of their own."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _WHO}


_WHO: Final = ("user_name", "role")


class FloodMark(TypedDict):
    """The parameters of a ``refused.flood`` entry: refusals from ``client`` are counted,
    not itemised, from ``first`` on, and summarised every ``summary_every_seconds``."""

    client: str
    first: str
    summary_every_seconds: float


class RefusalSummary(TypedDict):
    """The parameters of a ``refused.summary`` entry: how many refusals ``client`` had
    between ``first`` and ``last``, by HTTP status (as text: JSON keys)."""

    client: str
    refused: int
    statuses: dict[str, int]
    first: str
    last: str


@dataclass(slots=True)
class _Counted:
    """Refusals of one address counted since its last summary."""

    first: str
    last: str
    statuses: Counter[int] = field(default_factory=Counter)


def _entry(
    user_name: str,
    role: str,
    action: str,
    parameters: Mapping[str, object],
) -> Pending:
    return Pending(
        user_name=user_name,
        role=role,
        action=action,
        parameters=audit_chain.canonical_parameters(parameters),
        rows_out=0,
        result_hash="",
    )


class RefusalLog:
    """Decides, per refusal, whether it is written now or counted for a summary."""

    def __init__(
        self, burst: int, rate: float, summary_seconds: float, max_addresses: int = 256
    ) -> None:
        self._itemised = RateLimiter(rate, burst)
        self.summary_seconds = summary_seconds
        self.max_addresses = max_addresses
        self._counted: dict[str, _Counted] = {}
        self._flooding: set[str] = set()
        """Addresses counted in the last interval: a flood going on, already marked."""
        self._lock = threading.Lock()
        self._last_summary = time.monotonic()

    def entries_for(self, refusal: Refusal) -> list[Pending]:
        """The entries to write for ``refusal`` now: itself, or a flood mark, or none."""
        if self._itemised.wait_needed(refusal.client) == 0.0:
            return [_entry(refusal.user_name, refusal.role, "refused", refusal.parameters())]
        with self._lock:
            key = refusal.client
            if key not in self._counted and len(self._counted) >= self.max_addresses:
                key = OTHER
            now = audit_chain.timestamp()
            counted = self._counted.get(key)
            started = counted is None and key not in self._flooding
            if counted is None:
                counted = self._counted[key] = _Counted(first=now, last=now)
            counted.last = now
            counted.statuses[refusal.status] += 1
        if not started:
            return []
        mark = FloodMark(client=key, first=now, summary_every_seconds=self.summary_seconds)
        return [_entry("unknown", "none", "refused.flood", mark)]

    def summaries(self, *, force: bool = False) -> list[Pending]:
        """One ``refused.summary`` entry per address with counted refusals, when due."""
        with self._lock:
            if not force and time.monotonic() - self._last_summary < self.summary_seconds:
                return []
            counted, self._counted = self._counted, {}
            self._flooding = set(counted)
            self._last_summary = time.monotonic()
        return [
            _entry("unknown", "none", "refused.summary", RefusalSummary(
                client=key,
                refused=sum(c.statuses.values()),
                statuses={str(s): n for s, n in sorted(c.statuses.items())},
                first=c.first,
                last=c.last,
            ))
            for key, c in sorted(counted.items())
        ]  # fmt: skip
