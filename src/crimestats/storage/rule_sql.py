"""Compile the validation catalogue's row rules into set-based DuckDB SQL.

The staged rows pass through three layers: ``m`` (each layout field as text, from the
mapping), ``t`` (typed twins: ``d_`` dates, ``ts_`` timestamps, ``i_`` integers, ``f_``
decimals, ``e_`` normalised enumeration values) and the problem lists built here: one
``CASE`` per rule yielding a ``{code, field, value}`` struct, collected into an ``errors``
and a ``warnings`` list per row. Severity overrides from the mapping decide which list.
"""

from __future__ import annotations

from dataclasses import dataclass

from crimestats.domain.flat_layout import FieldType, FlatField
from crimestats.domain.iccs_codes import known_iccs_codes
from crimestats.ingest.mapping import Mapping
from crimestats.storage.mapping_sql import FILTERED
from crimestats.storage.sql_text import ident, lit, member_of
from crimestats.validation.problems import Rule, Severity

_TRUE = ("true", "yes", "y", "t", "1")
_FALSE = ("false", "no", "n", "f", "0")
_ISO_SHAPE = r"^\s*\d{4}-\d{1,2}-\d{1,2}"


def number_column(fld: FlatField) -> str:
    """The column holding an integer or decimal field's text parsed as DOUBLE (or NULL).

    Parsed once, in a layer of its own (:func:`number_parses`): the typed twin reads it
    up to four times, and DuckDB does not share a sub-expression between the branches
    of a ``CASE``, so writing ``try_cast`` there parsed the text four times.
    """
    return f"_n_{fld.name}"


def number_parses(layout: tuple[FlatField, ...]) -> list[str]:
    """SELECT items parsing each integer and decimal field's text once (see above)."""
    numeric = (FieldType.INTEGER, FieldType.DECIMAL)
    return [
        f"try_cast({ident(f.name)} AS DOUBLE) AS {ident(number_column(f))}"
        for f in layout
        if f.type in numeric
    ]


def typed_column(fld: FlatField) -> tuple[str, str] | None:
    """(name, SQL) of a field's typed twin, or None for plain text fields.

    Integer and decimal twins read :func:`number_column`, which the layer below makes.
    """
    col = ident(fld.name)
    if fld.type is FieldType.DATE:
        return (
            f"d_{fld.name}",
            f"coalesce(try_cast({col} AS DATE), CAST(try_cast({col} AS TIMESTAMP) AS DATE))",
        )
    if fld.type is FieldType.DATETIME:
        return (
            f"ts_{fld.name}",
            f"coalesce(try_cast({col} AS TIMESTAMP), CAST(try_cast({col} AS DATE) AS TIMESTAMP))",
        )
    if fld.type is FieldType.INTEGER:
        num = ident(number_column(fld))
        return (
            f"i_{fld.name}",
            f"CASE WHEN isfinite({num}) AND {num} = floor({num}) AND abs({num}) < 1e15 "
            f"THEN CAST({num} AS BIGINT) END",
        )
    if fld.type is FieldType.DECIMAL:
        num = ident(number_column(fld))
        return (f"f_{fld.name}", f"CASE WHEN isfinite({num}) THEN {num} END")
    if fld.type in (FieldType.ENUM, FieldType.BOOLEAN):
        norm = f"replace(replace(lower(trim({col})), ' ', '_'), '-', '_')"
        tri_state = bool(fld.allowed) and set(fld.allowed) <= {"true", "false", "unknown"}
        if tri_state or fld.type is FieldType.BOOLEAN:
            norm = (
                f"CASE WHEN {member_of(norm, _TRUE)} THEN 'true' "
                f"WHEN {member_of(norm, _FALSE)} THEN 'false' ELSE {norm} END"
            )
        allowed = fld.allowed or ("true", "false")
        # Most sources already write the canonical value: keep it without rewriting.
        fast = f"CASE WHEN {member_of(col, allowed)} THEN {col} ELSE {norm} END"
        return (f"e_{fld.name}", fast)
    return None


