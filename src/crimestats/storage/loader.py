"""Load one staged, validated file into the store, as one transaction.

Either the whole file's outcome lands (its accepted rows in the event tables, its
rejected rows in ``quarantine``, every problem in ``ingest_issues``, and its
reconciliation in ``ingests``) or nothing does: a process killed at any moment leaves
the store as it was, because DuckDB commits atomically through its write-ahead log.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from crimestats.domain.flat_layout import LAYOUTS
from crimestats.errors import StoreError
from crimestats.ingest.file_inspect import FileInfo
from crimestats.ingest.limits import IngestLimits
from crimestats.ingest.mapping import Mapping
from crimestats.ingest.mapping_dates import check_date_formats
from crimestats.ingest.mapping_unpivot import SKIPPED_ISSUE
from crimestats.storage.event_writes import (
    ACCEPTED,
    insert_incident_tables,
    insert_justice_events,
)
from crimestats.storage.group_checks import classify_incident_rows, classify_justice_rows
from crimestats.storage.ingest_profile import ProfileWarning, profile_ingest
from crimestats.storage.mapping_sql import STORE_CONFLICTS, quarantine_sql, source_rows_sql
from crimestats.storage.resource_errors import refusal_for
from crimestats.storage.row_checks import validated_table_sql
from crimestats.storage.sources import ACTIVE, conflict_holders_sql, supersede_source
from crimestats.storage.sql_text import ident, lit
from crimestats.storage.staging import Space, raw_rows_sql, scratch_space, stage_file
from crimestats.validation.catalogue import INCIDENT_RULES, JUSTICE_RULES

_TEMP = (
    "_raw", "_rejects", "_rej_idx", "_v", "_keys", "_dup", "_keyconf", "_incagg", "_entconf", "_s",
    "_bad_inc", "_out", "_incrows",
)  # fmt: skip


@dataclass(slots=True)
class LoadOutcome:
    """What loading one file did."""

    ingest_id: int
    read: int
    accepted: int
    quarantined: int
    duplicates: int
    warnings: int
    issues: dict[str, int] = field(default_factory=dict)
    replaced: list[int] = field(default_factory=list)
    """Ingests this one superseded (``--replace``)."""
    held_by: list[ConflictHolder] = field(default_factory=list)
    """Earlier ingests holding keys this file's rows conflict with."""
    profile: list[ProfileWarning] = field(default_factory=list)
    """Suspicious distributions of the loaded rows (``ingest_profile``)."""


@dataclass(frozen=True, slots=True)
class ConflictHolder:
    """An earlier ingest whose rows hold keys that rows of this file conflict with."""

    ingest_id: int
    file: str
    rows: int


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _same_file_loaded(
    con: duckdb.DuckDBPyConnection, source: str, mapping: Mapping, sha: str
) -> bool:
    row = con.execute(
        # Only while none of the source's ingests was undone since: an undo may have
        # removed rows this file once found as duplicates, so it must be read again.
        "SELECT count(*) FROM ingests g WHERE source = ? AND target = ? AND file_sha256 = ? "
        f"AND coalesce(mapping_sha256, '') = ? AND {ACTIVE} AND NOT EXISTS (SELECT 1 "
        "FROM ingests u WHERE u.source = g.source AND u.target = g.target "
        "AND u.undone_at >= g.finished_at)",
        [source, mapping.target, sha, mapping.sha256 or ""],
    ).fetchone()
    return bool(row and row[0])


def _record_ingest(
    con: duckdb.DuckDBPyConnection,
    ingest_id: int,
    source: str,
    mapping: Mapping,
    info: FileInfo,
    sha: str,
    started: datetime,
    counts: tuple[int, int, int, int, int],
    issues: dict[str, int],
    code_version: str,
) -> None:
    con.execute(
        "INSERT INTO ingests (ingest_id, source, target, file, file_sha256, file_bytes, "
        "mapping, mapping_sha256, started_at, finished_at, rows_read, accepted, quarantined, "
        "duplicates, warnings, issues_json, code_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ingest_id,
            source,
            mapping.target,
            str(Path(info.path).resolve()),
            sha,
            info.size,
            str(mapping.path) if mapping.path else mapping.name,
            mapping.sha256,
            started,
            datetime.now(UTC).replace(tzinfo=None),
            *counts,
            json.dumps(issues, sort_keys=True),
            code_version,
        ],
    )


