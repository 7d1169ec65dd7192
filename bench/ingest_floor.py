"""The ingest floor: the least work any ingest of the workload into the store must do.

Issue 19 asks ``crimestats ingest`` for at least half of ``read_csv``'s rate. Earlier
sessions estimated that no reshaping of the load reaches it; this module measures the
floor instead of estimating it, as phases of ``bench_ingest.py`` (same file, same run,
same memory cap, each phase in its own process on a fresh store):

``ingest floor: parse + store``
    One parse of the file as the ingest parses it (``staging._read_csv_sql``: every
    column as text, the reject store on), the ingest's own mapping and typing expressions
    (``row_checks.validated_table_sql`` with *no rules*: trim, enumerations, dates,
    numbers, the record hashes the store keeps), materialised once (in the scratch
    database where the ingest would put ``_v``), then the store's four event tables
    written by the ingest's own statements (``event_writes.insert_incident_tables``: the
    first row of each key, in one transaction) into an empty real store
    (``open_store``: the migrations). No row rules, no raw text, no group checks, no
    ledger, no quarantine. The only rows left out are those the store's ``NOT NULL``
    columns refuse (a blank incident id or a reported date that is not a date, the
    catalogue's ``required`` fields, typed): without that the inserts fail.

``ingest floor: parse + row checks + store``
    The same with every row rule of the catalogue computed in the same pass (the whole
    ``_v`` expression: problem lists, row key and hash), the file's order kept so that
    each row knows its row number (what a load needs to read a quarantined row's text
    back from the file), and the rows with an error kept out of the event tables.
    This is the floor of the reshaped load sessions proposed (parse once straight into
    checked rows, no ``_raw``), before its group checks, ledger and quarantine.

Everything is the project's own SQL; nothing about the schema or the columns is
restated here (``tests/bench/test_ingest_floor.py`` checks the row counts).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phase_records import BASELINE, EVENT_TABLES, INGEST, FloorFigures, PhaseResult, StoreCounts

FLOOR_SOURCE = "bench"
FLOOR_INGEST_ID = 1
PARSE_STORE = "ingest floor: parse + store"
PARSE_CHECK_STORE = "ingest floor: parse + row checks + store"
PARSE_STORE_TEMP = "ingest floor: parse + store, staged in memory"


@dataclass(frozen=True, slots=True)
class FloorKind:
    """What one floor phase does beyond parsing and storing."""

    name: str
    """The phase's name in the benchmark's table and JSON."""
    row_checks: bool
    """Compute every row rule in the parse and keep rows in error out of the store."""
    in_memory: bool = False
    """Stage the typed rows in a temporary table even where the ingest would use its
    compressed scratch database (``staging.SCRATCH_FROM_BYTES``): what that bound on the
    disk costs the floor. Spills uncompressed under the cap, so not for 50M rows."""


KINDS = {
    kind.name: kind
    for kind in (
        FloorKind(PARSE_STORE, row_checks=False),
        FloorKind(PARSE_CHECK_STORE, row_checks=True),
        FloorKind(PARSE_STORE_TEMP, row_checks=False, in_memory=True),
    )
}
OPTIONAL = frozenset({PARSE_STORE_TEMP})
"""Floors timed only when asked for (``bench_ingest.py --only``), not by ``make bench``."""


def _required_typed(layout: tuple[Any, ...], rules: tuple[Any, ...]) -> list[str]:
    """The typed columns of the catalogue's ``required`` fields (the store's NOT NULLs)."""
    from crimestats.storage.rule_sql import typed_column
    from crimestats.storage.sql_text import ident

    by_name = {f.name: f for f in layout}
    names = []
    for rule in rules:
        if rule.check.kind == "required" and rule.field in by_name:
            twin = typed_column(by_name[rule.field])
            names.append(ident(twin[0] if twin else rule.field))
    return names


def floor_load(path: Path, db: Path, kind: FloorKind) -> PhaseResult:
    """Load ``path`` into a fresh store at ``db`` doing only the floor's work; its figures."""
    from crimestats.domain.flat_layout import LAYOUTS
    from crimestats.ingest.file_inspect import inspect_file
    from crimestats.ingest.limits import IngestLimits
    from crimestats.ingest.mapping import identity_mapping
    from crimestats.storage.event_writes import insert_incident_tables
    from crimestats.storage.mapping_sql import source_rows_sql
    from crimestats.storage.row_checks import validated_table_sql
    from crimestats.storage.sql_text import lit
    from crimestats.storage.staging import TEMP, _read_csv_sql, literal_path, scratch_space
    from crimestats.storage.store import bound_ingest_memory, open_store
    from crimestats.validation.catalogue import INCIDENT_RULES

    t0 = time.perf_counter()
    steps: dict[str, float] = {}
    limits = IngestLimits()
    layout = LAYOUTS["incidents"]
    with open_store(db) as con, bound_ingest_memory(con, max_line_bytes=limits.max_line_bytes):
        probe = identity_mapping([], "incidents")
        info = inspect_file(
            path, declared_format=None, delimiter=probe.delimiter, encoding=probe.encoding,
            limits=limits,
        )  # fmt: skip
        mapping = identity_mapping(list(info.header), "incidents")
        staging = nullcontext(TEMP) if kind.in_memory else scratch_space(con, info)
        with staging as space, literal_path(info.path) as source:
            parse = _read_csv_sql(
                info, source, mapping.delimiter, mapping.quote, mapping.encoding,
                limits.max_line_bytes + 2,
            )  # fmt: skip
            # _k, _row: the table's rowid once materialised (the parse is not numbered)
            raw_from = f"(SELECT NULL::BIGINT AS _k, NULL::BIGINT AS _row, * FROM {parse}) r"
            con.execute(
                validated_table_sql(
                    mapping=mapping,
                    layout=layout,
                    rules=INCIDENT_RULES if kind.row_checks else (),
                    raw_from=source_rows_sql(mapping, raw_from),
                    file_tag="",
                    create="CREATE TEMP VIEW _floor_rows",
                )
            )
            if kind.row_checks:
                keep, where = "* EXCLUDE (_k, _row, _src)", ""
            else:  # no ledger, no group checks: the problem lists, key and hash unused
                keep = "* EXCLUDE (_k, _row, _src, errors, warnings, row_key, row_hash)"
                where = "WHERE " + " AND ".join(
                    f"{c} IS NOT NULL" for c in _required_typed(layout, INCIDENT_RULES)
                )
            # The file's order is kept only where a row's number is needed (see above).
            order = "true" if kind.row_checks else "false"
            con.execute(f"SET preserve_insertion_order = {order}")
            t, c = time.perf_counter(), time.process_time()
            con.execute(f"{space.create('_f')} AS SELECT {keep} FROM _floor_rows {where}")
            steps["parse"] = time.perf_counter() - t
            steps["parse CPU"] = time.process_time() - c
            con.execute("SET preserve_insertion_order = false")
            con.execute("CREATE TEMP VIEW _v AS SELECT rowid AS _k, rowid + 1 AS _row, * FROM _f")
            t, c = time.perf_counter(), time.process_time()
            con.execute("BEGIN TRANSACTION")
            if kind.row_checks:
                con.execute(
                    "CREATE TEMP TABLE _out AS SELECT _k, 'quarantined' AS status "
                    "FROM _v WHERE len(errors) > 0"
                )
            else:
                con.execute("CREATE TEMP TABLE _out (_k BIGINT, status VARCHAR)")
            insert_incident_tables(con, lit(FLOOR_SOURCE), FLOOR_INGEST_ID)
            con.execute("COMMIT")
            steps["store"] = time.perf_counter() - t
            steps["store CPU"] = time.process_time() - c
            for name in ("VIEW _v", "VIEW _floor_rows", "TABLE _out", "TABLE _f"):
                con.execute(f"DROP {name}")
    seconds = time.perf_counter() - t0  # the store closed (checkpointed) included
    return PhaseResult(
        kind.name,
        seconds=seconds,
        steps={k: round(v, 2) for k, v in steps.items()},
        stored=store_counts(db),
    )


