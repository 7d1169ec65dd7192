"""Rates per 100,000 population, and why a rate is missing where it is.

rate_per_100k = count / population x 100,000, the UNODC convention for crime and
victimisation rates (UN-CTS; SDG indicator 16.1.1, "number of victims of intentional
homicide per 100,000 population"). The denominator is the population of the row's area
in the row's year (the year of its quarter or month), and of the victim's sex and age
group when the table is broken down by them (SDG 16.1.1 is disaggregated by sex and age
with sex- and age-specific populations).

Where no denominator exists the rate is NULL, never 0: a zero rate claims there was no
crime, a NULL says the rate cannot be computed. The metadata counts the rows without a
rate by reason. Populations come from ``crimestats ingest-population`` (table
``populations``); a total population is the row whose ``sex`` and ``age_group`` are
blank.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, Final, NotRequired, TypedDict

from crimestats.stats.fields import period_fields

PER: Final[float] = 100_000.0
PERIOD_FIELDS: Final[tuple[str, ...]] = period_fields()
FORMULA: Final[str] = "rate_per_100k = count / population * 100000"
"""The rate's formula as every table's (and trend's) metadata writes it."""
YEAR_COLUMN: Final[str] = "_rate_year"
"""A hidden grouping column: the year of the row's period, for the denominator."""


def rate_blockers(by: list[str]) -> str | None:
    """Why no row of a table by ``by`` can have a rate (None when some can)."""
    if "area" not in by:
        return "the table has no area: rates need 'area' in --by (populations are per area)"
    if not any(p in by for p in PERIOD_FIELDS):
        return "the table has no period: rates need 'year', 'quarter' or 'month' in --by"
    return None


def add_rates(
    con: Any,
    counts: Any,
    by: list[str],
    populations: Any = None,
    population_year: int | None = None,
) -> Any:
    """Left-join the denominator to ``counts`` and add ``population`` and ``rate_per_100k``.

    ``counts`` must carry :data:`YEAR_COLUMN` (the year of its period). Rows with no
    matching population, or a population of 0, get NULL in both columns' rate.
    ``populations`` replaces the store's table (the rolled-up denominators of an area
    level); ``population_year`` matches every row to that year's population instead of
    its own (e.g. a census year), and the metadata says so.
    """
    import ibis

    pop = con.table("populations") if populations is None else populations
    by_sex = "victim_sex" in by
    by_age = "victim_age_group" in by
    pop = pop.filter(pop.sex.notnull() if by_sex else pop.sex.isnull())
    pop = pop.filter(pop.age_group.notnull() if by_age else pop.age_group.isnull())
    pop = pop.select(
        p_area=pop.area_code,
        p_year=pop.year,
        p_sex=pop.sex,
        p_age=pop.age_group,
        population=pop.population,
    )
    year = counts[YEAR_COLUMN] if population_year is None else ibis.literal(population_year)
    cond = [counts.area == pop.p_area, year == pop.p_year]
    if by_sex:
        cond.append(counts.victim_sex == pop.p_sex)
    if by_age:
        cond.append(counts.victim_age_group == pop.p_age)
    joined = counts.left_join(pop, cond).drop("p_area", "p_year", "p_sex", "p_age")
    rate = ibis.ifelse(
        joined.population > 0, joined["count"] / joined.population * PER, ibis.null("float64")
    )
    return joined.mutate(rate_per_100k=rate)


class RateNote(TypedDict):
    """The ``rate`` part of a statistics table's metadata: what a rate is, and which rows
    have none and why (``denominator_basis``: with ``--area-level``, rows per basis)."""

    per: int
    formula: str
    denominator: str
    rows_without_rate: int
    reasons: dict[str, int]
    denominator_basis: NotRequired[dict[str, int]]


def missing_rate_reasons(
    rows: list[dict[str, Any]],
    by: list[str],
    explain: Callable[[dict[str, Any]], str | None] | None = None,
) -> dict[str, int]:
    """Rows without a rate, counted by reason (the result table is small: done in Python).

    ``explain(row)`` gives the reason of a row without a population when the generic one
    is not enough (an area level's incomplete roll-up).
    """
    reasons: Counter[str] = Counter()
    blocker = rate_blockers(by)
    for row in rows:
        if row.get("rate_per_100k") is not None:
            continue
        if blocker:
            reasons[blocker] += 1
        elif row.get("area") is None:
            reasons[(explain(row) if explain else None) or "area unknown (blank area code)"] += 1
        elif row.get(YEAR_COLUMN) is None and all(row.get(p) is None for p in PERIOD_FIELDS):
            reasons["period unknown (no date on the period basis)"] += 1
        elif ("victim_sex" in by or "victim_age_group" in by) and (
            row.get("victim_sex") is None and row.get("victim_age_group") is None
        ):
            reasons["no victim recorded, so no sex- or age-specific population"] += 1
        elif row.get("population") is not None:
            reasons["population is 0"] += 1
        else:
            reasons[(explain(row) if explain else None) or _no_population(by)] += 1
    return dict(sorted(reasons.items()))


def denominator_parts(by: list[str]) -> str:
    """What a rate's population is matched on: area and year, and sex / age group if asked."""
    parts = ["area", "year"]
    if "victim_sex" in by:
        parts.append("sex")
    if "victim_age_group" in by:
        parts.append("age group")
    return ", ".join(parts)


def _no_population(by: list[str]) -> str:
    return f"no population for this {denominator_parts(by)} (crimestats ingest-population)"


def denominator_text(fields: list[str], area_level: str | None, population_year: int | None) -> str:
    """The metadata's plain words for a rate table's denominator."""
    text = f"population of the row's {denominator_parts(fields)} (table populations)"
    if population_year is not None:
        text += f"; the year is {population_year} for every row (--population-year)"
    if area_level is not None:
        text += (
            f"; areas at level {area_level!r}: the sum of the child areas' populations when "
            "every child has one, else the area's own population, else no rate"
        )
    return text
