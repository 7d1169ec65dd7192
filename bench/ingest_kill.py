"""Kill -9 during an ingest (issue 19 item 4): ``bench_ingest.py --kill N``.

Kept apart from the timing phases of :mod:`bench_ingest`: it times nothing, it checks that
a store killed at any moment of an ingest opens with every count as before.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import TypedDict

import bench_ingest
from phase_records import INGEST


class KillTrial(TypedDict):
    """One kill: when, whether the ingest finished first, and whether the store held."""

    delay_s: float
    finished_first: bool
    store_as_before: bool


class KillReport(TypedDict):
    """Every trial, the verdict, and the reconciliation of a last full ingest."""

    trials: list[KillTrial]
    all_kills_left_the_store_as_before: bool
    reingest_after_kills: dict[str, float]


KILL_TABLES = (
    "ingests", "incidents", "offences", "victims", "suspects", "row_ledger", "quarantine",
    "ingest_issues",
)  # fmt: skip


def _counts(db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in KILL_TABLES}  # type: ignore[index]
    finally:
        con.close()


def kill_trials(path: Path, workdir: Path, trials: int, max_delay: float, seed: int) -> KillReport:
    """Kill -9 an ingest of ``path`` at ``trials`` random moments; the store must be as before.

    The store is primed with the workload's first 1,000 rows (another source), so "as
    before" is a store with data in it. Each trial starts the ingest in a child process and
    kills it after a seeded random delay in [0, ``max_delay``] s; then the store must open
    with every count unchanged. A trial whose ingest finished first is reported, not
    failed. Last, the whole file is ingested into the same store and reconciled.
    """
    import random

    db = workdir / "bench_kill.duckdb"
    bench_ingest._remove_db(db)
    primer = workdir / "bench_kill_primer.csv"
    with path.open("rb") as src, primer.open("wb") as out:
        for _ in range(1001):
            out.write(src.readline())
    ingest_files = bench_ingest._ingest_function()
    ingest_files([primer], source="primer", db=db)
    before = _counts(db)
    rng = random.Random(seed)
    cmd = [
        sys.executable,
        str(Path(bench_ingest.__file__).resolve()),
        "--phase",
        INGEST,
    ]
    cmd += ["--file", str(path), "--db", str(db)]
    runs: list[KillTrial] = []
    for _ in range(trials):
        delay = rng.uniform(0.0, max_delay)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
            finished = True
        except subprocess.TimeoutExpired:
            proc.kill()  # SIGKILL
            proc.wait()
            finished = False
        after = _counts(db)
        runs.append(KillTrial(delay_s=round(delay, 1), finished_first=finished,
                              store_as_before=after == before))  # fmt: skip
        if finished:
            break
    t0 = time.perf_counter()
    results = ingest_files([path], source="bench", db=db) if not runs[-1]["finished_first"] else []
    final: dict[str, float] = {"seconds": round(time.perf_counter() - t0, 1)}
    for r in results:
        final.update(read=r.read, accepted=r.accepted, quarantined=r.quarantined,
                     duplicates=r.duplicates)  # fmt: skip
    bench_ingest._remove_db(db)
    primer.unlink(missing_ok=True)
    killed = [r for r in runs if not r["finished_first"]]
    return KillReport(
        trials=runs,
        all_kills_left_the_store_as_before=all(r["store_as_before"] for r in killed),
        reingest_after_kills=final,
    )
