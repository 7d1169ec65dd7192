"""The independent verifier printed in docs/governance.md works on an exported log.

The code block is read from the doc itself and run as a separate Python process on the
file ``crimestats audit export`` writes, so the doc cannot drift from the hash recipe.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli

from crimestats.govern import audit_chain
from crimestats.storage.store import open_store

DOC = Path(__file__).parents[2] / "docs" / "governance.md"


def _verifier(tmp_path: Path) -> Path:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    assert len(blocks[0].strip().splitlines()) <= 12
    script = tmp_path / "verify_audit.py"
    script.write_text(blocks[0], encoding="utf-8")
    return script


def _run(script: Path, log: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), str(log)], capture_output=True, text=True, check=False
    )


def test_the_documented_verifier_checks_an_exported_log(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        for n in range(5):
            audit_chain.append(
                con, user_name="ana", role="analyst", action="stats",
                parameters={"by": "source", "area": "São Paulo", "n": n}, rows_out=n,
                result_hash=audit_chain.result_digest(f"body {n}"),
            )  # fmt: skip
        head = audit_chain.verify(con).head
    log = tmp_path / "log.jsonl"
    code, output, error = run_cli("audit", "export", "--out", str(log), "--db", str(db))
    assert code == 0, (output, error)
    script = _verifier(tmp_path)
    good = _run(script, log)
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == f"5 entries, intact; head {head}"
    lines = log.read_text(encoding="utf-8").splitlines()
    edited = json.loads(lines[2])
    edited["rows_out"] = 0
    lines[2] = json.dumps(edited, ensure_ascii=False)
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = _run(script, tampered)
    assert bad.returncode == 1
    assert "entry 3" in bad.stderr
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    assert "entry 2" in _run(script, cut).stderr
