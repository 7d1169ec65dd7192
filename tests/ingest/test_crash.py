"""kill -9 in the middle of an ingest never leaves half a file in the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import reopen_after_crash, table_counts

ROWS = 300_000


def _big_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("incident_id,reported_date,national_label,victim_age\n")
        for i in range(ROWS):
            age = "150" if i % 97 == 0 else str(i % 90)
            handle.write(f"B{i},2023-{1 + i % 12:02d}-{1 + i % 28:02d},Theft,{age}\n")
    return path


def _state(db: Path) -> tuple[int, ...]:
    return table_counts(db, ("ingests", "incidents", "quarantine", "row_ledger"))


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.5, 1.0, 1.6, 2.4])
def test_kill_minus_9_leaves_all_or_nothing(tmp_path: Path, delay: float) -> None:
    db = tmp_path / "s.duckdb"
    small = tmp_path / "small.csv"
    small.write_text("incident_id,reported_date,national_label\nS1,2024-01-01,Theft\n")
    cli = [sys.executable, "-m", "crimestats", "ingest", "--db", str(db), "--source", "x", "--json"]
    subprocess.run([*cli, str(small)], check=True, capture_output=True)
    before = _state(db)
    big = _big_file(tmp_path / "big.csv")
    proc = subprocess.Popen([*cli, str(big)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reopen_after_crash(db)
    after = _state(db)
    bad = sum(1 for i in range(ROWS) if i % 97 == 0)
    complete = (before[0] + 1, before[1] + ROWS - bad, before[2] + bad, before[3] + ROWS - bad)
    assert after in (before, complete)
