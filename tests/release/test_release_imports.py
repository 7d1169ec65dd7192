"""The release package has no import circle, and each module imports on its own.

Why (issue 12): ``release.config`` imported ``release.tables`` (for the standard tables)
and ``release.dp_tables`` imported ``release.config``, tied through ``release.tables``:
a circle that only worked because some imports sat inside functions, and broke as soon
as one moved. The configuration now depends only on leaf modules (``method``,
``standard_tables``); the tables and protections depend on it, not the reverse.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from crimestats import release

PACKAGE = Path(release.__file__).parent
MODULES = sorted(m.name for m in pkgutil.iter_modules([str(PACKAGE)]))


def _imports(module: str, *, runtime_only: bool) -> set[str]:
    """Every ``crimestats.release.X`` module imported anywhere in ``module`` (functions
    too); with ``runtime_only``, not those under ``if TYPE_CHECKING:``."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped |= {id(n) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    prefix = "crimestats.release."
    return {name.removeprefix(prefix) for name in found if name.startswith(prefix)}


def test_config_imports_no_table_module() -> None:
    imported = _imports("config", runtime_only=False)
    assert "tables" not in imported
    assert "threshold_tables" not in imported
    assert "protection" not in imported
    assert "build" not in imported
    # dp_tables.PUBLIC_FIELDS moves to the field registry (issue 12, "fields"); until then
    # it is read inside the DP check only, never when the module loads
    tree = ast.parse((PACKAGE / "config.py").read_text(encoding="utf-8"))
    top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
    assert "crimestats.release.dp_tables" not in top


@pytest.mark.parametrize("module", ["tables", "dp_tables", "standard_tables", "method"])
def test_table_modules_do_not_import_config_at_runtime(module: str) -> None:
    assert "config" not in _imports(module, runtime_only=True)


def test_no_runtime_import_circle_in_release() -> None:
    graph = {m: _imports(m, runtime_only=True) & set(MODULES) for m in MODULES}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert sorted(m for m in MODULES if reaches(m, m, {m})) == []


@pytest.mark.parametrize("module", ["config", "tables", "dp_tables", "protection", "build"])
def test_each_release_module_imports_alone(module: str) -> None:
    code = f"import crimestats.release.{module}"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
