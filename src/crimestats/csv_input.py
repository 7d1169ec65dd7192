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
millions an ingest streams through DuckDB). A points file may yet hold a million rows,
too many to keep as dicts: :func:`stream_csv_rows` decodes and refuses the file as
:func:`read_csv_rows` does, then gives the rows one at a time; :func:`csv_records` gives
them as lists, for a file whose first line may not be a header.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from crimestats.errors import FileRefusedError, NotFoundError, UsageError

_Row = TypeVar("_Row")


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


def _named(file: Path, option: str | None) -> str:
    return f"{option} {file}" if option else str(file)


def _not_csv(named: str, exc: csv.Error) -> FileRefusedError:
    return FileRefusedError(
        named,
        "file-not-csv",
        f"cannot be read as CSV ({exc})",
        hint="check it is a text CSV with a header row",
    )


def _guarded(named: str, rows: Iterator[_Row]) -> Iterator[_Row]:
    """``rows``, with a parse error on the way refusing the file (``file-not-csv``)."""
    try:
        yield from rows
    except csv.Error as exc:
        raise _not_csv(named, exc) from None


@dataclass(frozen=True)
class CsvStream:
    """A CSV file's header, and its rows read as they are iterated (once).

    For a reader that keeps a few numbers of each row of a file too large to hold whole
    as dicts (a points file of a million rows); the file's text is decoded whole, and
    refused as :func:`read_csv_rows` refuses it, before the first row.

    Attributes
    ----------
    path : Path
        The file read.
    named : str
        How messages name the file (``--points p.csv``, or the path alone).
    header : tuple of str
        Column names as the header gives them.
    rows : iterator of (int, dict)
        ``(line number, {column: text})`` per data row, as in :class:`CsvRows` (a short
        row's missing columns are None, as :class:`csv.DictReader` gives them).
    """

    path: Path
    named: str
    header: tuple[str, ...]
    rows: Iterator[tuple[int, dict[str, str]]]


def stream_csv_rows(path: str | Path, *, option: str | None = None) -> CsvStream:
    """The header of ``path`` and an iterator of its rows (``option`` as in
    :func:`read_csv_rows`); no column is checked."""
    file = Path(path)
    named = _named(file, option)
    reader = csv.DictReader(io.StringIO(_text(file, named), newline=""))
    try:
        header = tuple(reader.fieldnames or ())
    except csv.Error as exc:
        raise _not_csv(named, exc) from None
    rows = _guarded(named, ((reader.line_num, row) for row in reader))
    return CsvStream(file, named, header, rows)


def csv_records(path: str | Path, *, option: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """Every record of ``path`` as a list, with its line number, the first line
    included: for a file whose first line may not be a header (``near-repeat
    --no-header`` names columns by number). Blank lines come as empty lists."""
    file = Path(path)
    named = _named(file, option)
    reader = csv.reader(io.StringIO(_text(file, named), newline=""))
    return _guarded(named, ((reader.line_num, record) for record in reader))


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
    stream = stream_csv_rows(path, option=option)
    named, header, rows = stream.named, stream.header, tuple(stream.rows)
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
    return CsvRows(stream.path, header, rows)


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


__all__ = [
    "MAX_COUNT",
    "CsvRows",
    "CsvStream",
    "csv_records",
    "read_csv_rows",
    "stream_csv_rows",
    "whole_count",
]
