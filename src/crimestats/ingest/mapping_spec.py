"""One entry under ``fields:`` of a mapping file: its options, read and checked.

The options and the order they apply in are listed in :mod:`crimestats.ingest.mapping`;
:class:`FieldSpec` holds them typed, and :func:`parse_spec` reads one entry through the
typed readers of :mod:`crimestats.ingest.mapping_values`, so a wrong type or shape is a
:class:`~crimestats.errors.MappingError` with a fix, never an internal error.
"""

from __future__ import annotations

from dataclasses import dataclass

from crimestats.domain.flat_layout import FieldType
from crimestats.ingest.mapping_values import (
    SqlChecks,
    Where,
    boolean,
    choice,
    known_keys,
    mapping,
    plain_string,
    sequence,
    text,
    whole_number,
)

SPEC_KEYS = (
    "column", "columns", "unpivot", "join", "missing_values", "pad", "value", "generate", "regex",
    "split", "substring", "transform", "map", "ignore_case", "patterns", "unmapped",
    "format", "default", "if_empty",
)  # fmt: skip
"""Every option of a field spec, in the order the module docstring lists them."""

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


def column_ref(where: Where, raw: object) -> ColumnRef:
    """A column's name, or ``{index: n}``: its place in the header, counted from 1."""
    if isinstance(raw, dict):
        known_keys(where, raw, ("index",))
        if "index" not in raw:
            raise where.error("index is missing", "write it as {index: 3} (counted from 1)")
        return whole_number(where.at("index"), raw["index"], 1, MAX_COLUMN_INDEX)
    return plain_string(
        where,
        raw,
        "write the column's name as in the header ('DATE OCC#2' for the second of two "
        "'DATE OCC'), or {index: 3} for the third column (counted from 1)",
    )


def _columns(where: Where, raw: dict[object, object]) -> tuple[ColumnRef, ...]:
    if "column" in raw:
        return (column_ref(where.at("column"), raw["column"]),)
    if "columns" in raw:
        items = sequence(where.at("columns"), raw["columns"], "[A, B]", empty=False)
        if len(items) > MAX_COLUMNS:
            raise where.at("columns").error(f"more than {MAX_COLUMNS} columns", "list fewer")
        return tuple(column_ref(where.at("columns").at(i), c) for i, c in enumerate(items))
    return ()


def _unpivot(where: Where, raw: object, depth: int) -> tuple[ColumnRef, ...]:
    if depth:
        raise where.error(
            "unpivot cannot be a fallback", "put unpivot in the field itself, not in if_empty"
        )
    items = sequence(where, raw, "[Crm Cd 1, Crm Cd 2]", empty=False)
    if len(items) < 2:
        raise where.error("unpivot needs at least two columns", "use column: for one")
    if len(items) > MAX_UNPIVOT:
        raise where.error(f"more than {MAX_UNPIVOT} columns", "list fewer")
    return tuple(column_ref(where.at(i), c) for i, c in enumerate(items))


def _missing_values(where: Where, raw: object) -> tuple[str, ...]:
    items = _one_or_list(raw)
    if len(items) > MAX_MISSING_VALUES:
        raise where.error(f"more than {MAX_MISSING_VALUES} values", "list fewer")
    places = [where.at(i) for i in range(len(items))] if isinstance(raw, list) else [where]
    return tuple(text(at, v, blank=False).strip() for at, v in zip(places, items, strict=True))


def _pad(where: Where, raw: object) -> tuple[int, str]:
    pad = mapping(where, raw, "{width: 4, char: '0'}")
    known_keys(where, pad, ("width", "char"))
    if "width" not in pad:
        raise where.error("width is missing", "write it as {width: 4, char: '0'}")
    width = whole_number(where.at("width"), pad["width"], 1, MAX_PAD_WIDTH)
    char = text(where.at("char"), pad.get("char", "0"), blank=False)
    if len(char) != 1:
        raise where.at("char").error(f"{char[:20]!r} is not one character", "e.g. char: '0'")
    return width, char


def _substring(where: Where, raw: object) -> tuple[int, int | None]:
    sub = mapping(where, raw, "{start: 1, length: 4}")
    known_keys(where, sub, ("start", "length"))
    if "start" not in sub:
        raise where.error("start is missing", "write it as {start: 1, length: 4} (from 1)")
    start = whole_number(where.at("start"), sub["start"], 1, MAX_SUBSTRING)
    length = sub.get("length")
    return start, None if length is None else whole_number(
        where.at("length"), length, 1, MAX_SUBSTRING
    )


def _split(where: Where, raw: object) -> tuple[str, int]:
    split = mapping(where, raw, "{sep: ',', index: 0}")
    known_keys(where, split, ("sep", "index"))
    if "sep" not in split:
        raise where.error("sep is missing", "write it as {sep: ',', index: 0}")
    sep = text(where.at("sep"), split["sep"], blank=False)
    index = whole_number(
        where.at("index"), split.get("index", 0), -MAX_SPLIT_INDEX, MAX_SPLIT_INDEX
    )
    return sep, index


def _one_or_list(raw: object) -> list[object]:
    """A value that may be written alone or as a list (``transform: upper``)."""
    return raw if isinstance(raw, list) else [raw]


