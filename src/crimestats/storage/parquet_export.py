"""``export-parquet``: the store as Parquet, partitioned by source and year, for a cluster.

Why: a store that outgrows one machine (a country's decade) is read where it lies by
Spark executors, which read Parquet folders in parallel and skip partitions a filter
rules out. DuckDB writes the folders (``COPY ... PARTITION_BY``): each event table under
``<out>/<table>/source=<source>/year=<year>/``, the year being the incident's report
year (offences, victims and suspects take their incident's, so one incident's records
share a partition); the justice events by their event's year; the small reference
tables (populations, areas, correspondence) whole. ``crimestats-export.json`` lists the
tables, their row counts and partition columns; :func:`crimestats.storage.spark.parquet_store`
reads the folder in place (``count_table(folder, backend="pyspark")``).

The partition ``year`` is derived, not a store column, and the reader drops it again, so
the tables Spark sees are the store's (without ``fields_hash``, bookkeeping Spark has no
type for). The folder is written beside its target and renamed into place, so a reader
never sees half an export.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from crimestats.errors import UsageError
from crimestats.storage.sql_text import ident, lit
from crimestats.storage.store import open_store, resolve_db_path, schema_version

MANIFEST: Final = "crimestats-export.json"
YEAR: Final = "year"
"""The derived partition column (the incident's report year)."""

_YEAR_OF: Final[dict[str, str]] = {
    "incidents": "year(t.reported_date)",
    "offences": "year(i.reported_date)",
    "victims": "year(i.reported_date)",
    "suspects": "year(i.reported_date)",
    "justice_events": "year(t.event_date)",
}
"""The tables partitioned by source and year, and the year each row goes under."""
WHOLE: Final = ("populations", "areas", "correspondence")
"""Small reference tables, written as one file each."""
INTERNAL: Final = ("fields_hash",)


@dataclass(frozen=True, slots=True)
class ParquetExport:
    """What was written: the folder and each table's rows."""

    folder: Path
    rows: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        """JSON form (``--json``)."""
        return {"folder": str(self.folder), "rows": self.rows}


def export_parquet(
    db: str | os.PathLike[str] | None, out: str | os.PathLike[str], *, force: bool = False
) -> ParquetExport:
    """Write the store into ``out`` as Parquet partitioned by source and year.

    ``out`` must be new or empty; with ``force`` an earlier export there is replaced
    (a folder that is not an export is refused).
    """
    target = Path(out)
    _check_target(target, force=force)
    path = resolve_db_path(db)
    target.absolute().parent.mkdir(parents=True, exist_ok=True)  # as --out of a release
    parent = target.absolute().parent
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=parent))
    try:
        with open_store(path, read_only=True) as con:
            rows: dict[str, int] = {}
            for table, year in _YEAR_OF.items():
                cols = _columns(con, table)
                select = ", ".join(f"t.{ident(c)}" for c in cols)
                join = ("" if table in ("incidents", "justice_events") else
                        " LEFT JOIN incidents i ON t.source = i.source "
                        "AND t.incident_id = i.incident_id")  # fmt: skip
                query = (
                    f"SELECT {select}, CAST({year} AS INTEGER) AS {YEAR} "
                    f"FROM {ident(table)} t{join}"
                )
                con.execute(
                    f"COPY ({query}) TO {lit(str(staging / table))} "
                    f"(FORMAT parquet, PARTITION_BY (source, {YEAR}))"
                )
                rows[table] = _count(con, table)
                if rows[table] == 0:  # no partition folder: a file of no rows gives the schema
                    (staging / table).mkdir(exist_ok=True)
                    con.execute(
                        f"COPY ({query} LIMIT 0) TO "
                        f"{lit(str(staging / table / (table + '.parquet')))} (FORMAT parquet)"
                    )
            for table in WHOLE:
                (staging / table).mkdir()
                names = ", ".join(ident(c) for c in _columns(con, table))
                con.execute(
                    f"COPY (SELECT {names} FROM {ident(table)}) TO "
                    f"{lit(str(staging / table / (table + '.parquet')))} (FORMAT parquet)"
                )
                rows[table] = _count(con, table)
            manifest = {
                "store": str(path),
                "schema_version": schema_version(con),
                "partitioned": {t: ["source", YEAR] for t in _YEAR_OF},
                "derived_columns": [YEAR],
                "rows": rows,
            }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ParquetExport(target, rows)


def _columns(con: object, table: str) -> list[str]:
    described = con.execute(f"DESCRIBE {ident(table)}").fetchall()  # type: ignore[attr-defined]
    return [str(r[0]) for r in described if r[0] not in INTERNAL]


def _count(con: object, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()  # type: ignore[attr-defined]
    return int(row[0]) if row else 0


def _check_target(target: Path, *, force: bool) -> None:
    if not target.exists() or (target.is_dir() and not any(target.iterdir())):
        return
    if not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder", hint="pass a new folder")
    if not (target / MANIFEST).is_file():
        raise UsageError(
            f"{target} is not empty and holds no Parquet export",
            hint="pass a new or empty folder (--force replaces only an earlier export)",
        )
    if not force:
        raise UsageError(
            f"{target} holds an earlier Parquet export",
            hint="pass --force to replace it, or a new folder",
        )
