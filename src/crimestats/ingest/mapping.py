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
date formats must be valid strptime codes. The file is declared as pydantic models
(:class:`MappingSchema` here, the field spec in :mod:`crimestats.ingest.mapping_spec`),
and a problem is one message with its key path and fix (:mod:`crimestats.config_schema`).
The file itself is read by :func:`crimestats.yaml_files.read_yaml` (size, nesting and
alias limits).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, ClassVar, Final

from pydantic import Field, PlainValidator, Strict, model_validator

from crimestats.config_schema import Between, ConfigValueError, Fix, OneOf, Schema, validate
from crimestats.domain.flat_layout import LAYOUTS, FieldType, field_names
from crimestats.errors import MappingError
from crimestats.ingest.mapping_spec import MAX_IF_EMPTY_DEPTH, TRANSFORMS, FieldSpec, SpecSchema
from crimestats.ingest.mapping_unpivot import Unpivot, check_unpivot
from crimestats.ingest.mapping_values import SqlChecks, Text, at_problem, written_text
from crimestats.ingest.mapping_where import FILTERED_RULE, Conditions, RowFilter
from crimestats.validation.catalogue import DEFAULT_LIMITS, all_rules
from crimestats.validation.problems import Severity
from crimestats.validation.required_rules import store_required_rules
from crimestats.yaml_files import read_yaml

__all__ = ["TRANSFORMS", "FieldSpec", "Mapping", "identity_mapping", "load_mapping"]

_ENCODINGS = ("utf-8", "utf8", "latin-1", "latin1", "iso-8859-1", "utf-16", "cp1252")
MAX_LIMIT = 1_000_000
"""Largest value of a ``limits`` entry (a per-incident count)."""
_DATES: Final = (FieldType.DATE, FieldType.DATETIME)


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


def _version(raw: object) -> int:
    if raw != 1 or isinstance(raw, bool) or not isinstance(raw, int):
        raise ConfigValueError(f"unsupported mapping format {raw!r}", "write crimestats_mapping: 1")
    return 1


def _encoding(raw: object) -> str:
    value = written_text(raw).lower()
    if value not in _ENCODINGS:
        raise ConfigValueError(
            f"unknown encoding {value[:80]!r}", f"use one of: {', '.join(_ENCODINGS)}"
        )
    return value


def _one_char(fix: str, *, none: bool = False) -> PlainValidator:
    """One character (``tab`` or ``\\t`` for a tab); with ``none``, also ``''`` (none)."""

    def check(raw: object) -> str:
        value = written_text(raw)
        if value in ("\\t", "tab"):
            value = "\t"
        if len(value) > 1 or (not value and not none) or value in ("\n", "\r"):
            raise ConfigValueError(f"{value!r} is not one character", fix)
        return value

    return PlainValidator(check)


