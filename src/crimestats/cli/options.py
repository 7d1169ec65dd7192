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