def _typed(layout: dict[str, FlatField], name: str) -> str:
    twin = typed_column(layout[name])
    return ident(twin[0]) if twin else ident(name)


def _problem(rule: Rule, cond: str, fld: str | None) -> str:
    value = f"CAST({ident(fld)} AS VARCHAR)" if fld else "CAST(NULL AS VARCHAR)"
    return (
        f"CASE WHEN {cond} THEN {{'code': {lit(rule.code)}, "
        f"'field': {lit(fld)}, 'value': {value}}} END"
    )


@dataclass(frozen=True, slots=True)
class RowCheck:
    """One row rule as SQL: the condition that breaks it, and a cheaper superset of it.

    Every row pays for the ``guard`` (true wherever ``cond`` may be); only the rows it
    lets through pay for ``cond`` and the problem it builds. A date that did not parse
    is one test on the typed twin; which of two rules it breaks (a shape that is not a
    date, or an impossible date) needs a regular expression, run on those rows alone.
    """

    cond: str
    field: str | None
    guard: str = ""

    @property
    def cheap(self) -> str:
        """The guard, or the condition itself when it is already cheap."""
        return self.guard or self.cond


def _conditions(rule: Rule, layout: dict[str, FlatField], mapping: Mapping) -> list[RowCheck]:
    kind, p, fld = rule.check.kind, rule.check.params, rule.field
    col = ident(fld) if fld else ""
    if kind == "required":
        assert fld
        return [RowCheck(f"{col} IS NULL", fld)]
    if kind == "one_of_required":
        return [RowCheck(" AND ".join(f"{ident(f)} IS NULL" for f in p["fields"]), None)]
    if kind in ("date_unparseable", "date_impossible"):
        assert fld
        shaped = f"regexp_matches({col}, {lit(_ISO_SHAPE)})"
        shape = shaped if kind == "date_impossible" else f"NOT {shaped}"
        unparsed = f"{col} IS NOT NULL AND {_typed(layout, fld)} IS NULL"
        return [RowCheck(f"{unparsed} AND {shape}", fld, unparsed)]
    if kind == "date_future":
        assert fld
        return [RowCheck(f"CAST({_typed(layout, fld)} AS DATE) > current_date + 1", fld)]
    if kind == "date_before":
        assert fld
        return [RowCheck(f"CAST({_typed(layout, fld)} AS DATE) < DATE '{p['year']}-01-01'", fld)]
    if kind in ("date_order", "date_long_delay"):
        earlier, later = _typed(layout, p["earlier"]), _typed(layout, p["later"])
        if layout[p["later"]].type is FieldType.DATE:
            earlier = f"CAST({earlier} AS DATE)"
        if kind == "date_order":
            return [RowCheck(f"{earlier} > {later}", rule.field)]
        return [RowCheck(f"CAST({later} AS DATE) - CAST({earlier} AS DATE) > 18262", rule.field)]
    if kind in ("integer", "decimal"):
        assert fld
        return [RowCheck(f"{col} IS NOT NULL AND {_typed(layout, fld)} IS NULL", fld)]
    if kind in ("integer_range", "decimal_range"):
        assert fld
        return [RowCheck(f"{_typed(layout, fld)} NOT BETWEEN {p['min']} AND {p['max']}", fld)]
    if kind == "integer_below":
        assert fld
        return [RowCheck(f"{_typed(layout, fld)} < {p['limit']}", fld)]
    if kind == "positive_integer":
        assert fld
        typed = _typed(layout, fld)
        return [RowCheck(f"{col} IS NOT NULL AND ({typed} IS NULL OR {typed} < 1)", fld)]
    if kind == "pair":
        a, b = p["fields"]
        return [RowCheck(f"({ident(a)} IS NULL) <> ({ident(b)} IS NULL)", None)]
    if kind == "null_island":
        return [RowCheck('"f_lat" = 0 AND "f_lon" = 0', None)]
    if kind == "bbox":
        if mapping.bbox is None:
            return []
        min_lon, min_lat, max_lon, max_lat = mapping.bbox
        cond = (
            f'"f_lat" BETWEEN -90 AND 90 AND "f_lon" BETWEEN -180 AND 180 AND NOT '
            f'("f_lon" BETWEEN {min_lon} AND {max_lon} AND "f_lat" BETWEEN {min_lat} AND {max_lat})'
        )
        return [RowCheck(cond, None)]
    if kind == "enum":
        assert fld
        return [RowCheck(f"NOT {member_of(_typed(layout, fld), p['allowed'])}", fld)]
    if kind == "iccs_code":
        assert fld
        return [RowCheck(f"NOT {member_of(col, sorted(known_iccs_codes()))}", fld)]
    if kind == "relationship_age":
        ages = " OR ".join(
            f"{_typed(layout, a)} < {p['min_age']}"
            for a in ("victim_age", "suspect_age")
            if a in layout
        )
        rel = _typed(layout, "victim_relationship")
        return [RowCheck(f"{rel} = {lit(p['relationship'])} AND ({ages})", "victim_relationship")]
    if kind == "nonperson_person_fields":
        vt = _typed(layout, "victim_type")
        person_fields = (
            f"{_typed(layout, 'victim_age')} IS NOT NULL OR "
            f"coalesce({_typed(layout, 'victim_sex')}, 'unknown') <> 'unknown' OR "
            f"coalesce({_typed(layout, 'victim_relationship')}, 'unknown') <> 'unknown' OR "
            f"coalesce({_typed(layout, 'victim_injury')}, 'unknown') <> 'unknown'"
        )
        non_person = member_of(vt, ("legal_entity", "state", "society"))
        return [RowCheck(f"{non_person} AND ({person_fields})", fld)]
    if kind == "max_length":
        # strlen (bytes, stored with the string) >= length (characters, counted).
        return [
            RowCheck(f"length({ident(f)}) > {p['max']}", f, f"strlen({ident(f)}) > {p['max']}")
            for f in p["fields"]
            if f in layout
        ]
    if kind == "mapping_filter":  # the mapping's where: (mapping_sql.filtered_sql)
        return [RowCheck(FILTERED, None)] if mapping.where else []
    if kind == "control_chars":
        pattern = lit("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]")
        text = "concat_ws('', " + ", ".join(ident(f) for f in p["fields"] if f in layout) + ")"
        return [RowCheck(f"regexp_matches({text}, {pattern})", None)]
    raise ValueError(f"rule {rule.code}: check kind {kind!r} is not a row check")


