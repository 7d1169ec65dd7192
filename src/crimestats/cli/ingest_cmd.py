"""``crimestats ingest``: load files, show progress, print the reconciliation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from crimestats.cli.options import DbOption
from crimestats.cli.output import console, err_console, print_error, print_json
from crimestats.govern.cli_audit import log_cli_action
from crimestats.services.ingesting import IngestResult, ingest_files, summarise

STEPS = ("inspecting", "reading", "validating", "loading", "done")


class StepProgress:
    """A Rich progress bar with one task per file, advanced step by step."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, file: str, step: str) -> None:
        if file not in self.tasks:
            self.tasks[file] = self.progress.add_task(
                Path(file).name, total=len(STEPS) - 1, step=step
            )
        task = self.tasks[file]
        done = STEPS.index(step) if step in STEPS else len(STEPS) - 1
        self.progress.update(task, completed=done, step=step)


def progress_bar() -> Progress:
    """The progress display used by every long-running command (on stderr)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def render_results(results: list[IngestResult], title: str = "Ingest") -> None:
    """The human reconciliation table, then refusals and issue counts."""
    table = Table(title=f"{title}: read = accepted + quarantined + duplicates")
    for col in ("file", "source", "read", "accepted", "quarantined", "duplicates", "warnings"):
        table.add_column(col, justify="right" if col not in ("file", "source") else "left")
    for r in results:
        if r.refused:
            table.add_row(Path(r.file).name, r.source, "refused", "", "", "", "")
            continue
        table.add_row(
            Path(r.file).name,
            r.source,
            f"{r.read:,}",
            f"{r.accepted:,}",
            f"{r.quarantined:,}",
            f"{r.duplicates:,}",
            f"{r.warnings:,}",
        )
    console.print(table)
    for r in results:
        if r.refused:
            print_error(f"{r.refused['message']} [{r.refused['code']}]", r.refused["fix"])
    for r in results:
        if r.replaced:
            done = ", ".join(str(i) for i in r.replaced)
            console.print(
                f"{escape(Path(r.file).name)} replaced ingest(s) {done} of source "
                f"{escape(r.source)}: their rows no longer count (see 'crimestats sources')",
                soft_wrap=True,
            )
        for w in r.profile:
            console.print(
                escape(f"warning: {Path(r.file).name}: {w['detail']} [{w['code']}]"),
                soft_wrap=True,
            )
        for h in r.conflicts_held_by:
            console.print(
                f"{h['rows']:,} rows conflict with keys loaded by ingest {h['ingest_id']} "
                f"({escape(Path(h['file']).name)}); to load this version instead: "
                f"crimestats ingest FILE --source {escape(r.source)} --replace; "
                f"to remove that ingest: crimestats ingests undo {h['ingest_id']}",
                soft_wrap=True,
            )
    issues = summarise(results)["issues"]
    if issues:
        console.print(
            "issues: " + ", ".join(f"{code} {n:,}" for code, n in issues.items()), soft_wrap=True
        )
        console.print("see 'crimestats quarantine' for the rejected rows and how to fix them")


def ingest(
    files: Annotated[list[Path], typer.Argument(help="CSV (plain or .gz) or Parquet files.")],
    source: Annotated[str, typer.Option("--source", help="Name of the data source.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML mapping for a source's own layout.")
    ] = None,
    target: Annotated[
        str, typer.Option("--target", help="incidents or justice_events (without --mapping).")
    ] = "incidents",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Load a new version of the source: in the first file's transaction, every "
            "ingest of the source that counted stops counting (kept for lineage).",
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    db: DbOption = None,
) -> None:
    """Adapt, validate and load files; every row is accepted, quarantined or a duplicate."""
    if target not in ("incidents", "justice_events"):
        raise typer.BadParameter("use incidents or justice_events", param_hint="--target")
    if json_out:
        results = ingest_files(
            files, source=source, db=db, mapping=mapping, target=target, replace=replace
        )
        print_json(summarise(results))
        for r in results:  # the JSON holds the refusal too; stderr says it for people
            if r.refused:
                print_error(f"{r.refused['message']} [{r.refused['code']}]", r.refused["fix"])
    else:
        with progress_bar() as bar:
            results = ingest_files(
                files, source=source, db=db, mapping=mapping, target=target,
                progress=StepProgress(bar), replace=replace,
            )  # fmt: skip
        render_results(results)
    log_cli_action(
        db, "ingest",
        {"source": source, "files": [f.name for f in files], "replace": replace,
         "mapping": None if mapping is None else mapping.name},
        rows_out=sum(r.accepted for r in results),
    )  # fmt: skip
    if any(r.refused for r in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Attach ``ingest`` to the main app."""
    app.command("ingest")(ingest)
