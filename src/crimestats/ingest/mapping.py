"""Adapters as data: a YAML mapping file says how a source's columns feed our fields.

A mapping never needs code. Each entry under ``fields`` is either a column name or a
spec with these keys (applied in this order)::

    column: Name            # or  columns: [A, B] with join: " "  (combine; blanks skipped)
    value: constant         # a constant instead of a column
    generate: file_row      # a stable id "<file sha256 prefix>:<row>" for rows with none
    generate: sequence      # 1, 2, ... within each incident_id, in file order (for *_seq)
    regex: 'pattern(with)'  # keep the first capture group
    split: {sep: ",", index: 0}
    transform: [upper]      # upper | lower | decimal_comma (values are always trimmed)
    map: {from: to}         # exact value map (ignore_case: true to fold case)
    patterns: [[regex, value], ...]   # first matching regex wins (case-insensitive)
    unmapped: keep          # keep | default | blank: what a value no map/pattern hits becomes
    format: "%m/%d/%Y"      # date format(s) for date fields (strptime codes)
    default: value          # used when the result is blank
    if_empty: {spec}        # another spec, used when the result is blank

Top level: ``target`` (incidents | justice_events), ``format`` (csv | parquet),
``delimiter``, ``encoding``, ``bbox`` ([min_lon, min_lat, max_lon, max_lat]),
``limits``, ``severity`` (rule code -> error | warning).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crimestats.domain.flat_layout import LAYOUTS, FieldType, field_names
from crimestats.errors import MappingError
from crimestats.validation.catalogue import DEFAULT_LIMITS, all_rules
from crimestats.validation.problems import Severity

_SPEC_KEYS = {
    "column",
    "columns",
    "join",
    "value",
    "generate",
    "regex",
    "split",
    "transform",
    "map",
    "ignore_case",
    "patterns",
    "unmapped",
    "format",
    "default",
    "if_empty",
}
_TOP_KEYS = {
    "crimestats_mapping",
    "name",
    "description",
    "source_url",
    "target",
    "format",
    "delimiter",
    "encoding",
    "quote",
    "bbox",
    "limits",
    "severity",
    "fields",
}
TRANSFORMS = ("upper", "lower", "decimal_comma")
"""``decimal_comma`` reads ``41,8781`` as ``41.8781`` (European decimal notation)."""
_ENCODINGS = {"utf-8", "utf8", "latin-1", "latin1", "iso-8859-1", "utf-16", "cp1252"}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one field of the layout is computed from a source row."""

    columns: tuple[str, ...] = ()
    join: str = " "
    value: str | None = None
    generate: str | None = None
    regex: str | None = None
    split_sep: str | None = None
    split_index: int = 0
    transforms: tuple[str, ...] = ()
    value_map: tuple[tuple[str, str], ...] = ()
    ignore_case: bool = False
    patterns: tuple[tuple[str, str], ...] = ()
    unmapped: str = "keep"
    formats: tuple[str, ...] = ()
    default: str | None = None
    if_empty: FieldSpec | None = None

    def referenced_columns(self) -> tuple[str, ...]:
        """Every source column this spec reads, fallbacks included."""
        more = self.if_empty.referenced_columns() if self.if_empty else ()
        return self.columns + more


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

    def required_columns(self) -> tuple[str, ...]:
        """Source columns the file must have for this mapping to work."""
        seen: dict[str, None] = {}
        for spec in self.fields.values():
            for col in spec.referenced_columns():
                seen.setdefault(col, None)
        return tuple(seen)


def identity_mapping(columns: list[str], target: str = "incidents") -> Mapping:
    """The mapping of a file already in a flat layout: each known column feeds itself."""
    known = set(field_names(LAYOUTS[target]))
    fields = {c: FieldSpec(columns=(c,)) for c in columns if c in known}
    return Mapping(name=f"flat-v1-{target}", target=target, fields=fields)


def _err(path: Path, where: str, problem: str, fix: str) -> MappingError:
    return MappingError(f"{path}: {where}: {problem}", hint=fix)


