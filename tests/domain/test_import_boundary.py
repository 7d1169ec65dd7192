"""The domain core imports no database, query, web or CLI library (STYLE.md practice 1)."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN = ("duckdb", "ibis", "fastapi", "typer", "click", "polars", "pyarrow", "pandas")


@pytest.mark.parametrize(
    "modules",
    [
        "crimestats.domain, crimestats.domain.iccs_codes",  # the domain core
        "crimestats.validation.catalogue",  # rules are data, not engine code
        "crimestats.iccs.classification, crimestats.iccs.correspondence",
    ],
)
def test_core_imports_no_engine(modules: str) -> None:
    code = (
        f"import sys, {modules};"
        f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_iccs_has_320_codes() -> None:
    from crimestats.domain.iccs_codes import known_iccs_codes

    codes = known_iccs_codes()
    # ICCS v1.0 Part Two: 11 sections, 63 level-2, 148 level-3, 98 level-4 codes
    by_len = {n: sum(1 for c in codes if len(c) == n) for n in (2, 4, 5, 6)}
    assert by_len == {2: 11, 4: 63, 5: 148, 6: 98}
