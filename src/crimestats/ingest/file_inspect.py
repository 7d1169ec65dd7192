"""Look at an input file before loading it: what it really is, and its header.

A file that cannot be loaded as a whole is refused here with one message naming the
file, the problem and the fix (``FileRefusedError`` with a stable code), before any of
it reaches the store. Row-level faults are left to validation.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from crimestats.errors import FileRefusedError
from crimestats.ingest.limits import IngestLimits, describe, raise_hint

_MAGIC = {
    b"PAR1": "parquet",
    b"\x1f\x8b": "gzip",
    b"PK\x03\x04": "zip",
    b"%PDF": "pdf",
    b"\xd0\xcf\x11\xe0": "ole",  # legacy Excel .xls
    b"SQLite format 3": "sqlite",
    b"DUCK": "duckdb",
}
_WHAT = {
    "zip": "a ZIP archive (an .xlsx workbook is one)",
    "pdf": "a PDF document",
    "ole": "a legacy Excel (.xls) workbook",
    "sqlite": "an SQLite database",
    "duckdb": "a DuckDB database",
}
_SCAN_CHUNK = 1 << 20
OCCURRENCE_MARK = "#"
"""``NAME#n`` is the n-th column (from the left) whose header is NAME."""
Repeats = tuple[tuple[str, tuple[int, ...]], ...]
"""Header names given more than once, each with its 1-based column positions."""