def problem_lists(
    rules: tuple[Rule, ...], layout: tuple[FlatField, ...], mapping: Mapping
) -> tuple[str, str]:
    """SQL for the ``errors`` and ``warnings`` list columns of a staged row."""
    by_name = {f.name: f for f in layout}
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    for rule in rules:
        severity = mapping.severity.get(rule.code, rule.severity)
        if rule.check.kind == "mapping_filter":
            severity = Severity.ERROR  # (mapping.py refuses a severity entry for it)
        for check in _conditions(rule, by_name, mapping):
            target = errors if severity is Severity.ERROR else warnings
            target.append((check.cheap, _problem(rule, check.cond, check.field)))

    def as_list(items: list[tuple[str, str]]) -> str:
        empty = "CAST([] AS STRUCT(code VARCHAR, field VARCHAR, value VARCHAR)[])"
        if not items:
            return empty
        # Most rows break no rule: a cheap OR of the guards decides, and only the rows
        # it lets through pay for the exact conditions and their list of problems.
        any_broken = " OR ".join(f"coalesce({cond}, false)" for cond, _ in items)
        built = (
            "list_filter([\n      "
            + ",\n      ".join(problem for _, problem in items)
            + "\n    ], x -> x IS NOT NULL)"
        )
        return f"CASE WHEN {any_broken} THEN {built} ELSE {empty} END"

    return as_list(errors), as_list(warnings)
