"""``crimestats demo`` (what ``make run`` calls): the whole main job on the bundled data."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import run_cli

from crimestats.cli.demo_cmd import release_folder


def test_demo_builds_codes_and_releases(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    code, out, error = run_cli("demo", "--db", str(db))
    assert code == 0, (out, error)
    assert "read = accepted + quarantined + duplicates" in out
    folder = release_folder(db)
    assert folder == tmp_path / "demo-release"
    manifest = (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    assert len(manifest) >= 10
    for line in manifest:  # what `sha256sum -c` checks, recomputed here
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert "protected release" in out
