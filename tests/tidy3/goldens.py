"""Where the tidy3 golden files are, and how a table is made comparable to one.

The goldens in ``golden/`` were written by the unchanged code at commit 7841b21 (each
test module says on what). A table's metadata names its store (a temporary path) and
the code's version; both are set to fixed text before the bytes are compared.
"""

from __future__ import annotations

from pathlib import Path

from crimestats.stats.table import StatsTable

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str) -> str:
    """The text of the golden file ``name``."""
    return (GOLDEN / name).read_text(encoding="utf-8")


def fixed(table: StatsTable) -> StatsTable:
    """``table`` with its metadata's ``store`` and ``generated_by`` set to fixed text."""
    for key in ("store", "generated_by"):
        if key in table.metadata:
            table.metadata[key] = key.upper()
    return table
