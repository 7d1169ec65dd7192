"""``crimestats emerging``: new codes, bursting terms, unfamiliar texts and rising shares.

Thin: options are checked here (a wrong date or number is bad usage, exit 2), the work
is :func:`crimestats.watch.emerging.detect.find_emerging`, and each finding prints as
one sentence (``--json``: the whole typed report).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape

from crimestats.cli.options import DbOption, JsonOption
from crimestats.cli.output import console, print_json
from crimestats.errors import UsageError
from crimestats.watch.emerging.detect import (
    DEFAULT_FDR,
    DEFAULT_MIN_COUNT,
    DEFAULT_NEAR_ZERO,
    check_settings,
    find_emerging,
)
from crimestats.watch.emerging.records import DEFAULT_HISTORY_DAYS, MAX_HISTORY_DAYS
from crimestats.watch.emerging.report import EXAMPLE_FLOOR, EmergingReport


def _date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an ISO date; use YYYY-MM-DD, e.g. 2024-03-01", param_hint=option
        ) from None


def emerging(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="First day of the current period (default: four weeks before --until).",
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="Last day of the current period (default: the latest reported date).",
            show_default=False,
        ),
    ] = None,
    history: Annotated[
        int, typer.Option("--history", help="Days of history before --since to compare with.")
    ] = DEFAULT_HISTORY_DAYS,
    fdr: Annotated[
        float,
        typer.Option("--fdr", help="False discovery rate (Benjamini-Hochberg) of every list."),
    ] = DEFAULT_FDR,
    min_count: Annotated[
        int,
        typer.Option(
            "--min-count",
            help="Fewest current-period records a finding needs (example texts need "
            f"{EXAMPLE_FLOOR} whatever this is).",
        ),
    ] = DEFAULT_MIN_COUNT,
    near_zero: Annotated[
        float,
        typer.Option(
            "--near-zero",
            help="A code 'grows from near zero' when its history share predicts fewer "
            "current records than this.",
        ),
    ] = DEFAULT_NEAR_ZERO,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", help="Findings printed per list at most (--json gives all)."),
    ] = 20,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What is new: codes, bursting terms, unfamiliar texts, rising cyber and motive shares."""
    start, end = _date("--since", since), _date("--until", until)
    try:
        check_settings(min_count, fdr, near_zero)
        if not 1 <= history <= MAX_HISTORY_DAYS:
            raise UsageError(f"--history must be 1 to {MAX_HISTORY_DAYS} days, got {history}")
        if limit < 1:
            raise UsageError(f"--limit must be at least 1, got {limit}")
    except UsageError as exc:
        raise typer.BadParameter(exc.message + (f"; {exc.hint}" if exc.hint else "")) from None
    report = find_emerging(
        db, since=start, until=end, history_days=history, source=source,
        min_count=min_count, fdr=fdr, near_zero=near_zero,
    )  # fmt: skip
    if json_out:
        print_json(report.to_json())
        return
    _print(report, limit)


def _print(report: EmergingReport, limit: int) -> None:
    w = report.window
    console.print(
        f"current period {w.since} to {w.until} ({w.current_days} days) against "
        f"{w.history_start} to {w.since.fromordinal(w.since.toordinal() - 1)} "
        f"({w.history_days} days); sources compared: {', '.join(report.sources) or 'none'}"
    )
    sections = (
        ("New codes and descriptions", [f.sentence() for f in report.new_codes]),
        ("Bursting terms", [f.sentence() for f in report.bursts]),
        ("New unfamiliar texts", [f.sentence() for f in report.clusters]),
        ("Rising shares", [f.sentence() for f in report.shares if f.rising]),
    )
    for title, lines in sections:
        console.print(f"\n[bold]{title}[/]")
        for line in lines[:limit] or ["none found"]:
            console.print(f"- {escape(line)}", soft_wrap=True)
        if len(lines) > limit:
            console.print(f"- ... and {len(lines) - limit} more (--limit, or --json for all)")
    if report.notes:
        console.print("\n[bold]Notes[/]")
        for note in report.notes:
            console.print(f"- {escape(note)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach ``emerging``."""
    app.command("emerging")(emerging)
