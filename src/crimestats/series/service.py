"""The operations behind ``crimestats series``: load a file, reproduce its rates.

Thin glue between the readers, the store (:mod:`crimestats.storage.series_store`) and
:mod:`crimestats.series.reproduce`, so the CLI (and later the API) stay one line each.
The bundled data (``crimestats/data/series``) makes ``reproduce --kind homicide-wpp``
work on a fresh install, before anything was loaded.
"""

from __future__ import annotations

import os
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from crimestats.errors import NotFoundError, UsageError
from crimestats.series.readers import (
    PopulationKey,
    read_series,
    read_worldbank,
    read_wpp,
)
from crimestats.series.records import KINDS, POPULATION_SOURCES, SeriesRow
from crimestats.series.reproduce import Reproduction, reproduce

BUNDLED = {
    "homicide-wpp": "unodc_homicide_victims_2019_2023.csv.gz",
    "wpp": "wpp_population_2019_2023.csv.gz",
    "worldbank": "worldbank_population.csv.gz",
}
DEFAULT_POPULATION = {"cts": "worldbank", "homicide-wpp": "wpp"}


def bundled_path(name: str) -> Path:
    """Path of a bundled series or population file (see its PROVENANCE.md)."""
    return Path(str(resources.files("crimestats") / "data" / "series" / BUNDLED[name]))


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise UsageError(f"unknown series kind {kind!r}", hint="use --kind " + "|".join(KINDS))


def load_series_file(
    db: str | os.PathLike[str] | None, path: str | os.PathLike[str], kind: str
) -> dict[str, Any]:
    """Read a series file and store its figures; returns what was loaded."""
    from crimestats.storage.series_store import store_series

    _check_kind(kind)
    rows = read_series(path, kind)
    if not rows:
        raise UsageError(f"{path}: no figures in the file", hint="is this the right file?")
    result = store_series(db, rows, str(path))
    return {
        "file": str(path),
        "kind": kind,
        **result,
        "counts": sum(1 for r in rows if r.unit == "count"),
        "rates": sum(1 for r in rows if r.unit == "rate"),
        "countries": len({r.iso3 for r in rows}),
        "years": [min(r.year for r in rows), max(r.year for r in rows)],
    }


def stored_series(db: str | os.PathLike[str] | None, kind: str) -> list[SeriesRow]:
    """Every figure of ``kind`` in the store (empty when none were loaded)."""
    from crimestats.storage.series_store import read_series_rows

    return [SeriesRow(*row) for row in read_series_rows(db, kind)]  # same field order


def population_table(
    source: str, path: str | os.PathLike[str] | None = None
) -> dict[PopulationKey, Decimal]:
    """The population of ``source`` (``worldbank`` or ``wpp``), bundled unless ``path``."""
    if source == "worldbank":
        return read_worldbank(path or bundled_path("worldbank"))
    if source == "wpp":
        return read_wpp(path or bundled_path("wpp"))
    return {}


def reproduce_series(
    db: str | os.PathLike[str] | None,
    kind: str,
    population: str | None = None,
    *,
    file: str | os.PathLike[str] | None = None,
    population_file: str | os.PathLike[str] | None = None,
) -> tuple[Reproduction, str]:
    """Reproduce the rates of ``kind``; returns the comparison and where the rows came from.

    Rows come from ``file`` if given, else the store, else (homicide-wpp only) the
    bundled file.
    """
    _check_kind(kind)
    population = population or DEFAULT_POPULATION[kind]
    if population not in POPULATION_SOURCES:
        raise UsageError(
            f"unknown population source {population!r}",
            hint="use --population " + "|".join(POPULATION_SOURCES),
        )
    if file is not None:
        rows, origin = read_series(file, kind), str(file)
    else:
        rows, origin = stored_series(db, kind), "store"
        if not rows and kind in BUNDLED:
            rows, origin = read_series(bundled_path(kind), kind), "bundled"
    if not rows:
        raise NotFoundError(
            f"no {kind} series in the store",
            hint=f"load one first: crimestats series load FILE --kind {kind}",
        )
    table = population_table(population, population_file)
    return reproduce(rows, kind=kind, population=population, table=table), origin


__all__ = [
    "BUNDLED",
    "DEFAULT_POPULATION",
    "bundled_path",
    "load_series_file",
    "population_table",
    "reproduce_series",
    "stored_series",
]
