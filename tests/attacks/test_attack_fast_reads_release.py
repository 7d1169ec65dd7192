"""Issue 16, attacks on the public fast path: what its files hold, and reads during writes.

Privacy: every file and table the fast path serves of a release of the alpha store
(counts 6, 4 and 1 in three years; threshold 3) is read as an attacker would, and no
count of 1 or 2 appears, no withheld cell carries a value, and no incident id or exact
incident date appears anywhere. Concurrency: while a steward loads a file and makes
releases through the API, public reads never get a 5xx, and every release the list
names is whole (each listed file readable and matching its sha256) the moment it is
listed; a release made through the API is readable as soon as its POST returns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest
import uvicorn
from tests.attacks.conftest import ROWS
from tests.attacks.fast_reads_servers import released_copy, serving

from crimestats.serve import release_cache
from crimestats.serve.publishing import RECORDING_TABLES
from crimestats.serve.release_cache import ReleaseCache
from crimestats.serve.store import ServeStore

THRESHOLD = 3


def _counts_safe(rows: list[dict[str, str]], count: str, status: str, hidden: str) -> None:
    for row in rows:
        value = row[count]
        if row[status] == hidden:
            assert value in ("", None), row
        else:
            assert int(value) >= THRESHOLD, row


def test_no_served_file_holds_a_small_count_an_id_or_a_date(
    alpha_store: Path, tmp_path: Path
) -> None:
    made = released_copy(alpha_store, tmp_path)
    ids = {row[0] for row in ROWS}
    dates = {row[1] for row in ROWS}
    with serving(made.db) as (url, _), httpx.Client(base_url=url, timeout=30) as client:
        summary = client.get(f"/v1/releases/{made.release_id}").json()
        bodies = {"summary": json.dumps(summary).encode()}
        for table in summary["tables"]:
            for fmt in ("json", "csv"):
                got = client.get(f"/v1/releases/latest/tables/{table}?format={fmt}")
                assert got.status_code == 200
                bodies[f"{table}.{fmt}"] = got.content
            rows = client.get(f"/v1/releases/latest/tables/{table}").json()["rows"]
            _counts_safe(rows, "count", "status", "withheld")
        for name in summary["files"]:
            got = client.get(f"/v1/releases/{made.release_id}/files/{name}")
            assert got.status_code == 200
            bodies[name] = got.content
    assert len(summary["files"]) >= 10
    for name, body in bodies.items():
        if name.endswith(".parquet"):
            rows = pq.read_table(io.BytesIO(body)).to_pylist()
            _counts_safe([{k: "" if v is None else str(v) for k, v in r.items()} for r in rows],
                         "count", "status", "withheld")  # fmt: skip
            continue
        text = body.decode("utf-8")
        if name.endswith(".csv") and "OBS_VALUE" in text:
            _counts_safe(list(csv.DictReader(io.StringIO(text))), "OBS_VALUE", "CONF_STATUS", "C")
        elif name.endswith(".csv"):
            _counts_safe(list(csv.DictReader(io.StringIO(text))), "count", "status", "withheld")
        assert not re.search(r'OBS_VALUE="[12]"', text), name
        for incident in ids:
            assert not re.search(rf"\b{incident}\b", text), (name, incident)
        for date in dates:
            assert date not in text, (name, date)
        assert not re.search(r"\b(lat|lon|latitude|longitude)\b\W*-?\d", text), name


def test_a_publish_landing_while_the_list_is_read_is_not_lost(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read of the list in flight when a release is published (and the cache told)
    must not keep its older list for the cache's ttl: the new release would answer 404
    for seconds after its POST returned 201."""
    db = tmp_path / "store.duckdb"
    db.write_bytes(demo_db.read_bytes())
    store = ServeStore(db)
    try:
        cache = ReleaseCache(store, ttl_seconds=60)
        real = release_cache.releases.list_releases

        def read_then_publish(con: object) -> list[release_cache.releases.ReleaseEntry]:
            older = real(con)
            cache.invalidate()  # the publish committed and invalidated meanwhile
            return older

        monkeypatch.setattr(release_cache.releases, "list_releases", read_then_publish)
        cache.entries()
        assert cache.stale
    finally:
        store.close()


def _whole(client: httpx.Client, release_id: str, problems: list[str]) -> None:
    one = client.get(f"/v1/releases/{release_id}")
    if one.status_code != 200:
        problems.append(f"{release_id}: {one.status_code}")
        return
    for name in one.json()["files"]:
        got = client.get(f"/v1/releases/{release_id}/files/{name}")
        tag = got.headers.get("etag", "").strip('"')
        if got.status_code != 200 or hashlib.sha256(got.content).hexdigest() != tag:
            problems.append(f"{release_id}/{name}: {got.status_code}")


def test_reads_during_a_load_and_releases_see_whole_releases_only(
    alpha_store: Path, tmp_path: Path
) -> None:
    made = released_copy(alpha_store, tmp_path)
    problems: list[str] = []
    done = threading.Event()
    with serving(made.db) as (url, server):

        def read() -> None:
            with httpx.Client(base_url=url, timeout=60) as client:
                while not done.is_set():
                    listed = client.get("/v1/releases")
                    if listed.status_code != 200:
                        problems.append(f"list: {listed.status_code}")
                        continue
                    for entry in listed.json()["releases"]:
                        _whole(client, entry["release_id"], problems)
                    table = client.get("/v1/releases/latest/tables/incidents_by_source_year")
                    if table.status_code != 200:
                        problems.append(f"table: {table.status_code}")

        readers = [threading.Thread(target=read) for _ in range(2)]
        for reader in readers:
            reader.start()
        auth = {"Authorization": f"Bearer {made.steward}"}
        made_ids = []
        try:
            with httpx.Client(base_url=url, timeout=120, headers=auth) as steward:
                body = "incident_id,reported_date,national_label\n" + "".join(
                    f"L{n},2024-05-0{1 + n % 9},Theft\n" for n in range(300)
                )
                files = {"file": ("more.csv", body.encode(), "text/csv")}
                loaded = steward.post("/v1/ingest", files=files, data={"source": "beta"})
                assert loaded.status_code == 200, loaded.text
                recorded = []
                for _ in range(2):
                    answer = steward.post("/v1/releases", json={})
                    assert answer.status_code == 201, answer.text
                    made_ids.append(answer.json()["release_id"])
                    with httpx.Client(base_url=url, timeout=30) as public:
                        assert public.get(f"/v1/releases/{made_ids[-1]}").status_code == 200
                    recorded.append(_recorded(server, made_ids[-1]))
        finally:
            done.set()
            for reader in readers:
                reader.join(timeout=60)
    assert problems == []
    # the same data released twice: the same id (a hash of the manifest), and each
    # publish records its rows once, as ``crimestats release`` does (not the earlier
    # publish's rows again, which the snapshot also holds)
    assert made_ids[0] == made_ids[1]
    assert recorded[1] == {t: 2 * n for t, n in recorded[0].items()}
    assert recorded[0]["releases"] == 1
    assert recorded[0]["release_cells"] > 0


def _recorded(server: uvicorn.Server, release_id: str) -> dict[str, int]:
    """Rows each recording table holds for ``release_id`` (read in the server's process)."""
    found = {}
    with server.config.app.state.store.reader() as con:
        for table in RECORDING_TABLES:
            row = con.execute(
                f"SELECT count(*) FROM {table} WHERE release_id = ?", [release_id]
            ).fetchone()
            found[table] = int(row[0]) if row else 0
    return found
