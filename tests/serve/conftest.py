"""A real uvicorn server on 127.0.0.1 and a free port, over a copy of the demo store
with one protected release, and a token per role (issue 16 item 6)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from crimestats.govern import tokens
from crimestats.govern.roles import Role
from crimestats.release.build import build_release
from crimestats.serve.app import create_app
from crimestats.serve.settings import ServeSettings, uvicorn_options
from crimestats.storage.store import open_store


@dataclass(frozen=True)
class Served:
    """The running server: its URL, the store file, the release folder and tokens."""

    url: str
    db: Path
    release_dir: Path
    release_id: str
    tokens: dict[Role, str]

    def client(self, role: Role | None = None) -> httpx.Client:
        headers = {} if role is None else {"Authorization": f"Bearer {self.tokens[role]}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_server(settings: ServeSettings) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Start uvicorn in a thread and wait until it answers; return it and its URL."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="error", lifespan="on",
        **uvicorn_options(),
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return server, thread, url


def stop_server(server: uvicorn.Server, thread: threading.Thread) -> None:
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def served(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo store (copied), released once, served with an analyst, steward and admin."""
    root = tmp_path_factory.mktemp("serve")
    db = root / "store.duckdb"
    shutil.copy(demo_db, db)
    result = build_release(db, root / "release")
    with open_store(db) as con:
        issued = {role: tokens.add_user(con, role.value, role) for role in tokens_roles()}
    server, thread, url = run_server(ServeSettings(db=db, rate_per_second=1000, burst=1000))
    try:
        yield Served(
            url=url,
            db=db,
            release_dir=root / "release",
            release_id=result.release_id,
            tokens={role: t.token for role, t in issued.items()},
        )
    finally:
        stop_server(server, thread)


def tokens_roles() -> tuple[Role, ...]:
    return (Role.ANALYST, Role.STEWARD, Role.ADMIN)
