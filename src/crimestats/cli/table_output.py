"""Writing a statistics table the way every table command does: stdout or ``--out``."""

from __future__ import annotations

import sys
from pathlib import Path

from crimestats.cli.output import console
from crimestats.errors import UsageError
from crimestats.services.statistics import check_table_output, output_format, publish
from crimestats.stats import Format, StatsTable


def check_table_options(fmt: str, out: Path | None, *, force: bool, parquet: bool = True) -> None:
    """Refuse a bad ``--format`` or ``--out`` before any counting is done."""
    form = output_format(fmt)
    if form is Format.PARQUET and not parquet:
        raise UsageError("--format parquet is not offered here", hint="use csv or json")
    check_table_output(form, out, overwrite=force)


def emit_table(
    table: StatsTable, fmt: str, out: Path | None, *, force: bool = False, parquet: bool = True
) -> None:
    """CSV/JSON to stdout, or the table (and its metadata beside it) to ``out``."""
    check_table_options(fmt, out, force=force, parquet=parquet)
    text, written = publish(table, output_format(fmt), out, overwrite=force)
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    console.print(f"wrote {', '.join(str(p) for p in written)} ({table.table.num_rows} rows)")
