"""Small CSV files a user names on the command line: opened, decoded and checked once.

Why one reader: a count series for ``alerts`` or ``trends``, a points file for
``hotspots``, a group layer, a published UN-CTS series are all small CSV files with a
header, and each must be refused the same way when it is not there, is a folder, is not
UTF-8, is not CSV, or lacks a column the command needs: one message naming the file (and
the option that named it), with a fix, never a traceback. Before this module each reader
said it in its own words and with its own error type.

What is left to each reader is what its columns mean. Rows come with their line number
in the file (the header is line 1), so that a reader's own refusal can name the line.
Files are read whole: these are series and point lists (thousands of rows, not the
millions an ingest streams through DuckDB).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from crimestats.errors import FileRefusedError, NotFoundError, UsageError


@dataclass(frozen=True)
class CsvRows:
    """The header and rows of one small CSV file.

    Attributes
    ----------
    path : Path
        The file read.
    header : tuple of str
        Column names as the header gives them.
    rows : tuple of (int, dict)
        ``(line number, {column: text})`` per data row; the header is line 1, so the
        first row is line 2 (a quoted value spanning lines counts as one row).
    """

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _text(path: Path, named: str) -> str:
    if not path.exists():
        raise NotFoundError(f"{named}: no such file", hint="check the path")
    if path.is_dir():
        raise FileRefusedError(named, "file-is-folder", "is a folder", hint="give a CSV file")
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise FileRefusedError(
                named, "file-not-gzip", f"not a gzip file ({exc})", hint="gunzip it first"
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefusedError(
            named,
            "file-not-utf8",
            f"byte {exc.start} is not UTF-8 text",
            hint="save the file as UTF-8 CSV",
        ) from None


def read_csv_rows(
    path: str | Path,
    *,
    option: str | None = None,
    chosen: Mapping[str, str] | None = None,
    layout: Sequence[str] = (),
) -> CsvRows:
    """Read ``path`` whole and check its header.

    Parameters
    ----------
    path
        The CSV file (``.gz`` is decompressed).
    option
        The command-line option that named the file (``--series``): messages then say
        ``--series data.csv: ...``.
    chosen
        Columns the user chose by option, ``{option: column}`` (``{"--count-column":
        "n"}``): a missing one is a usage error naming the option and listing the
        columns there are; a repeated one is refused (which of the two is meant?).
    layout
        Columns a fixed file layout requires: a missing one refuses the file
        (``column-missing``).
    """
    file = Path(path)
    named = f"{option} {file}" if option else str(file)
    text = _text(file, named)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = tuple(reader.fieldnames or ())
        rows = tuple((reader.line_num, row) for row in reader)
    except csv.Error as exc:
        raise FileRefusedError(
            named,
            "file-not-csv",
            f"cannot be read as CSV ({exc})",
            hint="check it is a text CSV with a header row",
        ) from None
    wanted = dict(chosen or {})
    twice = [c for c in wanted.values() if header.count(c) > 1]
    if twice:
        raise FileRefusedError(
            named,
            "column-repeated",
            f"the header names column {twice[0]!r} more than once",
            hint="give each column of the header a distinct name",
        )
    for opt, column in wanted.items():
        if column not in header:
            raise UsageError(
                f"{named}: no column {column!r} for {opt}",
                hint=f"the columns are: {', '.join(header) or '(none)'}",
            )
    missing = [c for c in layout if c not in header]
    if missing:
        raise FileRefusedError(
            named,
            "column-missing",
            f"missing column(s) {', '.join(missing)}",
            hint=f"this layout needs the columns {', '.join(layout)}",
        )
    return CsvRows(file, header, rows)


MAX_COUNT = 2**53
"""The largest count read: beyond it a float no longer holds every whole number, and no
period or place of crime has that many cases (``1e308`` is a broken export, not a count)."""


def whole_count(text: str, *, path: str | Path, where: str) -> int:
    """``text`` as a count (a whole number from 0 to 2**53; ``12.0`` as exports write it).

    ``where`` says where in ``path`` it was read (``"line 4: n"``, the line and column);
    a count that is not one refuses the file (``count-invalid``).

    >>> whole_count("12.0", path="series.csv", where="line 2: n")
    12
    """
    try:
        value = float(text.strip())
    except ValueError:
        value = float("nan")
    if not value.is_integer() or value < 0 or value > MAX_COUNT:
        raise FileRefusedError(
            str(path),
            "count-invalid",
            f"{where} {text!r} is not a count (a whole number from 0 to 2**53)",
            hint="write 0 where nothing was counted; rates and estimates are not counts",
        )
    return int(value)


__all__ = ["MAX_COUNT", "CsvRows", "read_csv_rows", "whole_count"]
