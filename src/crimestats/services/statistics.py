"""Statistics tables and their denominators: what ``crimestats stats``,
``ingest-population`` and ``ingest-areas`` call (and the API, later).

Thin on purpose (STYLE.md practice 6): counting lives in :mod:`crimestats.stats`, file
checks in :mod:`crimestats.stats.denominator_files`, writes in
:mod:`crimestats.storage.denominators`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from crimestats.errors import UsageError
from crimestats.output_files import check_output_file, write_text, write_with
from crimestats.services.status import completeness
from crimestats.stats import Format, StatsTable, count_table, render
from crimestats.stats.denominator_files import read_areas_geojson, read_population_csv
from crimestats.stats.table import sidecar_path


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
    since: str | None = None,
    until: str | None = None,
) -> StatsTable:
    """A table of counts (and rates) with its metadata; see :func:`crimestats.stats.count_table`."""
    table = count_table(
        db, by=by, unit=unit, rate=rate, period_basis=period_basis, source=source,
        backend=backend, area_level=area_level, population_year=population_year,
        since=since, until=until,
    )  # fmt: skip
    table.metadata["completeness"] = completeness(db, source)
    return table


def partial_period_lines(table: StatsTable) -> list[str]:
    """One warning line per partial period of a table (empty when none), for a terminal."""
    return [
        f"warning: {p['field']} {p['period']} is partial: {p['reason']}"
        for p in table.metadata.get("partial_periods", [])
    ]


def output_format(name: str) -> Format:
    """``--format`` as a :class:`Format`, or a UsageError listing the choices."""
    try:
        return Format(name.lower())
    except ValueError:
        choices = ", ".join(f.value for f in Format)
        raise UsageError(f"--format {name!r} is not known", hint=f"use one of: {choices}") from None


def check_table_output(fmt: Format, out: Path | None, *, overwrite: bool = False) -> list[Path]:
    """The files a table would be written to (none for stdout), refused before any work
    if one cannot be written: a folder, a missing folder, an existing file without
    ``overwrite`` (``--force``). CSV and Parquet get ``FILE.metadata.json`` beside them."""
    if out is None:
        if fmt is Format.PARQUET:
            raise UsageError("Parquet cannot go to the terminal", hint="pass --out FILE.parquet")
        return []
    check_output_file(out, overwrite=overwrite, option="--out")  # a folder has no sidecar
    if fmt is Format.JSON:
        return [out]
    side = check_output_file(sidecar_path(out), overwrite=overwrite, option="--out")
    return [out, side]


def publish(
    stats: StatsTable, fmt: Format, out: Path | None, *, overwrite: bool = False
) -> tuple[str | None, list[Path]]:
    """Text for stdout (without ``out``) or the files written (with ``out``).

    Each file is written atomically (:mod:`crimestats.output_files`); the table before
    its metadata, so a failure between the two leaves no metadata without its table.
    """
    targets = check_table_output(fmt, out, overwrite=overwrite)
    if out is None:
        return render(stats, fmt), []
    if fmt is Format.PARQUET:
        import pyarrow.parquet as pq

        write_with(out, lambda tmp: pq.write_table(stats.table, str(tmp)), overwrite=overwrite)
    else:
        write_text(out, render(stats, fmt), overwrite=overwrite)
    if len(targets) > 1:
        metadata = json.dumps(stats.metadata, indent=2, default=str, ensure_ascii=False) + "\n"
        write_text(targets[1], metadata, overwrite=overwrite)
    return None, targets


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