def store_counts(db: Path) -> StoreCounts:
    """Rows in each event table of the store at ``db``."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return StoreCounts(
            *(
                int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                for t in EVENT_TABLES
            )
        )
    finally:
        con.close()


def phase(kind: FloorKind) -> Callable[[Path, Path], PhaseResult]:
    """The phase function ``bench_ingest`` runs in a child process for the floor ``kind``."""

    def run(path: Path, db: Path) -> PhaseResult:
        return floor_load(path, db, kind)

    return run


PHASES = {name: phase(kind) for name, kind in KINDS.items()}


def report(timed: Mapping[str, PhaseResult], target: float) -> dict[str, FloorFigures]:
    """Print each floor beside ``read_csv`` and return the figures for the JSON.

    A floor's ratio (its rate over ``read_csv``'s) is the most that any ingest doing at
    least that work can reach in this run: below ``target`` it proves the target out of
    reach for that design; above, the gap to the target is the room left for the
    validation, the group checks, the ledger and the quarantine.
    """
    base = timed.get(BASELINE)
    ingest = timed.get(INGEST)
    out: dict[str, FloorFigures] = {}
    for name in KINDS:
        floor = timed.get(name)
        if floor is None or not floor.seconds or base is None or not base.seconds:
            continue
        ratio = round(base.seconds / floor.seconds, 3)
        room = base.seconds / target - floor.seconds
        stored = floor.stored.to_json() if floor.stored else {}
        counts = ", ".join(f"{t} {n:,}" for t, n in stored.items())
        print(
            f"ratio {name.removeprefix('ingest floor: ')} (floor) / read_csv: {ratio}  "
            f"(target >= {target}: {'reachable' if ratio >= target else 'OUT OF REACH'}; "
            f"{room:+.1f} s left for everything else at the target's pace)"
        )
        cpu = None
        if floor.usage and floor.usage.cpu_s and base.usage and base.usage.cpu_s:
            cpu = round(base.usage.cpu_s / floor.usage.cpu_s, 3)
            print(f"  by CPU seconds (steadier on a shared machine): {cpu}")
        steps = None if floor.steps is None else dict(floor.steps)
        print(f"  steps {steps}; stored: {counts}")
        share = None
        if ingest is not None and ingest.seconds:
            share = round(floor.seconds / ingest.seconds, 3)
            print(f"  the floor is {share:.0%} of the ingest's {ingest.seconds} s")
        out[name] = FloorFigures(ratio, cpu, round(room, 2), share)
    return out
