"""Concurrent requests are all in the audit log, once each, in one unbroken chain.

The server commits entries in groups (:mod:`crimestats.serve.audit`); this checks the
group commit against what the clients know they asked: the number of answers, the
sha256 of each answer's bytes, and the chain recomputed by the library's verifier.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

from tests.serve.conftest import Served

from crimestats.govern.roles import Role

THREADS = 24
EACH = 5


def test_concurrent_answers_each_have_one_entry_in_an_intact_chain(served: Served) -> None:
    with served.client(Role.ADMIN) as admin:
        before = admin.get("/v1/audit", params={"limit": 1000}).json()["rows"]
    start = before[-1]["seq"] if before else 0

    def ask(n: int) -> list[str]:
        digests = []
        with served.client() as client:
            for _ in range(EACH):
                answer = client.get("/v1/releases/latest/tables/incidents_by_source_year",
                                    params={"client": str(n)})  # fmt: skip
                assert answer.status_code == 200
                digests.append(hashlib.sha256(answer.content).hexdigest())
        return digests

    with ThreadPoolExecutor(THREADS) as pool:
        sent = [d for digests in pool.map(ask, range(THREADS)) for d in digests]
    with served.client(Role.ADMIN) as admin:
        log = admin.get("/v1/audit", params={"after": start, "limit": 1000}).json()
    tables = [r for r in log["rows"] if r["action"] == "releases.table"]
    assert log["intact"] is True
    assert len(tables) == THREADS * EACH
    assert sorted(r["result_hash"] for r in tables) == sorted(sent)
    assert [r["seq"] for r in log["rows"]] == list(range(start + 1, start + 1 + len(log["rows"])))


def test_an_entry_written_by_another_hand_does_not_fork_the_chain(served: Served) -> None:
    """The server keeps its head in memory; an entry appended behind its back (here
    through the same database instance) must make it re-read the head, not fork."""
    from crimestats.govern import audit_chain
    from crimestats.storage.store import open_store

    with served.client() as client:
        assert client.get("/v1/releases").status_code == 200
    with served.client(Role.ADMIN) as admin:  # reading the log chains what was journalled
        assert admin.get("/v1/audit", params={"limit": 1}).status_code == 200
    with open_store(served.db) as con:
        audit_chain.append(con, user_name="cli:test", role="cli", action="ingest",
                           parameters={"source": "x"})  # fmt: skip
    with served.client() as client:
        assert client.get("/v1/releases").status_code == 200
    with served.client(Role.ADMIN) as admin:
        log = admin.get("/v1/audit", params={"limit": 1000}).json()
    assert log["intact"] is True
    # an entry is chained when the chain writer next commits: the admin's own read may
    # come after the CLI's entry; the requests read before it may not
    actions = [r["action"] for r in log["rows"] if r["action"] != "audit.read"]
    assert actions[-3:] == ["releases.list", "ingest", "releases.list"]
