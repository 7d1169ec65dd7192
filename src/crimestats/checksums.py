"""The SHA-256 of a file: one helper for every checksum crimestats records or publishes.

Why one: an ingest's checksum (idempotent re-ingest, lineage), a registered estimate's
input file and a release's manifest must agree on what "the checksum of this file"
means; reading in 1 MiB blocks keeps memory flat for files of any size.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     p = pathlib.Path(folder) / "x"
    ...     _ = p.write_bytes(b"abc")
    ...     file_sha256(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


__all__ = ["file_sha256"]
