"""A process that holds the store keeps DuckDB's lock on it (``storage/held_files.py``).

POSIX drops all of a process's record locks on a file when the process closes any
descriptor of it. An attack in session 15 showed the API server losing its lock this way:
one ``open_store`` of the served store in the same process (as ``POST /v1/ingest`` does)
read the file's first bytes, closed that descriptor, and another process could then open
the store for writing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from crimestats.storage.held_files import held_open, read_through_held
from crimestats.storage.store import open_store, serving_connection

OTHER_WRITER = (
    "import duckdb, sys\n"
    "try:\n"
    "    duckdb.connect(sys.argv[1]).execute('CREATE TABLE intruder (i INTEGER)')\n"
    "    print('opened')\n"
    "except duckdb.IOException as exc:\n"
    "    print('locked' if 'lock' in str(exc).lower() else str(exc))\n"
)


def _other_process_writes(db: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", OTHER_WRITER, str(db)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_opening_the_served_store_again_in_its_process_keeps_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    served = serving_connection(db)
    try:
        assert _other_process_writes(db) == "locked"
        with open_store(db) as con:  # what POST /v1/ingest does in the serving process
            con.execute("SELECT 1")
        assert _other_process_writes(db) == "locked"
    finally:
        served.close()
    assert _other_process_writes(db) == "opened"  # the check itself: free once closed


def test_held_open_sees_the_file_through_links(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    con = duckdb.connect(str(db))
    try:
        hard = tmp_path / "hard.duckdb"
        os.link(db, hard)
        soft = tmp_path / "soft.duckdb"
        soft.symlink_to(db)
        assert held_open(db) is True
        assert held_open(hard) is True
        assert held_open(soft) is True
        # read through DuckDB's own descriptor: bytes 8-11 of a DuckDB file are its magic
        head = read_through_held(db, 16)
        assert head is not None
        assert head[8:12] == b"DUCK"
    finally:
        con.close()
    assert held_open(db) is False
    assert held_open(tmp_path / "missing.duckdb") is False
    assert read_through_held(db, 16) is None  # nothing held now


def test_the_store_given_as_a_file_to_load_is_refused_and_never_read(tmp_path: Path) -> None:
    """``crimestats ingest data/* --db data/s.duckdb`` lists the store among its inputs:
    reading and hashing it would close a descriptor of it and drop the ingest's own lock
    (an attack in session 15 wrote to the store from another process meanwhile)."""
    from crimestats.services.ingesting import ingest_files

    db = tmp_path / "s.duckdb"
    first = tmp_path / "a.csv"
    first.write_text("incident_id,reported_date,national_label\nA1,2024-01-01,Theft\n")
    ingest_files([first], source="x", db=db)  # the store exists
    link = tmp_path / "link.duckdb"
    link.symlink_to(db)
    second = tmp_path / "z.csv"
    second.write_text("incident_id,reported_date,national_label\nZ1,2024-01-02,Theft\n")
    results = ingest_files([db, link, second], source="y", db=db)
    assert [r.refused["code"] if r.refused else None for r in results] == [
        "file-is-the-store", "file-is-the-store", None,
    ]  # fmt: skip
    assert results[2].accepted == 1
