"""Reading offences to code and writing their ICCS codes back (for ``classify``/``review``).

Offences are coded in groups that share a source and a coding key: the national code,
else the national label, else the description (sources without codes, such as CODE's
Memphis file, are keyed by their label). Writing a group's coding updates every offence
of the group in one statement, inside one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from crimestats.iccs.correspondence import CorrespondenceEntry

CODING_KEY = "coalesce(national_code, national_label, description)"
"""SQL: the value correspondence tables and review answers are keyed by."""

TEXT = "coalesce(description, national_label, national_code)"
"""SQL: the text the autocoder reads."""


@dataclass(frozen=True, slots=True)
class OffenceGroup:
    """Offences of one source that share a coding key (and so one coding)."""

    source: str
    key: str
    label: str | None
    text: str
    offences: int


@dataclass(frozen=True, slots=True)
class GroupCoding:
    """The coding decided for a group."""

    source: str
    key: str
    iccs_code: str | None
    method: str
    confidence: float | None
    needs_review: bool


def groups_to_code(con: duckdb.DuckDBPyConnection, *, recode_model: bool) -> list[OffenceGroup]:
    """Groups of offences with no coding yet (and, if asked, those the model coded).

    Codes that came with the source, from a correspondence table or from a person are
    never recoded.
    """
    methods = "iccs_method IS NULL" + (" OR iccs_method = 'model'" if recode_model else "")
    rows = con.execute(
        f"SELECT source, {CODING_KEY} AS key, any_value(national_label), any_value({TEXT}), "
        f"count(*) FROM offences WHERE ({methods}) AND {CODING_KEY} IS NOT NULL "
        "GROUP BY source, key ORDER BY source, key"
    ).fetchall()
    return [OffenceGroup(r[0], r[1], r[2], r[3], int(r[4])) for r in rows]


def needing_review(con: duckdb.DuckDBPyConnection) -> list[OffenceGroup]:
    """Groups whose model coding is below the review threshold."""
    rows = con.execute(
        f"SELECT source, {CODING_KEY} AS key, any_value(national_label), any_value({TEXT}), "
        "count(*) FROM offences WHERE needs_review GROUP BY source, key ORDER BY count(*) DESC"
    ).fetchall()
    return [OffenceGroup(r[0], r[1], r[2], r[3], int(r[4])) for r in rows]


def write_codings(con: duckdb.DuckDBPyConnection, codings: Sequence[GroupCoding]) -> int:
    """Apply group codings to their offences in one transaction; returns offences updated."""
    if not codings:
        return 0
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _codings (source VARCHAR, key VARCHAR, "
            "iccs_code VARCHAR, method VARCHAR, confidence DOUBLE, needs_review BOOLEAN)"
        )
        con.executemany(
            "INSERT INTO _codings VALUES (?, ?, ?, ?, ?, ?)",
            [
                (c.source, c.key, c.iccs_code, c.method, c.confidence, c.needs_review)
                for c in codings
            ],
        )
        updated = con.execute(
            f"UPDATE offences SET iccs_code = c.iccs_code, iccs_method = c.method, "
            f"iccs_confidence = c.confidence, needs_review = c.needs_review FROM _codings c "
            f"WHERE offences.source = c.source AND {_qualified_key('offences')} = c.key "
            "AND (offences.iccs_method IS NULL OR offences.iccs_method = 'model' "
            "     OR c.method = 'manual')"
        ).fetchone()
        con.execute("DROP TABLE _codings")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(updated[0]) if updated else 0


def _qualified_key(table: str) -> str:
    return f"coalesce({table}.national_code, {table}.national_label, {table}.description)"


def stored_entries(con: duckdb.DuckDBPyConnection) -> list[CorrespondenceEntry]:
    """Correspondence entries decided by people and kept in the store (a person's entry
    without a code is a "not a crime" answer: out of scope)."""
    rows = con.execute(
        "SELECT source, national_code, coalesce(national_label, ''), iccs_code, "
        "coalesce(note, ''), version FROM correspondence ORDER BY source, national_code"
    ).fetchall()
    return [
        CorrespondenceEntry(r[0], r[1], r[2], r[3], r[4], r[5], out_of_scope=r[3] is None)
        for r in rows
    ]


def replace_entries(con: duckdb.DuckDBPyConnection, entries: Sequence[CorrespondenceEntry]) -> None:
    """Replace the store's correspondence entries (one transaction)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM correspondence")
        con.executemany(
            "INSERT INTO correspondence VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (e.source, e.national_code, e.national_label, e.iccs_code, e.note, e.version, now)
                for e in entries
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def coding_summary(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Offences by how they were coded (``uncoded`` for none yet)."""
    rows = con.execute(
        "SELECT coalesce(iccs_method, 'uncoded'), count(*) FROM offences GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return {str(k): int(n) for k, n in rows}
