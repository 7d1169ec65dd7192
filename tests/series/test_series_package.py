"""The public surface of ``crimestats.series`` and its layering."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import crimestats.series


def test_all_names_exist_and_are_documented() -> None:
    for name in crimestats.series.__all__:
        obj = getattr(crimestats.series, name)
        assert obj.__doc__ or isinstance(obj, tuple), name


def test_importing_series_does_not_import_duckdb() -> None:
    """Only crimestats.storage knows DuckDB; the series package reaches it lazily."""
    code = "import sys, crimestats.series; print('duckdb' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_bundled_data_is_small_and_has_provenance() -> None:
    from importlib import resources

    folder = Path(str(resources.files("crimestats") / "data" / "series"))
    files = list(folder.iterdir())
    assert "PROVENANCE.md" in {p.name for p in files}
    assert sum(p.stat().st_size for p in files) < 1_000_000
