"""kill -9 during a release leaves the release folder as it was (issue 19 item 4).

A release is written into a staging folder beside its target and renamed into place
after the store has recorded it (:mod:`crimestats.release.folder`). Here a real
``crimestats release --force`` over an earlier release is killed with SIGKILL at
seeded random moments of its run; after each kill the target must be one complete
release (every file its manifest lists, with that SHA-256, and nothing else): the old
one, or the new one if the rename happened. The store must open, hold at most one more
``releases`` row, and hold it whenever the new release is in place (a published
release is always recorded; a recorded one not moved in is a spend counted, never a
spend lost). The next release removes the staging folders the killed ones left.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from tests.conftest import reopen_after_crash

KILLS = 4
SEED = 19


def _release(db: Path, out: Path, as_of: str) -> list[str]:
    return [sys.executable, "-m", "crimestats", "release", "--db", str(db), "--out", str(out),
            "--force", "--as-of", as_of, "--json"]  # fmt: skip


def _complete(folder: Path) -> str:
    """The release's ``created`` date, after checking every file against the manifest."""
    listed = {}
    for line in (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert present - {"MANIFEST.sha256"} == set(listed), "files not in the manifest, or missing"
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    created: str = json.loads((folder / "datapackage.json").read_text())["created"]
    return created


def _recorded(db: Path) -> int:
    reopen_after_crash(db)
    con = duckdb.connect(str(db), read_only=True)  # the store opens after the kill
    try:
        row = con.execute("SELECT count(*) FROM releases").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.mark.slow
def test_kill_minus_9_during_a_release_leaves_the_folder_whole(
    demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(demo_db, db)
    out = tmp_path / "release"
    start = time.perf_counter()
    subprocess.run(_release(db, out, "2026-01-01"), check=True, capture_output=True, env=_env())
    full = time.perf_counter() - start
    assert _complete(out).startswith("2026-01-01")
    rng = random.Random(SEED)  # noqa: S311 - kill moments, not secrets
    for attempt in range(KILLS):
        before_rows, before_created = _recorded(db), _complete(out)
        as_of = f"2026-02-{attempt + 1:02d}"
        proc = subprocess.Popen(_release(db, out, as_of), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=_env())  # fmt: skip
        time.sleep(rng.uniform(0.2, 1.0) * full)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        created, rows = _complete(out), _recorded(db)
        assert created == before_created or created.startswith(as_of)  # old, or new whole
        assert rows in (before_rows, before_rows + 1)
        if created.startswith(as_of):  # the new release is in place: it was recorded
            assert rows == before_rows + 1
    subprocess.run(_release(db, out, "2026-03-01"), check=True, capture_output=True, env=_env())
    assert _complete(out).startswith("2026-03-01")
    assert not list(tmp_path.glob(".release.*")), "staging folders left after a release"
