"""Roles, tokens, rate limits and the audit trail on a real server (issue 16 items 3-4, 6)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import httpx
import pytest
from tests.serve.conftest import Served, run_server, stop_server

from crimestats.govern import audit_chain
from crimestats.govern.roles import Role
from crimestats.serve.settings import ServeSettings


def _expected_by_source(db: Path) -> dict[str, int]:
    """Incidents per source, counted with plain SQL on the store the server copied."""
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT source, count(*) FROM incidents GROUP BY source").fetchall()
    con.close()
    return {str(s): int(n) for s, n in rows}


def test_analyst_counts_equal_plain_sql(served: Served, demo_db: Path) -> None:
    with served.client(Role.ANALYST) as client:
        answer = client.get("/v1/stats", params={"by": "source", "unit": "incidents"})
    assert answer.status_code == 200, answer.text
    got = {r["source"]: r["count"] for r in answer.json()["rows"]}
    assert got == _expected_by_source(demo_db)


@pytest.mark.parametrize(
    ("params", "allowed_in"),
    [
        ({"by": "year;DROP TABLE incidents"}, "allowed"),
        ({"by": "incident_id"}, "allowed"),
        ({"by": "year", "unit": "people' OR 1=1"}, "allowed"),
        ({"by": "year", "period_basis": "x"}, "allowed"),
        ({"by": "year", "source": "x' OR '1'='1"}, "fix"),
        ({"by": "year,year"}, "by"),
    ],
)
def test_bad_parameters_are_422_naming_what_is_allowed(
    served: Served, params: dict[str, str], allowed_in: str, demo_db: Path
) -> None:
    with served.client(Role.ANALYST) as client:
        answer = client.get("/v1/stats", params=params)
    assert answer.status_code == 422, answer.text
    assert allowed_in in answer.text
    with served.client(Role.ANALYST) as client:  # the tables are all still there
        again = client.get("/v1/stats", params={"by": "source"}).json()["rows"]
    assert {r["source"]: r["count"] for r in again} == _expected_by_source(demo_db)


def test_roles_401_403(served: Served) -> None:
    with served.client() as public:
        assert public.get("/v1/stats", params={"by": "year"}).status_code == 401
        assert public.get("/v1/audit").status_code == 401
    with httpx.Client(base_url=served.url, headers={"Authorization": "Bearer cs_x_y"}) as forged:
        assert forged.get("/v1/releases").status_code == 401
    with httpx.Client(base_url=served.url, headers={"Authorization": "Basic abc"}) as basic:
        assert basic.get("/v1/releases").status_code == 401
    with served.client(Role.ANALYST) as analyst:
        assert analyst.get("/v1/audit").status_code == 403
    with served.client(Role.STEWARD) as steward:
        assert steward.get("/v1/stats", params={"by": "year"}).status_code == 200
        assert steward.get("/v1/audit").status_code == 403
    with served.client(Role.ADMIN) as admin:
        assert admin.get("/v1/audit").status_code == 200


def test_every_data_request_is_audited_without_tokens(served: Served) -> None:
    with served.client(Role.ADMIN) as admin:
        before = admin.get("/v1/audit", params={"limit": 1000}).json()
        start = before["rows"][-1]["seq"] if before["rows"] else 0
        admin.get("/v1/releases/latest/tables/incidents_by_source_year")
        body = admin.get("/v1/stats", params={"by": "source"}).content
        after = admin.get("/v1/audit", params={"after": start}).json()
    assert after["intact"] is True
    actions = [r["action"] for r in after["rows"]]
    assert actions[:3] == ["audit.read", "releases.table", "stats"]
    stats_entry = after["rows"][2]
    assert stats_entry["user_name"] == "admin"
    assert stats_entry["result_hash"] == audit_chain.result_digest(body)
    assert all(served.tokens[Role.ADMIN] not in str(r) for r in after["rows"])
    assert all("cs_" not in r["parameters"] for r in after["rows"])


def test_rate_limit_answers_429_with_retry_after(served: Served, tmp_path: Path) -> None:
    db = tmp_path / "limited.duckdb"
    db.write_bytes(served.db.read_bytes())
    server, thread, url = run_server(ServeSettings(db=db, rate_per_second=0.5, burst=3))
    try:
        with httpx.Client(base_url=url) as client:
            codes = [client.get("/v1/releases").status_code for _ in range(5)]
            last = client.get("/v1/releases")
    finally:
        stop_server(server, thread)
    assert codes[:3] == [200, 200, 200]
    assert 429 in codes[3:]
    assert last.status_code == 429
    assert int(last.headers["retry-after"]) >= 1
