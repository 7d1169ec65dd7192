"""Read an input file's content once, in bounded memory, before DuckDB stages it.

Two things cannot be left to DuckDB. Its CSV reader silently drops a line longer than
its read buffer (the row is neither read nor rejected), so the longest physical line is
measured here; and a small .gz can hold gigabytes (a decompression bomb), so the
content is stream-decompressed with a cap on its size and on its expansion ratio. A
Parquet file is bounded the same way from its footer (:func:`_scan_parquet`). Each
refuses the file before anything is staged; see ``crimestats.ingest.limits``.
"""

from __future__ import annotations

import dataclasses
import gzip
import zlib
from pathlib import Path
from typing import BinaryIO

from crimestats.ingest.file_inspect import FileInfo, refuse
from crimestats.ingest.limits import IngestLimits, ceiling, describe, raise_hint

_MAX_CHUNK = 1 << 20


def _open(info: FileInfo) -> BinaryIO:
    if info.compression == "gzip":
        return gzip.open(info.path, "rb")  # type: ignore[return-value]
    return info.path.open("rb")


def _line_break(chunk: bytes, *, last: bool) -> int:
    """Index of the first (or last) CR or LF in ``chunk``; -1 if it has none."""
    if last:
        return max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
    hits = [i for i in (chunk.find(b"\n"), chunk.find(b"\r")) if i >= 0]
    return min(hits) if hits else -1


def _rest_of_line(handle: BinaryIO, chunk_size: int, most: int) -> tuple[int, bool]:
    """Bytes up to the next line break (read on, at most ``most``), and whether one came."""
    length = 0
    while length <= most and (chunk := handle.read(chunk_size)):
        end = _line_break(chunk, last=False)
        if end >= 0:
            return length + end, True
        length += len(chunk)
    return length, length <= most


def _refuse_line(
    path: Path, limits: IngestLimits, line: int, length: int, whole: bool
) -> Exception:
    """Refuse the file for line ``line``, of ``length`` bytes (or more, if not ``whole``).

    The line is measured to its end (up to the limit's ceiling) so that the fix can
    name a limit that will actually hold it.
    """
    measured = f"{length:,} bytes" if whole else f"over {describe(length)}"
    return refuse(
        path,
        "file-line-too-long",
        f"line {line} is longer than {describe(limits.max_line_bytes)} "
        f"({measured}; the limit on one line); nothing was loaded",
        raise_hint(
            "max_line_bytes",
            limits.max_line_bytes,
            "check that the file's lines end with line breaks and no value holds a whole file",
            needed=length if whole else ceiling("max_line_bytes") + 1,
        ),
    )


def _check_expansion(info: FileInfo, limits: IngestLimits, content: int) -> None:
    """Refuse content past ``max_decompressed``, or past ``max_ratio`` x the file's size."""
    what = "Parquet file" if info.kind == "parquet" else "compressed file"
    if content > limits.max_decompressed:
        raise refuse(
            info.path,
            "file-too-large",
            f"the {what} holds more than {describe(limits.max_decompressed)} of "
            "data (the limit on decompressed size); nothing was loaded",
            raise_hint(
                "max_decompressed",
                limits.max_decompressed,
                "split the data into smaller files",
            ),
        )
    if content > limits.ratio_from and content > limits.max_ratio * info.size:
        raise refuse(
            info.path,
            "file-too-large",
            f"the {what} ({describe(info.size)}) expands more than "
            f"{limits.max_ratio} times (the limit on compression ratio; real data compresses "
            "5-15 times): it looks like a decompression bomb; nothing was loaded",
            raise_hint(
                "max_ratio",
                limits.max_ratio,
                "check where the file came from; if it is genuine, load it uncompressed",
            ),
        )


def scan_content(info: FileInfo, limits: IngestLimits) -> FileInfo:
    """Measure every line and the decompressed size; refuse the file past a limit.

    Reads in chunks no longer than the line limit, so a line longer than the limit
    cannot hide inside one chunk: only the run across chunk ends needs counting.
    Returns ``info`` with ``content_bytes`` and ``ends_with_newline`` filled in.
    """
    if info.kind == "parquet":
        return _scan_parquet(info, limits)
    if info.kind != "csv":
        return info
    chunk_size = max(1, min(limits.max_line_bytes, _MAX_CHUNK))
    content = 0
    run = 0  # bytes since the last line break
    line = 1
    tail = b""
    try:
        with _open(info) as handle:
            while chunk := handle.read(chunk_size):
                content += len(chunk)
                first = _line_break(chunk, last=False)
                if first < 0:
                    run += len(chunk)
                else:
                    if run + first > limits.max_line_bytes:
                        raise _refuse_line(info.path, limits, line, run + first, whole=True)
                    line += chunk.count(b"\n")
                    run = len(chunk) - _line_break(chunk, last=True) - 1
                if run > limits.max_line_bytes:
                    most = ceiling("max_line_bytes") - run
                    rest, whole = _rest_of_line(handle, chunk_size, most)
                    raise _refuse_line(info.path, limits, line, run + rest, whole)
                if info.compression:
                    _check_expansion(info, limits, content)
                tail = chunk
    except (EOFError, OSError, zlib.error) as exc:
        raise refuse(
            info.path,
            "file-truncated",
            f"the compressed stream is damaged or cut short ({exc})",
            "download or copy the file again; 'gzip -t FILE' checks it",
        ) from exc
    return dataclasses.replace(
        info, content_bytes=content, ends_with_newline=tail.endswith((b"\n", b"\r"))
    )


def _scan_parquet(info: FileInfo, limits: IngestLimits) -> FileInfo:
    """Bound a Parquet file by what its metadata says it holds, before DuckDB reads it.

    A 35 KB Parquet file held 2,000,000 identical rows (52 s, 1.3 GB to load) and a 4 KB
    one a single 100 MB cell (2 GB): compression and dictionary encoding make Parquet a
    better bomb than gzip. The content is estimated from the footer, without reading a
    page: per row group, the larger of its uncompressed bytes and one byte per value
    (what the same rows take as CSV at the very least, a separator each). The estimate
    gets the gzip limits (size, and ratio past ``ratio_from``). And a row group whose
    uncompressed bytes per row exceed ``max_line_bytes`` is refused: a row longer than
    a line may be. A single huge cell among many small rows still passes that average
    (the footer does not hold a value's length); the footer itself is the file's claim.
    """
    import pyarrow.parquet as pq

    meta = pq.read_metadata(info.path)  # read once already by inspect_file: not damaged
    content = 0
    for index in range(meta.num_row_groups):
        group = meta.row_group(index)
        chunks = sum(group.column(c).total_uncompressed_size for c in range(group.num_columns))
        size = max(group.total_byte_size, chunks)
        rows = max(group.num_rows, 1)
        if size > rows * limits.max_line_bytes:
            per_row = -(-size // rows)
            raise refuse(
                info.path,
                "file-line-too-long",
                f"row group {index + 1} holds {per_row:,} bytes per row ({group.num_rows:,} "
                f"rows, {size:,} bytes uncompressed), more than {describe(limits.max_line_bytes)}"
                " (the limit on one line, which bounds a row); nothing was loaded",
                raise_hint(
                    "max_line_bytes",
                    limits.max_line_bytes,
                    "check that no value holds a whole document or file",
                    needed=per_row,
                ),
            )
        content += max(size, group.num_rows * group.num_columns)
        _check_expansion(info, limits, content)
    return dataclasses.replace(info, content_bytes=content)
