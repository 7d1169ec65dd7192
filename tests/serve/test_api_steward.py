"""Steward endpoints on a real server: uploads, loads beside readers, review answers.

Expected figures come from the uploaded CSV as Python's csv module reads it and from
plain SQL on the store after the server stops, not from the API's code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
from tests.serve.conftest import Served

from crimestats.govern.roles import Role

EVIL = Path(tempfile.gettempdir()) / "crimestats-evil.csv"
"""Where an upload named ``../crimestats-evil.csv`` would land if its name were a path."""
HEADER = ["incident_id", "reported_date", "occurred_start", "national_label"]


def _csv(rows: int, *, bad_dates: int = 0, prefix: str = "U", monthly: bool = False) -> bytes:
    """``rows`` assaults reported 2024-01-10 (``monthly``: the n-th in month n + 1, so 12
    make a whole year, which a release does not leave out as a partial year)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for n in range(rows):
        month = 1 + n % 12 if monthly else 1
        occurred = f"2024-{month:02d}-09 22:00:00"
        writer.writerow([f"{prefix}{n}", f"2024-{month:02d}-10", occurred, "Assault"])
    for n in range(bad_dates):
        writer.writerow([f"{prefix}bad{n}", "not a date", "", "Assault"])
    return buffer.getvalue().encode()


def _upload(
    client: httpx.Client, body: bytes, source: str, name: str = "data.csv"
) -> httpx.Response:
    return client.post(
        "/v1/ingest", files={"file": (name, body, "text/csv")}, data={"source": source}
    )


def _store_count(served: Served, source: str) -> int:
    with served.client(Role.ANALYST) as client:
        rows = client.get("/v1/stats", params={"by": "source"}).json()["rows"]
    return sum(r["count"] for r in rows if r["source"] == source)


def test_upload_answers_its_reconciliation(served: Served) -> None:
    body = _csv(40, bad_dates=3)
    expected = list(csv.DictReader(io.StringIO(body.decode())))
    with served.client(Role.STEWARD) as steward:
        answer = _upload(steward, body, "upload_a")
        assert answer.status_code == 200, answer.text
        summary = answer.json()
        history = steward.get("/v1/ingests", params={"source": "upload_a"}).json()["rows"]
        quarantine = steward.get("/v1/quarantine", params={"source": "upload_a"}).json()
    assert summary["read"] == len(expected) == 43
    assert summary["accepted"] == 40
    assert summary["quarantined"] == 3
    assert summary["read"] == summary["accepted"] + summary["quarantined"] + summary["duplicates"]
    assert summary["files"][0]["file"] == "data.csv"
    assert [(h["rows_read"], h["accepted"], h["state"]) for h in history] == [(43, 40, "active")]
    assert quarantine["total"] == 3
    assert {r["line"] for r in quarantine["rows"]} == {42, 43, 44}
    assert _store_count(served, "upload_a") == 40


@pytest.mark.parametrize(
    "name",
    [
        "../../../../../.." + str(EVIL),
        str(EVIL),
        "..\\..\\crimestats-evil.csv",
        "store.duckdb",
        "a\x00b.csv",
        "....//....//crimestats-evil.csv",
    ],
)
def test_client_file_names_are_never_paths(served: Served, name: str) -> None:
    before = served.db.read_bytes()[:16]
    prefix = "N" + hashlib.sha256(name.encode()).hexdigest()[:8]
    with served.client(Role.STEWARD) as steward:
        answer = _upload(steward, _csv(2, prefix=prefix), "upload_names", name)
    assert answer.status_code == 200, answer.text
    assert not EVIL.exists()
    assert not (served.db.parent / "crimestats-evil.csv").exists()
    assert served.db.read_bytes()[:16] == before
    assert "\x00" not in answer.json()["files"][0]["file"]


@pytest.mark.parametrize("source", ["x'; DROP TABLE incidents; --", "../x", "", "a b", "x" * 5000])
def test_bad_source_names_are_refused(served: Served, source: str) -> None:
    with served.client(Role.STEWARD) as steward:
        answer = _upload(steward, _csv(1), source)
    assert answer.status_code in {413, 422}, answer.text
    assert _store_count(served, "chicago") > 0


