"""``crimestats indicators`` and ``crimestats attrition``: SDG 16 indicators and the
justice-system flow, as CSV or JSON (see ``docs/indicators.md``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crimestats.cli.options import DbOption, ForceOption
from crimestats.cli.table_output import check_table_options, emit_table

FormatOption = Annotated[str, typer.Option("--format", help="csv, json or parquet.")]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Write here (CSV/Parquet get FILE.metadata.json beside)."),
]
SourceOption = Annotated[str | None, typer.Option("--source", help="Only this source.")]


def indicators(
    fmt: FormatOption = "csv",
    out: OutOption = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="Territory the sources cover: its population is the denominator of the rates.",
        ),
    ] = None,
    source: SourceOption = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """SDG 16.1.1, 16.2.2, 16.3.2 and shares; what cannot be computed says why."""
    from crimestats.services.indicators import indicators_table

    check_table_options(fmt, out, force=force)
    emit_table(indicators_table(db, area=area, source=source), fmt, out, force=force)


def attrition(
    by: Annotated[str, typer.Option("--by", help="iccs_l1 or iccs_l2.")] = "iccs_l1",
    fmt: FormatOption = "csv",
    out: OutOption = None,
    source: SourceOption = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Recorded incidents per ICCS category and the share reaching each justice stage."""
    from crimestats.services.indicators import attrition as attrition_service

    check_table_options(fmt, out, force=force)
    emit_table(attrition_service(db, by=by, source=source), fmt, out, force=force)


def register(app: typer.Typer) -> None:
    """Attach ``indicators`` and ``attrition``."""
    app.command("indicators")(indicators)
    app.command("attrition")(attrition)
