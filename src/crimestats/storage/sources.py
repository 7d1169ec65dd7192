"""A source's versions: which ingests count, replacing a version, undoing an ingest.

Why: a mistaken mapping used to be permanent. Re-ingesting the fixed file quarantined
every changed row as a conflict with the store, and the only way out was a new store.
Now an ingest is *active* (its rows are counted), *superseded* (``ingest --replace``
loaded a newer version of its source; its rows moved to ``superseded_rows`` for lineage)
or *undone* (``crimestats ingests undo ID`` removed its rows). The ``ingests`` row is
never deleted, so lineage still says what was loaded and when.

Both changes run inside one transaction (the caller's for a replace, their own for an
undo): a crash at any moment leaves the store as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from crimestats.errors import NotFoundError, UsageError
from crimestats.storage.sql_text import lit

EVENT_TABLES = ("incidents", "offences", "victims", "suspects", "justice_events")
"""The counted tables; every row carries the ``ingest_id`` that loaded it."""
_LINEAGE_TABLES = (*EVENT_TABLES, "row_ledger", "quarantine")
ACTIVE = "undone_at IS NULL AND superseded_by IS NULL"
"""SQL condition on ``ingests``: the ingest's rows are counted."""


@dataclass(frozen=True, slots=True)
class IngestRecord:
    """One row of ``ingests`` as the lifecycle commands show it."""

    ingest_id: int
    source: str
    target: str
    file: str
    file_sha256: str
    finished_at: str
    rows_read: int
    accepted: int
    quarantined: int
    duplicates: int
    state: str
    """active, superseded (by ingest N) or undone."""
    superseded_by: int | None


@dataclass(frozen=True, slots=True)
class UndoOutcome:
    """What ``undo_ingest`` removed, per table."""

    ingest_id: int
    file: str
    removed: dict[str, int]
    restored: list[int]
    """Ingests this one had replaced, counted again (their rows back from
    ``superseded_rows``): undoing a replace brings the old version back."""
    still_replaced: list[int]
    """Ingests this one had replaced that stay replaced, because later ingests already
    build on the new version (re-ingest their files to bring them back)."""


def ingest_records(con: duckdb.DuckDBPyConnection, source: str | None = None) -> list[IngestRecord]:
    """Every ingest (of one source), oldest first, with its state."""
    where = "WHERE source = ?" if source else ""
    rows = con.execute(
        "SELECT ingest_id, source, target, file, file_sha256, "
        "strftime(finished_at, '%Y-%m-%d %H:%M:%S'), rows_read, accepted, quarantined, "
        "duplicates, undone_at IS NOT NULL, superseded_by "
        f"FROM ingests {where} ORDER BY ingest_id",
        [source] if source else [],
    ).fetchall()
    out = []
    for r in rows:
        state = "undone" if r[10] else ("superseded" if r[11] is not None else "active")
        out.append(
            IngestRecord(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                str(r[3]),
                str(r[4]),
                str(r[5]),
                int(r[6]),
                int(r[7]),
                int(r[8]),
                int(r[9]),
                state,
                None if r[11] is None else int(r[11]),
            )
        )
    return out


def supersede_source(
    con: duckdb.DuckDBPyConnection, *, source: str, target: str, new_ingest_id: int
) -> list[int]:
    """Move every active ingest of ``source`` (and ``target``) out of the counted tables.

    Must run inside the caller's transaction, before the new version is classified
    against the store, so the new rows are checked against nothing the old version held.
    Their rows are copied to ``superseded_rows`` (JSON) and removed; returns their ids.
    """
    ids = [
        int(r[0])
        for r in con.execute(
            f"SELECT ingest_id FROM ingests WHERE source = ? AND target = ? AND {ACTIVE} "
            "ORDER BY ingest_id",
            [source, target],
        ).fetchall()
    ]
    if not ids:
        return []
    id_list = ", ".join(str(i) for i in ids)
    for table in _LINEAGE_TABLES:
        con.execute(
            f"INSERT INTO superseded_rows SELECT t.ingest_id, '{table}', "
            f"CAST(to_json(t) AS VARCHAR) FROM {table} t WHERE t.ingest_id IN ({id_list})"
        )
        con.execute(f"DELETE FROM {table} WHERE ingest_id IN ({id_list})")
    con.execute(
        f"UPDATE ingests SET superseded_by = ? WHERE ingest_id IN ({id_list})", [new_ingest_id]
    )
    return ids


