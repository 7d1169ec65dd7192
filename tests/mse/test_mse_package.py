"""The package's public surface and its independence from CLI and database code."""

from __future__ import annotations

import ast
from pathlib import Path

import crimestats.mse

PACKAGE = Path(crimestats.mse.__file__).parent
FORBIDDEN = ("typer", "click", "rich", "duckdb", "ibis", "crimestats.cli", "crimestats.storage")
HEAVY = ("statsmodels", "scipy")  # imported lazily: the CLI must start fast


def test_public_names_exist_once() -> None:
    names = crimestats.mse.__all__
    assert len(names) == len(set(names))
    for name in names:
        assert getattr(crimestats.mse, name) is not None


def _imports(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


def test_modules_import_no_cli_or_database_code_and_heavy_libraries_lazily() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        everywhere = _imports(tree)
        assert not [m for m in everywhere if m.startswith(FORBIDDEN)], path.name
        top_level = [
            m
            for stmt in tree.body
            if isinstance(stmt, ast.Import | ast.ImportFrom)
            for m in _imports(stmt)
        ]
        assert not [m for m in top_level if m.startswith(HEAVY)], path.name
