"""The benchmark workload is reproducible and exercises validation as its manifest says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crimestats import ingest_files

GENERATE = Path(__file__).resolve().parents[2] / "bench" / "generate.py"


def _generate(out: Path, rows: int, seed: int) -> dict[str, object]:
    subprocess.run(
        [sys.executable, str(GENERATE), str(out), "--rows", str(rows), "--seed", str(seed)],
        check=True,
        capture_output=True,
    )
    return json.loads(out.with_name(out.name + ".manifest.json").read_text())


def test_same_seed_same_bytes_and_the_reconciliation_holds(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a.csv", 20_000, 7)
    _generate(tmp_path / "b.csv", 20_000, 7)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    result = ingest_files([tmp_path / "a.csv"], source="bench", db=tmp_path / "s.duckdb")[0]
    assert result.read == 20_000
    assert result.read == result.accepted + result.quarantined + result.duplicates
    assert result.duplicates == first["duplicates"]
    # every injected bad row is caught; holding back whole incidents may add a few more
    assert result.quarantined >= first["bad_rows"]  # type: ignore[operator]
