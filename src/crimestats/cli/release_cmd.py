"""``crimestats release``: a protected, reproducible folder of the standard tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from crimestats.cli.options import DbOption, JsonOption
from crimestats.cli.output import console, print_json
from crimestats.govern.cli_audit import log_cli_action


def release(
    out: Annotated[Path, typer.Option("--out", help="The release folder (new or empty).")],
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Release configuration (YAML): tables, methods, DP budget "
            "(docs/release.example.yaml). Default: the standard tables.",
        ),
    ] = None,
    threshold: Annotated[
        int | None,
        typer.Option(
            "--threshold",
            help="Withhold counts 1..THRESHOLD (and protect them); default 3, or the "
            "config's threshold, which this overrides.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Seed for random steps (OpenDP noise cannot be seeded)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="ISO date recorded as 'created' (default: no timestamp)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace the old release in --out whole (every old file goes)."
        ),
    ] = False,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Write the tables with disclosure control, datapackage.json, a report and a manifest."""
    from crimestats.release import build_release
    from crimestats.release.config import load_config

    loaded = load_config(config) if config is not None else None
    result = build_release(
        db, out, threshold=threshold, as_of=as_of, force=force, config=loaded, seed=seed
    )
    log_cli_action(
        db, "release", {"out": str(out), "release_id": result.release_id},
        rows_out=len(result.files), result=result.manifest,
    )  # fmt: skip
    if json_out:
        print_json(result.to_dict())
        return
    for line in result.summary_lines:  # each table's protection says what it did
        console.print(line)
    if result.privacy is not None:
        console.print(
            f"privacy budget: {result.privacy['spent_epsilon']:.4g} of "
            f"{result.privacy['total_epsilon']:.4g} spent ({result.privacy['privacy_unit']}); "
            "DP tables differ between builds (OpenDP noise cannot be seeded)"
        )
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    console.print(
        f"release {result.release_id}: {len(result.files)} files in {result.directory} "
        "(check with: sha256sum -c MANIFEST.sha256)"
    )


def register(app: typer.Typer) -> None:
    """Attach ``release``."""
    app.command("release")(release)