def test_roles_for_steward_endpoints(served: Served) -> None:
    with served.client() as public:
        assert _upload(public, _csv(1), "nope").status_code == 401
        assert public.get("/v1/review").status_code == 401
    with served.client(Role.ANALYST) as analyst:
        assert _upload(analyst, _csv(1), "nope").status_code == 403
        assert analyst.get("/v1/ingests").status_code == 403
        assert analyst.get("/v1/quarantine").status_code == 403
        answer = analyst.post("/v1/review", json={"answers": []})
        assert answer.status_code == 403
    assert _store_count(served, "nope") == 0


def test_reads_answer_during_a_long_load_and_never_see_half_of_it(served: Served) -> None:
    rows = 100_000
    body = _csv(rows, prefix="L")
    seen: list[int] = []
    done = threading.Event()
    result: dict[str, httpx.Response] = {}

    def load() -> None:
        with served.client(Role.STEWARD) as steward:
            result["answer"] = _upload(steward, body, "upload_long")
        done.set()

    loader = threading.Thread(target=load)
    loader.start()
    during = 0
    while not done.is_set():
        seen.append(_store_count(served, "upload_long"))
        during += not done.is_set()
        time.sleep(0.02)
    loader.join()
    assert result["answer"].status_code == 200, result["answer"].text
    assert result["answer"].json()["accepted"] == rows
    assert during >= 3, "reads were blocked while the load ran"
    assert set(seen) <= {0, rows}, "a reader saw part of a load"
    assert _store_count(served, "upload_long") == rows


def _offences_coded(served: Served, source: str, code: str) -> int:
    params = {"by": "source,iccs_l2", "unit": "offences", "source": source}
    with served.client(Role.ANALYST) as client:
        rows = client.get("/v1/stats", params=params).json()["rows"]
    return sum(r["count"] for r in rows if r["iccs_l2"] == code)


def test_review_answer_becomes_a_correspondence_entry(served: Served) -> None:
    with served.client(Role.STEWARD) as steward:
        queue = steward.get("/v1/review", params={"limit": 1000}).json()
        assert queue["total"] == len(queue["rows"]) > 0
        first = queue["rows"][0]
        coded = _offences_coded(served, first["source"], "0501")
        answer = steward.post(
            "/v1/review",
            json={"answers": [{"source": first["source"], "national_code": first["national_code"],
                               "iccs_code": "0501", "note": "checked"}]},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        assert answer.json()["offences_updated"] == first["offences"]
        bad = steward.post(
            "/v1/review",
            json={"answers": [{"source": first["source"], "national_code": "x",
                               "iccs_code": "9999; DROP TABLE offences"}]},
        )  # fmt: skip
        assert bad.status_code == 422
        after = steward.get("/v1/review", params={"limit": 1000}).json()
    assert after["total"] == queue["total"] - 1
    assert _offences_coded(served, first["source"], "0501") == coded + first["offences"]
    assert first["national_code"] not in {r["national_code"] for r in after["rows"]
                                          if r["source"] == first["source"]}  # fmt: skip


def test_a_steward_releases_and_the_public_reads_it(served: Served) -> None:
    with served.client(Role.ANALYST) as analyst:
        assert analyst.post("/v1/releases", json={}).status_code == 403
    with served.client(Role.STEWARD) as steward:
        assert _upload(steward, _csv(12, prefix="R", monthly=True), "upload_rel").status_code == 200
        bad = steward.post("/v1/releases", json={"threshold": 0})
        assert bad.status_code == 422
        answer = steward.post("/v1/releases", json={})
        assert answer.status_code == 201, answer.text
        made = answer.json()
    with served.client() as public:
        latest = public.get("/v1/releases/latest").json()
        table = public.get("/v1/releases/latest/tables/incidents_by_source_year").json()
    assert latest["release_id"] == made["release_id"] != served.release_id
    folder = served.db.parent / "releases"
    (directory,) = [p for p in folder.iterdir() if p.is_dir()]
    with (directory / "incidents_by_source_year.csv").open(encoding="utf-8") as handle:
        assert table["rows"] == list(csv.DictReader(handle))
    loaded = {r["source"]: r["count"] for r in table["rows"] if r["year"] == "2024"}
    assert loaded["upload_rel"] == "12"  # the release saw the load made through the API
