"""Reproducing published rates from published counts and a population.

For every cell that has both a count and a rate, the rate is recomputed as

    rate = count / population x 100,000            (UNODC, UN-CTS and GSH definition)

with the population from one source, and compared with the published rate at each
rounding of :data:`crimestats.series.rounding.ROUNDINGS`. Where they differ, the
population the publisher must have used (count x 100,000 / published rate) says why:

``territory-differs``
    the publisher's unit is not the population's (UNODC's "Iraq (Central Iraq)", without
    the Kurdistan Region, against the whole of Iraq);
``population-unrounded``
    the two denominators differ by at most one person: UNODC divides by the unrounded
    WPP figure (often a half person), the population file holds whole persons;
``age-group-split``
    the WPP file's population for 0-9, 10-14, 25-29, 30-44 and 45-59 is an even split of
    a broader WPP group (0-9 = 0-4 + half of 5-14; 25-29 = a fifth of 25-49; ...), not the
    single-year population UNODC sums;
``population-vintage``
    another estimate of the same population (World Bank against UNODC's WPP revision,
    or an older WPP revision): differs by more than a person;
``published-rounded``
    the published rate has fewer digits than the export's 15 (the homicide file's United
    Kingdom rows, recomputed by the file's author and rounded to 6 decimals) and matches
    at its own number of decimals;
``no-population``
    the source has no population for the cell (the World Bank has totals only; WPP
    covers 2019-2023; an implied population needs another pair of the same cell group).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from crimestats.series.readers import PopulationKey
from crimestats.series.records import SeriesRow
from crimestats.series.rounding import (
    ROUNDINGS,
    Rounding,
    implied_population,
    rate_per_100k,
    to_half,
)

DERIVED_AGES = frozenset({"0-9", "10-14", "25-29", "30-44", "45-59"})
"""Age groups the WPP file derives by evenly splitting a broader WPP group."""

SPLIT_TERRITORIES = {"IRQ_C": "Iraq (Central Iraq) excludes the Kurdistan Region"}

WITHIN = Decimal("0.005")
"""The 'close' threshold the brief asks about: within 0.5% of the published rate."""


@dataclass(frozen=True, slots=True)
class Pair:
    """A cell with its published count and rate."""

    row: SeriesRow
    count: Decimal
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Comparison:
    """One recomputed rate beside the published one."""

    pair: Pair
    population: Decimal | None
    computed: Decimal | None
    matches: tuple[bool, ...]
    """One flag per rounding of ``ROUNDINGS`` (all False without a population)."""
    reason: str | None
    """Why it does not match at 15 significant digits (None when it does)."""

    @property
    def relative_difference(self) -> float | None:
        """|computed - published| / published (None without a population or at zero)."""
        if self.computed is None or self.pair.rate.is_zero():
            return None
        return float(abs(self.computed - self.pair.rate) / self.pair.rate)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly view for reports."""
        r = self.pair.row
        return {
            "iso3": r.iso3, "country": r.country, "year": r.year, "indicator": r.indicator,
            "category": r.category, "sex": r.sex, "age": r.age, "count": str(self.pair.count),
            "published_rate": str(self.pair.rate),
            "population": None if self.population is None else str(self.population),
            "computed_rate": None if self.computed is None else f"{self.computed:.15g}",
            "relative_difference": self.relative_difference, "reason": self.reason,
        }  # fmt: skip


@dataclass(frozen=True)
class Reproduction:
    """Every comparison of one dataset against one population source, and a summary."""

    kind: str
    population: str
    comparisons: list[Comparison] = field(repr=False)

    def summary(self, *, worst: int = 10, group_by: str | None = None) -> dict[str, Any]:
        """Counts of exact matches per rounding, closeness, reasons and the worst cases.

        ``worst`` lists the largest relative difference of each country, largest first.
        """
        rows = self.comparisons
        have = [c for c in rows if c.computed is not None]
        rel = [d for c in have if (d := c.relative_difference) is not None]
        out: dict[str, Any] = {
            "kind": self.kind,
            "population": self.population,
            "pairs": len(rows),
            "with_population": len(have),
            "zero_pairs": sum(1 for c in have if c.pair.rate.is_zero() and c.pair.count.is_zero()),
            "matched": {
                r.name: sum(1 for c in have if c.matches[i]) for i, r in enumerate(ROUNDINGS)
            },
            "within_0_5_percent": sum(1 for d in rel if d <= float(WITHIN)),
            "nonzero_compared": len(rel),
            "share_within_0_5_percent": (
                sum(1 for d in rel if d <= float(WITHIN)) / len(rel) if rel else None
            ),
            "median_abs_relative_difference": statistics.median(rel) if rel else None,
            "unmatched_reasons": {
                r.name: dict(Counter(c.reason or "?" for c in rows if not c.matches[i]))
                for i, r in enumerate(ROUNDINGS)
                if i in (0, len(ROUNDINGS) - 1)
            },
        }
        if group_by:
            groups: dict[str, list[Comparison]] = defaultdict(list)
            for c in have:
                groups[str(getattr(c.pair.row, group_by))].append(c)
            out["by_" + group_by] = {
                key: {
                    "pairs": len(members),
                    "matched": {
                        r.name: sum(1 for c in members if c.matches[i])
                        for i, r in enumerate(ROUNDINGS)
                    },
                }
                for key, members in sorted(groups.items())
            }
        ranked = sorted(
            (c for c in have if c.relative_difference is not None),
            key=lambda c: -(c.relative_difference or 0.0),
        )
        seen: set[str] = set()
        first_per_country = []
        for c in ranked:  # one row per country, so one country cannot fill the list
            if c.pair.row.iso3 not in seen:
                seen.add(c.pair.row.iso3)
                first_per_country.append(c)
        out["worst"] = [c.as_dict() for c in first_per_country[:worst]]
        return out


