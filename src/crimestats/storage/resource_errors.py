"""DuckDB failures that are about the machine, not the file: memory and disk space.

Reported as what they are, with the fix, so a file that is fine is never called
malformed. Each is a refusal of the one file (nothing of it is loaded; the store is
left as it was), so the other files of the command still get their chance.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import duckdb

from crimestats.errors import FileRefusedError
from crimestats.ingest.file_inspect import refuse
from crimestats.storage.store import MEMORY_ENV

_DISK_FULL = os.strerror(errno.ENOSPC).lower()  # "no space left on device"


def is_disk_full(exc: BaseException) -> bool:
    """True for DuckDB's or the OS's "no space left on device"."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    text = str(exc).lower()
    return _DISK_FULL in text or "no space left" in text or "disk is full" in text


def refusal_for(exc: BaseException, path: Path) -> FileRefusedError | None:
    """The refusal for an out-of-memory or disk-full failure; None for anything else."""
    if isinstance(exc, duckdb.OutOfMemoryException):
        limit = os.environ.get(MEMORY_ENV)
        now = f" (now {MEMORY_ENV}={limit})" if limit else ""
        return refuse(
            path,
            "out-of-memory",
            "DuckDB ran out of memory loading the file; the file itself may be fine "
            "and nothing of it was loaded",
            f"give DuckDB more memory with {MEMORY_ENV}, e.g. {MEMORY_ENV}=8GB{now}, "
            "or split the file into smaller files",
        )
    if is_disk_full(exc):
        return refuse(
            path,
            "disk-full",
            "the disk holding the store or its temporary files is full; nothing of the "
            "file was loaded and the store is as it was",
            "free disk space next to the store (and its '.tmp' folder), or use --db on a "
            "disk with room, then run the ingest again",
        )
    return None
