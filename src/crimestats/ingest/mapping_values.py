"""Typed readers for the values of a mapping file: each refuses a wrong type with a fix.

YAML gives whatever the author wrote: a string where a number belongs, ``"false"`` (a
string, truthy in Python) where a boolean belongs, a list where one value belongs, ``.nan``
in a bounding box. Reading every value through one of these functions turns each such
slip into one :class:`MappingError` naming the file, the key path and the fix, instead of
an internal error or, worse, a silent wrong meaning.

Regular expressions and date formats are checked by DuckDB itself (:class:`SqlChecks`),
because DuckDB runs them: a pattern Python accepts may not be valid RE2 (look-behind,
back-references) and would otherwise fail in the middle of an ingest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import duckdb

from crimestats.errors import MappingError

MAX_TEXT = 10_000
"""Longest text value (a column name, a constant, a pattern) a mapping may hold."""


@dataclass(frozen=True, slots=True)
class Where:
    """A key path inside one mapping file, for messages: ``fields.weapon.patterns[0]``."""

    path: Path
    key: str

    def at(self, sub: str | int) -> Where:
        """The path of a key or a list position below this one."""
        if isinstance(sub, int):
            return Where(self.path, f"{self.key}[{sub}]")
        return Where(self.path, f"{self.key}.{sub}" if self.key else sub)

    def error(self, problem: str, fix: str) -> MappingError:
        """One mapping error: file, key path, problem; the fix is printed as ``fix:``."""
        return MappingError(f"{self.path}: {self.key or 'top level'}: {problem}", hint=fix)


def _kind(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a true/false ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"[:80]


def text(where: Where, value: object, *, blank: bool = True) -> str:
    """A text value. Numbers and YAML booleans are read as their text (``true``)."""
    if isinstance(value, bool):
        out = "true" if value else "false"
    elif isinstance(value, str):
        out = value
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise where.error(f"expected text, got {_kind(value)}", "quote the value")
        out = str(value)
    elif value is None and blank:
        out = ""
    else:
        raise where.error(f"expected text, got {_kind(value)}", "write one value (quote it)")
    if len(out) > MAX_TEXT:
        raise where.error(f"text longer than {MAX_TEXT} characters", "shorten it")
    if not blank and not out.strip():
        raise where.error("must not be blank", "write a value")
    return out


def plain_string(where: Where, value: object, fix: str) -> str:
    """A string written as a string (a pattern, a format, a column name): no numbers."""
    if not isinstance(value, str):
        raise where.error(f"expected text, got {_kind(value)}", fix)
    return text(where, value, blank=False)


def boolean(where: Where, value: object) -> bool:
    """A YAML ``true``/``false``. The string ``"false"`` is refused, never read as true."""
    if not isinstance(value, bool):
        raise where.error(f"expected true or false, got {_kind(value)}", "write true or false")
    return value


def whole_number(where: Where, value: object, low: int, high: int) -> int:
    """An integer between ``low`` and ``high``; ``2.5``, ``"3"`` and ``true`` are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(
            f"expected a whole number, got {_kind(value)}", f"write a number from {low} to {high}"
        )
    if not low <= value <= high:
        raise where.error(
            f"{value} is outside {low}..{high}", f"write a number from {low} to {high}"
        )
    return value


def number(where: Where, value: object, low: float, high: float) -> float:
    """A finite number between ``low`` and ``high`` (no text, no inf/nan)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.error(f"expected a number, got {_kind(value)}", "write a plain number")
    out = float(value)
    if not math.isfinite(out) or not low <= out <= high:
        raise where.error(
            f"{value} is outside {low}..{high}", f"write a number from {low} to {high}"
        )
    return out


def choice(where: Where, value: object, options: tuple[str, ...]) -> str:
    """One of a fixed set of words."""
    if not isinstance(value, str) or value not in options:
        shown = repr(value) if isinstance(value, str) else _kind(value)
        name = where.key.rsplit(".", 1)[-1].split("[", 1)[0] or "value"
        raise where.error(f"unknown {name} {shown[:80]}", f"use one of: {', '.join(options)}")
    return value


def mapping(where: Where, value: object, shape: str) -> dict[object, object]:
    """A YAML mapping (``{key: value}``); ``shape`` shows the expected form in the fix."""
    if not isinstance(value, dict):
        raise where.error(f"expected a mapping, got {_kind(value)}", f"write it as {shape}")
    return value


def sequence(where: Where, value: object, shape: str, *, empty: bool = True) -> list[object]:
    """A YAML list; ``shape`` shows the expected form in the fix."""
    if not isinstance(value, list):
        raise where.error(f"expected a list, got {_kind(value)}", f"write it as {shape}")
    if not empty and not value:
        raise where.error("the list is empty", f"write it as {shape}")
    return value


def known_keys(where: Where, raw: dict[object, object], allowed: tuple[str, ...]) -> None:
    """Refuse keys a mapping level does not define (a typo would otherwise be ignored)."""
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise where.error(f"unknown key(s) {unknown}", f"use only: {', '.join(allowed)}")


class SqlChecks:
    """Checks that must use DuckDB's own engines: RE2 patterns and strptime formats."""

    def __init__(self) -> None:
        self._con: duckdb.DuckDBPyConnection | None = None

    def _run(self, sql: str, params: list[object]) -> str | None:
        if self._con is None:
            self._con = duckdb.connect(":memory:")
        try:
            self._con.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            return str(exc).split("Error: ", 1)[-1]
        return None

    def regex(self, where: Where, pattern: str, *, capture: bool, case_fold: bool = False) -> str:
        """A pattern DuckDB (RE2) accepts; with ``capture``, it must keep a ( group )."""
        flags = "i" if case_fold else ""
        problem = self._run("SELECT regexp_matches('', ?, ?)", [pattern, flags])
        if problem is not None:
            raise where.error(
                f"invalid regular expression {pattern[:200]!r}: {problem}",
                "write an RE2 pattern (no look-around or back-references); "
                "see https://github.com/google/re2/wiki/Syntax",
            )
        groups = "SELECT regexp_extract('', ?, ['kept'])"  # RE2 counts the groups itself
        if capture and self._run(groups, [pattern]) is not None:
            raise where.error(
                f"the pattern {pattern[:200]!r} has no capture group, so every value would "
                "be blank",
                "wrap the part to keep in ( ), e.g. 'ID-([0-9]+)'",
            )
        return pattern

    def date_format(self, where: Where, fmt: str) -> str:
        """A strptime format DuckDB accepts (``%Y-%m-%d``)."""
        problem = self._run("SELECT try_strptime('', ?)", [fmt])
        if problem is not None:
            raise where.error(
                f"invalid date format {fmt[:200]!r}: {problem}",
                "use strptime codes such as %Y-%m-%d or %m/%d/%Y %I:%M:%S %p",
            )
        return fmt

    def close(self) -> None:
        """Release the in-memory connection."""
        if self._con is not None:
            self._con.close()
            self._con = None
