"""``crimestats export-parquet``: the store as Parquet partitioned by source and year.

For a store that outgrows one machine (docs/scale.md): Spark executors read the folder
where it lies, e.g. ``crimestats stats --backend pyspark --db FOLDER --by year``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crimestats.cli.options import DbOption
from crimestats.cli.output import console, print_json


def export_parquet_cmd(
    out: Annotated[Path, typer.Argument(help="The folder to write (new or empty).")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier export in the folder.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    db: DbOption = None,
) -> None:
    """Write the store as Parquet, partitioned by source and year, for Spark to read in place."""
    from crimestats.storage.parquet_export import export_parquet

    result = export_parquet(db, out, force=force)
    if json_out:
        print_json(result.to_dict())
        return
    console.print(f"Parquet export written: {result.folder}")
    for table, rows in result.rows.items():
        console.print(f"  {table}: {rows:,} rows")


def register(app: typer.Typer) -> None:
    """Add ``export-parquet`` to the application."""
    app.command("export-parquet")(export_parquet_cmd)
