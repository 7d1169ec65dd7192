"""The store's record of releases (table ``releases``): which folder, which files, when.

Why: lineage goes both ways. A release's ``datapackage.json`` names the ingested files
it was built from; the store remembers each release built from it, with its options and
its manifest, so a later release can be compared with (and audited against) earlier ones.

The privacy ledger (table ``privacy_ledger``, migration 4) keeps one row per
differentially private table of a recorded release: the epsilon it spent, for which
privacy unit, with which mechanism. It is written in the same transaction as the
release row, so a recorded release always has its spends recorded. Sums over releases
are what sequential composition charges to the data (docs/differential-privacy.md).

The cells each recorded release withheld (table ``release_withheld``, migration 5) are
kept too, never their counts: the next release of the same table withholds them again,
so subtracting two releases cannot reveal what the first one hid (docs/
disclosure-control.md, revisions).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb


@dataclass(frozen=True, slots=True)
class PrivacySpend:
    """One DP table's spend, as the store records it (never counts or noise)."""

    table_name: str
    privacy_unit: str
    epsilon: float
    mechanism: str
    sensitivity: int
    alpha: float
    release_epsilon: float


@dataclass(frozen=True, slots=True)
class WithheldCell:
    """One cell a release withheld: its table, the table's fields, the cell's values."""

    table_name: str
    fields: tuple[str, ...]
    cell: dict[str, str | None]


@dataclass(frozen=True, slots=True)
class PublishedCell:
    """One cell of a release's table as published: its count, or ``None`` if withheld."""

    table_name: str
    fields: tuple[str, ...]
    cell: dict[str, str | None]
    count: int | None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedCell:
    """One cell of an earlier recorded release of a table, as that release published it."""

    release_id: str
    cell: dict[str, str | None]
    count: int | None


