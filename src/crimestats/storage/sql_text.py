"""Quoting for SQL built from mapping files: identifiers and literals, never raw text.

Mapping files are written by users; every name and value from them reaches SQL only
through these two functions.
"""

from __future__ import annotations


def ident(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str | None) -> str:
    """A single-quoted SQL string literal (NULL for None)."""
    if value is None:
        return "NULL"
    return "'" + value.replace("'", "''") + "'"


def lit_list(values: tuple[str, ...] | list[str]) -> str:
    """A SQL list literal of strings."""
    return "[" + ", ".join(lit(v) for v in values) + "]"
