"""The value types of a mapping file: each refuses a wrong type with a fix.

YAML gives whatever the author wrote: a string where a number belongs, ``"false"`` (a
string, truthy in Python) where a boolean belongs, a list where one value belongs, ``.nan``
in a bounding box. The mapping's models (:mod:`crimestats.ingest.mapping_spec`,
:mod:`crimestats.ingest.mapping`) declare every value with one of these types, read by
pydantic in strict mode, so each such slip is one :class:`~crimestats.errors.MappingError`
naming the file, the key path and the fix (:mod:`crimestats.config_schema`), instead of an
internal error or, worse, a silent wrong meaning.

Regular expressions and date formats are checked by DuckDB itself (:class:`SqlChecks`),
because DuckDB runs them: a pattern Python accepts may not be valid RE2 (look-behind,
back-references) and would otherwise fail in the middle of an ingest.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import duckdb
from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from crimestats.config_schema import Between, ConfigValueError, kind

MAX_TEXT = 10_000
"""Longest text value (a column name, a constant, a pattern) a mapping may hold."""


def as_text(value: object) -> str:
    """A text value. Numbers and YAML booleans are read as their text (``true``)."""
    if isinstance(value, bool):
        out = "true" if value else "false"
    elif isinstance(value, str):
        out = value
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigValueError(f"expected text, got {kind(value)}", "quote the value")
        out = str(value)
    else:
        raise ConfigValueError(f"expected text, got {kind(value)}", "write one value (quote it)")
    if len(out) > MAX_TEXT:
        raise ConfigValueError(f"text longer than {MAX_TEXT} characters", "shorten it")
    return out


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ConfigValueError("must not be blank", "write a value")
    return value


def _string(value: object) -> str:
    """A string written as a string (a pattern, a format): no numbers."""
    if not isinstance(value, str):
        raise ConfigValueError(f"expected text, got {kind(value)}", "quote it")
    return as_text(value)


def written_text(value: object) -> str:
    """Text as written: ``delimiter: 5`` (a YAML number) is refused, not read as "5".

    A number or ``true`` where a character or an encoding name belongs is a slip (a
    delimiter of ``5`` splits nothing the user meant); other settings read numbers as text.
    """
    if isinstance(value, bool | int | float):
        raise ConfigValueError(
            f"expected text, got the {type(value).__name__} {value!r}", f"quote it: '{value}'"
        )
    return as_text(value)


def _listed(value: object) -> object:
    """A value that may be written alone or as a list (``transform: upper``)."""
    return value if isinstance(value, list) else [value]


Text = Annotated[str, BeforeValidator(as_text)]
"""Any text; a number or a boolean is read as its text (``0``, ``true``)."""
NonBlank = Annotated[str, BeforeValidator(as_text), AfterValidator(_not_blank)]
"""Text that is not blank."""
PlainText = Annotated[str, BeforeValidator(_string), AfterValidator(_not_blank)]
"""Text written as text (a pattern, a format), not blank."""
WrittenText = Annotated[str, BeforeValidator(written_text)]
"""Text that a number would only be a slip for (a delimiter, an encoding)."""
OneOrList = BeforeValidator(_listed)
"""Metadata of a list that may be written as one value (``transform: upper``)."""


def whole(value: object, low: int, high: int) -> int:
    """An integer from ``low`` to ``high``; ``2.5``, ``"3"`` and ``true`` are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigValueError(
            f"expected a whole number, got {kind(value)}", f"write a number from {low} to {high}"
        )
    return int(Between(low, high).check(value))


class SqlChecks:
    """Checks that must use DuckDB's own engines: RE2 patterns and strptime formats.

    Passed to the models as the validation context (``{"checks": SqlChecks()}``).
    """

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

    def regex(self, pattern: str, *, capture: bool, case_fold: bool = False) -> str:
        """A pattern DuckDB (RE2) accepts; with ``capture``, it must keep a ( group )."""
        flags = "i" if case_fold else ""
        problem = self._run("SELECT regexp_matches('', ?, ?)", [pattern, flags])
        if problem is not None:
            raise ConfigValueError(
                f"invalid regular expression {pattern[:200]!r}: {problem}",
                "write an RE2 pattern (no look-around or back-references); "
                "see https://github.com/google/re2/wiki/Syntax",
            )
        groups = "SELECT regexp_extract('', ?, ['kept'])"  # RE2 counts the groups itself
        if capture and self._run(groups, [pattern]) is not None:
            raise ConfigValueError(
                f"the pattern {pattern[:200]!r} has no capture group, so every value would "
                "be blank",
                "wrap the part to keep in ( ), e.g. 'ID-([0-9]+)'",
            )
        return pattern

    def date_format(self, fmt: str) -> str:
        """A strptime format DuckDB accepts (``%Y-%m-%d``)."""
        problem = self._run("SELECT try_strptime('', ?)", [fmt])
        if problem is not None:
            raise ConfigValueError(
                f"invalid date format {fmt[:200]!r}: {problem}",
                "use strptime codes such as %Y-%m-%d or %m/%d/%Y %I:%M:%S %p",
            )
        return fmt

    def close(self) -> None:
        """Release the in-memory connection."""
        if self._con is not None:
            self._con.close()
            self._con = None


def sql_checks(info: ValidationInfo) -> SqlChecks:
    """The :class:`SqlChecks` of the mapping being read (its validation context)."""
    context: Any = info.context
    if not isinstance(context, dict) or not isinstance(context.get("checks"), SqlChecks):
        raise TypeError("a mapping is read with load_mapping (SqlChecks in the context)")
    checks: SqlChecks = context["checks"]
    return checks


def at_problem(at: tuple[str | int, ...], exc: ConfigValueError) -> ConfigValueError:
    """``exc`` moved to the key path ``at`` below where it was raised."""
    return ConfigValueError(exc.problem, exc.fix, at=at + exc.at, default_fix=exc.default_fix)
