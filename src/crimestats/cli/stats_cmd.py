"""``crimestats stats``, ``ingest-population`` and ``ingest-areas``: tables and denominators."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from crimestats.cli.options import DbOption, ForceOption
from crimestats.cli.output import console, err_console, print_json
from crimestats.cli.table_output import check_table_options, emit_table
from crimestats.errors import UsageError
from crimestats.services.statistics import (
    ingest_areas,
    ingest_population,
    output_format,
    partial_period_lines,
    statistics_table,
)
from crimestats.stats.counting import Unit
from crimestats.stats.fields import FIELDS, PeriodBasis, parse_fields
from crimestats.stats.period_window import FORMS, PeriodWindow

_FIELDS_HELP = ", ".join(FIELDS)
_BACKENDS = ("duckdb", "pyspark")


def _usage(option: str, check: Callable[[], object]) -> None:
    """Run a check of an option's value; an unknown value is bad usage (exit 2), like
    an unknown option, not a user error about the data (exit 1)."""
    try:
        check()
    except UsageError as exc:
        raise typer.BadParameter(
            f"{exc.message}" + (f"; {exc.hint}" if exc.hint else ""), param_hint=option
        ) from None


def _choice(option: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise typer.BadParameter(
            f"{value!r} is not known; use one of: {', '.join(choices)}", param_hint=option
        )


def check_stats_usage(by: list[str], unit: str, period_basis: str, backend: str, fmt: str) -> None:
    """Every option value ``stats`` knows a fixed list for, checked before any work."""
    _usage("--by", lambda: parse_fields(by))
    _choice("--unit", unit, tuple(u.value for u in Unit))
    _choice("--period-basis", period_basis, tuple(p.value for p in PeriodBasis))
    _choice("--backend", backend, _BACKENDS)
    _usage("--format", lambda: output_format(fmt))


def check_window(since: str | None, until: str | None) -> None:
    """``--since``/``--until`` checked before any work (bad usage: exit 2)."""
    _usage("--since/--until", lambda: PeriodWindow.parse(since, until))


def stats(
    by: Annotated[
        list[str],
        typer.Option("--by", help=f"Fields, comma-separated or repeated: {_FIELDS_HELP}."),
    ],
    unit: Annotated[
        str, typer.Option("--unit", help="What to count: incidents, offences, victims, suspects.")
    ] = "incidents",
    rate: Annotated[
        bool,
        typer.Option("--rate", help="Add population and rate_per_100k (needs area and a period)."),
    ] = False,
    period_basis: Annotated[
        str, typer.Option("--period-basis", help="Periods from the reported or occurred date.")
    ] = "reported",
    source: Annotated[str | None, typer.Option("--source", help="Count only this source.")] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help=f"Count from this period date on ({FORMS}; inclusive)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help=f"Count up to this period date ({FORMS}; inclusive)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or parquet.")] = "csv",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write here (CSV/Parquet get FILE.metadata.json beside)."),
    ] = None,
    backend: Annotated[
        str, typer.Option("--backend", help="duckdb, or pyspark (same expressions on Spark).")
    ] = "duckdb",
    area_level: Annotated[
        str | None,
        typer.Option(
            "--area-level",
            help="Count areas of this level of the areas tree (e.g. district): incidents "
            "roll up to it, populations are summed when every child area has one.",
        ),
    ] = None,
    population_year: Annotated[
        int | None,
        typer.Option("--population-year", help="With --rate: use this year's populations."),
    ] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Counts (and rates per 100,000) by any fields, with the counting unit explicit.

    Periods the store covers only in part (a source starting or ending inside, missing
    months, late reports only) are listed on stderr and in the metadata
    (``partial_periods``).
    """
    check_stats_usage(by, unit, period_basis, backend, fmt)
    check_window(since, until)
    check_table_options(fmt, out, force=force)  # a bad --format or --out fails before any work
    table = statistics_table(
        db, by=by, unit=unit, rate=rate, period_basis=period_basis, source=source,
        backend=backend, area_level=area_level, population_year=population_year,
        since=since, until=until,
    )  # fmt: skip
    for line in partial_period_lines(table):
        err_console.print(line, markup=False, soft_wrap=True)
    emit_table(table, fmt, out, force=force)


def ingest_population_cmd(
    file: Annotated[
        Path, typer.Argument(help="CSV: area_code, year, population[, sex, age_group].")
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="Who publishes these populations.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    db: DbOption = None,
) -> None:
    """Load population denominators (checked as a whole; one transaction)."""
    result = ingest_population(db, file, source)
    if json_out:
        print_json(result)
        return
    console.print(
        f"{file}: {result['rows']} population rows loaded "
        f"({result['added']} new, {result['replaced']} replaced)"
    )


def ingest_areas_cmd(
    file: Annotated[Path, typer.Argument(help="GeoJSON FeatureCollection, one feature per area.")],
    code_property: Annotated[
        str, typer.Option("--code-property", help="Property holding the area code.")
    ],
    name_property: Annotated[
        str | None, typer.Option("--name-property", help="Property holding the area name.")
    ] = None,
    level: Annotated[
        str, typer.Option("--level", help="Level of these areas, e.g. district.")
    ] = "area",
    parent_property: Annotated[
        str | None, typer.Option("--parent-property", help="Property holding the parent code.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    db: DbOption = None,
) -> None:
    """Load areas (code, name, level, parent, geometry) from GeoJSON; one transaction."""
    result = ingest_areas(
        db, file, code_property=code_property, name_property=name_property, level=level,
        parent_property=parent_property,
    )  # fmt: skip
    if json_out:
        print_json(result)
        return
    console.print(
        f"{file}: {result['rows']} areas loaded ({result['added']} new, "
        f"{result['replaced']} replaced)"
    )


def register(app: typer.Typer) -> None:
    """Attach ``stats``, ``ingest-population`` and ``ingest-areas``."""
    app.command("stats")(stats)
    app.command("ingest-population")(ingest_population_cmd)
    app.command("ingest-areas")(ingest_areas_cmd)
