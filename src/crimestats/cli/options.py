"""Options shared by every command, and the checks of option values they share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
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


JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
"""Every command that reports takes ``--json``."""


def check_choice(option: str, value: str, choices: type[StrEnum] | Iterable[str]) -> None:
    """Refuse a value outside ``choices`` (an enumeration or names) as bad usage (exit 2),
    naming the option and every value it takes. Typer's own ``click.Choice`` is not used
    for these options because their values are declared once, in the enumeration of the
    module that uses them."""
    known = [str(c.value) for c in choices] if isinstance(choices, type) else list(choices)
    if value not in known:
        raise typer.BadParameter(
            f"{value!r} is not known; use one of: {', '.join(known)}", param_hint=option
        )


def option_day(option: str, text: str | None) -> date | None:
    """An ISO date option (``--since 2024-01-31``), or None when not given."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date YYYY-MM-DD", param_hint=option) from None
