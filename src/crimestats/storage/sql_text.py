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


_REGEX_SET_FROM = 24
"""Sets this large (of plain word characters) are tested by one regular expression."""
_JOIN_SET_FROM = 2000
"""Sets this large are left to DuckDB's ``IN``: a join is the right tool for them (a list
scanned per row is not, and RE2 caps the size of an automaton)."""


def member_of(expr: str, values: tuple[str, ...] | list[str]) -> str:
    """SQL true when ``expr`` is one of ``values`` (NULL when ``expr`` is NULL), like ``IN``.

    Why not always ``expr IN (...)``: DuckDB turns a constant ``IN`` list into a join
    against the list, and inside the wide projection of a file's rows that join carries
    every column of every row through it: at 1M rows the ICCS code check alone took 1.3 s
    of CPU with every code blank. ``list_contains`` stays an expression; a larger set of
    codes becomes one anchored alternation, which RE2 runs as one automaton pass over the
    value (40x faster than the join for the ~320 ICCS codes); only a set of thousands
    (a mapping's long ``where:`` list) goes to the join. Same answer as ``IN`` for every
    value, NULL included (``tests/storage/test_member_of.py``).
    """
    if len(values) >= _JOIN_SET_FROM:
        return f"({expr} IN ({', '.join(lit(v) for v in values)}))"
    if len(values) >= _REGEX_SET_FROM and all(v.isascii() and v.isalnum() for v in values):
        alternation = "|".join(sorted(set(values), key=lambda v: (-len(v), v)))
        return f"regexp_full_match({expr}, {lit('(?:' + alternation + ')')})"
    return f"list_contains({lit_list(list(values))}, {expr})"
