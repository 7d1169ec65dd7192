"""Reading the published series and the population files (CSV, plain or ``.gz``).

Each reader takes the file as published and returns plain rows; a file that cannot be
read as a whole is refused (:class:`~crimestats.errors.FileRefusedError`, nothing
loaded) with the row and a fix. The files are small (tens of thousands of rows), so the
standard ``csv`` module is enough and keeps every number as the text it was printed as.

Layouts
-------
``cts``
    The dataUNODC UN-CTS long export: ``Iso3_code, Country, Region, Subregion, Indicator,
    Dimension, Category, Sex, Age, Year, Unit of measurement, VALUE, Source`` with units
    ``Counts`` and ``Rate per 100,000 population``.
``homicide-wpp``
    UNODC intentional-homicide victims 2019-2023 by sex and age with one row per cell:
    ``iso3, Country, Region, Subregion, year, sex, age_group, count, rate_per_100k, ...``.
World Bank population
    ``Country Name, Country Code, Year, Value`` (SP.POP.TOTL, persons).
UN WPP population
    ``Country, year, pop_thousands, age_group, sex`` (thousands of persons).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from crimestats.csv_input import read_csv_rows
from crimestats.errors import FileRefusedError, UsageError
from crimestats.series.records import KINDS, SeriesRow

CTS_COLUMNS = (
    "Iso3_code", "Country", "Indicator", "Dimension", "Category", "Sex", "Age", "Year",
    "Unit of measurement", "VALUE", "Source",
)  # fmt: skip
HOMICIDE_COLUMNS = ("iso3", "Country", "year", "sex", "age_group", "count", "rate_per_100k")
WORLDBANK_COLUMNS = ("Country Code", "Year", "Value")
WPP_COLUMNS = ("Country", "year", "pop_thousands", "age_group", "sex")

CTS_UNITS = {"Counts": "count", "Rate per 100,000 population": "rate"}
HOMICIDE_INDICATOR = "Victims of intentional homicide"

PopulationKey = tuple[str, int, str, str]
"""(country ISO3 code or name, year, sex, age group)."""


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) of a CSV (plain or ``.gz``) after checking its header."""
    yield from read_csv_rows(path, layout=required)


def _number(path: Path, line: int, column: str, text: str) -> str:
    """The published number's text, checked (kept as text, never re-printed)."""
    value = text.strip()
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        parsed = Decimal("NaN")
    if not parsed.is_finite():
        raise FileRefusedError(
            str(path), "value-not-a-number", f"line {line}, column {column}: {text!r}",
            hint="every value must be a plain decimal number; remove footnote marks",
        )  # fmt: skip
    return value


def _year(path: Path, line: int, text: str) -> int:
    try:
        return int(float(text))
    except ValueError:
        raise FileRefusedError(
            str(path),
            "year-unparseable",
            f"line {line}: year {text!r}",
            hint="years are four-digit numbers such as 2019",
        ) from None


def read_cts(path: str | os.PathLike[str]) -> list[SeriesRow]:
    """Read a dataUNODC UN-CTS export (long format, counts and rates)."""
    p = Path(path)
    out: list[SeriesRow] = []
    for line, row in _rows(p, CTS_COLUMNS):
        unit = CTS_UNITS.get(row["Unit of measurement"].strip())
        if unit is None:
            raise FileRefusedError(
                str(p), "unit-unknown", f"line {line}: unit {row['Unit of measurement']!r}",
                hint="units must be 'Counts' or 'Rate per 100,000 population'",
            )  # fmt: skip
        out.append(
            SeriesRow(
                dataset="cts", iso3=row["Iso3_code"].strip(), country=row["Country"].strip(),
                year=_year(p, line, row["Year"]), indicator=row["Indicator"].strip(),
                dimension=row["Dimension"].strip(), category=row["Category"].strip(),
                sex=row["Sex"].strip(), age=row["Age"].strip(), unit=unit,
                value_text=_number(p, line, "VALUE", row["VALUE"]),
                source=row["Source"].strip() or None,
            )
        )  # fmt: skip
    return out


def read_homicide_wpp(path: str | os.PathLike[str]) -> list[SeriesRow]:
    """Read the homicide-victims-by-sex-and-age file: two rows (count, rate) per line."""
    p = Path(path)
    out: list[SeriesRow] = []
    for line, row in _rows(p, HOMICIDE_COLUMNS):
        for unit, column in (("count", "count"), ("rate", "rate_per_100k")):
            if not row[column].strip():
                continue
            out.append(
                SeriesRow(
                    dataset="homicide-wpp", iso3=row["iso3"].strip(),
                    country=row["Country"].strip(), year=_year(p, line, row["year"]),
                    indicator=HOMICIDE_INDICATOR, dimension="Total", category="Total",
                    sex=row["sex"].strip(), age=row["age_group"].strip(), unit=unit,
                    value_text=_number(p, line, column, row[column]), source="UNODC",
                )
            )  # fmt: skip
    return out


def read_series(path: str | os.PathLike[str], kind: str) -> list[SeriesRow]:
    """Read a series file of the given layout (``cts`` or ``homicide-wpp``)."""
    if kind == "cts":
        return read_cts(path)
    if kind == "homicide-wpp":
        return read_homicide_wpp(path)
    raise UsageError(f"unknown series kind {kind!r}", hint="use --kind " + "|".join(KINDS))


def read_worldbank(path: str | os.PathLike[str]) -> dict[PopulationKey, Decimal]:
    """World Bank total population in persons, keyed (ISO3, year, 'Total', 'Total').

    Aggregates (World, regions, income groups) come along under their World Bank codes;
    they never meet a UN-CTS ISO3 code, so they do no harm.
    """
    p = Path(path)
    out: dict[PopulationKey, Decimal] = {}
    for line, row in _rows(p, WORLDBANK_COLUMNS):
        if not row["Value"].strip():
            continue
        key = (row["Country Code"].strip(), _year(p, line, row["Year"]), "Total", "Total")
        out[key] = Decimal(_number(p, line, "Value", row["Value"]))
    return out


def read_wpp(path: str | os.PathLike[str]) -> dict[PopulationKey, Decimal]:
    """UN WPP population in persons (thousands x 1,000), keyed (country, year, sex, age)."""
    p = Path(path)
    out: dict[PopulationKey, Decimal] = {}
    for line, row in _rows(p, WPP_COLUMNS):
        thousands = Decimal(_number(p, line, "pop_thousands", row["pop_thousands"]))
        key = (
            row["Country"].strip(), _year(p, line, row["year"]), row["sex"].strip(),
            row["age_group"].strip(),
        )  # fmt: skip
        out[key] = thousands * 1000
    return out


__all__ = [
    "PopulationKey",
    "read_cts",
    "read_homicide_wpp",
    "read_series",
    "read_worldbank",
    "read_wpp",
]
