"""Denominators of an area level: the store's populations rolled up the area tree.

The roll-up itself (and why it never sums a partial set of children) is in
:mod:`crimestats.stats.hierarchy`; this module reads the population cells a table
needs from the backend, hands the result back to it as an Ibis memtable, and explains
the rows left without a rate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crimestats.stats.area_level import AreaLevel
from crimestats.stats.hierarchy import RolledPopulations, roll_up_populations
from crimestats.stats.rates import YEAR_COLUMN


def rolled_populations(
    con: Any, level: AreaLevel, by: list[str], population_year: int | None
) -> RolledPopulations:
    """The populations of ``level``'s areas, for the cells (sex, age group) ``by`` needs."""
    pop = con.table("populations")
    by_sex = "victim_sex" in by
    by_age = "victim_age_group" in by
    pop = pop.filter(pop.sex.notnull() if by_sex else pop.sex.isnull())
    pop = pop.filter(pop.age_group.notnull() if by_age else pop.age_group.isnull())
    if population_year is not None:
        pop = pop.filter(pop.year == population_year)
    cols = pop.select("area_code", "year", "sex", "age_group", "population").to_pyarrow()
    rows = zip(*(cols.column(i).to_pylist() for i in range(5)), strict=True)
    return roll_up_populations(level.tree, level.level, rows)


def populations_memtable(rolled: RolledPopulations) -> Any:
    """The rolled-up denominators as a table shaped like the store's ``populations``."""
    import ibis
    import pyarrow as pa

    columns: list[tuple[Any, ...]] = list(zip(*rolled.rows, strict=True)) or [()] * 5
    return ibis.memtable(
        pa.table(
            {
                "area_code": pa.array(columns[0], pa.string()),
                "year": pa.array(columns[1], pa.int32()),
                "sex": pa.array(columns[2], pa.string()),
                "age_group": pa.array(columns[3], pa.string()),
                "population": pa.array(columns[4], pa.float64()),
            }
        )
    )


def rolled_reason(
    rolled: RolledPopulations, level: str, by: list[str], population_year: int | None
) -> Callable[[dict[str, Any]], str | None]:
    """``explain(row)``: why a row of an area-level table has no population."""

    def explain(row: dict[str, Any]) -> str | None:
        if row.get("area") is None:
            return (
                f"no area at level {level!r} (recorded area outside the tree or coarser, "
                "or no area code and coordinates in no area; see metadata.area_hierarchy)"
            )
        year = population_year if population_year is not None else row.get(YEAR_COLUMN)
        if year is None:
            return None
        if int(year) not in rolled.years:
            return (
                f"no population for year {year} in any area (pick a census year with "
                "--population-year, and say so)"
            )
        sex = row.get("victim_sex") if "victim_sex" in by else None
        age = row.get("victim_age_group") if "victim_age_group" in by else None
        return rolled.reasons.get((str(row["area"]), (int(year), sex, age)))

    return explain
