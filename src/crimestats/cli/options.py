"""Options shared by every command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Store file (default: $CRIMESTATS_DB, else ./crimestats.duckdb).",
        show_default=False,
    ),
]

ForceOption = Annotated[
    bool,
    typer.Option("--force", help="Replace an existing output file (never done without it)."),
]
"""Every command that writes a file refuses an existing one unless given ``--force``."""

PointsOption = Annotated[
    Path | None, typer.Option("--points", help="A CSV of points instead of the store.")
]
"""The spatial commands' points file (hotspots, forecast-evaluate, forecast-audit)."""
PointsXOption = Annotated[str | None, typer.Option("--x", help="Longitude column of --points.")]
PointsYOption = Annotated[str | None, typer.Option("--y", help="Latitude column of --points.")]
PointsDateOption = Annotated[
    str | None, typer.Option("--date", help="Date column of --points (ISO).")
]


def check_points_options(
    points: Path | None,
    x: str | None,
    y: str | None,
    date_column: str | None,
    *,
    iccs: object,
    source: str | None,
    need_date: bool,
) -> None:
    """A points file needs its columns named, and is not also filtered by store fields.

    One check for the spatial commands (hotspots, forecast-evaluate, forecast-audit), so
    that they refuse the same mistakes with the same words: a missing column is bad
    usage (exit 2), ``--iccs``/``--source`` beside ``--points`` a user error (exit 1).
    """
    from crimestats.errors import UsageError

    if points is None:
        return
    if need_date and (x is None or y is None or date_column is None):
        raise typer.BadParameter("--points needs --x, --y and --date", param_hint="--points")
    if x is None or y is None:
        raise typer.BadParameter("--points needs --x and --y (column names)", param_hint="--points")
    if iccs or source:
        raise UsageError(
            "--iccs and --source select store points; a --points file is used as it is",
            hint="filter the file first, or leave --points out",
        )
