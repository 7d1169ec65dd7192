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
_HEADER_BYTES = 1 << 20

FILE_PROBLEMS = {
    "file-not-found": "the file does not exist",
    "file-empty": "the file is empty or has a header but no rows",
    "file-type-mismatch": "the content is not what the file's extension says",
    "file-encoding": "the text is not in the declared encoding",
    "file-wrong-delimiter": "the columns are not separated by the declared delimiter",
    "file-missing-column": "a column the mapping or layout needs is missing",
    "file-duplicate-column": "two columns of the header have the same name",
    "file-truncated": "the file ends in the middle of a row or a compressed block",
    "file-unbalanced-quote": "a quote opened and never closed; rows after it cannot be split",
    "file-unreadable": "the file cannot be read",
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


def refuse(path: Path, code: str, message: str, fix: str) -> FileRefusedError:
    """The one way a whole file is refused."""
    return FileRefusedError(str(path), code, message, hint=fix)


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


def _first_line(path: Path, compression: str | None) -> bytes:
    try:
        if compression == "gzip":
            with gzip.open(path, "rb") as handle:
                data = handle.read(_HEADER_BYTES)
        else:
            with path.open("rb") as handle:
                data = handle.read(_HEADER_BYTES)
    except (EOFError, OSError, zlib.error) as exc:
        raise refuse(
            path,
            "file-truncated",
            f"the compressed stream is damaged or cut short ({exc})",
            "download or copy the file again; 'gzip -t FILE' checks it",
        ) from exc
    return data


def _csv_header(
    path: Path, compression: str | None, delimiter: str, encoding: str
) -> tuple[str, ...]:
    data = _first_line(path, compression)
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
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not any(len(line.strip()) for line in lines[1:]):
        raise refuse(
            path,
            "file-empty",
            "the file has a header but no data rows",
            "check the export; an empty period needs no file",
        )
    # A blank header cell still names a column (DuckDB cannot name one ""): column_<n>.
    return tuple(h.strip() or f"column_{i}" for i, h in enumerate(header, start=1))


def _parquet_header(path: Path) -> tuple[str, ...]:
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise refuse(
            path,
            "file-truncated",
            f"the Parquet file is damaged or cut short ({exc})",
            "write or copy the file again",
        ) from exc
    if meta.num_rows == 0:
        raise refuse(path, "file-empty", "the Parquet file has no rows", "export the data again")
    return tuple(meta.schema.to_arrow_schema().names)


def inspect_file(
    path: Path, *, declared_format: str | None, delimiter: str, encoding: str
) -> FileInfo:
    """Check a file's existence, type and header; refuse it whole if it cannot load."""
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
        return FileInfo(path, "parquet", None, _parquet_header(path), size)
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
    header = _csv_header(path, compression, delimiter, encoding)
    return FileInfo(path, "csv", compression, header, size)
