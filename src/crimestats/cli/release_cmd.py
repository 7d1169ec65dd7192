"""``crimestats release``: a protected, reproducible folder of the standard tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crimestats.cli.options import DbOption
from crimestats.cli.output import console, print_json
from crimestats.privacy import DEFAULT_THRESHOLD


def release(
    out: Annotated[Path, typer.Option("--out", help="The release folder (new or empty).")],
    threshold: Annotated[
        int, typer.Option("--threshold", help="Withhold counts 1..THRESHOLD (and protect them).")
    ] = DEFAULT_THRESHOLD,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="ISO date recorded as 'created' (default: no timestamp)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a non-empty folder, overwriting.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    db: DbOption = None,
) -> None:
    """Write the standard tables with disclosure control, datapackage.json and a manifest."""
    from crimestats.release import build_release

    result = build_release(db, out, threshold=threshold, as_of=as_of, force=force)
    if json_out:
        print_json(result.to_dict())
        return
    for name, info in result.tables.items():
        console.print(
            f"{name}: {info['rows']} rows, {info['primary_cells']} primary and "
            f"{info['secondary_cells']} secondary cells withheld"
        )
    console.print(
        f"release {result.release_id}: {len(result.files)} files in {result.directory} "
        "(check with: sha256sum -c MANIFEST.sha256)"
    )


def register(app: typer.Typer) -> None:
    """Attach ``release``."""
    app.command("release")(release)
