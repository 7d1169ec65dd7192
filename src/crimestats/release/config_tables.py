"""One table of a release: its declaration (:class:`TableSpec`) and how a file writes it.

Why one class: a standard table (:data:`crimestats.release.standard_tables.
STANDARD_TABLES`) and a table of a release configuration are the same thing, a file
stem, a counting unit, the fields counted by, a title and a disclosure method; the
counting, protection and writing code take a :class:`TableSpec` whatever its origin.

:class:`TableSchema` is the ``tables:`` entry of a configuration file as a pydantic
model (strict, no unknown key); :func:`conflicting_methods` is the rule between tables
that no single entry can check. This module imports nothing of the release but the
method enumeration, so the standard tables, the configuration and the protection code
can all use it without an import circle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, ClassVar, Final, NotRequired, TypedDict

from pydantic import PlainValidator, model_validator

from crimestats.config_schema import Between, ConfigValueError, Fix, Matches, OneOf, Schema, kind
from crimestats.release.method import Method

METHODS: Final = tuple(m.value for m in (Method.THRESHOLD, Method.DP, Method.ROUNDING))
"""Disclosure methods a table can use."""
UNITS: Final = ("incidents", "offences", "victims", "suspects")
MAX_FIELDS: Final = 3
DEFAULT_BASE: Final = 5
DEFAULT_CONTRIBUTIONS: Final = 1

_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,63}")


class TableRecord(TypedDict):
    """A table as the store's record of a release keeps it (:meth:`TableSpec.to_dict`);
    the method's own settings only when set."""

    name: str
    unit: str
    by: list[str]
    method: Method
    title: str
    base: NotRequired[int]
    epsilon: NotRequired[float]
    contributions: NotRequired[int]


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table of a release, standard or configured.

    Attributes
    ----------
    name : str
        File stem (``NAME.csv``, ``NAME.parquet``): lower-case letters, digits, ``_``.
    unit : str
        What a count counts: incidents, offences, victims or suspects.
    by : tuple of str
        1 to 3 fields of :data:`crimestats.stats.FIELDS`.
    title : str
        Human title (default: made from the unit and fields).
    method : Method
        ``threshold`` (threshold rule and secondary suppression), ``rounding``
        (controlled rounding to ``base``) or ``dp`` (differential privacy).
    base : int or None
        Rounding base (method ``rounding`` only; default 5).
    epsilon : float or None
        This table's share of ``dp.epsilon`` (method ``dp`` only; default: an equal
        share of what the other DP tables leave).
    contributions : int or None
        Method ``dp`` only: the most interior cells one privacy unit is counted in (each
        by one); further ones are dropped by a fixed rule. It is the L1 sensitivity.
    """

    name: str
    unit: str
    by: tuple[str, ...]
    title: str = ""
    method: Method = Method.THRESHOLD
    base: int | None = None
    epsilon: float | None = None
    contributions: int | None = None

    def __post_init__(self) -> None:
        """The method is mapped to a :class:`Method` once, here (a word from code too);
        a table without a title gets one made from its unit and fields."""
        object.__setattr__(self, "method", Method(self.method))
        if not self.title:
            object.__setattr__(self, "title", default_title(self.unit, self.by))

    def to_dict(self) -> TableRecord:
        """JSON-ready, for the store's record of the release."""
        out: TableRecord = {
            "name": self.name,
            "unit": self.unit,
            "by": list(self.by),
            "method": self.method,
            "title": self.title,
        }
        if self.base is not None:
            out["base"] = self.base
        if self.epsilon is not None:
            out["epsilon"] = self.epsilon
        if self.contributions is not None:
            out["contributions"] = self.contributions
        return out


def default_title(unit: str, by: tuple[str, ...]) -> str:
    """``Victims by victim_sex, victim_age_group``."""
    return f"{unit.capitalize()} by {', '.join(by)}"


_file_stem = Matches(
    _NAME, "a file stem", "lower-case letters, digits and _ (at most 64), e.g. victims_by_sex"
).check


def _fields(raw: object) -> tuple[str, ...]:
    """1 to :data:`MAX_FIELDS` distinct fields of the statistics (``by: [source, year]``;
    ``by: source, year`` is read the same)."""
    from crimestats.stats import FIELDS

    valid = f"use fields from: {', '.join(FIELDS)}"
    value = [v.strip() for v in raw.split(",")] if isinstance(raw, str) else raw
    if value == []:
        raise ConfigValueError("the list is empty", valid)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigValueError(f"expected a list of field names, got {kind(raw)}", valid)
    unknown = [v for v in value if v not in FIELDS]
    if unknown:
        raise ConfigValueError(f"unknown field(s) {', '.join(map(repr, unknown))}", valid)
    if len(set(value)) != len(value):
        raise ConfigValueError("a field is named twice", "name each field once")
    if len(value) > MAX_FIELDS:
        raise ConfigValueError(
            f"{len(value)} fields, at most {MAX_FIELDS}", "split the table into smaller ones"
        )
    return tuple(value)