FILE_PROBLEMS = {
    "file-not-found": "the file does not exist",
    "file-is-the-store": "the file is the store being loaded into, or its log",
    "file-empty": "the file is empty or has a header but no rows",
    "file-type-mismatch": "the content is not what the file's extension says",
    "file-encoding": "the text is not in the declared encoding",
    "file-wrong-delimiter": "the columns are not separated by the declared delimiter",
    "file-missing-column": "a column the mapping or layout needs is missing",
    "file-duplicate-column": "two columns of the header have the same name, and nothing "
    "says which one to read",
    "file-date-format": "a mapping's date format does not fit most of the file's dates",
    "file-truncated": "the file ends in the middle of a row or a compressed block",
    "file-unbalanced-quote": "a quote opened and never closed; rows after it cannot be split",
    "file-unreadable": "the file cannot be read",
    "file-line-too-long": "a line is longer than the limit on one line",
    "file-header-too-large": "the header line or a column name is longer than its limit",
    "file-too-many-columns": "the file has more columns than the limit",
    "file-too-large": "a compressed file expands past the limit on size or ratio",
    "out-of-memory": "DuckDB ran out of memory loading the file",
    "disk-full": "the disk holding the store (or its temporary files) is full",
}
"""Stable codes of whole-file problems (the file is refused, nothing loaded)."""


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What a file turned out to be."""

    path: Path
    kind: str  # csv | parquet
    compression: str | None  # gzip | None
    header: tuple[str, ...]
    size: int
    content_bytes: int | None = None  # decompressed size, once scanned (file_scan)
    ends_with_newline: bool | None = None  # once scanned
    repeated: Repeats = ()  # names the raw header repeats (the header numbers them)


def refuse(path: Path, code: str, message: str, fix: str) -> FileRefusedError:
    """The one way a whole file is refused."""
    return FileRefusedError(str(path), code, message, hint=fix)


def unique_header(raw: list[str]) -> tuple[tuple[str, ...], Repeats]:
    """The header with each repeated name numbered (``X#1``, ``X#2``), and the repeats.

    The repeats are (name, 1-based positions). A number that is already the name of
    another column (a header ``X, X, X#2``) leaves the header as it was, so that
    :func:`crimestats.ingest.mapping_columns.check_header` refuses it for renaming.
    """
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(raw, start=1):
        positions.setdefault(name, []).append(i)
    repeated = tuple((n, tuple(p)) for n, p in positions.items() if len(p) > 1)
    if not repeated:
        return tuple(raw), ()
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in raw:
        if len(positions[name]) > 1:
            seen[name] = seen.get(name, 0) + 1
            out.append(f"{name}{OCCURRENCE_MARK}{seen[name]}")
        else:
            out.append(name)
    if len(set(out)) != len(out):
        return tuple(raw), repeated
    return tuple(out), repeated


def _sniff(head: bytes) -> str:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if b"\x00" in head[:8192]:
        return "binary"
    return "text"


def _declared(path: Path) -> tuple[str, str | None]:
    suffixes = [s.lower() for s in path.suffixes]
    compression = "gzip" if suffixes and suffixes[-1] == ".gz" else None
    core = (
        suffixes[-2] if compression and len(suffixes) >= 2 else (suffixes[-1] if suffixes else "")
    )
    kind = "parquet" if core in (".parquet", ".pq") else "csv"
    return kind, compression


def _python_encoding(encoding: str) -> str:
    return {"utf-8": "utf-8-sig", "utf8": "utf-8-sig"}.get(encoding, encoding)


def _open_text(path: Path, compression: str | None) -> io.BufferedIOBase:
    if compression == "gzip":
        return gzip.open(path, "rb")
    return path.open("rb")


def _head(path: Path, compression: str | None, limits: IngestLimits) -> tuple[bytes, bool]:
    """The first ``max_header_bytes`` + 1 bytes, and whether any data follows the header.

    Whether a row follows is read on past the header, chunk by chunk, so a header near the
    limit is never mistaken for a file with no rows.
    """
    try:
        with _open_text(path, compression) as handle:
            data = handle.read(limits.max_header_bytes + 1)
            lines = data.splitlines()
            no_break = b"\n" not in data and b"\r" not in data
            if no_break and len(data) > limits.max_header_bytes:
                raise refuse(
                    path,
                    "file-header-too-large",
                    f"the first line is longer than {describe(limits.max_header_bytes)} "
                    "(the limit on the header line)",
                    raise_hint(
                        "max_header_bytes",
                        limits.max_header_bytes,
                        "check that the file starts with one header line of column names",
                    ),
                )
            has_rows = any(line.strip() for line in lines[1:])
            if no_break:
                return data, False
            while not has_rows and (chunk := handle.read(_SCAN_CHUNK)):
                has_rows = bool(chunk.strip())
    except (EOFError, OSError, zlib.error) as exc:
        raise refuse(
            path,
            "file-truncated",
            f"the compressed stream is damaged or cut short ({exc})",
            "download or copy the file again; 'gzip -t FILE' checks it",
        ) from exc
    return data, has_rows


def _parse_header(path: Path, text: str, delimiter: str, limits: IngestLimits) -> list[str]:
    too_long = refuse(
        path,
        "file-header-too-large",
        f"a column name of the header is longer than {limits.max_column_name:,} characters "
        "(the limit on a column name)",
        raise_hint(
            "max_column_name",
            limits.max_column_name,
            "check the header line: is the delimiter right, are the quotes balanced?",
        ),
    )
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:  # Python's own field limit (128 KiB), far past ours
        raise too_long from exc
    if any(len(h) > limits.max_column_name for h in header):
        raise too_long
    _check_column_count(path, len(header), limits)
    return header


def _check_column_count(path: Path, count: int, limits: IngestLimits) -> None:
    if count > limits.max_columns:
        raise refuse(
            path,
            "file-too-many-columns",
            f"the file has {count:,} columns, more than {limits.max_columns:,} "
            "(the limit on columns)",
            raise_hint(
                "max_columns",
                limits.max_columns,
                "keep only the columns the mapping needs, or check the delimiter",
            ),
        )


def _csv_header(
    path: Path, compression: str | None, delimiter: str, encoding: str, limits: IngestLimits
) -> list[str]:
    data, has_rows = _head(path, compression, limits)
    if not data.strip():
        raise refuse(path, "file-empty", "the file is empty", "export the data again")
    lines = data.splitlines()
    try:
        text = lines[0].decode(_python_encoding(encoding))
    except UnicodeDecodeError as exc:
        raise refuse(
            path,
            "file-encoding",
            f"the header is not valid {encoding} (byte {exc.start})",
            "re-save the file as UTF-8, or declare its encoding (e.g. 'encoding: latin-1') "
            "in a mapping file",
        ) from exc
    header = _parse_header(path, text, delimiter, limits)
    if not has_rows:
        raise refuse(
            path,
            "file-empty",
            "the file has a header but no data rows",
            "check the export; an empty period needs no file",
        )
    # A blank header cell still names a column (DuckDB cannot name one ""): column_<n>.
    return [h.strip() or f"column_{i}" for i, h in enumerate(header, start=1)]


def _parquet_header(path: Path, limits: IngestLimits) -> tuple[str, ...]:
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except MemoryError:
        raise
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise refuse(
            path,
            "file-truncated",
            f"the Parquet file is damaged or cut short ({exc})",
            "write or copy the file again",
        ) from exc
    _check_column_count(path, meta.num_columns, limits)
    if meta.num_rows == 0:
        raise refuse(path, "file-empty", "the Parquet file has no rows", "export the data again")
    return tuple(meta.schema.to_arrow_schema().names)


def inspect_file(
    path: Path,
    *,
    declared_format: str | None,
    delimiter: str,
    encoding: str,
    limits: IngestLimits | None = None,
) -> FileInfo:
    """Check a file's existence, type and header; refuse it whole if it cannot load."""
    limits = limits or IngestLimits()
    if not path.exists():
        raise refuse(path, "file-not-found", "no such file", "check the path")
    if not path.is_file():
        raise refuse(path, "file-unreadable", "not a regular file", "give a CSV or Parquet file")
    size = path.stat().st_size
    if size == 0:
        raise refuse(path, "file-empty", "the file is empty (0 bytes)", "export the data again")
    kind, compression = _declared(path)
    if declared_format:
        kind = declared_format
    with path.open("rb") as handle:
        head = handle.read(8192)
    actual = _sniff(head)
    if compression == "gzip" and actual != "gzip":
        raise refuse(
            path,
            "file-type-mismatch",
            "the name ends in .gz but the content is not gzip-compressed",
            "rename the file without .gz",
        )
    if actual == "gzip" and compression != "gzip":
        raise refuse(
            path,
            "file-type-mismatch",
            "the content is gzip-compressed but the name does not end in .gz",
            f"rename it to {path.name}.gz",
        )
    if actual in _WHAT:
        raise refuse(
            path,
            "file-type-mismatch",
            f"the file is {_WHAT[actual]}, not {kind.upper()}",
            "export or save the data as CSV (UTF-8) or Parquet",
        )
    if kind == "parquet":
        if actual != "parquet":
            raise refuse(
                path,
                "file-type-mismatch",
                "the name says Parquet but the content is not a Parquet file",
                "rename it to .csv if it is text, or write it again as Parquet",
            )
        return FileInfo(path, "parquet", None, _parquet_header(path, limits), size)
    if actual == "parquet":
        raise refuse(
            path,
            "file-type-mismatch",
            "the content is a Parquet file but the name says CSV",
            f"rename it to {path.stem}.parquet",
        )
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        raise refuse(
            path,
            "file-type-mismatch",
            "the file holds JSON (GeoJSON?), not CSV",
            "export the records as CSV or Parquet; areas go in with 'crimestats ingest-areas'",
        )
    if actual == "binary":
        raise refuse(
            path,
            "file-type-mismatch",
            "the file holds binary data, not CSV text",
            "export the data as CSV (UTF-8) or Parquet",
        )
    header, repeated = unique_header(_csv_header(path, compression, delimiter, encoding, limits))
    return FileInfo(path, "csv", compression, header, size, repeated=repeated)
