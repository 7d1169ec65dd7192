"""The tamper-evident audit log: a hash chain over every data access and change.

Why a chain. Each entry stores the hash of the entry before it, and its own hash covers
all its fields including that link and its position. Whoever edits an entry must
recompute its hash, which breaks the next entry's link, and so on to the end: a quiet
rewrite of the past means rewriting every later entry. Keep ``crimestats audit head``
somewhere else (a ticket, an e-mail, another machine): ``audit verify --head`` then also
proves that no entry was cut from the end and that the log was not rebuilt wholesale.

What an entry holds: time, user, role, action, the parameters of the request (never a
token or a request body), how many rows or cells went out, and a hash of what went out.
:func:`verify` recomputes the chain and names the first entry that was edited, deleted,
inserted or reordered.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

GENESIS: Final = "0" * 64
"""The ``prev_hash`` of the first entry."""

_SECRET_KEYS: Final = frozenset({"token", "authorization", "password", "secret", "body"})
"""Parameter names never written to the log, whatever the caller passes."""

_SECRET_PARTS: Final = ("token", "auth", "passw", "secret", "key", "cookie", "session")
"""A name holding one of these (``access_token``, ``api_key``, ``X-Auth``) is a secret too:
a client that puts its token in the query string under any such name must not have it
kept in a log that admins read and export."""

_TOKEN_VALUE: Final = re.compile(r"cs_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}")
"""The shape of an API token (:mod:`crimestats.govern.tokens`), wherever it appears in a
value (``?q=cs_...``): replaced by ``[token]`` so a pasted token never reaches the log."""


def _is_secret(name: str) -> bool:
    folded = name.lower()
    return folded in _SECRET_KEYS or any(part in folded for part in _SECRET_PARTS)


def _without_tokens(value: Any) -> Any:
    if isinstance(value, str):
        return _TOKEN_VALUE.sub("[token]", value)
    if isinstance(value, list | tuple):
        return [_without_tokens(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _without_tokens(v) for k, v in value.items() if not _is_secret(str(k))}
    return value


@dataclass(frozen=True, slots=True)
class Record:
    """What one audit entry says: when, who, in which role, did what, with which
    parameters, and how much went out with which hash.

    Declared once, for the three places an entry passes through: a request queues it
    before its time is given (:class:`crimestats.serve.audit.Pending` extends it), the
    server's journal writes it as it is (:class:`crimestats.serve.journal.Journalled` is
    this class), and the chain holds it at a position, linked and hashed
    (:class:`AuditEntry` extends it). The field order is the journal's line format and,
    after ``seq``, the log's column order: neither may change.
    """

    logged_at: str
    user_name: str
    role: str
    action: str
    parameters: str
    rows_out: int
    result_hash: str


@dataclass(frozen=True)
class _Place:
    """An entry's position in the chain: a base of :class:`AuditEntry` only, so that
    ``seq`` comes first among its fields (dataclasses take the fields of the bases in
    reverse order: this one's, then :class:`Record`'s). No slots: two bases with slots
    cannot be combined."""

    seq: int


@dataclass(frozen=True, slots=True)
class AuditEntry(Record, _Place):
    """One row of ``audit_log``: a :class:`Record` at its position (``seq``), linked to
    the entry before (``prev_hash``) and hashed (``entry_hash``). Its fields, in order,
    are the table's columns, the JSON keys of ``audit export`` and ``GET /v1/audit``."""

    prev_hash: str
    entry_hash: str

    def recomputed_hash(self, seq: int | None = None) -> str:
        """The hash this entry should carry (at position ``seq``, by default its own)."""
        fields = asdict(self)
        del fields["entry_hash"]
        if seq is not None:
            fields["seq"] = seq
        return entry_hash(**fields)


_RECORD_FIELDS: Final = tuple(f.name for f in dataclass_fields(Record))
_COLUMNS: Final = ", ".join(f.name for f in dataclass_fields(AuditEntry))


def chained(record: Record, seq: int, prev_hash: str) -> AuditEntry:
    """``record`` as the entry at ``seq`` after the entry hashed ``prev_hash``."""
    facts = {name: getattr(record, name) for name in _RECORD_FIELDS}
    digest = entry_hash(seq=seq, prev_hash=prev_hash, **facts)
    return AuditEntry(seq=seq, prev_hash=prev_hash, entry_hash=digest, **facts)