def _title(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        shown = repr(raw) if isinstance(raw, str) else kind(raw)
        raise ConfigValueError(f"{shown} is not a text", "write a short title")
    return raw.strip()


_ONLY: Final = (("base", Method.ROUNDING), ("epsilon", Method.DP), ("contributions", Method.DP))
"""Keys that only a table of one method takes."""


class TableSchema(Schema):
    """One entry of ``tables:`` as the file writes it."""

    SHAPE: ClassVar[str] = "{name: victims_by_sex, unit: victims, by: [victim_sex]}"
    name: Annotated[str, PlainValidator(_file_stem), Fix("give every table a name")]
    unit: Annotated[str, OneOf(UNITS), Fix("give every table a unit")]
    by: Annotated[tuple[str, ...], PlainValidator(_fields), Fix("give every table a by")]
    method: Annotated[str, OneOf(METHODS)] = Method.THRESHOLD.value
    title: Annotated[str, PlainValidator(_title)] | None = None
    base: Annotated[int, Between(2, 1000), Fix("a whole number >= 2, e.g. 5")] | None = None
    epsilon: (
        Annotated[float, Between(0, above=True), Fix("this table's share of dp.epsilon, e.g. 0.5")]
        | None
    ) = None
    contributions: (
        Annotated[
            int,
            Between(1, 100),
            Fix("the most cells one privacy unit is counted in, e.g. 1"),
        ]
        | None
    ) = None

    @model_validator(mode="after")
    def _keys_of_its_method(self) -> TableSchema:
        for only, needs in _ONLY:
            if only in self.model_fields_set and self.method != needs:
                raise ConfigValueError(
                    f"only a {needs} table takes {only}",
                    f"drop it, or set method: {needs}",
                    at=(only,),
                )
        return self

    def table(self) -> TableSpec:
        """The checked :class:`TableSpec`, with the defaults of its method."""
        method = Method(self.method)
        rounding, dp = method is Method.ROUNDING, method is Method.DP
        return TableSpec(
            name=self.name,
            unit=self.unit,
            by=self.by,
            title=self.title or default_title(self.unit, self.by),
            method=method,
            base=(self.base or DEFAULT_BASE) if rounding else None,
            epsilon=self.epsilon if dp else None,
            contributions=(self.contributions or DEFAULT_CONTRIBUTIONS) if dp else None,
        )


def twice_named(tables: tuple[TableSpec, ...]) -> None:
    """Refuse two tables of one name (they would write one file)."""
    names = [t.name for t in tables]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigValueError(
            f"table name(s) used twice: {', '.join(twice)}", "give every table its own name"
        )


_EXACT_METHODS: Final = (Method.THRESHOLD, Method.ROUNDING)
"""Methods whose published numbers are exact facts an integer programme can use (a
rounded count is within ``base`` of the truth): two of them over shared cells must be one
protection, and only threshold tables are protected together (linked tables)."""


def conflicting_methods(tables: tuple[TableSpec, ...]) -> tuple[TableSpec, TableSpec] | None:
    """The first two tables that would publish exact facts two ways: a rounding table
    beside any other threshold or rounding table of the release, whatever their units.

    Why (issue 11, finding 6): every two tables of one counting unit share cells, at
    least the grand total, and the margins over their common fields (or nested ones:
    a section is the sum of its divisions). A threshold table withholds a small cell;
    the rounded copy of it (or of a margin around it) bounds it within the base, and an
    integer programme over both pinned 9 of 27 withheld cells with base 2. Units do not
    separate them either (red-team finding B): offences >= incidents cell by cell, so a
    rounded 0 offences (base 2: at most 1) bounds a withheld incidents cell to [0, 1];
    victims and suspects are tied to incidents the same way. Threshold tables are
    protected jointly (linked_tables.py, cross_unit.py); a rounding table cannot be, so
    it must be the only exact table of its release. DP tables are not exact facts and
    may stand beside it.
    """
    exact = [t for t in tables if t.method in _EXACT_METHODS]
    for i, first in enumerate(exact):
        for second in exact[i + 1 :]:
            if Method.ROUNDING in (first.method, second.method):
                return first, second
    return None


def conflict_message(one: TableSpec, two: TableSpec) -> tuple[str, str]:
    """The problem and the fix for two tables :func:`conflicting_methods` found."""
    rounded = one if one.method == Method.ROUNDING else two
    problem = (
        f"{one.name} ({one.method}, {one.unit}) and {two.name} ({two.method}, {two.unit}) "
        "bound each other's cells (they share margins, and offences >= incidents cell by "
        "cell): a withheld or rounded cell of one can be narrowed from the other"
    )
    fix = f"publish {rounded.name} in a release of its own, or give both method: threshold"
    return problem, fix


__all__ = [
    "METHODS",
    "UNITS",
    "TableRecord",
    "TableSchema",
    "TableSpec",
    "conflict_message",
    "conflicting_methods",
    "default_title",
    "twice_named",
]
