"""Files a steward uploads (POST /v1/ingest): kept in a private folder, removed after.

Why never the client's name: a multipart ``filename`` is text the client chose
(``../../store.duckdb``, ``/etc/passwd``, a name with NUL); using it as a path is the
classic upload hole. Each upload is written as ``upload<suffix>`` inside a fresh
``mkdtemp`` folder (mode 0700) whose name we chose; the suffix is kept only when it is
one of the formats the loader reads (it tells the inspector the format), else dropped.
The folder goes when the request ends, whatever happened.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Final

from fastapi import HTTPException, UploadFile

KNOWN_SUFFIXES: Final = frozenset(
    {".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet", ".xlsx", ".gz",
     ".yaml", ".yml"}
)  # fmt: skip
"""Suffixes kept on a stored upload (the inspector reads the format from them)."""
CHUNK: Final = 1024 * 1024


def safe_suffix(client_name: str | None) -> str:
    """The suffix of the client's file name if it is a known format, else ``""``."""
    if not client_name:
        return ""
    last = PureWindowsPath(PurePosixPath(client_name).name).name
    suffix = PurePosixPath(last).suffix.lower()
    return suffix if suffix in KNOWN_SUFFIXES else ""


def client_label(client_name: str | None) -> str:
    """The client's file name as plain text for the answer (never used as a path)."""
    text = "".join(c for c in (client_name or "") if c.isprintable())
    return text[:200]


@contextmanager
def private_folder() -> Iterator[Path]:
    """A fresh folder only this process may read, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="crimestats-upload-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def save(upload: UploadFile, folder: Path, stem: str, limit: int) -> Path:
    """Write ``upload`` to ``folder/<stem><suffix>`` (at most ``limit`` bytes)."""
    path = folder / f"{stem}{safe_suffix(upload.filename)}"
    written = 0
    with path.open("wb") as handle:
        while chunk := await upload.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise HTTPException(413, f"the file is larger than {limit:,} bytes")
            handle.write(chunk)
    return path