def entry_hash(
    *,
    seq: int,
    logged_at: str,
    user_name: str,
    role: str,
    action: str,
    parameters: str,
    rows_out: int,
    result_hash: str,
    prev_hash: str,
) -> str:
    """SHA-256 of the entry's fields as canonical JSON (sorted keys, no spaces).

    Written out so that anyone can verify the log without crimestats: the docs
    (docs/governance.md) give the same recipe.
    """
    fields = {
        "seq": seq,
        "logged_at": logged_at,
        "user": user_name,
        "role": role,
        "action": action,
        "parameters": parameters,
        "rows_out": rows_out,
        "result_hash": result_hash,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def timestamp() -> str:
    """The time an entry is logged at: UTC, ISO 8601 to the microsecond (the log's
    texts of one length and zone sort as their times do)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def result_digest(payload: bytes | str) -> str:
    """The hash of what a request returned, as stored in ``result_hash``."""
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    return hashlib.sha256(data).hexdigest()


def canonical_parameters(parameters: Mapping[str, Any]) -> str:
    """The parameters as canonical JSON: secrets left out by name, tokens by shape."""
    kept = {k: _without_tokens(v) for k, v in parameters.items() if not _is_secret(str(k))}
    return json.dumps(kept, sort_keys=True, separators=(",", ":"), default=str)


def append(
    con: Any,
    *,
    user_name: str,
    role: str,
    action: str,
    parameters: Mapping[str, Any],
    rows_out: int = 0,
    result_hash: str = "",
) -> AuditEntry:
    """Append one entry after the current head, in the caller's transaction if one is open.

    Appends must not interleave (two entries on one head would fork the chain): the
    store has one writer at a time (DuckDB), and the API serialises its appends.
    """
    seq, prev = head(con)
    params = canonical_parameters(parameters)
    record = Record(timestamp(), user_name, role, action, params, rows_out, result_hash)
    entry = chained(record, seq + 1, prev)
    con.execute(
        f"INSERT INTO audit_log ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        list(asdict(entry).values()),
    )
    return entry


def entries(con: Any, *, after: int = 0, limit: int | None = None) -> Iterator[AuditEntry]:
    """The stored entries in ``seq`` order (as stored: nothing is checked here)."""
    sql = f"SELECT {_COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq"
    params: list[Any] = [after]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    for row in con.execute(sql, params).fetchall():
        yield AuditEntry(*row)


def head(con: Any) -> tuple[int, str]:
    """``(seq, entry_hash)`` of the latest entry (``(0, GENESIS)`` for an empty log)."""
    last = con.execute("SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, GENESIS) if last is None else (int(last[0]), str(last[1]))


class Break(StrEnum):
    """How the chain was found broken."""

    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What :func:`verify` found: ``ok``, or the first broken entry and how."""

    ok: bool
    entries: int
    head: str
    first_bad_seq: int | None = None
    kind: Break | None = None
    detail: str = ""


def _moved_from(entry: AuditEntry, size: int) -> int | None:
    """The position whose hash this entry carries, when it is not its own (a move)."""
    for seq in range(1, size + 2):
        if seq != entry.seq and entry.recomputed_hash(seq) == entry.entry_hash:
            return seq
    return None


def _first_break(rows: list[AuditEntry]) -> tuple[int, Break, str] | None:
    """``(position, kind, detail)`` of the first break of the chain, or ``None``."""
    by_hash = {row.entry_hash: row for row in rows}
    prev, expected = GENESIS, 1
    for row in rows:
        if row.seq < expected:
            return row.seq, Break.INSERTED, f"a second entry at position {row.seq}"
        if row.seq > expected:
            gap = f"{expected}" if row.seq == expected + 1 else f"{expected} to {row.seq - 1}"
            return expected, Break.DELETED, f"entries {gap} are missing"
        if row.recomputed_hash() != row.entry_hash:
            moved = _moved_from(row, len(rows))
            if moved == row.seq - 1:  # everything from here on moved one place down
                return row.seq - 1, Break.INSERTED, f"entry {row.seq - 1} was put in later"
            if moved == row.seq + 1:  # ... or one place up, over a removed entry
                return row.seq, Break.DELETED, f"the entry written at {row.seq} was removed"
            if moved is not None:
                return row.seq, Break.REORDERED, f"entry {row.seq} was written at {moved}"
            return row.seq, Break.EDITED, f"entry {row.seq} does not match its hash"
        if row.prev_hash != prev:
            before = by_hash.get(row.prev_hash)
            if before is None:
                return row.seq, Break.INSERTED, f"entry {row.seq} links to no entry of the log"
            detail = f"entry {row.seq} follows entry {before.seq} in the chain"
            return row.seq, Break.REORDERED, detail
        prev, expected = row.entry_hash, expected + 1
    return None


def verify(con: Any, *, known_head: str | None = None) -> Verdict:
    """Recompute the chain; the first entry edited, deleted, inserted or reordered.

    With ``known_head`` (a hash printed earlier by ``audit head``), also check that this
    entry is still in the chain: an entry cut from the end, or a log rebuilt from
    scratch, cannot be seen from the log alone.
    """
    rows = list(entries(con))
    broken = _first_break(rows)
    if broken is not None:
        seq, kind, detail = broken
        return Verdict(False, len(rows), "", seq, kind, detail)
    last = rows[-1].entry_hash if rows else GENESIS
    if known_head is not None and known_head != GENESIS:
        held = {row.entry_hash: row.seq for row in rows}
        if known_head.strip().lower() not in held:
            detail = (
                "the kept head is not in the log: entries were cut from the end "
                "or the log was rewritten"
            )
            return Verdict(False, len(rows), last, len(rows) + 1, Break.TRUNCATED, detail)
    return Verdict(True, len(rows), last)
