"""Rates per 100,000 of store series, period by period (``trends --rate``).

The rule is that of ``stats --rate`` (:mod:`crimestats.stats.rates`): rate = count /
population × 100,000, the population of the series' area in the year of the period (a
week's year is that of its Monday), the total population (the ``populations`` row whose
sex and age group are blank). Where no population exists, or it is 0, the rate is None,
never 0. A series needs ``area`` among its group fields; breakdowns by victim sex or age
group (sex- and age-specific denominators) are not offered for series yet.

The methods run on the counts, not on the rates: the tests of the changes are tests of
counts, and a population moves by a percent or two a year, far less than the changes they
test. The rates are reported beside the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crimestats.errors import UsageError
from crimestats.stats.rates import PER
from crimestats.watch.series import CountSeries


@dataclass(frozen=True, slots=True)
class SeriesRates:
    """Per period of a series: the population and the rate (None: no denominator)."""

    population: tuple[float | None, ...]
    rate_per_100k: tuple[float | None, ...]
    periods_without_rate: int


def check_rate_fields(by: Sequence[str]) -> None:
    """Refuse ``--rate`` where no series could have a rate, before any counting."""
    fields = [f.strip() for item in by for f in item.split(",") if f.strip()]
    if "area" not in fields:
        raise UsageError(
            "--rate needs 'area' in --by (populations are per area)",
            hint="add area to --by, e.g. --by area --rate",
        )
    specific = [f for f in fields if f in ("victim_sex", "victim_age_group")]
    if specific:
        raise UsageError(
            f"--rate with {', '.join(specific)} is not offered for trends",
            hint="use crimestats stats --by area,year,victim_sex --rate for those rates",
        )


def _populations(con: Any) -> dict[tuple[str, int], float]:
    pop = con.table("populations")
    pop = pop.filter(pop.sex.isnull() & pop.age_group.isnull())
    rows = pop.select("area_code", "year", "population").to_pyarrow().to_pylist()
    return {(r["area_code"], int(r["year"])): float(r["population"]) for r in rows}


def series_rates(con: Any, series: Sequence[CountSeries]) -> tuple[SeriesRates, ...]:
    """The rates of every series (each grouped by ``area``), on an open Ibis backend."""
    populations = _populations(con)
    out = []
    for s in series:
        area = dict(s.group).get("area")
        pops = tuple(
            None if area is None else populations.get((str(area), start.year)) for start in s.starts
        )
        rates = tuple(
            None if p is None or p <= 0 else c / p * PER
            for c, p in zip(s.counts, pops, strict=True)
        )
        out.append(SeriesRates(pops, rates, sum(1 for r in rates if r is None)))
    return tuple(out)
