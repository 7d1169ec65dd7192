"""Compile a mapping's field specs into DuckDB SQL over the staged (all-text) source rows.

Each field becomes one expression yielding trimmed text or NULL (blank is NULL), so the
whole adapter runs set-based inside DuckDB: no Python loop over rows. Date formats turn
parsable values into ISO text and leave unparsable ones as they were, so that validation
can quarantine them with the original value.
"""

from __future__ import annotations

from crimestats.ingest.mapping import FieldSpec, Mapping
from crimestats.storage.sql_text import ident, lit


def _blank_to_null(expr: str) -> str:
    return f"nullif(trim({expr}), '')"


def _clean_column(name: str) -> str:
    """A source column as trimmed text or NULL; trims only values that need it (fast path)."""
    col = ident(name)
    return (
        f"CASE WHEN {col} = '' THEN NULL WHEN starts_with({col}, ' ') OR ends_with({col}, ' ') "
        f"OR starts_with({col}, chr(9)) OR ends_with({col}, chr(9)) "
        f"THEN nullif(trim({col}), '') ELSE {col} END"
    )


def _source(spec: FieldSpec, file_tag: str, incident_expr: str) -> str:
    if spec.value is not None:
        return _blank_to_null(lit(spec.value))
    if spec.generate == "file_row":
        return f"({lit(file_tag + ':')} || CAST(_row AS VARCHAR))"
    if spec.generate == "sequence":
        return f"CAST(row_number() OVER (PARTITION BY {incident_expr} ORDER BY _k) AS VARCHAR)"
    if len(spec.columns) == 1:
        return _clean_column(spec.columns[0])
    if spec.columns:
        parts = ", ".join(_clean_column(c) for c in spec.columns)
        return _blank_to_null(f"concat_ws({lit(spec.join)}, {parts})")
    return "CAST(NULL AS VARCHAR)"


def _map_values(spec: FieldSpec, expr: str) -> str:
    if not spec.value_map and not spec.patterns:
        return expr
    key = f"lower({expr})" if spec.ignore_case else expr
    whens: list[str] = []
    for src, dst in spec.value_map:
        match = lit(src.lower() if spec.ignore_case else src)
        whens.append(f"WHEN {key} = {match} THEN {_blank_to_null(lit(dst))}")
    for pattern, dst in spec.patterns:
        whens.append(
            f"WHEN regexp_matches({expr}, {lit(pattern)}, 'i') THEN {_blank_to_null(lit(dst))}"
        )
    if spec.unmapped == "keep":
        otherwise = expr
    elif spec.unmapped == "default":
        otherwise = lit(spec.default)
    else:
        otherwise = "NULL"
    return f"(CASE WHEN {expr} IS NULL THEN NULL {' '.join(whens)} ELSE {otherwise} END)"


def field_expression(spec: FieldSpec, file_tag: str, incident_expr: str = "NULL") -> str:
    """SQL text for one field: trimmed text or NULL."""
    expr = _source(spec, file_tag, incident_expr)
    if spec.regex is not None:
        expr = _blank_to_null(f"regexp_extract({expr}, {lit(spec.regex)}, 1)")
    if spec.split_sep is not None:
        index = spec.split_index + 1 if spec.split_index >= 0 else spec.split_index
        expr = _blank_to_null(f"string_split({expr}, {lit(spec.split_sep)})[{index}]")
    for transform in spec.transforms:
        if transform == "decimal_comma":
            expr = f"replace({expr}, ',', '.')"
        else:
            expr = f"{transform}({expr})"
    expr = _map_values(spec, expr)
    if spec.formats:
        fmts = "[" + ", ".join(lit(f) for f in spec.formats) + "]"
        parsed = f"strftime(try_strptime({expr}, {fmts}), '%Y-%m-%d %H:%M:%S')"
        expr = f"coalesce({parsed}, {expr})"
    if spec.default is not None:
        expr = f"coalesce({expr}, {lit(spec.default)})"
    if spec.if_empty is not None:
        expr = f"coalesce({expr}, {field_expression(spec.if_empty, file_tag, incident_expr)})"
    return expr


def mapped_select(mapping: Mapping, layout_fields: tuple[str, ...], file_tag: str) -> str:
    """The SELECT list that turns a staged source row into layout fields (all text)."""
    items = []
    id_spec = mapping.fields.get("incident_id")
    incident_expr = field_expression(id_spec, file_tag) if id_spec else "NULL"
    for name in layout_fields:
        spec = mapping.fields.get(name)
        expr = field_expression(spec, file_tag, incident_expr) if spec else "CAST(NULL AS VARCHAR)"
        items.append(f"{expr} AS {ident(name)}")
    return ",\n    ".join(items)
