"""An ingest runs under a memory cap, spills next to the store, and puts DuckDB back after.

Why: the cap is what keeps the peak from growing with the file (bench/RESULTS.md: 2.5 GB
at 10M rows, 11.5 GB before); and it is a setting of the database instance, which a
server loading files shares with its readers, so it must not outlive the ingest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crimestats.services.ingesting import ingest_files
from crimestats.storage.store import INGEST_MEMORY, MEMORY_ENV, open_store

HEADER = "incident_id,reported_date,national_label\n"
_SETTINGS = (
    "SELECT current_setting('memory_limit'), current_setting('preserve_insertion_order'), "
    "current_setting('temp_directory')"
)


def test_the_cap_holds_during_the_ingest_and_is_lifted_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    db = tmp_path / "s.duckdb"
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "A1,2024-01-01,Theft\nA2,2024-01-02,Theft\n")
    seen: dict[str, tuple[object, ...]] = {}
    with open_store(db) as con:  # the same database instance, as a server's is
        before = con.execute(_SETTINGS).fetchone()
        assert before is not None

        def progress(_file: str, step: str) -> None:
            row = con.execute(_SETTINGS).fetchone()
            assert row is not None
            seen[step] = row

        result = ingest_files([data], source="x", db=db, progress=progress)[0]
        after = con.execute(_SETTINGS).fetchone()
    assert (result.read, result.accepted) == (2, 2)
    gib = INGEST_MEMORY / 2**30
    assert seen["validating"][0] == f"{gib:.1f} GiB"  # the cap, while the file loads
    assert seen["validating"][1] is False  # rows carry their place: no order kept
    assert seen["validating"][2] == f"{db}.tmp"  # spills next to the store
    assert after == before  # DuckDB's own limit and order again


def test_a_limit_from_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "3GB")
    db = tmp_path / "s.duckdb"
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "A1,2024-01-01,Theft\n")
    limits: list[object] = []
    with open_store(db) as con:

        def progress(_file: str, _step: str) -> None:
            row = con.execute("SELECT current_setting('memory_limit')").fetchone()
            assert row is not None
            limits.append(row[0])

        ingest_files([data], source="x", db=db, progress=progress)
    assert set(limits) == {"2.7 GiB"}  # 3 GB = 3e9 bytes, as DuckDB shows it
