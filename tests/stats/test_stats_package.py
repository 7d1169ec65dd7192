"""The stats package's public surface, and its promise not to touch DuckDB directly."""

from __future__ import annotations

import ast
from pathlib import Path

from crimestats import stats
from crimestats.stats import AGE_GROUPS, FIELDS


def test_all_is_exported() -> None:
    assert sorted(stats.__all__) == sorted(n for n in stats.__all__ if hasattr(stats, n))
    assert "count_table" in stats.__all__


def test_no_direct_duckdb_import() -> None:
    folder = Path(stats.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "duckdb" for n in names), path


def test_fields_and_age_groups() -> None:
    # DESIGN.md section 5: the fields of `crimestats stats --by`
    assert list(FIELDS) == [
        "iccs_l1", "iccs_l2", "iccs_l3", "iccs_l4", "year", "quarter", "month", "area",
        "source", "victim_sex", "victim_age_group", "victim_relationship", "weapon",
        "cyber_related", "attempted", "location_type", "motive", "motive_detail",
    ]  # fmt: skip
    # UNODC Global Study on Homicide age groups
    assert [g[0] for g in AGE_GROUPS] == ["0-14", "15-29", "30-44", "45-59", "60+"]
