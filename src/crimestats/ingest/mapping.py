"""Adapters as data: a YAML mapping file says how a source's columns feed our fields.

A mapping never needs code. Each entry under ``fields`` is either a column name or a
spec with these keys (applied in this order)::

    column: Name            # or  columns: [A, B] with join: " "  (combine; blanks skipped)
                            # a name may be 'DATE OCC#2' (the 2nd of a repeated header) or
                            # {index: 3} (the 3rd column, counted from 1)
    unpivot: [A, B, C]      # one output row per column (offence/victim/suspect fields;
                            # empty places skipped): crimestats.ingest.mapping_unpivot
    missing_values: [0, UNK]  # source values meaning "unknown": read as blank (each column)
    pad: {width: 4, char: "0"}  # left-pad each column's value shorter than width ("100")
    value: constant         # a constant instead of a column
    generate: file_row      # a stable id "<file sha256 prefix>:<row>" for rows with none
    generate: sequence      # 1, 2, ... within each incident_id, in file order (for *_seq)
    regex: 'pattern(with)'  # keep the first capture group
    split: {sep: ",", index: 0}
    substring: {start: 1, length: 4}  # characters start.. (from 1), length optional
    transform: [upper]      # upper | lower | decimal_comma (values are always trimmed)
    map: {from: to}         # exact value map (ignore_case: true to fold case)
    patterns: [[regex, value], ...]   # first matching regex wins (case-insensitive)
    unmapped: keep          # keep | default | blank: what a value no map/pattern hits becomes
    format: "%m/%d/%Y"      # date format(s) for date fields (strptime codes)
    default: value          # used when the result is blank
    if_empty: {spec}        # another spec, used when the result is blank (3 levels at most)

Top level: ``fields`` (above), ``target`` (incidents | justice_events), ``format``
(csv | parquet), ``delimiter``, ``encoding``, ``bbox`` ([min_lon, min_lat, max_lon,
max_lat]), ``quote`` (one character, or '' for none), ``limits`` (positive whole
numbers), ``severity`` (rule code -> error | warning), ``where`` (row filters on source
values, :mod:`crimestats.ingest.mapping_where`), and the free texts ``name``,
``description``, ``source_url``, ``crimestats_mapping`` (the format version, 1).

A date ``format`` that fails on most of a file's values, or whose day/month order the
values contradict, refuses the file (:mod:`crimestats.ingest.mapping_dates`). The whole
reference, with an example of each option, is ``docs/mappings.md``.

Every value is read with its type checked (:mod:`crimestats.ingest.mapping_values`):
``ignore_case: "false"`` (a string) is refused rather than read as true, regular
expressions must be valid for DuckDB's RE2 engine and ``regex`` must keep a ( group ),
date formats must be valid strptime codes. The file itself is read by
:func:`crimestats.yaml_files.read_yaml` (size, nesting and alias limits).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from crimestats.domain.flat_layout import LAYOUTS, field_names
from crimestats.ingest.mapping_spec import TRANSFORMS, FieldSpec, parse_spec
from crimestats.ingest.mapping_unpivot import Unpivot, check_unpivot
from crimestats.ingest.mapping_values import (
    SqlChecks,
    Where,
    choice,
    known_keys,
    mapping,
    number,
    sequence,
    text,
    whole_number,
)
from crimestats.ingest.mapping_where import FILTERED_RULE, RowFilter, parse_where
from crimestats.validation.catalogue import DEFAULT_LIMITS, all_rules
from crimestats.validation.problems import Severity
from crimestats.validation.required_rules import store_required_rules
from crimestats.yaml_files import read_yaml

__all__ = ["TRANSFORMS", "FieldSpec", "Mapping", "identity_mapping", "load_mapping"]

_TOP_KEYS = (
    "crimestats_mapping", "name", "description", "source_url", "target", "format",
    "delimiter", "encoding", "quote", "bbox", "limits", "severity", "where", "fields",
)  # fmt: skip
_ENCODINGS = ("utf-8", "utf8", "latin-1", "latin1", "iso-8859-1", "utf-16", "cp1252")
MAX_LIMIT = 1_000_000
"""Largest value of a ``limits`` entry (a per-incident count)."""


@dataclass(frozen=True, slots=True)
class Mapping:
    """A parsed, checked mapping; ``path`` is None for the built-in flat v1 identity."""

    name: str
    target: str
    fields: dict[str, FieldSpec]
    path: Path | None = None
    sha256: str | None = None
    file_format: str | None = None
    delimiter: str = ","
    quote: str = '"'
    encoding: str = "utf-8"
    bbox: tuple[float, float, float, float] | None = None
    limits: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    severity: dict[str, Severity] = field(default_factory=dict)
    where: tuple[RowFilter, ...] = ()
    unpivot: Unpivot | None = None

    def required_columns(self) -> tuple[str, ...]:
        """Source columns (by name) the file must have for this mapping to work."""
        seen: dict[str, None] = {}
        for spec in self.fields.values():
            for col in spec.referenced_columns():
                seen.setdefault(col, None)
        for cond in self.where:
            if isinstance(cond.column, str):
                seen.setdefault(cond.column, None)
        return tuple(seen)

    def required_positions(self) -> tuple[int, ...]:
        """Source columns (1-based positions, ``{index: n}``) this mapping reads."""
        found = {p for spec in self.fields.values() for p in spec.referenced_positions()}
        found |= {c.column for c in self.where if isinstance(c.column, int)}
        return tuple(sorted(found))


def identity_mapping(columns: list[str], target: str = "incidents") -> Mapping:
    """The mapping of a file already in a flat layout: each known column feeds itself."""
    known = set(field_names(LAYOUTS[target]))
    fields = {c: FieldSpec(columns=(c,)) for c in columns if c in known}
    return Mapping(name=f"flat-v1-{target}", target=target, fields=fields)


def _bbox(where: Where, raw: object) -> tuple[float, float, float, float]:
    shape = "[min_lon, min_lat, max_lon, max_lat]"
    items = sequence(where, raw, shape)
    if len(items) != 4:
        raise where.error(f"expected 4 numbers, got {len(items)}", f"write it as {shape}")
    bounds = (180.0, 90.0, 180.0, 90.0)
    min_lon, min_lat, max_lon, max_lat = (
        number(where.at(i), v, -b, b) for i, (v, b) in enumerate(zip(items, bounds, strict=True))
    )
    if not (min_lon < max_lon and min_lat < max_lat):
        raise where.error("min must be below max", f"order: {shape}")
    return (min_lon, min_lat, max_lon, max_lat)


def _written_text(where: Where, raw: object) -> str:
    """Text as written: ``delimiter: 5`` (a YAML number) is refused, not read as "5".

    A number or ``true`` where a character or an encoding name belongs is a slip (a
    delimiter of ``5`` splits nothing the user meant); other settings read numbers as text.
    """
    if isinstance(raw, bool | int | float):
        raise where.error(
            f"expected text, got the {type(raw).__name__} {raw!r}", f"quote it: '{raw}'"
        )
    return text(where, raw)


def _one_char(where: Where, raw: object, fix: str, *, none: bool = False) -> str:
    """One character (``tab`` or ``\\t`` for a tab); with ``none``, also ``''`` (none)."""
    value = _written_text(where, raw)
    if value in ("\\t", "tab"):
        value = "\t"
    if len(value) > 1 or (not value and not none) or value in ("\n", "\r"):
        raise where.error(f"{value!r} is not one character", fix)
    return value


def _limits(where: Where, raw: object) -> dict[str, int]:
    limits = dict(DEFAULT_LIMITS)
    given = mapping(where, raw, "{max_offences_per_incident: 10}")
    known_keys(where, given, tuple(DEFAULT_LIMITS))
    for key, val in given.items():
        limits[str(key)] = whole_number(where.at(str(key)), val, 1, MAX_LIMIT)
    return limits


def _severity(where: Where, raw: object) -> dict[str, Severity]:
    codes = {r.code for r in all_rules()}
    severity: dict[str, Severity] = {}
    for code, sev in mapping(where, raw, "{rule-code: error}").items():
        at = where.at(str(code))
        if code not in codes:
            raise at.error("unknown rule code", "see 'crimestats rules'")
        if code == FILTERED_RULE:
            raise at.error(
                "rows a where: filter sets aside are always quarantined (a warning would "
                "load them)",
                "remove this line; change the mapping's where: to keep those rows",
            )
        chosen = Severity(choice(at, sev, ("error", "warning")))
        if chosen is Severity.WARNING and code in store_required_rules():
            raise at.error(
                "this rule guards a field every stored row needs (as a warning, a row "
                "without it would load an empty key or date)",
                "remove this line; rows breaking it are quarantined with their raw text, "
                "to fix at the source or with the mapping's field transforms",
            )
        severity[str(code)] = chosen
    return severity


def _fields(where: Where, raw: object, target: str, checks: SqlChecks) -> dict[str, FieldSpec]:
    layout = {f.name: f for f in LAYOUTS[target]}
    raw_fields = mapping(where, raw, "fields: {incident_id: ID, ...}")
    if not raw_fields:
        raise where.error("missing or empty", "map at least the required fields")
    fields: dict[str, FieldSpec] = {}
    for name, spec in raw_fields.items():
        at = where.at(str(name))
        if not isinstance(name, str) or name not in layout:
            raise at.error(
                f"{name!r} is not a field of the {target} layout",
                f"fields are: {', '.join(layout)} (run 'crimestats schema')",
            )
        fields[name] = parse_spec(at, spec, layout[name].type, checks)
    missing = [f.name for f in LAYOUTS[target] if f.required and f.name not in fields]
    if missing:
        raise where.error(f"required field(s) not mapped: {missing}", "map them")
    return fields


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; every problem names the file, the key and the fix."""
    p = Path(path)
    doc, source_text = read_yaml(p)
    top = Where(p, "")
    doc = mapping(top, doc, "a YAML mapping starting with 'fields:'")
    known_keys(top, doc, _TOP_KEYS)
    version = doc.get("crimestats_mapping", 1)
    if version != 1 or isinstance(version, bool):
        raise top.at("crimestats_mapping").error(
            f"unsupported mapping format {version!r}", "write crimestats_mapping: 1"
        )
    target = choice(top.at("target"), doc.get("target", "incidents"), tuple(LAYOUTS))
    file_format = doc.get("format")
    if file_format is not None:
        file_format = choice(top.at("format"), file_format, ("csv", "parquet"))
    encoding = choice(
        top.at("encoding"),
        _written_text(top.at("encoding"), doc.get("encoding", "utf-8")).lower(),
        _ENCODINGS,
    )
    delimiter = _one_char(top.at("delimiter"), doc.get("delimiter", ","), "e.g. ',' ';' or tab")
    quote = _one_char(
        top.at("quote"), doc.get("quote", '"'), "e.g. '\"', \"'\" or '' (no quoting)", none=True
    )
    if quote == delimiter:
        raise top.at("quote").error("the quote is the delimiter", "pick two different characters")
    for free_text in ("name", "description", "source_url"):
        text(top.at(free_text), doc.get(free_text))
    checks = SqlChecks()
    try:
        fields = _fields(top.at("fields"), doc.get("fields"), target, checks)
        where = parse_where(top.at("where"), doc.get("where", []) or [], checks)
    finally:
        checks.close()
    return Mapping(
        name=text(top.at("name"), doc.get("name"), blank=True) or p.stem,
        target=target,
        fields=fields,
        path=p,
        sha256=hashlib.sha256(source_text.encode("utf-8")).hexdigest(),
        file_format=file_format,
        delimiter=delimiter,
        quote=quote,
        encoding=encoding,
        bbox=None if doc.get("bbox") is None else _bbox(top.at("bbox"), doc["bbox"]),
        limits=_limits(top.at("limits"), doc.get("limits") or {}),
        severity=_severity(top.at("severity"), doc.get("severity") or {}),
        where=where,
        unpivot=check_unpivot(top.at("fields"), fields, target),
    )
