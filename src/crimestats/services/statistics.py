"""Statistics tables and their denominators: what ``crimestats stats``,
``ingest-population`` and ``ingest-areas`` call (and the API, later).

Thin on purpose (STYLE.md practice 6): counting lives in :mod:`crimestats.stats`, file
checks in :mod:`crimestats.stats.denominator_files`, writes in
:mod:`crimestats.storage.denominators`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from crimestats.errors import UsageError
from crimestats.services.status import completeness
from crimestats.stats import Format, StatsTable, count_table, render, write
from crimestats.stats.denominator_files import read_areas_geojson, read_population_csv


def statistics_table(
    db: str | os.PathLike[str] | None,
    *,
    by: list[str],
    unit: str = "incidents",
    rate: bool = False,
    period_basis: str = "reported",
    source: str | None = None,
    backend: str = "duckdb",
    area_level: str | None = None,
    population_year: int | None = None,
) -> StatsTable:
    """A table of counts (and rates) with its metadata; see :func:`crimestats.stats.count_table`."""
    table = count_table(
        db, by=by, unit=unit, rate=rate, period_basis=period_basis, source=source,
        backend=backend, area_level=area_level, population_year=population_year,
    )  # fmt: skip
    table.metadata["completeness"] = completeness(db, source)
    return table


def output_format(name: str) -> Format:
    """``--format`` as a :class:`Format`, or a UsageError listing the choices."""
    try:
        return Format(name.lower())
    except ValueError:
        choices = ", ".join(f.value for f in Format)
        raise UsageError(f"--format {name!r} is not known", hint=f"use one of: {choices}") from None


def publish(stats: StatsTable, fmt: Format, out: Path | None) -> tuple[str | None, list[Path]]:
    """Text for stdout (without ``out``) or the files written (with ``out``)."""
    if out is None:
        if fmt is Format.PARQUET:
            raise UsageError("Parquet cannot go to the terminal", hint="pass --out FILE.parquet")
        return render(stats, fmt), []
    return None, write(stats, fmt, out)


def ingest_population(
    db: str | os.PathLike[str] | None, path: Path, source: str | None = None
) -> dict[str, Any]:
    """Check and load a population CSV in one transaction; returns what was loaded."""
    from crimestats.storage.denominators import store_populations

    rows = read_population_csv(path)
    counts = store_populations(db, rows, source)
    return {"file": str(path), "source": source, **counts}


def ingest_areas(
    db: str | os.PathLike[str] | None,
    path: Path,
    *,
    code_property: str,
    name_property: str | None = None,
    level: str = "area",
    parent_property: str | None = None,
) -> dict[str, Any]:
    """Check and load a GeoJSON file of areas in one transaction; returns what was loaded."""
    from crimestats.storage.denominators import store_areas

    rows = read_areas_geojson(
        path,
        code_property=code_property,
        name_property=name_property,
        level=level,
        parent_property=parent_property,
    )
    counts = store_areas(db, rows)
    return {"file": str(path), "level": level, **counts}
