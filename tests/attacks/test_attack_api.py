"""Hostile callers of the API (``crimestats serve``), through a real uvicorn server over
the attack store (eleven incidents; counts 6, 4 and 1, the 1 always withheld).

What must hold (docs/security.md): a public caller never gets a withheld count of 1 to 3,
an incident id, a date, a coordinate, or a file outside a release's manifest; request
text never becomes SQL; tokens never reach the audit log; refused requests are audited
(counted past a rate per address, so a flood cannot grow the log without bound) and
wrong tokens are rate-limited per address.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.attacks.conftest import HEADER, ROWS
from tests.serve.conftest import run_server, stop_server

from crimestats.govern import tokens
from crimestats.govern.roles import Role
from crimestats.release.build import build_release
from crimestats.serve.settings import ServeSettings
from crimestats.services.ingesting import ingest_files
from crimestats.storage.store import open_store


@dataclass(frozen=True)
class Target:
    url: str
    db: Path
    release_id: str
    analyst: str
    admin: str


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    root = tmp_path_factory.mktemp("api")
    data = root / "alpha.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    db = root / "store.duckdb"
    ingest_files([data], source="alpha", db=db)
    release = build_release(db, root / "release")
    with open_store(db) as con:
        analyst = tokens.add_user(con, "ana", Role.ANALYST).token
        admin = tokens.add_user(con, "adm", Role.ADMIN).token
    server, thread, url = run_server(ServeSettings(db=db, rate_per_second=1000, burst=1000))
    try:
        yield Target(url, db, release.release_id, analyst, admin)
    finally:
        stop_server(server, thread)


def _client(target: Target, token: str | None = None, address: str | None = None) -> httpx.Client:
    """A client of the server; ``address`` a loopback address of its own (its own budget
    of itemised refusals, which the other tests of this module spend from 127.0.0.1)."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    transport = None if address is None else httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=target.url, headers=headers, timeout=30, transport=transport)


def _audit(target: Target) -> list[dict[str, object]]:
    """The audit entries, read as an admin would (the server holds the store open)."""
    with _client(target, target.admin) as client:
        page = client.get("/v1/audit", params={"limit": 1000})
    assert page.status_code == 200
    rows: list[dict[str, object]] = page.json()["rows"]
    return rows


def test_a_token_in_the_query_string_never_reaches_the_audit_log(target: Target) -> None:
    # Fails on main before the govern fix: ?access_token= was logged verbatim.
    secret = target.analyst.split("_", 2)[2]
    with _client(target) as client:
        for name in ("access_token", "api_key", "auth", "q"):
            assert client.get("/v1/iccs", params={name: target.analyst}).status_code == 200
    logged = _audit(target)
    assert logged
    assert all(secret not in str(entry["parameters"]) for entry in logged)


@pytest.mark.parametrize(
    "name",
    ["../store.duckdb", "..%2Fstore.duckdb", "%2e%2e/%2e%2e/etc/passwd", "/etc/passwd",
     "MANIFEST.sha256", "release/../../store.duckdb", "%00datapackage.json"],
)  # fmt: skip
def test_no_file_outside_the_manifest_is_served(target: Target, name: str) -> None:
    with _client(target) as client:
        answer = client.get(f"/v1/releases/{target.release_id}/files/{name}")
    assert answer.status_code == 404
    assert b"DUCK" not in answer.content
    assert b"root:" not in answer.content


def test_public_tables_hold_no_withheld_count_id_or_date(target: Target) -> None:
    with _client(target) as client:
        release = client.get(f"/v1/releases/{target.release_id}").json()
        assert release["tables"]
        for table in release["tables"]:
            answer = client.get(f"/v1/releases/{target.release_id}/tables/{table}")
            assert answer.status_code == 200
            body = answer.json()
            for row in body["rows"]:
                count = row.get("count")
                assert count in (None, "") or int(count) == 0 or int(count) > 3, (table, row)
            text = json.dumps(body)
            assert not any(f'"{r[0]}"' in text for r in ROWS)  # incident ids
            assert not any(str(r[1]) in text for r in ROWS)  # exact dates


@pytest.mark.parametrize(
    "source", ["alpha' OR '1'='1", "alpha; DROP TABLE incidents; --", "alpha\x00", "*"]
)
def test_request_text_never_becomes_sql(target: Target, source: str) -> None:
    with _client(target, target.analyst) as client:
        answer = client.get("/v1/stats", params={"by": "year", "source": source})
        assert answer.status_code == 422
        assert client.get("/v1/stats", params={"by": "year"}).status_code == 200
        counted = client.get("/v1/stats", params={"by": "year"}).json()
    assert sum(row["count"] for row in counted["rows"]) == 11  # nothing dropped


@pytest.mark.parametrize("by", ["incident_id", "reported_date", "x", "year;--", "year,year"])
def test_analysts_cannot_group_by_a_record_level_field(target: Target, by: str) -> None:
    with _client(target, target.analyst) as client:
        assert client.get("/v1/stats", params={"by": by}).status_code == 422


def _refusals(target: Target, marker: str) -> list[dict[str, object]]:
    """The ``refused`` entries whose query carries ``probe=marker``, parameters parsed."""
    found = []
    for entry in _audit(target):
        parameters = json.loads(str(entry["parameters"]))
        if entry["action"] == "refused" and parameters.get("query", {}).get("probe") == marker:
            found.append({**entry, "parameters": parameters})
    return found


