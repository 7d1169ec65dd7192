"""What ``crimestats serve`` was told, as one frozen value the endpoints read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypedDict

DEFAULT_RATE: Final = 50.0
"""Requests per second a token (or, for the public, a client address) may make."""
DEFAULT_BURST: Final = 200
"""How many requests may arrive at once before the rate applies."""
FAILED_TOKEN_BURST: Final = 10
"""Wrong tokens one client address may send before it must wait."""
FAILED_TOKEN_RATE: Final = 0.1
"""Wrong tokens a second an address may send past the burst (one each 10 s): a secret
of 256 bits is out of reach of guessing anyway; this bounds what guessing costs the
server, and makes a flood of guesses visible as 429s in the audit log."""
REFUSAL_BURST: Final = 20
"""Refused requests of one client address written to the audit log one by one at once."""
REFUSAL_RATE: Final = 1.0
"""... and a second past that burst; beyond, they are counted (:mod:`~.serve.refusals`)."""
REFUSAL_SUMMARY_SECONDS: Final = 5.0
"""How often counted refusals are written as one summary entry per address."""
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
    failed_token_burst: int = FAILED_TOKEN_BURST
    failed_token_rate: float = FAILED_TOKEN_RATE
    refusal_burst: int = REFUSAL_BURST
    refusal_rate: float = REFUSAL_RATE
    refusal_summary_seconds: float = REFUSAL_SUMMARY_SECONDS
    audit_fsync: bool = True
    """Whether the audit journal is fsynced before an answer leaves (off: a crash of the
    machine, not of the server, can lose the last moments' entries; see serve/audit.py)."""
    fast_reads: bool = True
    """Whether the public release reads are answered before FastAPI
    (:mod:`crimestats.serve.fast_reads`; the same answers at a fraction of the cost)."""
    threads: int = 8
    """Worker threads for requests (DuckDB allows one writing process: the server
    scales by threads inside one process, and DuckDB parallelises each query)."""

    @property
    def releases_folder(self) -> Path:
        """The folder new releases go to."""
        return self.release_root or self.db.parent / "releases"


class UvicornOptions(TypedDict):
    proxy_headers: bool
    access_log: bool


def uvicorn_options() -> UvicornOptions:
    """How ``crimestats serve`` (and the tests' servers) run uvicorn beyond host and port:
    no proxy header trusted (uvicorn would take ``X-Forwarded-For`` from 127.0.0.1 by
    default, letting a local sender choose the address its rate limits count), and no
    access log (the audit log records every data request)."""
    return UvicornOptions(proxy_headers=False, access_log=False)
