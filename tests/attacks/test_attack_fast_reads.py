"""Issue 16, attacks on the public fast path (serve/fast_reads.py): paths and headers.

Two real servers over copies of one released store, one with the fast path and one
without (FastAPI's routes answer). Each attack is sent byte for byte (no client-side
normalisation) to both: the fast path must answer exactly as FastAPI does, and no
attack may obtain a byte that is not a listed file of the release (the store file,
a file beside the release, a file a symlink inside the folder points to).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.attacks.fast_reads_servers import Raw, raw_request, released_copy, serving

TABLE = "offences_by_source_iccs_l2"


@dataclass(frozen=True)
class Pair:
    fast: str
    slow: str
    release_id: str
    folder: Path
    store: Path
    steward: str


@pytest.fixture(scope="module")
def pair(alpha_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    made = released_copy(alpha_store, tmp_path_factory.mktemp("fastattack"))
    slow_db = made.db.parent / "slow.duckdb"
    shutil.copy(made.db, slow_db)
    with serving(made.db) as (fast, _), serving(slow_db, fast_reads=False) as (slow, _):
        yield Pair(fast, slow, made.release_id, made.folder, made.db, made.steward)


def _both(pair: Pair, target: str, method: str = "GET", headers: str = "") -> Raw:
    """The fast answer, checked equal to FastAPI's (status, body, headers but the date)."""
    fast = raw_request(pair.fast, target, method, headers)
    slow = raw_request(pair.slow, target, method, headers)
    assert (fast.status, fast.body) == (slow.status, slow.body), target
    drop = {"date"}
    assert {k: v for k, v in fast.headers.items() if k not in drop} == {
        k: v for k, v in slow.headers.items() if k not in drop
    }, target
    return fast


TRAVERSALS = (
    "../store.duckdb",
    "..%2fstore.duckdb",
    "%2e%2e/store.duckdb",
    "%2e%2e%2fstore.duckdb",
    "%252e%252e%252fstore.duckdb",
    "..%5cstore.duckdb",
    "..\\store.duckdb",
    "%2fetc%2fpasswd",
    "/etc/passwd",
    "//etc/passwd",
    "../../../../../../etc/passwd",
    "datapackage.json%00",
    "datapackage.json%00.csv",
    "%00",
    "%c0%ae%c0%ae/store.duckdb",
    "%ef%bc%8e%ef%bc%8e/store.duckdb",  # fullwidth full stops
    "datapackage.%ef%bd%8a%ef%bd%93%ef%bd%8f%ef%bd%8e",  # fullwidth "json"
    "DATAPACKAGE.JSON",
    "datapackage.json.",
    "datapackage.json/",
    "./datapackage.json",
    "sdmx/../datapackage.json",
    "sdmx//sdmx-structure.xml",
    "MANIFEST.sha256",
    ".hidden",
    "beside.txt",
    "linked.csv",
    "A" * 20_000,
)


def test_no_path_out_of_the_listed_files(pair: Pair) -> None:
    (pair.folder / ".hidden").write_text("hidden text\n")
    (pair.folder.parent / "beside.txt").write_text("beside text\n")
    (pair.folder / "linked.csv").symlink_to(pair.store)
    secret = pair.store.read_bytes()[:64]
    for name in TRAVERSALS:
        answer = _both(pair, f"/v1/releases/{pair.release_id}/files/{name}")
        assert answer.status in (400, 404, 414), name
        assert secret not in answer.body
        assert b"root:" not in answer.body
        assert b"hidden text" not in answer.body
        assert b"beside text" not in answer.body