class MappingSchema(Schema):
    """A mapping file as written: the top-level keys of the module docstring."""

    SHAPE: ClassVar[str] = "a YAML mapping starting with 'fields:'"
    crimestats_mapping: Annotated[int, PlainValidator(_version)] = 1
    name: Text | None = None
    description: Text | None = None
    source_url: Text | None = None
    target: Annotated[str, OneOf(tuple(LAYOUTS))] = "incidents"
    format: Annotated[str, OneOf(("csv", "parquet"))] | None = None
    delimiter: Annotated[str, _one_char("e.g. ',' ';' or tab")] = ","
    encoding: Annotated[str, PlainValidator(_encoding)] = "utf-8"
    quote: Annotated[str, _one_char("e.g. '\"', \"'\" or '' (no quoting)", none=True)] = '"'
    bbox: (
        Annotated[
            tuple[float, ...],
            Strict(False),
            Fix("write it as [min_lon, min_lat, max_lon, max_lat]"),
        ]
        | None
    ) = None
    limits: Annotated[
        dict[str, Annotated[int, Between(1, MAX_LIMIT)]],
        Fix("write it as {max_offences_per_incident: 10}"),
    ] = Field(default_factory=dict)
    severity: Annotated[
        dict[Text, Annotated[str, OneOf(("error", "warning"))]],
        Fix("write it as {rule-code: error}"),
    ] = Field(default_factory=dict)
    where: Conditions = ()
    fields: Annotated[dict[Text, SpecSchema], Fix("fields: {incident_id: ID, ...}")] = Field(
        default_factory=dict
    )

    @classmethod
    def prepare(cls, data: object) -> object:
        """A key written with no value (``limits: ~``) is a key not given."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> MappingSchema:
        if self.quote == self.delimiter:
            raise ConfigValueError(
                "the quote is the delimiter", "pick two different characters", at=("quote",)
            )
        if self.bbox is not None:
            _check_bbox(self.bbox)
        unknown = sorted(k for k in self.limits if k not in DEFAULT_LIMITS)
        if unknown:
            raise ConfigValueError(
                f"unknown key(s) {unknown}",
                f"use only: {', '.join(DEFAULT_LIMITS)}",
                at=("limits",),
            )
        for code, chosen in self.severity.items():
            _check_severity(code, Severity(chosen))
        self._check_fields()
        return self

    def _check_fields(self) -> None:
        layout = {f.name: f for f in LAYOUTS[self.target]}
        if not self.fields:
            raise ConfigValueError(
                "missing or empty", "map at least the required fields", at=("fields",)
            )
        for name, spec in self.fields.items():
            if name not in layout:
                raise ConfigValueError(
                    f"{name!r} is not a field of the {self.target} layout",
                    f"fields are: {', '.join(layout)} (run 'crimestats schema')",
                    at=("fields", name),
                )
            _check_spec(name, spec, layout[name].type)
        missing = [f.name for f in LAYOUTS[self.target] if f.required and f.name not in self.fields]
        if missing:
            raise ConfigValueError(
                f"required field(s) not mapped: {missing}", "map them", at=("fields",)
            )
        try:
            check_unpivot(self.field_specs(), self.target)
        except ConfigValueError as exc:
            raise at_problem(("fields",), exc) from None

    def field_specs(self) -> dict[str, FieldSpec]:
        """The checked spec of every mapped field."""
        return {name: spec.spec() for name, spec in self.fields.items()}

    def mapping(self, path: Path, source_text: str) -> Mapping:
        """The checked :class:`Mapping` of the file at ``path`` (``source_text`` its text)."""
        fields = self.field_specs()
        bbox = self.bbox
        return Mapping(
            name=(self.name or "") or path.stem,
            target=self.target,
            fields=fields,
            path=path,
            sha256=hashlib.sha256(source_text.encode("utf-8")).hexdigest(),
            file_format=self.format,
            delimiter=self.delimiter,
            quote=self.quote,
            encoding=self.encoding,
            bbox=None if bbox is None else (bbox[0], bbox[1], bbox[2], bbox[3]),
            limits={**DEFAULT_LIMITS, **self.limits},
            severity={code: Severity(sev) for code, sev in self.severity.items()},
            where=tuple(c.row_filter() for c in self.where),
            unpivot=check_unpivot(fields, self.target),
        )


def _check_bbox(bbox: tuple[float, ...]) -> None:
    shape = "[min_lon, min_lat, max_lon, max_lat]"
    if len(bbox) != 4:
        raise ConfigValueError(
            f"expected 4 numbers, got {len(bbox)}", f"write it as {shape}", at=("bbox",)
        )
    for i, (value, bound) in enumerate(zip(bbox, (180.0, 90.0, 180.0, 90.0), strict=True)):
        try:
            Between(-bound, bound).check(value)
        except ConfigValueError as exc:
            raise at_problem(("bbox", i), exc) from None
    min_lon, min_lat, max_lon, max_lat = bbox
    if not (min_lon < max_lon and min_lat < max_lat):
        raise ConfigValueError("min must be below max", f"order: {shape}", at=("bbox",))


def _check_severity(code: str, chosen: Severity) -> None:
    at = ("severity", code)
    if code not in {r.code for r in all_rules()}:
        raise ConfigValueError("unknown rule code", "see 'crimestats rules'", at=at)
    if code == FILTERED_RULE:
        raise ConfigValueError(
            "rows a where: filter sets aside are always quarantined (a warning would load them)",
            "remove this line; change the mapping's where: to keep those rows",
            at=at,
        )
    if chosen is Severity.WARNING and code in store_required_rules():
        raise ConfigValueError(
            "this rule guards a field every stored row needs (as a warning, a row "
            "without it would load an empty key or date)",
            "remove this line; rows breaking it are quarantined with their raw text, "
            "to fix at the source or with the mapping's field transforms",
            at=at,
        )


def _check_spec(name: str, spec: SpecSchema, ftype: FieldType) -> None:
    """What a spec cannot know alone: its field's type (dates) and its depth of fallbacks."""
    if spec.fallbacks() > MAX_IF_EMPTY_DEPTH:
        raise ConfigValueError(
            f"if_empty nested more than {MAX_IF_EMPTY_DEPTH} levels deep",
            "list the fallback columns in one if_empty, or combine them with columns: [A, B]",
            at=("fields", name, *("if_empty",) * (MAX_IF_EMPTY_DEPTH + 1)),
        )
    level: SpecSchema | None = spec
    depth = 0
    while level is not None:
        if level.format is not None and ftype not in _DATES:
            raise ConfigValueError(
                "format applies to date fields only",
                "remove it",
                at=("fields", name, *("if_empty",) * depth, "format"),
            )
        level, depth = level.if_empty, depth + 1


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; every problem names the file, the key and the fix."""
    p = Path(path)
    doc, source_text = read_yaml(p)
    checks = SqlChecks()
    try:
        schema = validate(
            MappingSchema, doc, where=str(p), error=MappingError, context={"checks": checks}
        )
    finally:
        checks.close()
    return schema.mapping(p, source_text)


_TOP_KEYS: Final = MappingSchema.keys()
"""Every top-level key of a mapping file (``docs/mappings.md`` documents each)."""
