"""What ``crimestats serve`` was told, as one frozen value the endpoints read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

DEFAULT_RATE: Final = 50.0
"""Requests per second a token (or, for the public, a client address) may make."""
DEFAULT_BURST: Final = 200
"""How many requests may arrive at once before the rate applies."""
DEFAULT_MAX_BODY: Final = 256 * 1024 * 1024
"""Largest request body (an uploaded file for POST /v1/ingest), 256 MiB."""


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """The server's settings; ``db`` is the store, everything else has a default."""

    db: Path
    rate_per_second: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    max_body_bytes: int = DEFAULT_MAX_BODY
    release_root: Path | None = None
    """Where POST /v1/releases writes release folders (default: ``releases/`` beside
    the store)."""
    threads: int = 8
    """Worker threads for requests (DuckDB allows one writing process: the server
    scales by threads inside one process, and DuckDB parallelises each query)."""

    @property
    def releases_folder(self) -> Path:
        """The folder new releases go to."""
        return self.release_root or self.db.parent / "releases"
