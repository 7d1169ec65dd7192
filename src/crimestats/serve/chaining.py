"""Entries put in the chain: numbered after the head, linked, inserted in one transaction.

Why one statement per few hundred entries: DuckDB's ``executemany`` runs one insert per
row (about 1 ms each); a single ``INSERT ... VALUES (...), (...)`` of a group costs
little more than one row, and the transaction's commit is shared by the whole group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, fields
from typing import Any, Final

from crimestats.govern import audit_chain
from crimestats.serve.journal import Journalled

_NAMES: Final = tuple(f.name for f in fields(audit_chain.AuditEntry))
_COLUMNS: Final = ", ".join(_NAMES)
_ROW: Final = "(" + ", ".join("?" * len(_NAMES)) + ")"
CHUNK: Final = 500
"""Entries per INSERT statement (a group of more takes several, in one transaction)."""


def write_chained(
    con: Any, batch: Sequence[Journalled], head: tuple[int, str] | None
) -> tuple[int, str]:
    """Append ``batch`` after ``head`` (None: read it from the log); the new head.

    Two writers on one head fork nothing: the second insert of a ``seq`` breaks the
    primary key, the transaction is rolled back and the caller retries on a fresh head.
    """
    seq, prev = head if head is not None else audit_chain.head(con)
    values: list[Any] = []
    for item in batch:
        seq += 1
        entry = audit_chain.chained(item, seq, prev)
        values += astuple(entry)
        prev = entry.entry_hash
    width = len(_NAMES)
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
    return seq, prev