def pairs(rows: Iterable[SeriesRow]) -> list[Pair]:
    """Match each cell's count with its rate (cells with only one of them are skipped)."""
    counts: dict[tuple[Any, ...], SeriesRow] = {}
    rates: dict[tuple[Any, ...], SeriesRow] = {}
    for row in rows:
        (counts if row.unit == "count" else rates)[row.cell] = row
    return [
        Pair(row=c, count=Decimal(c.value_text), rate=Decimal(rates[cell].value_text))
        for cell, c in counts.items()
        if cell in rates
    ]


def _group(pair: Pair) -> tuple[str, str, int, str, str]:
    r = pair.row
    return (r.dataset, r.iso3, r.year, r.sex, r.age)


def implied_populations(all_pairs: list[Pair]) -> dict[int, Decimal]:
    """Leave-one-out implied population for each pair (by its index in ``all_pairs``).

    UNODC divides every indicator of a country, year and sex by one population, so the
    *other* pairs of the same group imply the denominator of this one: their median,
    rounded to the nearest half person (99.96% of UN-CTS implied populations are whole
    or half persons). A pair alone in its group gets none: using its own rate would be
    circular.
    """
    by_group: dict[tuple[str, str, int, str, str], list[tuple[int, Decimal]]] = defaultdict(list)
    for i, p in enumerate(all_pairs):
        if not p.rate.is_zero() and not p.count.is_zero():
            by_group[_group(p)].append((i, implied_population(p.count, p.rate)))
    out: dict[int, Decimal] = {}
    for i, p in enumerate(all_pairs):
        members = by_group.get(_group(p), [])
        others = [v for j, v in members if j != i]
        if others:
            out[i] = to_half(statistics.median(others))
    return out


def _matches_own_decimals(published: Decimal, computed: Decimal) -> bool:
    """True when ``published`` is shorter than 15 digits and ``computed`` prints as it."""
    exponent = published.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= 0 or len(published.as_tuple().digits) >= 15:
        return False
    return Rounding("own", decimals=-exponent).same(published, computed)


def _reason(
    pair: Pair, population: Decimal | None, source: str, computed: Decimal | None = None
) -> str:
    row = pair.row
    if population is None:
        return "no-population"
    if row.iso3 in SPLIT_TERRITORIES:
        return "territory-differs"
    if computed is not None and _matches_own_decimals(pair.rate, computed):
        return "published-rounded"
    if source == "wpp" and row.age in DERIVED_AGES:
        return "age-group-split"
    if pair.rate.is_zero() or pair.count.is_zero():
        return "population-vintage"
    used = implied_population(pair.count, pair.rate)
    if abs(used - population) <= 1:
        return "population-unrounded"
    return "population-vintage"


def population_for(
    row: SeriesRow, source: str, table: Mapping[PopulationKey, Decimal]
) -> Decimal | None:
    """The denominator of a cell from the World Bank (by ISO3) or WPP (by country name)."""
    if source == "worldbank":
        if row.sex != "Total" or row.age != "Total":
            return None
        return table.get((row.iso3, row.year, "Total", "Total"))
    return table.get((row.country, row.year, row.sex, row.age))


def reproduce(
    rows: Iterable[SeriesRow],
    *,
    kind: str,
    population: str,
    table: Mapping[PopulationKey, Decimal] | None = None,
) -> Reproduction:
    """Recompute every published rate of ``rows`` and compare it with the published one.

    ``population`` is ``worldbank`` or ``wpp`` (with ``table`` from
    :func:`~crimestats.series.readers.read_worldbank` / ``read_wpp``) or ``implied``.
    """
    all_pairs = pairs(rows)
    implied = implied_populations(all_pairs) if population == "implied" else {}
    comparisons: list[Comparison] = []
    for i, p in enumerate(all_pairs):
        if population == "implied":
            pop = implied.get(i)
        else:
            pop = population_for(p.row, population, table or {})
        if pop is None or pop <= 0:
            comparisons.append(
                Comparison(p, None, None, (False,) * len(ROUNDINGS), "no-population")
            )
            continue
        computed = rate_per_100k(p.count, pop)
        matches = tuple(r.same(p.rate, computed) for r in ROUNDINGS)
        reason = None if matches[0] else _reason(p, pop, population, computed)
        comparisons.append(Comparison(p, pop, computed, matches, reason))
    return Reproduction(kind=kind, population=population, comparisons=comparisons)


__all__ = [
    "DERIVED_AGES",
    "Comparison",
    "Pair",
    "Reproduction",
    "implied_populations",
    "pairs",
    "population_for",
    "reproduce",
]
