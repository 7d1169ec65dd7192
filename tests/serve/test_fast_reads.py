"""The public release reads answered before FastAPI give exactly FastAPI's answers.

Two real servers over two copies of one store (one release, recorded before the copy,
so both list the same folder): one with the fast path (``ServeSettings.fast_reads``,
the default), one without it, where FastAPI's routes answer. Every case -- lists and
pages, a release, JSON and CSV tables by ``Accept`` and ``?format=``, files, ETags and
304, unknown releases, tables and files, a path out of the folder, bad parameters, a
token, a trailing slash, HEAD, the rate limit -- is asked of both, and the status, the
body and every header (but the date) must be equal; then the two audit logs must hold
the same entries in the same order (user, role, action, parameters, rows, result hash),
which proves the fast path audits every answer and every refusal as FastAPI's routes do.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from tests.serve.conftest import run_server, stop_server

from crimestats.release.build import build_release
from crimestats.serve.settings import ServeSettings


@dataclass(frozen=True)
class Pair:
    fast: str
    slow: str
    servers: tuple[uvicorn.Server, uvicorn.Server]
    release_id: str
    release_dir: Path


def _start(db: Path, fast: bool, burst: int) -> tuple[uvicorn.Server, Any, str]:
    settings = ServeSettings(db=db, rate_per_second=0.01 if burst < 50 else 1000, burst=burst,
                             fast_reads=fast)  # fmt: skip
    return run_server(settings)


@pytest.fixture(scope="module")
def released(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    root = tmp_path_factory.mktemp("fast")
    db = root / "released.duckdb"
    shutil.copy(demo_db, db)
    result = build_release(db, root / "release")
    return db, result.release_id, root / "release"


def _pair(released: tuple[Path, str, Path], name: str, burst: int) -> Iterator[Pair]:
    db, release_id, folder = released
    stores = []
    for side in ("fast", "slow"):
        copy = db.parent / f"{name}-{side}.duckdb"
        shutil.copy(db, copy)
        stores.append(copy)
    fast = _start(stores[0], True, burst)
    slow = _start(stores[1], False, burst)
    try:
        yield Pair(fast[2], slow[2], (fast[0], slow[0]), release_id, folder)
    finally:
        stop_server(fast[0], fast[1])
        stop_server(slow[0], slow[1])


@pytest.fixture(scope="module")
def pair(released: tuple[Path, str, Path]) -> Iterator[Pair]:
    yield from _pair(released, "pair", 1000)


def _answer(url: str, method: str, path: str, headers: dict[str, str]) -> tuple[Any, ...]:
    with httpx.Client(base_url=url, timeout=30) as client:
        got = client.request(method, path, headers=headers)
    kept = sorted(  # a redirect's location names the server's own port
        (k, v.replace(url, "<server>")) for k, v in got.headers.multi_items() if k != "date"
    )
    return got.status_code, got.content, kept


def _audit_rows(server: uvicorn.Server) -> list[tuple[Any, ...]]:
    app = server.config.app
    app.state.audit.flush()
    with app.state.store.reader() as con:
        return con.execute(
            "SELECT user_name, role, action, parameters, rows_out, result_hash FROM audit_log "
            "WHERE action NOT LIKE 'audit.%' ORDER BY seq"
        ).fetchall()


def _cases(release_id: str, etags: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    table = f"/v1/releases/{release_id}/tables/offences_by_source_iccs_l2"
    file = f"/v1/releases/{release_id}/files/datapackage.json"
    return [
        ("GET", "/v1/releases", {}),
        ("GET", "/v1/releases?limit=1&offset=0", {}),
        ("GET", "/v1/releases?limit=0", {}),
        ("GET", "/v1/releases?limit=x", {}),
        ("GET", "/v1/releases?offset=5", {}),
        ("GET", "/v1/releases?format=csv&other=1", {}),
        ("GET", f"/v1/releases/{release_id}", {}),
        ("GET", "/v1/releases/latest", {}),
        ("GET", "/v1/releases/no-such-release", {}),
        ("GET", "/v1/releases/", {}),
        ("GET", table, {}),
        ("GET", table + "?format=csv", {}),
        ("GET", table + "?format=CSV", {}),
        ("GET", table, {"Accept": "text/csv"}),
        ("GET", table + "?format=json", {"Accept": "text/csv"}),
        ("GET", table + "?format=xml", {}),
        ("GET", table, {"If-None-Match": etags["table"]}),
        ("GET", table, {"If-None-Match": '"not-it"'}),
        ("GET", "/v1/releases/latest/tables/offences_by_source_iccs_l2?x=1", {}),
        ("GET", f"/v1/releases/{release_id}/tables/no_such_table", {}),
        ("GET", "/v1/releases/nope/tables/offences_by_source_iccs_l2?format=xml", {}),
        ("GET", f"/v1/releases/{release_id}/tables/", {}),
        ("GET", file, {}),
        ("GET", file, {"If-None-Match": etags["file"]}),
        ("GET", f"/v1/releases/{release_id}/files/MANIFEST.sha256", {}),
        ("GET", f"/v1/releases/{release_id}/files/offences_by_source_iccs_l2.csv", {}),
        ("GET", f"/v1/releases/{release_id}/files/", {}),
        ("GET", f"/v1/releases/{release_id}/files/%2e%2e/released.duckdb", {}),
        ("GET", f"/v1/releases/{release_id}/files/..%2F..%2Fetc%2Fpasswd", {}),
        ("GET", f"/v1/releases/{release_id}/files/no/such/file.csv", {}),
        ("GET", table, {"Authorization": "Bearer not-a-token"}),
        ("GET", table, {"Authorization": "Basic abc"}),
        ("HEAD", table, {}),
        ("POST", "/v1/releases", {}),
        ("GET", "/v1/health", {}),
    ]


def test_every_case_answers_as_fastapi_does_and_is_audited_alike(pair: Pair) -> None:
    table = pair.release_dir / "offences_by_source_iccs_l2.csv"
    assert table.exists()
    with httpx.Client(base_url=pair.slow, timeout=30) as client:
        tag = client.get(f"/v1/releases/{pair.release_id}/tables/offences_by_source_iccs_l2")
    digest = hashlib.sha256((pair.release_dir / "datapackage.json").read_bytes()).hexdigest()
    etags = {"table": tag.headers["etag"], "file": f'"{digest}"'}
    with httpx.Client(base_url=pair.fast, timeout=30) as client:  # the same first request
        client.get(f"/v1/releases/{pair.release_id}/tables/offences_by_source_iccs_l2")
    statuses = set()
    for method, path, headers in _cases(pair.release_id, etags):
        fast = _answer(pair.fast, method, path, headers)
        slow = _answer(pair.slow, method, path, headers)
        assert fast == slow, (method, path, headers)
        statuses.add(fast[0])
    assert {200, 304, 401, 404, 405, 422}.issubset(statuses)
    fast_log, slow_log = _audit_rows(pair.servers[0]), _audit_rows(pair.servers[1])
    assert fast_log == slow_log
    actions = [row[2] for row in fast_log]
    assert actions.count("releases.table") == 9  # 8 asked (one 304), and the first
    assert "refused" in actions


def _waits(answer: tuple[Any, ...]) -> tuple[Any, ...]:
    """``answer`` with its Retry-After value replaced by whether it is 1-100 seconds
    (the two servers' buckets empty some milliseconds apart, so a value may differ)."""
    status, body, headers = answer
    kept = [(k, 1 <= int(v) <= 100 if k == "retry-after" else v) for k, v in headers]
    return status, body, kept


def test_rate_limit_answers_and_audits_alike(released: tuple[Path, str, Path]) -> None:
    for pair in _pair(released, "limited", burst=3):
        path = f"/v1/releases/{pair.release_id}/tables/offences_by_source_iccs_l2"
        statuses = []
        for _ in range(6):
            fast = _waits(_answer(pair.fast, "GET", path, {}))
            assert fast == _waits(_answer(pair.slow, "GET", path, {}))
            statuses.append(fast[0])
        assert statuses == [200] * 3 + [429] * 3
        assert ("retry-after", True) in fast[2]
        fast_log = _audit_rows(pair.servers[0])
        assert fast_log == _audit_rows(pair.servers[1])
        assert [row[2] for row in fast_log] == ["releases.table"] * 3 + ["refused"] * 3


def test_no_proxy_header_chooses_the_address_counted(pair: Pair) -> None:
    """A sender on 127.0.0.1 cannot pose as another address (uvicorn would trust
    ``X-Forwarded-For`` from loopback by default): the refusal names 127.0.0.1."""
    with httpx.Client(base_url=pair.fast, timeout=30) as client:
        answer = client.get(
            "/v1/releases/spoofed-release", headers={"X-Forwarded-For": "203.0.113.9"}
        )
    assert answer.status_code == 404
    refused = [r for r in _audit_rows(pair.servers[0]) if "spoofed-release" in r[3]]
    assert len(refused) == 1
    assert '"client":"127.0.0.1"' in refused[0][3]
    assert "203.0.113.9" not in refused[0][3]