def _dependants(con: duckdb.DuckDBPyConnection, ingest_id: int) -> list[int]:
    """Later ingests that added offences, victims or suspects to this ingest's incidents.

    Undoing the ingest would leave their records without an incident, so it is refused.
    """
    parts = " UNION ".join(
        f"SELECT t.ingest_id FROM {t} t JOIN (SELECT source, incident_id FROM incidents "
        f"WHERE ingest_id = {ingest_id}) i USING (source, incident_id) "
        f"WHERE t.ingest_id <> {ingest_id}"
        for t in ("offences", "victims", "suspects")
    )
    return sorted(int(r[0]) for r in con.execute(parts).fetchall())


def undo_ingest(con: duckdb.DuckDBPyConnection, ingest_id: int) -> UndoOutcome:
    """Remove one ingest's rows, quarantine and ledger entries; mark it undone.

    One transaction: a crash at any moment leaves the store as it was. The ``ingests``
    row stays (``undone_at`` set) so lineage still shows the file was once loaded.
    """
    row = con.execute(
        "SELECT file, undone_at IS NOT NULL, superseded_by, source FROM ingests "
        "WHERE ingest_id = ?",
        [ingest_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"there is no ingest {ingest_id} in the store",
            hint="'crimestats sources' lists every ingest with its id",
        )
    file, undone, superseded_by, source = str(row[0]), bool(row[1]), row[2], str(row[3])
    if undone:
        raise UsageError(f"ingest {ingest_id} ({file}) is already undone", hint="nothing to do")
    if superseded_by is not None:
        raise UsageError(
            f"ingest {ingest_id} ({file}) was replaced by ingest {superseded_by}; "
            "its rows are no longer counted",
            hint=f"undo ingest {superseded_by} to remove the version that replaced it",
        )
    dependants = _dependants(con, ingest_id)
    if dependants:
        later = ", ".join(str(i) for i in dependants)
        raise UsageError(
            f"later ingests ({later}) added records to incidents of ingest {ingest_id} "
            f"({file}); undoing it alone would leave them without their incident",
            hint=f"undo ingests {later} first, or load a corrected version of source "
            f"{source!r} with 'crimestats ingest FILE --source {source} --replace'",
        )
    replaced = [
        int(r[0])
        for r in con.execute(
            "SELECT ingest_id FROM ingests WHERE superseded_by = ? ORDER BY 1", [ingest_id]
        ).fetchall()
    ]
    newer = con.execute(
        f"SELECT count(*) FROM ingests WHERE {ACTIVE} AND ingest_id > ? AND source = ? "
        "AND target = (SELECT target FROM ingests WHERE ingest_id = ?)",
        [ingest_id, source, ingest_id],
    ).fetchone()
    restore = replaced if newer is not None and int(newer[0]) == 0 else []
    removed: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for table in _LINEAGE_TABLES:
            n = con.execute(f"SELECT count(*) FROM {table} WHERE ingest_id = ?", [ingest_id])
            count = n.fetchone()
            removed[table] = int(count[0]) if count else 0
            con.execute(f"DELETE FROM {table} WHERE ingest_id = ?", [ingest_id])
        con.execute(
            "UPDATE ingests SET undone_at = ? WHERE ingest_id = ?",
            [datetime.now(UTC).replace(tzinfo=None), ingest_id],
        )
        if restore:
            _restore(con, restore)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return UndoOutcome(ingest_id, file, removed, restore, [i for i in replaced if i not in restore])


def _restore(con: duckdb.DuckDBPyConnection, ids: list[int]) -> None:
    """Put superseded ingests' rows back in the counted tables (inside a transaction).

    The JSON of each row is read back with the table's current column types, so a
    column added since (a later migration) comes back blank rather than failing.
    """
    id_list = ", ".join(str(i) for i in ids)
    for table in _LINEAGE_TABLES:
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
            [table],
        ).fetchall()
        structure = json.dumps({str(name): str(kind) for name, kind in columns})
        con.execute(
            f"INSERT INTO {table} BY NAME SELECT unnest(json_transform(row_json, "
            f"{lit(structure)})) FROM superseded_rows "
            f"WHERE table_name = '{table}' AND ingest_id IN ({id_list})"
        )
    con.execute(f"DELETE FROM superseded_rows WHERE ingest_id IN ({id_list})")
    con.execute(f"UPDATE ingests SET superseded_by = NULL WHERE ingest_id IN ({id_list})")


def conflict_holders_sql(source_sql: str) -> str:
    """A relation (``incident_id``, ``holder_id``, ``holder_file``): the active ingest
    that holds each incident of the source, to name it in a key-conflict message."""
    return (
        "(SELECT i.incident_id, min(i.ingest_id) AS holder_id, "
        "any_value(g.file) AS holder_file FROM incidents i JOIN ingests g USING (ingest_id) "
        f"WHERE i.source = {source_sql} GROUP BY i.incident_id)"
    )
