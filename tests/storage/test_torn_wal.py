"""A commit cut short by ``kill -9`` comes back whole or not at all (``storage/torn_wal.py``).

The torn state is made exactly, not by timing: a transaction commits with DuckDB's
checkpoint on shutdown turned off, so its log stays beside the store, and the log's closing
flush entry is cut off (its last 21 bytes: 16 of size and checksum, 5 of body). That is the
state a kill between the commit's entries and its flush leaves, which CI met by timing in
session 15 (a killed ``ingest --replace`` left both versions counted). DuckDB 1.5.6 alone
reopens such a store with the large insert's rows and without the same transaction's deletes.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from tests.conftest import big_label_file

from crimestats.services.ingesting import ingest_files
from crimestats.storage.torn_wal import discard_torn_commit

FLUSH_SIZE = struct.pack("<Q", 5)
"""A flush entry is 16 bytes of header and a 5-byte body: field 100, type 100, end (FF FF)."""
FLUSH_BODY = b"\x64\x00\x64\xff\xff"


def _keep_log_on_close(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute("SET wal_autocheckpoint = '1TB'")


def _tear(store: Path, to: Path) -> Path:
    """A copy of ``store`` whose log lacks its closing flush entry (checked to be one)."""
    to.mkdir()
    shutil.copy(store, to / store.name)
    log = Path(f"{store}.wal").read_bytes()
    assert log[-5:] == FLUSH_BODY
    assert log[-21:-13] == FLUSH_SIZE
    Path(f"{to / store.name}.wal").write_bytes(log[:-21])
    return to / store.name


def _whole(store: Path, to: Path) -> Path:
    to.mkdir()
    shutil.copy(store, to / store.name)
    shutil.copy(f"{store}.wal", f"{to / store.name}.wal")
    return to / store.name


def _counts(store: Path) -> tuple[int, int]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        row = con.execute("SELECT count(*), count(*) FILTER (i < 3) FROM t").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), int(row[1])


def _commit_keeping_the_log(store: Path, *, first: str | None = None) -> Path:
    """Ten rows checkpointed; then, after ``first`` (a committed statement, if given), one
    transaction deletes three and inserts 300,000 (enough for DuckDB to write row groups
    straight to the file), its log kept beside the store."""
    store.parent.mkdir()
    con = duckdb.connect(str(store))
    con.execute("CREATE TABLE t AS SELECT i FROM range(10) r(i)")
    con.execute("CHECKPOINT")
    _keep_log_on_close(con)
    if first:
        con.execute(first)
    con.execute("BEGIN")
    con.execute("DELETE FROM t WHERE i < 3")
    con.execute("INSERT INTO t SELECT i FROM range(300000) r(i)")
    con.execute("COMMIT")
    con.close()
    return store


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    return _commit_keeping_the_log(tmp_path / "made" / "t.duckdb")


def test_a_torn_commit_is_discarded_whole(committed: Path, tmp_path: Path) -> None:
    torn = _tear(committed, tmp_path / "torn")
    cut = discard_torn_commit(torn)
    assert cut is not None
    # USE_TABLE, DELETE_TUPLE, USE_TABLE, ROW_GROUP_DATA: the whole transaction
    assert cut.entries_removed == 4
    assert Path(f"{torn}.wal").stat().st_size == 8  # the version entry alone
    assert _counts(torn) == (10, 3)  # as before the transaction: none of it


def test_a_finished_commit_is_replayed_whole_and_its_log_left_alone(
    committed: Path, tmp_path: Path
) -> None:
    whole = _whole(committed, tmp_path / "whole")
    before = Path(f"{whole}.wal").read_bytes()
    assert discard_torn_commit(whole) is None
    assert Path(f"{whole}.wal").read_bytes() == before
    assert _counts(whole) == (7 + 300_000, 3)  # three deleted, 300,000 added (0, 1, 2 again)


def test_the_log_of_a_store_another_process_has_open_is_left_alone(
    committed: Path, tmp_path: Path
) -> None:
    torn = _tear(committed, tmp_path / "torn")
    before = Path(f"{torn}.wal").read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], "
         "read_only=True); print('open', flush=True); sys.stdin.read()", str(torn)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        assert discard_torn_commit(torn) is None
        assert Path(f"{torn}.wal").read_bytes() == before
    finally:
        holder.communicate("")


def test_the_log_of_a_store_this_process_has_open_is_left_alone(
    committed: Path, tmp_path: Path
) -> None:
    torn = _tear(committed, tmp_path / "torn")
    before = Path(f"{torn}.wal").read_bytes()
    con = duckdb.connect(str(torn), read_only=True)
    try:
        assert discard_torn_commit(torn) is None
        assert Path(f"{torn}.wal").read_bytes() == before
    finally:
        con.close()


def _entry(kind: int, payload: bytes = b"") -> bytes:
    body = b"\x64\x00" + bytes([kind]) + payload + b"\xff\xff"
    return struct.pack("<QQ", len(body), 0) + body


VERSION = b"\x64\x00\x62\x65\x00\x02\xff\xff"


@pytest.mark.parametrize(
    ("log", "kept"),
    [
        # a header cut by the crash after a finished commit
        (VERSION + _entry(25) + _entry(100) + _entry(27)[:10], len(VERSION) + 21 + 21),
        # a body cut by the crash, no commit finished at all
        (VERSION + _entry(29, b"x" * 40)[:30], len(VERSION)),
        # every entry whole, the flush missing
        (VERSION + _entry(25) + _entry(29), len(VERSION)),
        # a schema change inside the unfinished commit is part of it
        (VERSION + _entry(1) + _entry(100) + _entry(1) + _entry(26), len(VERSION) + 42),
    ],
)
def test_the_log_is_cut_back_to_its_last_flush(tmp_path: Path, log: bytes, kept: int) -> None:
    store = tmp_path / "s.duckdb"
    store.write_bytes(b"")
    Path(f"{store}.wal").write_bytes(log)
    assert discard_torn_commit(store) is not None
    assert Path(f"{store}.wal").read_bytes() == log[:kept]


@pytest.mark.parametrize(
    "log",
    [
        VERSION + _entry(25) + _entry(100),  # finished: nothing to cut
        VERSION + _entry(99) + _entry(26),  # a checkpoint entry: DuckDB decides
        VERSION + _entry(25) + _entry(120),  # a type not known here
        VERSION + _entry(25) + _entry(98),  # a second version entry
        b"\x64\x00\x62\x65\x00\x03\xff\xff" + _entry(26),  # another log version (encrypted)
        VERSION + b"\x05" + b"\x00" * 15 + b"\x00\x00\x00\x00\x00",  # not an object's bytes
    ],
)
def test_a_log_not_read_here_is_left_to_duckdb(tmp_path: Path, log: bytes) -> None:
    store = tmp_path / "s.duckdb"
    store.write_bytes(b"")
    Path(f"{store}.wal").write_bytes(log)
    assert discard_torn_commit(store) is None
    assert Path(f"{store}.wal").read_bytes() == log


def test_a_half_done_checkpoint_is_left_to_duckdb(committed: Path, tmp_path: Path) -> None:
    torn = _tear(committed, tmp_path / "torn")
    Path(f"{torn}.wal.checkpoint").write_bytes(b"")
    assert discard_torn_commit(torn) is None


# The product: a torn ``ingest --replace`` through the CLI's next command.

_REPLACE_KEEPING_THE_LOG = """
import os, sys, duckdb
from pathlib import Path
from crimestats.services.ingesting import ingest_files
from crimestats.storage.store import _CONFIG
con = duckdb.connect(sys.argv[1], config=dict(_CONFIG))  # the instance ingest_files reuses
con.execute("PRAGMA disable_checkpoint_on_shutdown")
con.execute("SET wal_autocheckpoint = '1TB'")
ingest_files([Path(sys.argv[2])], source="x", db=Path(sys.argv[1]), replace=True)
os._exit(0)
"""


def _labels(store: Path) -> Counter[str]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute("SELECT national_label FROM offences").fetchall()
        return Counter(str(r[0]) for r in rows)
    finally:
        con.close()


@pytest.mark.slow
def test_a_torn_replace_comes_back_as_the_old_version(tmp_path: Path) -> None:
    rows = 200_000
    store = tmp_path / "made" / "s.duckdb"
    store.parent.mkdir()
    ingest_files([big_label_file(tmp_path / "v1.csv", rows, "Theft")], source="x", db=store)
    new = big_label_file(tmp_path / "v2.csv", rows, "Burglary")
    subprocess.run([sys.executable, "-c", _REPLACE_KEEPING_THE_LOG, str(store), str(new)],
                   check=True)  # fmt: skip

    whole = _whole(store, tmp_path / "whole")
    assert _labels(whole) == Counter({"Burglary": rows})  # the replace, committed

    torn = _tear(store, tmp_path / "torn")
    listed = subprocess.run(
        [sys.executable, "-m", "crimestats", "ingests", "list", "--db", str(torn), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert _labels(torn) == Counter({"Theft": rows})  # DuckDB alone: Theft and Burglary
    ingests = json.loads(listed.stdout)["ingests"]
    assert [(i["ingest_id"], i["state"]) for i in ingests] == [(1, "active")]
    assert "was interrupted before it committed" in listed.stderr


def test_a_torn_commit_after_a_schema_change_is_discarded_whole(tmp_path: Path) -> None:
    """A committed schema change earlier in the same log (as the migrations of an upgraded
    store leave before an ingest) does not stop the cut: an attack found it did."""
    store = _commit_keeping_the_log(
        tmp_path / "made" / "t.duckdb", first="CREATE TABLE note (x INTEGER)"
    )
    torn = _tear(store, tmp_path / "torn")
    cut = discard_torn_commit(torn)
    assert cut is not None
    assert cut.entries_removed == 4
    assert _counts(torn) == (10, 3)
    con = duckdb.connect(str(torn), read_only=True)
    try:  # the schema change before the last flush is kept
        assert con.execute("SELECT count(*) FROM note").fetchone() == (0,)
    finally:
        con.close()
