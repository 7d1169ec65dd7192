"""Servers and a raw HTTP client for the fast-path attacks (test_attack_fast_reads*.py).

Why a raw client: httpx normalises a URL (``..`` segments, some escapes) before sending
it; an attacker does not, so the attacks send the request line byte for byte.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import uvicorn
from tests.serve.conftest import run_server, stop_server

from crimestats.govern import tokens
from crimestats.govern.roles import Role
from crimestats.release.build import build_release
from crimestats.serve.settings import ServeSettings
from crimestats.storage.store import open_store


@dataclass(frozen=True)
class Raw:
    status: int
    headers: dict[str, str]
    body: bytes


def raw_request(url: str, target: str, method: str = "GET", headers: str = "") -> Raw:
    """Send ``method target`` as written, with extra header lines ``headers``."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        head = f"{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n"
        sock.sendall(head.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    top, _, body = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    found = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        found[key.strip().lower()] = value.strip()
    return Raw(int(lines[0].split()[1]), found, body)


@dataclass(frozen=True)
class Released:
    """A store copy with one release, in ``root``; the release folder and a steward token."""

    db: Path
    release_id: str
    folder: Path
    steward: str


def released_copy(source: Path, root: Path) -> Released:
    db = root / "store.duckdb"
    shutil.copy(source, db)
    result = build_release(db, root / "release")
    with open_store(db) as con:
        steward = tokens.add_user(con, "steward", Role.STEWARD).token
    return Released(db, result.release_id, root / "release", steward)


@contextmanager
def serving(db: Path, **options: object) -> Iterator[tuple[str, uvicorn.Server]]:
    """A real uvicorn server over ``db`` (rate limits open unless given)."""
    settings = ServeSettings(db=db, **{"rate_per_second": 1000, "burst": 1000, **options})  # type: ignore[arg-type]
    server, thread, url = run_server(settings)
    try:
        yield url, server
    finally:
        stop_server(server, thread)


def audit_rows(db: Path) -> list[tuple[str, str, str, int]]:
    """(user, action, parameters, rows) of every audit entry, read after the server stopped."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT user_name, action, parameters, rows_out FROM audit_log ORDER BY seq"
        ).fetchall()
    finally:
        con.close()
    return [(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]
