"""``crimestats demo``: build a store from the bundled real data, summarise it, release it.

What ``make run`` calls: every step of the main job on real data (ingest with the
reconciliation, ICCS coding, status, then a protected release next to the store), so a
newcomer sees the whole path in one command.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from crimestats.cli.classify_cmd import classify_cmd
from crimestats.cli.ingest_cmd import StepProgress, progress_bar, render_results
from crimestats.cli.options import DbOption
from crimestats.cli.output import console
from crimestats.cli.store_cmd import status
from crimestats.services.demo import run_demo
from crimestats.storage.store import resolve_db_path


def release_folder(db: Path) -> Path:
    """Where the demo writes its release: ``<store name>-release`` beside the store."""
    return db.with_name(f"{db.stem}-release")


def demo(db: DbOption = None) -> None:
    """Ingest every bundled real source (idempotent), code it to ICCS, print the status,
    and write a protected release beside the store."""
    console.print(f"building {resolve_db_path(db)} from the bundled real data ...")
    with progress_bar() as bar:
        results = run_demo(db, progress=StepProgress(bar))
    render_results(results, title="Bundled sources")
    classify_cmd(correspondence=None, review_out=None, json_out=False, force=False, db=db)
    status(json_out=False, db=db)
    if any(r.refused for r in results):
        raise typer.Exit(1)
    from crimestats.release import build_release

    out = release_folder(resolve_db_path(db))
    result = build_release(db, out, force=True)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    console.print(
        f"protected release {result.release_id}: {len(result.files)} files in {out} "
        "(tables as CSV, Parquet and SDMX, masked map, datapackage.json, report.html; "
        "check with: sha256sum -c MANIFEST.sha256)"
    )


def register(app: typer.Typer) -> None:
    """Attach ``demo``."""
    app.command("demo")(demo)