_NO_HOLDERS = (
    "(SELECT NULL::VARCHAR AS incident_id, NULL::BIGINT AS holder_id, NULL::VARCHAR AS holder_file)"
)


def _conflict_holders(con: duckdb.DuckDBPyConnection, src: str) -> list[ConflictHolder]:
    """The earlier ingests holding the incidents this file's rows conflict with."""
    rows = con.execute(
        f"""
SELECT h.holder_id, h.holder_file, count(*) FROM _out f JOIN _v v USING (_k)
JOIN {conflict_holders_sql(src)} h ON h.incident_id = v.incident_id
WHERE f.status = 'quarantined'
  AND len(list_filter(f.errors, x -> x.code IN {STORE_CONFLICTS})) > 0
GROUP BY ALL ORDER BY 1
"""
    ).fetchall()
    return [ConflictHolder(int(r[0]), str(r[1]), int(r[2])) for r in rows]


def _source_row_counts(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> tuple[int, int, int]:
    """(accepted, quarantined, duplicates) of the parsed source rows.

    Without unpivot each staged row is one source row, counted from ``_out`` alone. With
    it, a source row is quarantined if any of its rows is, else accepted if any is, else
    a duplicate, so that read = accepted + quarantined + duplicates holds in source rows.
    """
    if mapping.unpivot is None:
        row = con.execute(
            "SELECT count(*) FILTER (status = 'quarantined'),"
            " count(*) FILTER (status = 'duplicate') FROM _out"
        ).fetchone()
        assert row is not None
        return _scalar(con, f"SELECT count(*) FROM {ACCEPTED}"), int(row[0]), int(row[1])
    row = con.execute(
        "SELECT count(*) FILTER (q), count(*) FILTER (NOT q AND a), "
        "count(*) FILTER (NOT q AND NOT a) FROM ("
        " SELECT v._src, bool_or(coalesce(o.status = 'quarantined', false)) AS q,"
        " bool_or(o.status IS NULL OR o.status = 'accepted') AS a"
        " FROM _v v LEFT JOIN _out o USING (_k) GROUP BY v._src)"
    ).fetchone()
    assert row is not None
    quarantined, accepted, duplicates = (int(c) for c in row)
    return accepted, quarantined, duplicates


def _commit(con: duckdb.DuckDBPyConnection) -> None:
    """COMMIT; the one place the file's outcome becomes durable (and may hit a full disk)."""
    con.execute("COMMIT")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open.

    DuckDB has already rolled back a COMMIT that failed (e.g. the disk filled up while
    writing the log); a second ROLLBACK would raise "no transaction is active" and hide
    the real error.
    """
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("ROLLBACK")


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    for table in _TEMP:
        with contextlib.suppress(duckdb.Error):  # temp tables vanish with the connection
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _keep_order(con: duckdb.DuckDBPyConnection, keep: bool) -> None:
    """Whether DuckDB must keep rows in the order they were read (``preserve_insertion_order``).

    Kept where the order is data: the staging (a staged row's ``rowid`` is its place in
    the file) and the quarantine and issue lists (written in row order). Dropped for the
    steps whose rows carry their place with them (``_k``, ``_row``) or land in tables
    with no order: without it DuckDB need not buffer rows to restore their order, which
    is what lets large statements stream and spill instead of holding everything.
    """
    con.execute(f"SET preserve_insertion_order = {'true' if keep else 'false'}")


@dataclass(frozen=True, slots=True)
class LoadRequest:
    """One file to load and everything the load needs to know about it (held once, not
    passed along as ten keyword arguments)."""

    info: FileInfo
    mapping: Mapping
    source: str
    file_sha256: Callable[[], str]
    """The file's SHA-256 (a future: hashed beside the staging, asked for when needed)."""
    file_warnings: list[tuple[str, str | None, str | None]]
    code_version: str
    step: Callable[[str], None]
    limits: IngestLimits
    replace: bool


def load_file(
    con: duckdb.DuckDBPyConnection,
    info: FileInfo,
    *,
    mapping: Mapping,
    source: str,
    file_sha256: Callable[[], str],
    file_warnings: list[tuple[str, str | None, str | None]],
    code_version: str,
    step: Callable[[str], None] = lambda _: None,
    limits: IngestLimits | None = None,
    replace: bool = False,
) -> LoadOutcome:
    """Stage, validate and load one file in one transaction; returns its reconciliation.

    Running out of memory or disk space refuses the file (``resource_errors``) and
    leaves the store as it was.
    """
    request = LoadRequest(
        info=info, mapping=mapping, source=source, file_sha256=file_sha256,
        file_warnings=file_warnings, code_version=code_version, step=step,
        limits=limits or IngestLimits(), replace=replace,
    )  # fmt: skip
    try:
        return _load(con, request)
    except (duckdb.Error, OSError) as exc:
        refusal = refusal_for(exc, info.path)
        if refusal is None:
            raise
        raise refusal from exc


def _load(con: duckdb.DuckDBPyConnection, request: LoadRequest) -> LoadOutcome:
    started = datetime.now(UTC).replace(tzinfo=None)
    _drop_temp(con)
    row = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    order_before = bool(row[0]) if row else True
    try:
        with scratch_space(con, request.info) as space:
            return _stage_and_load(con, request, started, space)
    finally:  # a setting of the database: other connections to it keep theirs
        with contextlib.suppress(duckdb.Error):
            _keep_order(con, order_before)


def _stage_and_load(
    con: duckdb.DuckDBPyConnection, request: LoadRequest, started: datetime, space: Space
) -> LoadOutcome:
    info, mapping, source = request.info, request.mapping, request.source
    file_sha256, file_warnings = request.file_sha256, request.file_warnings
    code_version, step, limits, replace = (
        request.code_version, request.step, request.limits, request.replace,
    )  # fmt: skip
    step("reading")
    _keep_order(con, True)
    staged = stage_file(
        con,
        info,
        delimiter=mapping.delimiter,
        quote=mapping.quote,
        encoding=mapping.encoding,
        limits=limits,
        space=space,
    )
    source_rows = source_rows_sql(mapping, raw_rows_sql(staged))
    check_date_formats(con, info, mapping, source_rows)
    _keep_order(con, False)
    step("validating")
    layout = LAYOUTS[mapping.target]
    rules = INCIDENT_RULES if mapping.target == "incidents" else JUSTICE_RULES
    needs_tag = any(
        s.generate or (s.if_empty and s.if_empty.generate) for s in mapping.fields.values()
    )
    file_tag = file_sha256()[:12] if needs_tag else ""
    con.execute(
        validated_table_sql(
            mapping=mapping,
            layout=layout,
            rules=rules,
            raw_from=source_rows,
            file_tag=file_tag,
            create=space.create("_v"),
        )
    )
    src = lit(source)
    step("loading")
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = _scalar(con, "SELECT nextval('ingest_id_seq')")
        read = staged.parsed + staged.rejected
        replaced = (
            supersede_source(con, source=source, target=mapping.target, new_ingest_id=ingest_id)
            if replace
            else []
        )
        if _same_file_loaded(con, source, mapping, file_sha256()):
            # The very same file through the same mapping: every row is a duplicate.
            _record_ingest(
                con, ingest_id, source, mapping, info, file_sha256(), started,
                (read, 0, 0, read, 0), {}, code_version,
            )  # fmt: skip
            _commit(con)
            return LoadOutcome(ingest_id, read, 0, 0, read, 0, {}, replaced)
        if mapping.target == "incidents":
            classify_incident_rows(con, source=source, limits=mapping.limits)
            insert_incident_tables(con, src, ingest_id)
        else:
            classify_justice_rows(con, source=source)
            insert_justice_events(con, src, ingest_id)
        con.execute(
            f"""
INSERT INTO row_ledger
SELECT {src}, {lit(mapping.target)}, v.row_key, v.row_hash, {ingest_id}
FROM {ACCEPTED} v
"""
        )
        _keep_order(con, True)
        header = list(info.header)
        raw_json = "to_json({" + ", ".join(f"{lit(h)}: r.{ident(h)}" for h in header) + "})"
        file_name = lit(str(info.path))
        held_by = _conflict_holders(con, src) if mapping.target == "incidents" else []
        holders = conflict_holders_sql(src) if mapping.target == "incidents" else _NO_HOLDERS
        con.execute(quarantine_sql(mapping, ingest_id, src, file_name, raw_json, holders))
        con.execute(
            f"""
INSERT INTO quarantine (ingest_id, source, file, row_number, raw, reasons)
SELECT {ingest_id}, {src}, {file_name}, _row, raw,
  CAST(to_json([{{'code': 'row-malformed', 'field': NULL,
                  'value': error_type || ': ' || error_message}}]) AS VARCHAR)
FROM _rejects ORDER BY _row
"""
        )
        # An incident field's problem repeats on every unpivoted row of its source row:
        # listed once per source row, like any row's problem.
        distinct = "" if mapping.unpivot is None else "DISTINCT"
        con.execute(
            f"""
INSERT INTO ingest_issues
SELECT {distinct} {ingest_id}, _row, p.code, p.severity, p.field, p.value FROM (
  SELECT v._row, unnest(list_concat(
      list_transform(
        CASE WHEN f.status = 'quarantined' THEN f.errors ELSE v.errors END,
        x -> {{'code': x.code, 'severity': 'error', 'field': x.field, 'value': x.value}}),
      list_transform(
        list_concat(v.warnings, coalesce(f.extra_warnings, [])),
        x -> {{'code': x.code, 'severity': 'warning', 'field': x.field, 'value': x.value}})
  )) AS p
  FROM _v v LEFT JOIN _out f USING (_k)
  WHERE coalesce(f.status, 'accepted') <> 'duplicate'
    AND (f._k IS NOT NULL OR len(v.warnings) > 0)
)
UNION ALL SELECT {ingest_id}, _row, 'row-malformed', 'error', NULL, error_type FROM _rejects
"""
        )
        for code, fld, value in file_warnings:
            con.execute(
                "INSERT INTO ingest_issues VALUES (?, NULL, ?, 'warning', ?, ?)",
                [ingest_id, code, fld, value],
            )
        profile = profile_ingest(con, ingest_id=ingest_id, source=source, target=mapping.target)
        accepted, quarantined, duplicates = _source_row_counts(con, mapping)
        quarantined += staged.rejected
        issues = {
            str(code): int(n)
            for code, n in con.execute(
                "SELECT code, count(*) FROM ingest_issues WHERE ingest_id = ? "
                "GROUP BY code ORDER BY code",
                [ingest_id],
            ).fetchall()
        }
        if mapping.unpivot is not None:
            skipped = staged.parsed * mapping.unpivot.width - _scalar(
                con, "SELECT count(*) FROM _v"
            )
            if skipped:
                issues[SKIPPED_ISSUE] = skipped
        n_warnings = _scalar(
            con,
            f"SELECT count(*) FROM ingest_issues WHERE ingest_id = {ingest_id} "
            "AND severity = 'warning'",
        )
        if read != accepted + quarantined + duplicates:  # by construction; never skip the check
            raise StoreError(
                f"{info.path}: reconciliation failed ({read} read, {accepted} accepted, "
                f"{quarantined} quarantined, {duplicates} duplicates); nothing was loaded"
            )
        _record_ingest(
            con, ingest_id, source, mapping, info, file_sha256(), started,
            (read, accepted, quarantined, duplicates, n_warnings), issues, code_version,
        )  # fmt: skip
        _commit(con)
    except BaseException:
        _rollback(con)
        raise
    finally:
        _drop_temp(con)
    return LoadOutcome(
        ingest_id,
        read,
        accepted,
        quarantined,
        duplicates,
        n_warnings,
        issues,
        replaced,
        held_by,
        profile,
    )
