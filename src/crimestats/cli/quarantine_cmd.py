"""``crimestats quarantine``: the rejected rows, why, and how to fix them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crimestats.cli.options import DbOption, ForceOption, JsonOption
from crimestats.cli.output import console, print_json
from crimestats.errors import UsageError
from crimestats.output_files import check_output_file
from crimestats.services.quarantine import export_quarantine, quarantined_rows


def quarantine(
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Export to this CSV file.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to show on screen.")] = 20,
    json_out: JsonOption = False,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """List (or export with --out) what was rejected and why."""
    if limit < 0:
        raise UsageError(f"--limit {limit} is negative", hint="give 0 or more rows to show")
    if out is not None:
        check_output_file(out, overwrite=force, option="--out")  # before reading the store
    rows = quarantined_rows(db, source=source)
    if out is not None:
        export_quarantine(rows, out, overwrite=force)
        if json_out:
            print_json({"quarantined": len(rows), "file": str(out)})
        else:
            console.print(f"wrote {len(rows):,} quarantined rows to {out}")
        return
    if json_out:
        print_json({"quarantined": len(rows), "rows": rows})
        return
    table = Table(title=f"{len(rows):,} quarantined rows" + (f" of {source}" if source else ""))
    for col in ("source", "file", "line", "incident", "problems", "fix"):
        table.add_column(col, overflow="fold")
    for row in rows[:limit]:
        r = {k: escape("" if v is None else str(v)) for k, v in row.items()}  # no Rich markup
        table.add_row(
            r["source"], Path(r["file"]).name, r["line"], r["incident_id"], r["problems"],
            r["fixes"],
        )  # fmt: skip
    console.print(table)
    if len(rows) > limit:
        console.print(f"... {len(rows) - limit:,} more; use --out FILE to export them all")


def register(app: typer.Typer) -> None:
    """Attach ``quarantine``."""
    app.command("quarantine")(quarantine)
