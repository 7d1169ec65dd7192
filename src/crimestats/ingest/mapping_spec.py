"""One entry under ``fields:`` of a mapping file: its options, read and checked.

The options and the order they apply in are listed in :mod:`crimestats.ingest.mapping`;
:class:`SpecSchema` declares them as the file writes them (a pydantic model, strict, no
unknown key, with the value types of :mod:`crimestats.ingest.mapping_values`), so a wrong
type or shape is a :class:`~crimestats.errors.MappingError` with a fix, never an internal
error; :meth:`SpecSchema.spec` gives the :class:`FieldSpec` the SQL is built from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar, Final

from pydantic import Field, PlainValidator, Strict, ValidationInfo, model_validator

from crimestats.config_schema import Between, ConfigValueError, Fix, OneOf, Schema, kind
from crimestats.ingest.mapping_values import (
    NonBlank,
    OneOrList,
    PlainText,
    Text,
    as_text,
    at_problem,
    sql_checks,
    whole,
)

TRANSFORMS = ("upper", "lower", "decimal_comma")
"""``decimal_comma`` reads ``41,8781`` as ``41.8781`` (European decimal notation)."""
GENERATORS = ("file_row", "sequence")
UNMAPPED = ("keep", "default", "blank")
MAX_IF_EMPTY_DEPTH = 3
"""How many ``if_empty`` fallbacks may nest: each is one more column to try, so three is
already more than any source needs; deeper nesting only makes the SQL explode."""
MAX_COLUMNS = 100
MAX_UNPIVOT = 20
"""Each source row becomes up to this many rows: real layouts have four (LAPD's Crm Cd 1-4),
NIBRS ten offences per incident."""
MAX_MAP_ENTRIES = 1000
MAX_PATTERNS = 200
"""A value map or pattern list becomes one SQL CASE evaluated on every row, so its cost
grows with rows x entries (30,000 entries took 20 s to plan for a one-row file); the
largest bundled map has 29 entries."""
MAX_SPLIT_INDEX = 1000
MAX_COLUMN_INDEX = 100_000
"""Largest ``{index: n}``: past any column limit, so the file's own count decides."""
MAX_MISSING_VALUES = 100
MAX_PAD_WIDTH = 100
MAX_SUBSTRING = 10_000

ColumnRef = str | int
"""A source column: its header name (``DATE OCC#2`` for the second ``DATE OCC``) or its
1-based position (``{index: 3}``)."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one field of the layout is computed from a source row."""

    columns: tuple[ColumnRef, ...] = ()
    unpivot: tuple[ColumnRef, ...] = ()
    """Several columns, one per output row (:mod:`crimestats.ingest.mapping_unpivot`)."""
    join: str = " "
    missing_values: tuple[str, ...] = ()
    pad_width: int = 0
    pad_char: str = "0"
    value: str | None = None
    generate: str | None = None
    regex: str | None = None
    split_sep: str | None = None
    split_index: int = 0
    substring_start: int = 0
    substring_length: int | None = None
    transforms: tuple[str, ...] = ()
    value_map: tuple[tuple[str, str], ...] = ()
    ignore_case: bool = False
    patterns: tuple[tuple[str, str], ...] = ()
    unmapped: str = "keep"
    formats: tuple[str, ...] = ()
    default: str | None = None
    if_empty: FieldSpec | None = None

    def referenced_columns(self) -> tuple[str, ...]:
        """Every source column this spec reads by name, fallbacks included."""
        more = self.if_empty.referenced_columns() if self.if_empty else ()
        own = self.columns + self.unpivot
        return tuple(c for c in own if isinstance(c, str)) + more

    def referenced_positions(self) -> tuple[int, ...]:
        """Every source column this spec reads by position (1-based), fallbacks included."""
        more = self.if_empty.referenced_positions() if self.if_empty else ()
        own = self.columns + self.unpivot
        return tuple(c for c in own if isinstance(c, int)) + more


def _column_ref(raw: object) -> ColumnRef:
    """A column's name, or ``{index: n}``: its place in the header, counted from 1."""
    if isinstance(raw, dict):
        unknown = sorted(str(k) for k in raw if k != "index")
        if unknown:
            raise ConfigValueError(f"unknown key(s) {unknown}", "use only: index")
        if "index" not in raw:
            raise ConfigValueError("index is missing", "write it as {index: 3} (counted from 1)")
        try:
            return whole(raw["index"], 1, MAX_COLUMN_INDEX)
        except ConfigValueError as exc:
            raise at_problem(("index",), exc) from None
    if not isinstance(raw, str) or not raw.strip():
        got = "a blank name" if isinstance(raw, str) else kind(raw)
        raise ConfigValueError(
            f"expected text, got {got}",
            "write the column's name as in the header ('DATE OCC#2' for the second of two "
            "'DATE OCC'), or {index: 3} for the third column (counted from 1)",
        )
    return raw


Column = Annotated[ColumnRef, PlainValidator(_column_ref)]
"""A source column as the file writes it: a name or ``{index: n}``."""


def _pair(raw: object) -> tuple[str, str]:
    """One ``[regex, value]`` of ``patterns``."""
    if not isinstance(raw, list) or len(raw) != 2:
        raise ConfigValueError("expected a pair [regex, value]", 'write it as ["KNIFE", knife]')
    pattern, value = raw
    if not isinstance(pattern, str) or not pattern.strip():
        raise ConfigValueError(
            f"expected text, got {kind(pattern)}", "quote the regular expression"
        )
    return as_text(pattern), "" if value is None else as_text(value)


class PadSchema(Schema):
    """``pad: {width: 4, char: "0"}``."""

    SHAPE: ClassVar[str] = "{width: 4, char: '0'}"
    width: Annotated[int, Between(1, MAX_PAD_WIDTH)]
    char: NonBlank = "0"

    @model_validator(mode="after")
    def _one_char(self) -> PadSchema:
        if len(self.char) != 1:
            raise ConfigValueError(
                f"{self.char[:20]!r} is not one character", "e.g. char: '0'", at=("char",)
            )
        return self


class SplitSchema(Schema):
    """``split: {sep: ",", index: 0}``."""

    SHAPE: ClassVar[str] = "{sep: ',', index: 0}"
    sep: NonBlank
    index: Annotated[int, Between(-MAX_SPLIT_INDEX, MAX_SPLIT_INDEX)] = 0


class SubstringSchema(Schema):
    """``substring: {start: 1, length: 4}`` (from 1; length optional)."""

    SHAPE: ClassVar[str] = "{start: 1, length: 4}"
    start: Annotated[
        int, Between(1, MAX_SUBSTRING), Fix("write it as {start: 1, length: 4} (from 1)")
    ]
    length: Annotated[int, Between(1, MAX_SUBSTRING)] | None = None


_SOURCES: Final = ("column", "columns", "unpivot", "value", "generate")
_LIST: Final = Strict(False)  # a YAML list is read as a tuple; its items stay strict


class SpecSchema(Schema):
    """One entry under ``fields:``, as the file writes it (the keys in the module docstring
    of :mod:`crimestats.ingest.mapping`); a bare column name is short for ``{column: Name}``.
    """

    SHAPE: ClassVar[str] = "a column name or {column: Name, ...}"
    column: Column | None = None
    columns: (
        Annotated[
            tuple[Column, ...],
            _LIST,
            Field(min_length=1, max_length=MAX_COLUMNS),
            Fix("write it as [A, B]"),
        ]
        | None
    ) = None
    unpivot: (
        Annotated[tuple[Column, ...], _LIST, Fix("write it as [Crm Cd 1, Crm Cd 2]")] | None
    ) = None
    join: Text = " "
    missing_values: Annotated[
        tuple[NonBlank, ...], OneOrList, _LIST, Field(max_length=MAX_MISSING_VALUES)
    ] = ()
    pad: PadSchema | None = None
    value: Text | None = None
    generate: Annotated[str, OneOf(GENERATORS)] | None = None
    regex: Annotated[PlainText, Fix("quote it")] | None = None
    split: SplitSchema | None = None
    substring: SubstringSchema | None = None
    transform: Annotated[tuple[Annotated[str, OneOf(TRANSFORMS)], ...], OneOrList, _LIST] = ()
    map: Annotated[dict[NonBlank, Text], Fix("write it as {source value: our value}")] = Field(
        default_factory=dict
    )
    ignore_case: bool = False
    patterns: Annotated[
        tuple[Annotated[tuple[str, str], PlainValidator(_pair)], ...],
        _LIST,
        Fix("write it as [[regex, value], ...]"),
    ] = ()
    unmapped: Annotated[str, OneOf(UNMAPPED)] = "keep"
    format: (
        Annotated[
            tuple[PlainText, ...],
            OneOrList,
            _LIST,
            Field(min_length=1),
            Fix('write a format such as "%Y-%m-%d"'),
        ]
        | None
    ) = None
    default: Text | None = None
    if_empty: SpecSchema | None = None

    @classmethod
    def prepare(cls, data: object) -> object:
        """A bare name is ``{column: Name}``. An option written with no value
        (``default: ~``) is an option not given; only a column without a name is a mistake
        worth stopping for."""
        if isinstance(data, str):
            return {"column": data}
        if not isinstance(data, dict):
            return data
        for key in ("column", "columns"):
            if key in data and data[key] is None:
                raise ConfigValueError(
                    "expected a column, got nothing (null)",
                    "write the column's name as in the header, or {index: 3}",
                    at=(key,),
                )
        return {k: v for k, v in data.items() if v is not None}

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> SpecSchema:
        given = [k for k in _SOURCES if k in self.model_fields_set]
        if len(given) > 1:
            raise ConfigValueError(f"give only one of {given}", "pick one source for the field")
        if self.unmapped == "default" and self.default is None:
            raise ConfigValueError(
                "'unmapped: default' needs a default",
                "add default: <value> or use unmapped: keep",
                at=("unmapped",),
            )
        if self.unpivot is not None:
            _check_unpivot(self.unpivot)
        if self.if_empty is not None and self.if_empty.unpivot is not None:
            raise ConfigValueError(
                "unpivot cannot be a fallback",
                "put unpivot in the field itself, not in if_empty",
                at=("if_empty", "unpivot"),
            )
        if len(self.map) > MAX_MAP_ENTRIES:
            raise ConfigValueError(
                f"{len(self.map)} entries, more than the {MAX_MAP_ENTRIES} a map may hold",
                "map the values that matter and keep the rest (unmapped: keep), or group "
                "values with patterns",
                at=("map",),
            )
        if len(self.patterns) > MAX_PATTERNS:
            raise ConfigValueError(
                f"{len(self.patterns)} patterns, more than the {MAX_PATTERNS} a field may hold",
                "combine patterns with | (e.g. 'KNIFE|BLADE') or use a value map",
                at=("patterns",),
            )
        self._check_sql(info)
        return self

    def _check_sql(self, info: ValidationInfo) -> None:
        """Patterns and formats, by DuckDB, which will run them."""
        checks = sql_checks(info)
        try:
            if self.regex is not None:
                checks.regex(self.regex, capture=True)
        except ConfigValueError as exc:
            raise at_problem(("regex",), exc) from None
        for i, (pattern, _) in enumerate(self.patterns):
            try:
                checks.regex(pattern, capture=False, case_fold=True)
            except ConfigValueError as exc:
                raise at_problem(("patterns", i), exc) from None
        for i, fmt in enumerate(self.format or ()):
            try:
                checks.date_format(fmt)
            except ConfigValueError as exc:
                raise at_problem(
                    ("format", i) if len(self.format or ()) > 1 else ("format",), exc
                ) from None

    def fallbacks(self) -> int:
        """How many ``if_empty`` levels hang below this spec."""
        return 0 if self.if_empty is None else 1 + self.if_empty.fallbacks()

    def spec(self) -> FieldSpec:
        """The checked :class:`FieldSpec`."""
        columns = (self.column,) if self.column is not None else self.columns or ()
        return FieldSpec(
            columns=columns,
            unpivot=self.unpivot or (),
            join=self.join,
            missing_values=tuple(v.strip() for v in self.missing_values),
            pad_width=0 if self.pad is None else self.pad.width,
            pad_char="0" if self.pad is None else self.pad.char,
            value=self.value,
            generate=self.generate,
            regex=self.regex,
            split_sep=None if self.split is None else self.split.sep,
            split_index=0 if self.split is None else self.split.index,
            substring_start=0 if self.substring is None else self.substring.start,
            substring_length=None if self.substring is None else self.substring.length,
            transforms=self.transform,
            value_map=tuple(self.map.items()),
            ignore_case=self.ignore_case,
            patterns=self.patterns,
            unmapped=self.unmapped,
            formats=self.format or (),
            default=self.default,
            if_empty=None if self.if_empty is None else self.if_empty.spec(),
        )


def _check_unpivot(items: tuple[ColumnRef, ...]) -> None:
    if not items:
        raise ConfigValueError(
            "the list is empty", "write it as [Crm Cd 1, Crm Cd 2]", at=("unpivot",)
        )
    if len(items) < 2:
        raise ConfigValueError(
            "unpivot needs at least two columns", "use column: for one", at=("unpivot",)
        )
    if len(items) > MAX_UNPIVOT:
        raise ConfigValueError(f"more than {MAX_UNPIVOT} columns", "list fewer", at=("unpivot",))


SPEC_KEYS: Final = SpecSchema.keys()
"""Every option of a field spec, in the order the module docstring lists them."""