def _text(path: Path, where: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if value is None:
        return ""
    raise _err(path, where, f"expected a text value, got {type(value).__name__}", "quote it")


def _check_regex(path: Path, where: str, pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise _err(
            path, where, f"invalid regular expression {pattern!r}: {exc}", "fix the regex"
        ) from None
    return pattern


def _parse_spec(path: Path, where: str, raw: Any, ftype: FieldType | None) -> FieldSpec:
    if isinstance(raw, str):
        return FieldSpec(columns=(raw,))
    if not isinstance(raw, dict):
        raise _err(path, where, "expected a column name or a mapping of options", "see docs")
    unknown = set(raw) - _SPEC_KEYS
    if unknown:
        raise _err(
            path,
            where,
            f"unknown option(s) {sorted(unknown)}",
            f"use only: {', '.join(sorted(_SPEC_KEYS))}",
        )
    sources = [k for k in ("column", "columns", "value", "generate") if k in raw]
    if len(sources) > 1:
        raise _err(path, where, f"give only one of {sources}", "pick one source for the field")
    columns: tuple[str, ...] = ()
    if "column" in raw:
        columns = (_text(path, f"{where}.column", raw["column"]),)
    if "columns" in raw:
        cols = raw["columns"]
        if not isinstance(cols, list) or not cols:
            raise _err(path, f"{where}.columns", "expected a non-empty list", "list columns")
        columns = tuple(_text(path, f"{where}.columns", c) for c in cols)
    generate = raw.get("generate")
    if generate is not None and generate not in ("file_row", "sequence"):
        raise _err(
            path, f"{where}.generate", f"unknown generator {generate!r}", "use file_row or sequence"
        )
    split = raw.get("split")
    split_sep, split_index = None, 0
    if split is not None:
        if not isinstance(split, dict) or "sep" not in split:
            raise _err(path, f"{where}.split", "expected {sep: ',', index: 0}", "add sep")
        split_sep = _text(path, f"{where}.split.sep", split["sep"])
        split_index = int(split.get("index", 0))
    transforms = tuple(raw.get("transform", []) or [])
    for t in transforms:
        if t not in TRANSFORMS:
            raise _err(
                path,
                f"{where}.transform",
                f"unknown transform {t!r}",
                f"use {', '.join(TRANSFORMS)}",
            )
    vmap = raw.get("map", {}) or {}
    if not isinstance(vmap, dict):
        raise _err(path, f"{where}.map", "expected a mapping of value: replacement", "fix it")
    value_map = tuple(
        (_text(path, f"{where}.map", k), _text(path, f"{where}.map", v)) for k, v in vmap.items()
    )
    patterns_raw = raw.get("patterns", []) or []
    patterns: list[tuple[str, str]] = []
    for i, item in enumerate(patterns_raw):
        if not isinstance(item, list) or len(item) != 2:
            raise _err(path, f"{where}.patterns[{i}]", "expected [regex, value]", "fix the pair")
        patterns.append(
            (
                _check_regex(path, f"{where}.patterns[{i}]", _text(path, where, item[0])),
                _text(path, where, item[1]),
            )
        )
    unmapped = raw.get("unmapped", "keep")
    if unmapped not in ("keep", "default", "blank"):
        raise _err(path, f"{where}.unmapped", f"unknown {unmapped!r}", "use keep, default or blank")
    fmt = raw.get("format")
    formats: tuple[str, ...] = ()
    if fmt is not None:
        if ftype not in (FieldType.DATE, FieldType.DATETIME):
            raise _err(path, f"{where}.format", "format applies to date fields only", "remove it")
        formats = tuple(fmt) if isinstance(fmt, list) else (_text(path, where, fmt),)
    regex = raw.get("regex")
    if_empty = raw.get("if_empty")
    default = raw.get("default")
    value = raw.get("value")
    return FieldSpec(
        columns=columns,
        join=_text(path, f"{where}.join", raw.get("join", " ")),
        value=None if value is None else _text(path, f"{where}.value", value),
        generate=generate,
        regex=None if regex is None else _check_regex(path, f"{where}.regex", str(regex)),
        split_sep=split_sep,
        split_index=split_index,
        transforms=transforms,
        value_map=value_map,
        ignore_case=bool(raw.get("ignore_case", False)),
        patterns=tuple(patterns),
        unmapped=unmapped,
        formats=formats,
        default=None if default is None else _text(path, f"{where}.default", default),
        if_empty=None
        if if_empty is None
        else _parse_spec(path, f"{where}.if_empty", if_empty, ftype),
    )


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; every problem names the file, the key and the fix."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(
            f"mapping file {p} does not exist", hint="check the --mapping path"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(
            f"cannot read mapping file {p}: {exc}", hint="save it as UTF-8 YAML"
        ) from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "somewhere"
        raise MappingError(
            f"{p}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})",
            hint="check indentation and quoting (quote values containing ':' or '#')",
        ) from None
    if not isinstance(doc, dict):
        raise _err(p, "top level", "expected a YAML mapping", "start with 'fields:'")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise _err(p, "top level", f"unknown key(s) {sorted(unknown)}", f"use: {sorted(_TOP_KEYS)}")
    target = doc.get("target", "incidents")
    if target not in LAYOUTS:
        raise _err(p, "target", f"unknown target {target!r}", f"use one of {sorted(LAYOUTS)}")
    layout = {f.name: f for f in LAYOUTS[target]}
    raw_fields = doc.get("fields")
    if not isinstance(raw_fields, dict) or not raw_fields:
        raise _err(p, "fields", "missing or empty", "map at least the required fields")
    fields: dict[str, FieldSpec] = {}
    for name, raw in raw_fields.items():
        if name not in layout:
            raise _err(
                p,
                f"fields.{name}",
                f"{name!r} is not a field of the {target} layout",
                f"fields are: {', '.join(layout)} (run 'crimestats schema')",
            )
        fields[name] = _parse_spec(p, f"fields.{name}", raw, layout[name].type)
    missing = [f.name for f in LAYOUTS[target] if f.required and f.name not in fields]
    if missing:
        raise _err(p, "fields", f"required field(s) not mapped: {missing}", "map them")
    file_format = doc.get("format")
    if file_format not in (None, "csv", "parquet"):
        raise _err(p, "format", f"unknown format {file_format!r}", "use csv or parquet")
    encoding = str(doc.get("encoding", "utf-8")).lower()
    if encoding not in _ENCODINGS:
        raise _err(p, "encoding", f"unsupported encoding {encoding!r}", f"use {sorted(_ENCODINGS)}")
    delimiter = _text(p, "delimiter", doc.get("delimiter", ","))
    if delimiter in ("\\t", "tab"):
        delimiter = "\t"
    if len(delimiter) != 1:
        raise _err(p, "delimiter", f"{delimiter!r} is not one character", "e.g. ',' ';' or tab")
    bbox = doc.get("bbox")
    if bbox is not None:
        if not (isinstance(bbox, list) and len(bbox) == 4):
            raise _err(p, "bbox", "expected [min_lon, min_lat, max_lon, max_lat]", "fix it")
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
        if not (min_lon < max_lon and min_lat < max_lat):
            raise _err(
                p, "bbox", "min must be below max", "order: min_lon, min_lat, max_lon, max_lat"
            )
        bbox = (min_lon, min_lat, max_lon, max_lat)
    limits = dict(DEFAULT_LIMITS)
    for key, val in (doc.get("limits") or {}).items():
        if key not in DEFAULT_LIMITS:
            raise _err(p, f"limits.{key}", "unknown limit", f"use {sorted(DEFAULT_LIMITS)}")
        limits[key] = int(val)
    codes = {r.code for r in all_rules()}
    severity: dict[str, Severity] = {}
    for code, sev in (doc.get("severity") or {}).items():
        if code not in codes:
            raise _err(p, f"severity.{code}", "unknown rule code", "see 'crimestats rules'")
        if sev not in ("error", "warning"):
            raise _err(p, f"severity.{code}", f"unknown severity {sev!r}", "use error or warning")
        severity[code] = Severity(sev)
    return Mapping(
        name=str(doc.get("name", p.stem)),
        target=target,
        fields=fields,
        path=p,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        file_format=file_format,
        delimiter=delimiter,
        quote=_text(p, "quote", doc.get("quote", '"')),
        encoding=encoding,
        bbox=bbox,
        limits=limits,
        severity=severity,
    )
