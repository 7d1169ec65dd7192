"""A statistics table with its metadata, and the writers for CSV, JSON and Parquet.

A published number means nothing without its unit, period basis and what was left
out, so the metadata travels with every table: inside the JSON document, and as a
sidecar ``FILE.metadata.json`` beside a CSV or Parquet file. NULL is written as a blank
CSV cell (JSON ``null``): "no value", never zero.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from crimestats.errors import UsageError


class Format(StrEnum):
    """Output formats of a statistics table."""

    CSV = "csv"
    JSON = "json"
    PARQUET = "parquet"


@dataclass(slots=True)
class StatsTable:
    """A table of counts (and rates) as a pyarrow Table, plus what it means.

    Attributes
    ----------
    table:
        ``pyarrow.Table``: the fields in the order asked, then ``count`` (and
        ``population``, ``rate_per_100k`` with rates).
    metadata:
        unit, period basis, ICCS roll-up gaps, rows without a rate and why, lineage.
    """

    table: Any
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Column names, in order."""
        return list(self.table.column_names)

    def rows(self) -> list[dict[str, Any]]:
        """The rows as dicts (None for NULL)."""
        rows: list[dict[str, Any]] = self.table.to_pylist()
        return rows

    def to_pandas(self) -> Any:
        """A pandas DataFrame of the table."""
        return self.table.to_pandas()

    def to_polars(self) -> Any:
        """A polars DataFrame of the table."""
        import polars as pl

        return pl.from_arrow(self.table)

    def to_json_document(self) -> dict[str, Any]:
        """``{"metadata": {...}, "rows": [...]}``."""
        return {"metadata": self.metadata, "rows": self.rows()}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def write_csv(stats: StatsTable, handle: TextIO) -> None:
    """The table as CSV (header = column names; NULL = blank cell)."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(stats.columns)
    for row in stats.rows():
        writer.writerow([_cell(v) for v in row.values()])


def render(stats: StatsTable, fmt: Format) -> str:
    """CSV or JSON text of the table (Parquet is binary: use :func:`write`)."""
    if fmt is Format.CSV:
        buffer = io.StringIO()
        write_csv(stats, buffer)
        return buffer.getvalue()
    if fmt is Format.JSON:
        return (
            json.dumps(stats.to_json_document(), indent=2, default=str, ensure_ascii=False) + "\n"
        )
    raise UsageError("Parquet is a binary format", hint="pass --out FILE.parquet to write it")


def sidecar_path(out: Path) -> Path:
    """Where the metadata of ``out`` goes: ``FILE.metadata.json`` beside it."""
    return out.with_name(out.name + ".metadata.json")


def write(stats: StatsTable, fmt: Format, out: Path) -> list[Path]:
    """Write the table to ``out`` (and a metadata sidecar for CSV/Parquet); paths written."""
    try:
        if fmt is Format.PARQUET:
            import pyarrow.parquet as pq

            pq.write_table(stats.table, str(out))
        else:
            out.write_text(render(stats, fmt), encoding="utf-8")
        if fmt is Format.JSON:
            return [out]
        side = sidecar_path(out)
        side.write_text(
            json.dumps(stats.metadata, indent=2, default=str, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
    except OSError as exc:
        raise UsageError(
            f"cannot write {out}: {exc.strerror or exc}",
            hint="check that the folder exists and that you may write there",
        ) from exc
    return [out, side]
