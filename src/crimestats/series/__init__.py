"""International aggregate series: load UNODC exports, reproduce their published rates.

UN-CTS exports and the UNODC homicide-victims series publish a count and a rate per
100,000 for each country, year and cell. This package reads them
(:mod:`~crimestats.series.readers`), stores them in the ``series`` table
(:mod:`crimestats.storage.series_store`) and recomputes every rate from the count and
a population source to show how exactly it is reproduced, and why not where it is not
(:mod:`~crimestats.series.reproduce`). Findings: ``docs/series.md``.

>>> from crimestats.series import reproduce_series
>>> result, origin = reproduce_series(None, "homicide-wpp", "wpp")  # doctest: +SKIP
>>> result.summary()["matched"]["1 decimal"]  # doctest: +SKIP
"""

from crimestats.series.readers import (
    read_cts,
    read_homicide_wpp,
    read_series,
    read_worldbank,
    read_wpp,
)
from crimestats.series.records import KINDS, POPULATION_SOURCES, SeriesRow
from crimestats.series.reproduce import Comparison, Reproduction, reproduce
from crimestats.series.rounding import ROUNDINGS, Rounding
from crimestats.series.service import load_series_file, reproduce_series

__all__ = [
    "KINDS",
    "POPULATION_SOURCES",
    "ROUNDINGS",
    "Comparison",
    "Reproduction",
    "Rounding",
    "SeriesRow",
    "load_series_file",
    "read_cts",
    "read_homicide_wpp",
    "read_series",
    "read_worldbank",
    "read_wpp",
    "reproduce",
    "reproduce_series",
]
