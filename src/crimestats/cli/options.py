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