def _value_map(where: Where, raw: object) -> tuple[tuple[str, str], ...]:
    pairs = mapping(where, raw, "{source value: our value}")
    if len(pairs) > MAX_MAP_ENTRIES:
        raise where.error(
            f"{len(pairs)} entries, more than the {MAX_MAP_ENTRIES} a map may hold",
            "map the values that matter and keep the rest (unmapped: keep), or group "
            "values with patterns",
        )
    return tuple((text(where, k, blank=False), text(where.at(str(k)), v)) for k, v in pairs.items())


def _patterns(where: Where, raw: object, checks: SqlChecks) -> tuple[tuple[str, str], ...]:
    items = sequence(where, raw, "[[regex, value], ...]")
    if len(items) > MAX_PATTERNS:
        raise where.error(
            f"{len(items)} patterns, more than the {MAX_PATTERNS} a field may hold",
            "combine patterns with | (e.g. 'KNIFE|BLADE') or use a value map",
        )
    out: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        at = where.at(i)
        if not isinstance(item, list) or len(item) != 2:
            raise at.error("expected a pair [regex, value]", 'write it as ["KNIFE", knife]')
        pattern = plain_string(at, item[0], "quote the regular expression")
        checks.regex(at, pattern, capture=False, case_fold=True)
        out.append((pattern, text(at, item[1])))
    return tuple(out)


def _formats(
    where: Where, raw: object, ftype: FieldType | None, checks: SqlChecks
) -> tuple[str, ...]:
    if ftype not in (FieldType.DATE, FieldType.DATETIME):
        raise where.error("format applies to date fields only", "remove it")
    items = _one_or_list(raw)
    if not items:
        raise where.error("the list is empty", 'write a format such as "%Y-%m-%d"')
    fix = 'write strptime codes such as "%m/%d/%Y"'
    places = [where.at(i) for i in range(len(items))] if isinstance(raw, list) else [where]
    return tuple(
        checks.date_format(at, plain_string(at, f, fix))
        for at, f in zip(places, items, strict=True)
    )


def parse_spec(
    where: Where, raw: object, ftype: FieldType | None, checks: SqlChecks, depth: int = 0
) -> FieldSpec:
    """Read one field entry: a column name, or a mapping of the options above."""
    if isinstance(raw, str):
        return FieldSpec(columns=(column_ref(where, raw),))
    spec = mapping(where, raw, "a column name or {column: Name, ...}")
    known_keys(where, spec, SPEC_KEYS)
    # An option written with no value (``default: ~``) is an option not given; only a
    # column without a name is a mistake worth stopping for.
    spec = {k: v for k, v in spec.items() if v is not None or k in ("column", "columns")}
    sources = [k for k in ("column", "columns", "unpivot", "value", "generate") if k in spec]
    if len(sources) > 1:
        raise where.error(f"give only one of {sources}", "pick one source for the field")
    generate = spec.get("generate")
    unmapped = choice(where.at("unmapped"), spec.get("unmapped", "keep"), UNMAPPED)
    default = spec.get("default")
    if unmapped == "default" and default is None:
        raise where.at("unmapped").error(
            "'unmapped: default' needs a default", "add default: <value> or use unmapped: keep"
        )
    if_empty = spec.get("if_empty")
    if if_empty is not None and depth >= MAX_IF_EMPTY_DEPTH:
        raise where.at("if_empty").error(
            f"if_empty nested more than {MAX_IF_EMPTY_DEPTH} levels deep",
            "list the fallback columns in one if_empty, or combine them with columns: [A, B]",
        )
    split = spec.get("split")
    split_sep, split_index = (None, 0) if split is None else _split(where.at("split"), split)
    pad = spec.get("pad")
    pad_width, pad_char = (0, "0") if pad is None else _pad(where.at("pad"), pad)
    sub = spec.get("substring")
    sub_start, sub_length = (0, None) if sub is None else _substring(where.at("substring"), sub)
    missing = spec.get("missing_values")
    regex = spec.get("regex")
    value = spec.get("value")
    return FieldSpec(
        columns=_columns(where, spec),
        unpivot=()
        if spec.get("unpivot") is None
        else _unpivot(where.at("unpivot"), spec["unpivot"], depth),
        join=text(where.at("join"), spec.get("join", " ")),
        missing_values=()
        if missing is None
        else _missing_values(where.at("missing_values"), missing),
        pad_width=pad_width,
        pad_char=pad_char,
        value=None if value is None else text(where.at("value"), value),
        generate=None if generate is None else choice(where.at("generate"), generate, GENERATORS),
        regex=None
        if regex is None
        else checks.regex(
            where.at("regex"), plain_string(where.at("regex"), regex, "quote it"), capture=True
        ),
        split_sep=split_sep,
        split_index=split_index,
        substring_start=sub_start,
        substring_length=sub_length,
        transforms=tuple(
            choice(where.at("transform").at(i), t, TRANSFORMS)
            for i, t in enumerate(_one_or_list(spec.get("transform", [])))
        ),
        value_map=_value_map(where.at("map"), spec.get("map", {})),
        ignore_case=boolean(where.at("ignore_case"), spec.get("ignore_case", False)),
        patterns=_patterns(where.at("patterns"), spec.get("patterns", []), checks),
        unmapped=unmapped,
        formats=()
        if spec.get("format") is None
        else _formats(where.at("format"), spec["format"], ftype, checks),
        default=None if default is None else text(where.at("default"), default),
        if_empty=None
        if if_empty is None
        else parse_spec(where.at("if_empty"), if_empty, ftype, checks, depth + 1),
    )
