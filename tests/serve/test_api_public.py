"""Public endpoints on a real server: releases as published, nothing else (issue 16).

Expected values are read from the release folder with Python's csv and hashlib, not
through the API's code; a public caller must never obtain a withheld count, an
incident id, an exact date or a coordinate, and never a file outside the manifest.
"""

from __future__ import annotations

import csv
import hashlib
import json
import socket

import pytest
from tests.serve.conftest import Served

from crimestats.govern.roles import Role


def test_health_and_openapi(served: Served) -> None:
    with served.client() as client:
        health = client.get("/v1/health").json()
        assert health["status"] == "ok"
        spec = client.get("/openapi.json").json()
    assert "/v1/releases/{release_id}/tables/{table}" in spec["paths"]
    assert "/v1/stats" in spec["paths"]


def test_release_tables_equal_the_published_csv(served: Served) -> None:
    with served.client() as client:
        listing = client.get("/v1/releases").json()
        assert listing["releases"][0]["release_id"] == served.release_id
        tables = listing["releases"][0]["tables"]
        assert "offences_by_source_iccs_l2" in tables
        for table in tables:
            answer = client.get(f"/v1/releases/latest/tables/{table}").json()
            with (served.release_dir / f"{table}.csv").open(encoding="utf-8") as handle:
                expected = list(csv.DictReader(handle))
            assert answer["rows"] == expected
            as_csv = client.get(
                f"/v1/releases/{served.release_id}/tables/{table}",
                headers={"Accept": "text/csv"},
            )
            assert as_csv.headers["content-type"].startswith("text/csv")
            assert as_csv.text == (served.release_dir / f"{table}.csv").read_text()


def test_files_carry_their_manifest_hash_as_etag(served: Served) -> None:
    name = "datapackage.json"
    digest = hashlib.sha256((served.release_dir / name).read_bytes()).hexdigest()
    with served.client() as client:
        first = client.get(f"/v1/releases/{served.release_id}/files/{name}")
        assert first.status_code == 200
        assert first.headers["etag"] == f'"{digest}"'
        again = client.get(
            f"/v1/releases/{served.release_id}/files/{name}",
            headers={"If-None-Match": first.headers["etag"]},
        )
    assert again.status_code == 304
    assert json.loads(first.content)["resources"]


def test_no_withheld_count_reaches_the_public(served: Served) -> None:
    """Every count a public table shows is 0 or above the threshold (3 by default)."""
    with served.client() as client:
        release = client.get("/v1/releases/latest").json()
        for table in release["tables"]:
            rows = client.get(f"/v1/releases/latest/tables/{table}").json()["rows"]
            for row in rows:
                count = row.get("count") or row.get("value") or ""
                if count.strip():
                    assert int(float(count)) == 0 or int(float(count)) > 3, (table, row)
                if row.get("status") == "withheld":
                    assert not count.strip()


def test_public_answers_hold_no_record_level_field(served: Served) -> None:
    """No incident id, exact date or coordinate of the store appears in any answer."""
    forbidden = {"incident_id", "lat", "lon", "reported_date", "occurred_date"}
    with served.client() as client:
        release = client.get("/v1/releases/latest").json()
        for table in release["tables"]:
            columns = client.get(f"/v1/releases/latest/tables/{table}").json()["columns"]
            assert not forbidden & set(columns), table
        assert client.get("/v1/stats", params={"by": "year"}).status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "../store.duckdb",
        "..%2fstore.duckdb",
        "%2e%2e/store.duckdb",
        "/etc/passwd",
        "sdmx/../../store.duckdb",
        "MANIFEST.sha256/../../store.duckdb",
        "nothere.csv",
    ],
)
def test_no_file_outside_the_manifest(served: Served, path: str) -> None:
    with served.client() as client:
        answer = client.get(f"/v1/releases/{served.release_id}/files/{path}")
    assert answer.status_code == 404
    assert b"DUCK" not in answer.content


def test_unknown_release_table_and_format(served: Served) -> None:
    with served.client() as client:
        assert client.get("/v1/releases/nope").status_code == 404
        missing = client.get("/v1/releases/latest/tables/nope")
        assert missing.status_code == 404
        assert "tables:" in missing.json()["fix"]
        bad = client.get("/v1/releases/latest/tables/nope", params={"format": "xml"})
        assert bad.status_code in {404, 422}


def test_iccs_lookup_and_search(served: Served) -> None:
    with served.client() as client:
        code = client.get("/v1/iccs/0501").json()
        assert code["label"].lower().startswith("burglary")
        assert "050101" in code["children"] or code["children"]
        hits = client.get("/v1/iccs", params={"q": "burglary of a house"}).json()["rows"]
        assert hits[0]["code"].startswith("0501")
        assert client.get("/v1/iccs/9999").status_code == 404


def test_security_headers_and_body_limit(served: Served) -> None:
    with served.client(Role.ANALYST) as client:
        answer = client.get("/v1/health")
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        assert "access-control-allow-origin" not in answer.headers
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"POST /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n")
        reply = raw.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413")
