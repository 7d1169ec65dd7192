"""Compile the validation catalogue's row rules into set-based DuckDB SQL.

The staged rows pass through three layers: ``m`` (each layout field as text, from the
mapping), ``t`` (typed twins: ``d_`` dates, ``ts_`` timestamps, ``i_`` integers, ``f_``
decimals, ``e_`` normalised enumeration values) and the problem lists built here: one
``CASE`` per rule yielding a ``{code, field, value}`` struct, collected into an ``errors``
and a ``warnings`` list per row. Severity overrides from the mapping decide which list.
"""

from __future__ import annotations

from collections.abc import Iterable

from crimestats.domain.flat_layout import FieldType, FlatField
from crimestats.domain.iccs_codes import known_iccs_codes
from crimestats.ingest.mapping import Mapping
from crimestats.storage.mapping_sql import FILTERED
from crimestats.storage.sql_text import ident, lit
from crimestats.validation.problems import Rule, Severity

_TRUE = ("true", "yes", "y", "t", "1")
_FALSE = ("false", "no", "n", "f", "0")
_ISO_SHAPE = r"^\s*\d{4}-\d{1,2}-\d{1,2}"


def _in_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(lit(v) for v in values) + ")"


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
                f"CASE WHEN {norm} IN {_in_list(_TRUE)} THEN 'true' "
                f"WHEN {norm} IN {_in_list(_FALSE)} THEN 'false' ELSE {norm} END"
            )
        allowed = fld.allowed or ("true", "false")
        # Most sources already write the canonical value: keep it without rewriting.
        fast = f"CASE WHEN {col} IN {_in_list(allowed)} THEN {col} ELSE {norm} END"
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


def _conditions(
    rule: Rule, layout: dict[str, FlatField], mapping: Mapping
) -> list[tuple[str, str | None]]:
    kind, p, fld = rule.check.kind, rule.check.params, rule.field
    col = ident(fld) if fld else ""
    if kind == "required":
        assert fld
        return [(f"{col} IS NULL", fld)]
    if kind == "one_of_required":
        return [(" AND ".join(f"{ident(f)} IS NULL" for f in p["fields"]), None)]
    if kind in ("date_unparseable", "date_impossible"):
        assert fld
        shaped = f"regexp_matches({col}, {lit(_ISO_SHAPE)})"
        shape = shaped if kind == "date_impossible" else f"NOT {shaped}"
        return [(f"{col} IS NOT NULL AND {_typed(layout, fld)} IS NULL AND {shape}", fld)]
    if kind == "date_future":
        assert fld
        return [(f"CAST({_typed(layout, fld)} AS DATE) > current_date + 1", fld)]
    if kind == "date_before":
        assert fld
        return [(f"CAST({_typed(layout, fld)} AS DATE) < DATE '{p['year']}-01-01'", fld)]
    if kind in ("date_order", "date_long_delay"):
        earlier, later = _typed(layout, p["earlier"]), _typed(layout, p["later"])
        if layout[p["later"]].type is FieldType.DATE:
            earlier = f"CAST({earlier} AS DATE)"
        if kind == "date_order":
            return [(f"{earlier} > {later}", rule.field)]
        return [(f"CAST({later} AS DATE) - CAST({earlier} AS DATE) > 18262", rule.field)]
    if kind in ("integer", "decimal"):
        assert fld
        return [(f"{col} IS NOT NULL AND {_typed(layout, fld)} IS NULL", fld)]
    if kind in ("integer_range", "decimal_range"):
        assert fld
        return [(f"{_typed(layout, fld)} NOT BETWEEN {p['min']} AND {p['max']}", fld)]
    if kind == "integer_below":
        assert fld
        return [(f"{_typed(layout, fld)} < {p['limit']}", fld)]
    if kind == "positive_integer":
        assert fld
        typed = _typed(layout, fld)
        return [(f"{col} IS NOT NULL AND ({typed} IS NULL OR {typed} < 1)", fld)]
    if kind == "pair":
        a, b = p["fields"]
        return [(f"({ident(a)} IS NULL) <> ({ident(b)} IS NULL)", None)]
    if kind == "null_island":
        return [('"f_lat" = 0 AND "f_lon" = 0', None)]
    if kind == "bbox":
        if mapping.bbox is None:
            return []
        min_lon, min_lat, max_lon, max_lat = mapping.bbox
        cond = (
            f'"f_lat" BETWEEN -90 AND 90 AND "f_lon" BETWEEN -180 AND 180 AND NOT '
            f'("f_lon" BETWEEN {min_lon} AND {max_lon} AND "f_lat" BETWEEN {min_lat} AND {max_lat})'
        )
        return [(cond, None)]
    if kind == "enum":
        assert fld
        return [(f"{_typed(layout, fld)} NOT IN {_in_list(p['allowed'])}", fld)]
    if kind == "iccs_code":
        assert fld
        return [(f"{col} NOT IN {_in_list(sorted(known_iccs_codes()))}", fld)]
    if kind == "relationship_age":
        ages = " OR ".join(
            f"{_typed(layout, a)} < {p['min_age']}"
            for a in ("victim_age", "suspect_age")
            if a in layout
        )
        rel = _typed(layout, "victim_relationship")
        return [(f"{rel} = {lit(p['relationship'])} AND ({ages})", "victim_relationship")]
    if kind == "nonperson_person_fields":
        vt = _typed(layout, "victim_type")
        person_fields = (
            f"{_typed(layout, 'victim_age')} IS NOT NULL OR "
            f"coalesce({_typed(layout, 'victim_sex')}, 'unknown') <> 'unknown' OR "
            f"coalesce({_typed(layout, 'victim_relationship')}, 'unknown') <> 'unknown' OR "
            f"coalesce({_typed(layout, 'victim_injury')}, 'unknown') <> 'unknown'"
        )
        return [(f"{vt} IN ('legal_entity', 'state', 'society') AND ({person_fields})", fld)]
    if kind == "max_length":
        return [(f"length({ident(f)}) > {p['max']}", f) for f in p["fields"] if f in layout]
    if kind == "mapping_filter":  # the mapping's where: (mapping_sql.filtered_sql)
        return [(FILTERED, None)] if mapping.where else []
    if kind == "control_chars":
        pattern = lit("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]")
        text = "concat_ws('', " + ", ".join(ident(f) for f in p["fields"] if f in layout) + ")"
        return [(f"regexp_matches({text}, {pattern})", None)]
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
        for cond, fld in _conditions(rule, by_name, mapping):
            target = errors if severity is Severity.ERROR else warnings
            target.append((cond, _problem(rule, cond, fld)))

    def as_list(items: list[tuple[str, str]]) -> str:
        empty = "CAST([] AS STRUCT(code VARCHAR, field VARCHAR, value VARCHAR)[])"
        if not items:
            return empty
        # Most rows break no rule: a cheap OR decides, and only the rows that break
        # something pay for building their list of problems.
        any_broken = " OR ".join(f"coalesce({cond}, false)" for cond, _ in items)
        built = (
            "list_filter([\n      "
            + ",\n      ".join(problem for _, problem in items)
            + "\n    ], x -> x IS NOT NULL)"
        )
        return f"CASE WHEN {any_broken} THEN {built} ELSE {empty} END"

    return as_list(errors), as_list(warnings)
