"""The file-sized staging tables live in a scratch database beside the store, for one load.

Why: DuckDB compresses a database file's tables but spills temporary tables
uncompressed, so staging in temporary tables needed well over 2 GB of disk per GB of
CSV (bench/RESULTS.md: a 50M-row file stopped at 24 GB of spill). The scratch file must
not outlive the load, whether it commits or fails, and one left by a killed process
must not stop the next ingest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crimestats.services.ingesting import ingest_files
from crimestats.storage import staging
from crimestats.storage.staging import SCRATCH_SUFFIX
from crimestats.storage.store import open_store

HEADER = "incident_id,reported_date,national_label\n"
_SCRATCH_TABLES = (
    "SELECT table_name FROM duckdb_tables() WHERE database_name = '_crimestats_scratch' ORDER BY 1"
)


def _leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if SCRATCH_SUFFIX in p.name)


@pytest.fixture
def every_file_large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stage even these small files in the scratch database, as a large one would be."""
    monkeypatch.setattr(staging, "SCRATCH_FROM_BYTES", 0)


def test_a_small_file_stages_in_memory(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "A1,2024-01-01,Theft\n")
    seen: dict[str, list[str]] = {}

    def progress(_file: str, step: str) -> None:
        seen[step] = _leftovers(db)

    result = ingest_files([data], source="x", db=db, progress=progress)[0]
    assert (result.read, result.accepted) == (1, 1)
    assert seen["loading"] == []  # temporary tables, no scratch file


@pytest.mark.usefixtures("every_file_large")
def test_raw_and_validated_rows_are_staged_in_the_scratch_file_then_removed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.duckdb"
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "A1,2024-01-01,Theft\nA2,not a date,Theft\n")
    seen: dict[str, list[str]] = {}
    with open_store(db) as con:  # the same database instance: it sees the attachment

        def progress(_file: str, step: str) -> None:
            seen[step] = [str(r[0]) for r in con.execute(_SCRATCH_TABLES).fetchall()]
            seen[step + "-files"] = _leftovers(db)

        result = ingest_files([data], source="x", db=db, progress=progress)[0]
        attached = con.execute(_SCRATCH_TABLES).fetchall()
        path = con.execute("SELECT current_setting('search_path')").fetchone()
        raw = con.execute("SELECT raw FROM quarantine").fetchall()
    assert (result.read, result.accepted, result.quarantined) == (2, 1, 1)
    assert seen["loading"] == ["_raw", "_v"]  # both file-sized tables, nothing else
    assert f"s.duckdb{SCRATCH_SUFFIX}" in seen["loading-files"]  # its .wal may be beside
    assert attached == []  # detached after the load
    assert path == ("",)  # the connection's search path as it was
    assert _leftovers(db) == []  # and deleted
    assert "not a date" in str(raw[0][0])  # the raw text came through the scratch table


@pytest.mark.usefixtures("every_file_large")
def test_a_refused_file_leaves_no_scratch_and_no_rows(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    data = tmp_path / "d.csv"
    data.write_text(HEADER + 'A1,2024-01-01,"Theft\nA2,2024-01-02,Theft\n')  # open quote
    result = ingest_files([data], source="x", db=db)[0]
    assert result.refused is not None
    assert _leftovers(db) == []
    with open_store(db) as con:
        assert con.execute("SELECT count(*) FROM ingests").fetchone() == (0,)


@pytest.mark.usefixtures("every_file_large")
def test_a_scratch_file_left_by_a_killed_ingest_is_replaced(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with open_store(db):
        pass
    stale = Path(f"{db}{SCRATCH_SUFFIX}")
    stale.write_bytes(b"not a database: what a kill -9 mid-write may leave")
    Path(f"{stale}.wal").write_bytes(b"junk")
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "A1,2024-01-01,Theft\n")
    result = ingest_files([data], source="x", db=db)[0]
    assert (result.read, result.accepted) == (1, 1)
    assert _leftovers(db) == []