def test_refused_requests_are_audited(target: Target) -> None:
    # Failed before the guard audited refusals: a 401, 403, 404 or 422 left no entry.
    # a random secret may itself end "zz" (one in 4,096): then the wrong one ends "yy"
    wrong = target.analyst[:-2] + ("yy" if target.analyst.endswith("zz") else "zz")
    asked = [
        (wrong, "/v1/stats", {"by": "year"}, 401, "unknown"),
        (None, "/v1/stats", {"by": "year"}, 401, "public"),
        (target.analyst, "/v1/audit", {}, 403, "ana"),
        (None, f"/v1/releases/{target.release_id}/files/x", {}, 404, "public"),
        (None, "/v1/no/such/endpoint", {}, 404, "unknown"),
        (target.analyst, "/v1/stats", {"by": "incident_id"}, 422, "ana"),
        (target.analyst, "/v1/audit", {"access_token": target.analyst}, 403, "ana"),
    ]
    for n, (token, path, params, status, user) in enumerate(asked):
        marker = f"refusal-{n}"
        # from an address of its own: the module's other tests exhaust 127.0.0.1's budget
        # of itemised refusals (20, then one a second), after which refusals are counted
        with _client(target, token, address="127.0.0.3") as client:
            assert client.get(path, params={**params, "probe": marker}).status_code == status
        entries = _refusals(target, marker)
        assert len(entries) == 1, (path, status)
        parameters = entries[0]["parameters"]
        assert isinstance(parameters, dict)
        assert (parameters["status"], parameters["path"], entries[0]["user_name"]) == (
            status, path, user,
        )  # fmt: skip
        assert parameters["reason"]
        assert parameters["client"] == "127.0.0.3"  # the address it came from
    logged = json.dumps(_audit(target))
    assert target.analyst.split("_", 2)[2] not in logged
    assert wrong.split("_", 2)[2] not in logged


def _summaries(client: httpx.Client, headers: dict[str, str]) -> list[dict[str, object]]:
    """The refusal entries of the log (parameters parsed), oldest first."""
    rows = client.get("/v1/audit", params={"limit": 1000}, headers=headers).json()["rows"]
    return [json.loads(r["parameters"]) | {"action": r["action"]} for r in rows
            if str(r["action"]).startswith("refused")]  # fmt: skip


def test_a_flood_of_refusals_is_counted_not_itemised(target: Target) -> None:
    """Past its burst, an address's refusals are counted and summarised: the log grows
    by a bounded number of entries, and every refusal is still accounted for."""
    interval = 1.0
    settings = ServeSettings(
        db=target.db, rate_per_second=1000, burst=1000,
        refusal_burst=5, refusal_rate=0.001, refusal_summary_seconds=interval,
    )  # fmt: skip
    server, thread, url = run_server(settings)
    admin_header = {"Authorization": f"Bearer {target.admin}"}
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            before = len(_summaries(client, admin_header))
            started = time.monotonic()
            for n in range(60):
                assert client.get("/v1/flood", params={"n": str(n)}).status_code == 404
            elapsed = time.monotonic() - started
            for _ in range(100):
                logged = _summaries(client, admin_header)[before:]
                summed = sum(
                    int(str(e["refused"])) for e in logged if e["action"] == "refused.summary"
                )
                if summed >= 55:
                    break
                time.sleep(0.1)
    finally:
        stop_server(server, thread)
    itemised = [e for e in logged if e["action"] == "refused" and e["path"] == "/v1/flood"]
    floods = [e for e in logged if e["action"] == "refused.flood"]
    summaries = [e for e in logged if e["action"] == "refused.summary"]
    assert len(itemised) == 5
    assert len(floods) == 1  # one mark when the counting began, not one per interval
    assert floods[0]["client"] == "127.0.0.1"
    assert len(itemised) + summed == 60  # every refusal accounted for
    assert 1 <= len(summaries) <= elapsed / interval + 2
    assert len(logged) == len(itemised) + len(floods) + len(summaries)


def test_wrong_tokens_are_rate_limited(target: Target) -> None:
    # Failed before the guard: the rate limit was checked only after a token was
    # accepted, so wrong tokens were never slowed down.
    settings = ServeSettings(
        db=target.db, rate_per_second=1000, burst=1000,
        failed_token_burst=3, failed_token_rate=0.01,
    )  # fmt: skip
    server, thread, url = run_server(settings)
    wrong = {"Authorization": "Bearer cs_000000000000_" + "x" * 43}
    right = {"Authorization": f"Bearer {target.analyst}"}
    other_address = httpx.HTTPTransport(local_address="127.0.0.2")
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            codes = [
                client.get("/v1/stats", params={"by": "year"}, headers=wrong)
                for _ in range(5)
            ]  # fmt: skip
            # locked out: the right token is not even checked (no oracle for a guesser)
            held = client.get("/v1/stats", params={"by": "year"}, headers=right)
            public = client.get("/v1/iccs", params={"q": "theft"})
        with httpx.Client(base_url=url, timeout=30, transport=other_address) as elsewhere:
            other = elsewhere.get("/v1/stats", params={"by": "year"}, headers=right)
    finally:
        stop_server(server, thread)
    assert [c.status_code for c in codes] == [401, 401, 401, 429, 429]
    assert all(int(c.headers["retry-after"]) >= 1 for c in codes[3:])
    assert held.status_code == 429
    assert public.status_code == 200  # no token, nothing guessed: not held back
    assert other.status_code == 200  # another address is not locked out
