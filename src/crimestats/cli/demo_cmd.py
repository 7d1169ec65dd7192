"""``crimestats demo``: build a store from the bundled real data and summarise it."""

from __future__ import annotations

import typer

from crimestats.cli.classify_cmd import classify_cmd
from crimestats.cli.ingest_cmd import StepProgress, progress_bar, render_results
from crimestats.cli.options import DbOption
from crimestats.cli.output import console
from crimestats.cli.store_cmd import status
from crimestats.services.demo import run_demo
from crimestats.storage.store import resolve_db_path


def demo(db: DbOption = None) -> None:
    """Ingest every bundled real source (idempotent), code it to ICCS, print the status."""
    console.print(f"building {resolve_db_path(db)} from the bundled real data ...")
    with progress_bar() as bar:
        results = run_demo(db, progress=StepProgress(bar))
    render_results(results, title="Bundled sources")
    classify_cmd(correspondence=None, review_out=None, json_out=False, db=db)
    status(json_out=False, db=db)
    if any(r.refused for r in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Attach ``demo``."""
    app.command("demo")(demo)
