"""docs/iccs-rules.md lists every scope rule the coder applies, and no rule it does not.

Why: a rule added to ``rules.yaml`` without its row in the documentation is a decision a
reader of the model card cannot see (session 8 added four rules; their rows came later).
"""

from __future__ import annotations

import re
from pathlib import Path

from crimestats.iccs.rules import load_rules

DOC = Path(__file__).resolve().parents[2] / "docs" / "iccs-rules.md"


def _documented_ids() -> set[str]:
    rows = re.findall(r"^\| ([a-z0-9-]+) \|", DOC.read_text(encoding="utf-8"), flags=re.M)
    return {r for r in rows if "-" in r}


def test_every_rule_has_its_row_and_every_row_its_rule() -> None:
    applied = {rule.id for rule in load_rules()}
    assert len(applied) >= 15
    assert _documented_ids() == applied