def record_release(
    con: duckdb.DuckDBPyConnection,
    *,
    release_id: str,
    created_at: datetime,
    directory: str,
    config_json: str,
    manifest: str,
    spends: Sequence[PrivacySpend] = (),
    withheld: Sequence[WithheldCell] = (),
    published: Sequence[PublishedCell] = (),
) -> None:
    """Insert one row into ``releases``, one per spend into ``privacy_ledger``, one per
    withheld cell into ``release_withheld`` and one per cell of its threshold tables into
    ``release_cells`` (the published count or NULL), atomically."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO releases (release_id, created_at, directory, config_json, manifest) "
            "VALUES (?, ?, ?, ?, ?)",
            [release_id, created_at, directory, config_json, manifest],
        )
        for spend in spends:
            con.execute(
                "INSERT INTO privacy_ledger (release_id, table_name, privacy_unit, epsilon, "
                "mechanism, sensitivity, alpha, release_epsilon, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    release_id, spend.table_name, spend.privacy_unit, spend.epsilon,
                    spend.mechanism, spend.sensitivity, spend.alpha, spend.release_epsilon,
                    created_at,
                ],
            )  # fmt: skip
        if withheld:
            con.executemany(
                "INSERT INTO release_withheld (release_id, table_name, fields, cell, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    [
                        release_id,
                        cell.table_name,
                        json.dumps(list(cell.fields)),
                        json.dumps(cell.cell, sort_keys=True),
                        created_at,
                    ]
                    for cell in withheld
                ],
            )
        if published:
            con.executemany(
                "INSERT INTO release_cells (release_id, table_name, fields, cell, published, "
                "created_at, unit) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        release_id,
                        cell.table_name,
                        json.dumps(list(cell.fields)),
                        json.dumps(cell.cell, sort_keys=True),
                        cell.count,
                        created_at,
                        cell.unit,
                    ]
                    for cell in published
                ],
            )
        con.execute("COMMIT")
    except duckdb.Error:
        con.execute("ROLLBACK")
        raise


def previous_withheld(
    con: duckdb.DuckDBPyConnection, table_name: str, fields: Sequence[str]
) -> list[dict[str, Any]]:
    """The cells the last recorded release of this table (same name, same fields) withheld.

    "Last" is the latest ``created_at`` among releases that recorded withheld cells for
    the table; an empty list when there is none.
    """
    key = json.dumps(list(fields))
    latest = con.execute(
        "SELECT release_id FROM release_withheld WHERE table_name = ? AND fields = ? "
        "ORDER BY created_at DESC, release_id DESC LIMIT 1",
        [table_name, key],
    ).fetchone()
    if latest is None:
        return []
    rows = con.execute(
        "SELECT cell FROM release_withheld WHERE release_id = ? AND table_name = ? "
        "AND fields = ? ORDER BY cell",
        [latest[0], table_name, key],
    ).fetchall()
    return [dict(json.loads(cell)) for (cell,) in rows]


def recorded_cells(
    con: duckdb.DuckDBPyConnection, table_name: str, fields: Sequence[str]
) -> list[RecordedCell]:
    """Every cell of every recorded release of this table (same name, same fields), as it
    was published, oldest release first; what an attacker holding them all knows."""
    rows = con.execute(
        "SELECT release_id, cell, published FROM release_cells WHERE table_name = ? "
        "AND fields = ? ORDER BY created_at, release_id, cell",
        [table_name, json.dumps(list(fields))],
    ).fetchall()
    return [
        RecordedCell(str(rid), dict(json.loads(cell)), None if count is None else int(count))
        for rid, cell, count in rows
    ]


def recorded_cells_of_unit(
    con: duckdb.DuckDBPyConnection,
    unit: str,
    table_name: str,
    fields: Sequence[str],
    total_label: str,
) -> list[RecordedCell]:
    """Every recorded cell of the same counting unit published by ANOTHER table (another
    name, or the same name with other fields) whose non-margin fields are a subset of
    ``fields``, rewritten as the cell of this table that is the same statistic: the fields it lacks
    set to the margin label (``total_label``). The incidents of area A1 are the same number
    whether a table by area or a table by area and year published them."""
    key = json.dumps(list(fields))
    rows = con.execute(
        "SELECT release_id, fields, cell, published FROM release_cells WHERE unit = ? "
        "AND NOT (table_name = ? AND fields = ?) ORDER BY created_at, release_id, cell",
        [unit, table_name, key],
    ).fetchall()
    wanted = set(fields)
    out: list[RecordedCell] = []
    for rid, _, cell, count in rows:
        values = dict(json.loads(cell))
        # the statistic is set by the fields that are not margins: a grand total is the
        # same statistic in every table of the unit
        theirs = {f for f, v in values.items() if v != total_label}
        if not theirs <= wanted:
            continue
        mapped = {f: values[f] if f in theirs else total_label for f in fields}
        out.append(RecordedCell(str(rid), mapped, None if count is None else int(count)))
    return out


def last_recorded_file(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str] | None:
    """The path and recorded SHA-256 of file ``name`` in the newest recorded release
    whose manifest lists it (``None`` when no recorded release has it). The caller must
    check the file against the hash: a folder can be moved or edited after release."""
    rows = con.execute(
        "SELECT directory, manifest FROM releases ORDER BY created_at DESC, release_id DESC"
    ).fetchall()
    for directory, manifest in rows:
        for line in str(manifest).splitlines():
            digest, _, listed = line.partition("  ")
            if listed == name:
                return f"{directory}/{name}", digest
    return None


def privacy_ledger(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every recorded spend, oldest first (ties by release and table name)."""
    cursor = con.execute(
        "SELECT release_id, table_name, privacy_unit, epsilon, mechanism, sensitivity, alpha, "
        "release_epsilon, created_at FROM privacy_ledger "
        "ORDER BY created_at, release_id, table_name"
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def declared_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The sources named by the store's ingests (any target), sorted.

    The publisher chose these inputs and every release names them in its lineage, so a
    DP table treats them as public categories.
    """
    rows = con.execute("SELECT DISTINCT source FROM ingests ORDER BY source").fetchall()
    return [str(r[0]) for r in rows]


def ingest_lineage(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Every ingested file that still counts (base name only), its checksum and
    reconciliation, in load order: an undone ingest or one a ``--replace`` superseded
    contributes nothing to the tables, so it is not their lineage.

    No local paths and no times: these go into a public release and must not change
    between two builds of the same store.
    """
    rows = con.execute(
        "SELECT source, target, file, file_sha256, file_bytes, mapping, mapping_sha256, "
        "rows_read, accepted, quarantined, duplicates, code_version "
        "FROM ingests WHERE undone_at IS NULL AND superseded_by IS NULL ORDER BY ingest_id"
    ).fetchall()
    out: list[dict[str, object]] = []
    for row in rows:
        (source, target, file, sha, size, mapping, mapping_sha, read, accepted, quarantined,
         duplicates, version) = row  # fmt: skip
        out.append(
            {
                "file": _basename(file),
                "sha256": sha,
                "bytes": size,
                "source": source,
                "target": target,
                "mapping": None if mapping is None else _basename(mapping),
                "mapping_sha256": mapping_sha,
                "rows_read": read,
                "accepted": accepted,
                "quarantined": quarantined,
                "duplicates": duplicates,
                "code_version": version,
            }
        )
    return out


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


__all__ = [
    "PrivacySpend",
    "PublishedCell",
    "RecordedCell",
    "declared_sources",
    "ingest_lineage",
    "last_recorded_file",
    "privacy_ledger",
    "record_release",
    "recorded_cells",
]
