"""The ``series`` table: published aggregate series (UN-CTS, homicide victims).

One row per published figure: a count or a rate per 100,000 of one cell (dataset,
country, year, indicator, dimension, category, sex, age). ``value_text`` keeps the
number exactly as printed; ``value`` is its double for querying.

The table is created here with ``CREATE TABLE IF NOT EXISTS`` every time the series
functions open the store, so it needs no migration yet. It should become a numbered
migration (4) in ``crimestats.storage.migrations`` once migration 3 has landed.

Loading a file replaces the stored figures with the same cell and unit (whatever file
they came from), in one transaction: loading the same file again changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import duckdb

from crimestats.errors import StoreError
from crimestats.storage.store import open_store, resolve_db_path

SERIES_DDL = """
CREATE TABLE IF NOT EXISTS series (
    dataset    VARCHAR NOT NULL,
    iso3       VARCHAR NOT NULL,
    country    VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    indicator  VARCHAR NOT NULL,
    dimension  VARCHAR NOT NULL,
    category   VARCHAR NOT NULL,
    sex        VARCHAR NOT NULL,
    age        VARCHAR NOT NULL,
    unit       VARCHAR NOT NULL CHECK (unit IN ('count', 'rate')),
    value      DOUBLE  NOT NULL,
    value_text VARCHAR NOT NULL,
    source     VARCHAR,
    file       VARCHAR NOT NULL,
    PRIMARY KEY (dataset, iso3, country, year, indicator, dimension, category, sex, age, unit)
)
"""

_KEY = ("dataset", "iso3", "country", "year", "indicator", "dimension", "category", "sex", "age")
_COLUMNS = (*_KEY, "unit", "value", "value_text", "source", "file")


class _Row(Protocol):
    @property
    def dataset(self) -> str: ...
    @property
    def iso3(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def indicator(self) -> str: ...
    @property
    def dimension(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def age(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def value_text(self) -> str: ...
    @property
    def source(self) -> str | None: ...


StoredRow = tuple[str, str, str, int, str, str, str, str, str, str, str, str | None]
"""dataset, iso3, country, year, indicator, dimension, category, sex, age, unit,
value_text, source: what :func:`read_series_rows` returns, in that order."""


def ensure_series_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``series`` table if the store has none (stands in for migration 4)."""
    con.execute(SERIES_DDL)


def store_series(
    db: str | os.PathLike[str] | None, rows: Sequence[_Row], file: str
) -> dict[str, int]:
    """Insert figures, replacing stored ones with the same cell and unit; one transaction."""
    import pyarrow as pa

    with open_store(db) as con:
        ensure_series_table(con)
        con.execute("BEGIN TRANSACTION")
        try:
            data: dict[str, pa.Array] = {
                name: pa.array([getattr(r, name) for r in rows], pa.string())
                for name in (*_KEY, "unit", "value_text", "source")
                if name != "year"
            }
            data["year"] = pa.array([r.year for r in rows], pa.int32())
            data["value"] = pa.array([r.value for r in rows], pa.float64())
            data["file"] = pa.array([file] * len(rows), pa.string())
            con.register("incoming_series", pa.table(data))
            cols = ", ".join(_COLUMNS)
            con.execute(f"CREATE TEMP TABLE new_series AS SELECT {cols} FROM incoming_series")
            con.unregister("incoming_series")
            match = " AND ".join(f"s.{k} = n.{k}" for k in (*_KEY, "unit"))
            same = f"EXISTS (SELECT 1 FROM new_series n WHERE {match})"
            found = con.execute(f"SELECT count(*) FROM series s WHERE {same}").fetchone()
            replaced = int(found[0]) if found else 0
            con.execute(f"DELETE FROM series s WHERE {same}")
            con.execute(f"INSERT INTO series ({cols}) SELECT {cols} FROM new_series")
            con.execute("DROP TABLE new_series")
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(
                f"storing series from {file} failed: {str(exc).splitlines()[0]}",
                hint="a file must not repeat a cell (same country, year, category, sex, "
                "age and unit); check for duplicated rows",
            ) from exc
    return {"rows": len(rows), "replaced": replaced, "added": len(rows) - replaced}


def read_series_rows(db: str | os.PathLike[str] | None, dataset: str) -> list[StoredRow]:
    """Every stored figure of ``dataset`` (empty when the store or the table has none)."""
    if not resolve_db_path(db).exists():
        return []
    with open_store(db) as con:
        ensure_series_table(con)
        cols = "dataset, iso3, country, year, indicator, dimension, category, sex, age, unit"
        result = con.execute(
            f"SELECT {cols}, value_text, source FROM series WHERE dataset = ? "
            "ORDER BY iso3, country, year, indicator, dimension, category, sex, age, unit",
            [dataset],
        ).fetchall()
    return [
        (str(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4]), str(r[5]), str(r[6]),
         str(r[7]), str(r[8]), str(r[9]), str(r[10]), None if r[11] is None else str(r[11]))
        for r in result
    ]  # fmt: skip


def count_series(db: str | os.PathLike[str] | None) -> dict[str, int]:
    """Figures stored per dataset."""
    if not resolve_db_path(db).exists():
        return {}
    with open_store(db) as con:
        ensure_series_table(con)
        rows = con.execute("SELECT dataset, count(*) FROM series GROUP BY 1 ORDER BY 1").fetchall()
    return {str(d): int(n) for d, n in rows}


__all__ = [
    "SERIES_DDL",
    "StoredRow",
    "count_series",
    "ensure_series_table",
    "read_series_rows",
    "store_series",
]
