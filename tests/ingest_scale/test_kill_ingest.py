"""kill -9 at random points of an ingest leaves the store exactly as it was.

Why: an ingest is one transaction per file, and DuckDB commits it atomically through
its write-ahead log; since the staging spills to ``<store>.tmp`` and the loading
statements no longer keep insertion order, a kill can land while DuckDB writes spill
files or optimistic row groups. Whatever it hits, the store must open afterwards with
every count as before (no half file), and the same file must then load whole.

The child prints each step as it starts; the parent kills it a seeded random delay
after the step chosen, so each case lands inside staging, validation or loading.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import reopen_after_crash, table_counts

from crimestats.services.ingesting import ingest_files
from crimestats.storage.staging import SCRATCH_SUFFIX

ROWS = 40_000
TABLES = (
    "ingests", "incidents", "offences", "victims", "suspects", "row_ledger", "quarantine",
    "ingest_issues",
)  # fmt: skip
HEADER = "incident_id,reported_date,national_label,offence_seq,victim_seq,victim_age\n"
CHILD = Path(__file__).with_name("kill_child.py")


def _file(path: Path) -> Path:
    """ROWS rows: two offences per incident, a victim on every third row, a bad age
    (150) on every 101st row (whose incident is then held back whole)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for i in range(ROWS):
            inc, seq = divmod(i, 2)
            age = "150" if i % 101 == 0 else str(i % 90)
            victim = ("1", age) if i % 3 == 0 else ("", "")
            handle.write(
                f"K{inc},2023-{1 + inc % 12:02d}-{1 + inc % 28:02d},Theft,{seq + 1},"
                f"{victim[0]},{victim[1]}\n"
            )
    return path


def _expected() -> tuple[int, int, int]:
    """(accepted, quarantined, victims) of the big file, counted here by hand."""
    bad_incidents = {divmod(i, 2)[0] for i in range(ROWS) if i % 101 == 0 and i % 3 == 0}
    quarantined = 2 * len(bad_incidents)
    victims = sum(1 for i in range(ROWS) if i % 3 == 0 and divmod(i, 2)[0] not in bad_incidents)
    return ROWS - quarantined, quarantined, victims


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{path}" if path else src}


def _kill_during(big: Path, db: Path, step: str, delay: float) -> tuple[list[str], bool]:
    """Run the child, kill -9 it ``delay`` seconds after it starts ``step``.

    Returns the steps it printed and whether it had already finished ("done") when the
    signal landed (then the file is in the store whole, which is as correct)."""
    with subprocess.Popen(
        [sys.executable, str(CHILD), str(big), str(db), "x"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(),
    ) as proc:
        assert proc.stdout is not None
        seen: list[str] = []
        for line in proc.stdout:
            seen.append(line.strip())
            if seen[-1] == step:
                time.sleep(delay)
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        seen += proc.stdout.read().split()
    return seen, "done" in seen


@pytest.mark.slow
@pytest.mark.parametrize("step", ["reading", "validating", "loading"])
def test_kill_minus_9_at_a_random_point_leaves_the_store_as_it_was(
    tmp_path: Path, step: str
) -> None:
    primed = tmp_path / "primed.duckdb"
    small = tmp_path / "small.csv"
    small.write_text(HEADER + "S1,2024-01-01,Theft,1,1,30\nS2,2024-01-02,Theft,1,,\n")
    first = ingest_files([small], source="x", db=primed)[0]
    assert (first.read, first.accepted) == (2, 2)
    before = table_counts(primed, TABLES)
    big = _file(tmp_path / "big.csv")
    accepted, quarantined, victims = _expected()
    whole = dict(zip(TABLES, before, strict=True))
    whole.update(
        ingests=whole["ingests"] + 1,
        incidents=whole["incidents"] + accepted // 2,
        offences=whole["offences"] + accepted,
        victims=whole["victims"] + victims,
        row_ledger=whole["row_ledger"] + accepted,
        quarantine=whole["quarantine"] + quarantined,
    )
    rng = random.Random(f"kill-{step}")  # noqa: S311 (kill delays, not secrets)
    killed = 0
    # random points inside the step, each on a fresh copy; the later cases kill sooner
    # (a quarter, then none of the drawn delay), so that on any machine at least one
    # kill lands before the commit
    for case, share in enumerate((1.0, 1.0, 0.25, 0.0)):
        if killed >= 2:
            break
        db = tmp_path / f"kill{case}.duckdb"
        shutil.copyfile(primed, db)
        seen, finished = _kill_during(big, db, step, share * rng.uniform(0.0, 1.0))
        assert step in seen
        reopen_after_crash(db)
        counts = dict(zip(TABLES, table_counts(db, TABLES), strict=True))
        committed = {t: counts[t] for t in whole if t != "ingest_issues"} == {
            t: n for t, n in whole.items() if t != "ingest_issues"
        }
        # the kill came after the commit (the child may die between its commit and its
        # "done" line: then the store holds the whole file, which is as correct)
        if finished or committed:
            assert committed
            continue
        killed += 1
        assert tuple(counts.values()) == before, f"killed during {step} after {seen}"
        again = ingest_files([big], source="x", db=db)[0]  # the store still takes the file
        assert (again.read, again.accepted, again.quarantined, again.duplicates) == (
            ROWS,
            accepted,
            quarantined,
            0,
        )
        assert not Path(f"{db}{SCRATCH_SUFFIX}").exists()  # the kill's scratch file is gone
        after = dict(zip(TABLES, table_counts(db, TABLES), strict=True))
        assert {t: after[t] for t in whole if t != "ingest_issues"} == {
            t: n for t, n in whole.items() if t != "ingest_issues"
        }
    assert killed >= 1, "every kill came after the commit: the delays are too long"