def test_a_listed_file_turned_into_a_symlink_out_of_the_folder_is_refused(pair: Pair) -> None:
    """Same bytes (so the manifest's sha256 matches), but outside the folder: 404."""
    listed = pair.folder / "sdmx" / "sdmx-structure.xml"
    outside = pair.folder.parent / "outside.xml"
    shutil.copy(listed, outside)
    moved = listed.with_suffix(".keep")
    listed.replace(moved)
    listed.symlink_to(outside)
    try:
        answer = _both(pair, f"/v1/releases/{pair.release_id}/files/sdmx/sdmx-structure.xml")
        assert answer.status == 404
    finally:
        listed.unlink()
        moved.replace(listed)
    assert (
        _both(pair, f"/v1/releases/{pair.release_id}/files/sdmx/sdmx-structure.xml").status == 200
    )


@pytest.mark.parametrize(
    "target",
    [
        "/v1/releases/..%2f..%2fstore.duckdb",
        "/v1/releases/%2e%2e",
        "/v1/releases/LATEST",
        "/v1/releases/latest%00",
        "/v1/Releases",
        "/v1/releases//tables/x",
        "/v1/releases/latest/tables/..%2f" + TABLE,
        "/v1/releases/latest/tables/" + TABLE + ".csv",
        "/v1/releases/latest/tables/" + TABLE.upper(),
        "/v1/releases/latest/tables/" + TABLE + "%00",
        "/v1/releases/latest/tables/" + TABLE + "/",
        "/v1/releases/latest/files",
        "/v1/releases/" + "x" * 20_000,
        "/v1/releases?limit=1&limit=1001",
        "/v1/releases?offset=-1",
        "/v1/releases?limit=%00",
    ],
)
def test_release_and_table_names_answer_as_fastapi(pair: Pair, target: str) -> None:
    answer = _both(pair, target)
    assert answer.status in (307, 400, 404, 414, 422), target


FORMATS = ("", "csv%00", "CsV", "csv&format=json", "json&format=csv", "xml", "%20csv", "parquet")
ACCEPTS = ("", "TEXT/CSV", "text/csv;q=0", "*/*", "application/json, text/csv", "text/csv\u00e9")


def test_format_and_accept_variants_answer_as_fastapi(pair: Pair) -> None:
    base = f"/v1/releases/latest/tables/{TABLE}"
    for fmt in FORMATS:
        _both(pair, f"{base}?format={fmt}")
    for accept in ACCEPTS:
        _both(pair, base, headers=f"Accept: {accept}\r\n")


def test_methods_and_authorization_variants_answer_as_fastapi(pair: Pair) -> None:
    base = f"/v1/releases/latest/tables/{TABLE}"
    for method in ("HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "get"):
        answer = _both(pair, base, method)
        if method != "get":
            assert answer.status != 200 or method == "HEAD", method
    for header in ("Authorization:", "Authorization: ", "Authorization: Bearer",
                   "Authorization: Bearer  ", "Authorization: Basic Og==",
                   "authorization: bearer not-a-token"):  # fmt: skip
        answer = _both(pair, base, headers=header + "\r\n")
        assert answer.status == 401, header
    steward = f"Authorization: Bearer {pair.steward}\r\n"
    assert _both(pair, base, headers=steward).status == 200


def test_conditional_and_range_headers_answer_as_fastapi(pair: Pair) -> None:
    base = f"/v1/releases/latest/tables/{TABLE}"
    etag = raw_request(pair.fast, base).headers["etag"]
    variants = {
        "*": 304,
        f"W/{etag}": 304,
        f'"other", {etag}': 304,
        f"{etag}, {etag}": 304,
        etag: 304,
        etag.upper(): 200,
        '"other"': 200,
        "": 200,
        f"{etag[:-1]}": 200,
    }
    for tag, status in variants.items():
        answer = _both(pair, base, headers=f"If-None-Match: {tag}\r\n")
        assert answer.status == status, tag
        if status == 304:
            assert answer.body == b""
    file = "/v1/releases/latest/files/datapackage.json"
    tag = raw_request(pair.fast, file).headers["etag"]
    assert _both(pair, file, headers=f'If-None-Match: "x", W/{tag}\r\n').status == 304
    answer = _both(pair, base, headers="Range: bytes=0-3\r\n")
    assert answer.status == 200
    assert answer.body.startswith(b'{"columns"')
