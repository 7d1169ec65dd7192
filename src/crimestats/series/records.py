"""What an aggregate series row is: one published figure for a country, year and cell.

International series (UNODC's UN-CTS exports, the homicide victims series) are already
aggregated: a count or a rate per 100,000 for a country, a year, an indicator/category
and a sex and age cell. They are not events, so they live in their own store table
(``series``) beside the event tables rather than in ``incidents``.

Values keep the exact text the publisher printed (``value_text``): reproducing a rate
"exactly at the published rounding" needs the published digits, not a binary float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

KINDS = ("cts", "homicide-wpp")
"""Layouts ``crimestats series load`` reads (also the ``dataset`` the rows are stored as)."""

POPULATION_SOURCES = ("worldbank", "wpp", "implied")
"""Denominators ``crimestats series reproduce`` can use.

``worldbank`` World Bank SP.POP.TOTL (total population by ISO3 and year); ``wpp`` UN
World Population Prospects by country name, year, sex and age group (2019-2023);
``implied`` the population the file itself implies (count x 100,000 / rate) from the
*other* count/rate pairs of the same country, year, sex and age.
"""

UNITS = ("count", "rate")

PER = Decimal(100_000)
"""Rates are per 100,000 population (UN-CTS, Global Study on Homicide)."""


@dataclass(frozen=True, slots=True)
class SeriesRow:
    """One published figure of an aggregate series.

    ``unit`` is ``count`` or ``rate`` (per 100,000 population); ``value_text`` is the
    number exactly as published (``value`` is its float, for querying).
    """

    dataset: str
    iso3: str
    country: str
    year: int
    indicator: str
    dimension: str
    category: str
    sex: str
    age: str
    unit: str
    value_text: str
    source: str | None

    @property
    def value(self) -> float:
        """The published value as a float (exact digits stay in ``value_text``)."""
        return float(self.value_text)

    @property
    def cell(self) -> tuple[str, str, str, int, str, str, str, str, str]:
        """The cell this figure belongs to: everything but the unit and the value."""
        return (
            self.dataset, self.iso3, self.country, self.year, self.indicator,
            self.dimension, self.category, self.sex, self.age,
        )  # fmt: skip


__all__ = ["KINDS", "PER", "POPULATION_SOURCES", "UNITS", "SeriesRow"]
