"""Writing and reading the ``alerts`` table (schema: :mod:`migrations_alerts`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from crimestats.errors import StoreError
from crimestats.storage.store import open_store

COLUMNS = (
    "run_id", "run_at", "series", "group_json", "freq", "period_start", "period", "observed",
    "expected", "upper_bound", "p_value", "q_value", "exceedance", "rank", "method",
    "parameters", "window_start", "window_end", "series_tested", "fdr",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AlertRow:
    """One row of ``alerts``, in :data:`COLUMNS` order."""

    run_id: str
    run_at: datetime
    series: str
    group_json: str
    freq: str
    period_start: date
    period: str
    observed: int
    expected: float
    upper_bound: float
    p_value: float
    q_value: float
    exceedance: float
    rank: int
    method: str
    parameters: str
    window_start: date
    window_end: date
    series_tested: int
    fdr: float

    def values(self) -> list[Any]:
        return [getattr(self, name) for name in COLUMNS]


def store_alerts(db: str | os.PathLike[str] | None, rows: list[AlertRow]) -> int:
    """Insert the alarms of one run in one transaction; returns how many."""
    placeholders = ", ".join("?" for _ in COLUMNS)
    with open_store(db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            if rows:
                con.executemany(
                    f"INSERT INTO alerts ({', '.join(COLUMNS)}) VALUES ({placeholders})",
                    [row.values() for row in rows],
                )
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"could not store the alerts: {exc}") from exc
    return len(rows)


def read_alerts(
    db: str | os.PathLike[str] | None, run_id: str | None = None
) -> list[dict[str, Any]]:
    """The stored alarms (of one run, if given), best ranked first."""
    where, args = ("WHERE run_id = ?", [run_id]) if run_id else ("", [])
    with open_store(db, read_only=True) as con:
        cursor = con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM alerts {where} ORDER BY run_at, rank", args
        )
        return [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
