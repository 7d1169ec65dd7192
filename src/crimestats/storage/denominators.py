"""Writing denominators: populations and areas (for rates and maps).

Each file is loaded in one transaction. A row replaces any stored row with the same key
(area, year, sex, age group for populations; area code for areas), whatever its
source, so the rate join always finds at most one denominator per cell and loading a
corrected file again simply updates it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import duckdb

from crimestats.errors import StoreError
from crimestats.storage.store import open_store


class _Population(Protocol):
    @property
    def area_code(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def sex(self) -> str | None: ...
    @property
    def age_group(self) -> str | None: ...
    @property
    def population(self) -> float: ...


class _Area(Protocol):
    @property
    def area_code(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def level(self) -> str: ...
    @property
    def parent_code(self) -> str | None: ...
    @property
    def geometry(self) -> str | None: ...


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def store_populations(
    db: str | os.PathLike[str] | None, rows: Sequence[_Population], source: str | None
) -> dict[str, int]:
    """Insert populations, replacing stored rows with the same key; returns the counts."""
    import pyarrow as pa

    with open_store(db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            incoming = pa.table(
                {
                    "area_code": pa.array([r.area_code for r in rows], pa.string()),
                    "year": pa.array([r.year for r in rows], pa.int32()),
                    "sex": pa.array([r.sex for r in rows], pa.string()),
                    "age_group": pa.array([r.age_group for r in rows], pa.string()),
                    "population": pa.array([r.population for r in rows], pa.float64()),
                    "source": pa.array([source] * len(rows), pa.string()),
                }
            )
            con.register("incoming_populations", incoming)
            con.execute("CREATE TEMP TABLE new_pop AS SELECT * FROM incoming_populations")
            con.unregister("incoming_populations")
            match = (
                "p.area_code = n.area_code AND p.year = n.year AND p.sex IS NOT DISTINCT FROM "
                "n.sex AND p.age_group IS NOT DISTINCT FROM n.age_group"
            )
            same = f"EXISTS (SELECT 1 FROM new_pop n WHERE {match})"
            replaced = _count(con, f"SELECT count(*) FROM populations p WHERE {same}")
            con.execute(f"DELETE FROM populations p WHERE {same}")
            con.execute(
                "INSERT INTO populations (area_code, year, sex, age_group, population, source) "
                "SELECT * FROM new_pop"
            )
            con.execute("DROP TABLE new_pop")
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"storing populations failed: {exc}") from exc
    return {"rows": len(rows), "replaced": replaced, "added": len(rows) - replaced}


def store_areas(db: str | os.PathLike[str] | None, rows: Sequence[_Area]) -> dict[str, int]:
    """Insert areas, replacing stored areas with the same code; returns the counts."""
    import pyarrow as pa

    with open_store(db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            incoming = pa.table(
                {
                    name: pa.array([getattr(r, name) for r in rows], pa.string())
                    for name in ("area_code", "name", "level", "parent_code", "geometry")
                }
            )
            con.register("incoming_areas", incoming)
            con.execute("CREATE TEMP TABLE new_areas AS SELECT * FROM incoming_areas")
            con.unregister("incoming_areas")
            replaced = _count(
                con,
                "SELECT count(*) FROM areas WHERE area_code IN (SELECT area_code FROM new_areas)",
            )
            con.execute("DELETE FROM areas WHERE area_code IN (SELECT area_code FROM new_areas)")
            con.execute("INSERT INTO areas SELECT * FROM new_areas")
            con.execute("DROP TABLE new_areas")
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"storing areas failed: {exc}") from exc
    return {"rows": len(rows), "replaced": replaced, "added": len(rows) - replaced}
