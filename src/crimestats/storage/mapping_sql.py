"""Compile a mapping's field specs into DuckDB SQL over the staged (all-text) source rows.

Each field becomes one expression yielding trimmed text or NULL (blank is NULL), so the
whole adapter runs set-based inside DuckDB: no Python loop over rows. Date formats turn
parsable values into ISO text and leave unparsable ones as they were, so that validation
can quarantine them with the original value.
"""

from __future__ import annotations

from crimestats.ingest.mapping import FieldSpec, Mapping
from crimestats.ingest.mapping_columns import position_alias
from crimestats.ingest.mapping_spec import ColumnRef
from crimestats.ingest.mapping_where import RowFilter
from crimestats.storage.sql_text import ident, lit

FILTERED = "_filtered"
"""Column of the mapped rows: true when the mapping's ``where:`` sets the row aside."""


def _blank_to_null(expr: str) -> str:
    return f"nullif(trim({expr}), '')"


def column_sql(ref: ColumnRef) -> str:
    """The staged column a reference names (a position reads its alias, ``raw_rows_sql``)."""
    return ident(position_alias(ref) if isinstance(ref, int) else ref)


def _clean_column(ref: ColumnRef) -> str:
    """A source column as trimmed text or NULL; trims only values that need it (fast path)."""
    col = column_sql(ref)
    return (
        f"CASE WHEN {col} = '' THEN NULL WHEN starts_with({col}, ' ') OR ends_with({col}, ' ') "
        f"OR starts_with({col}, chr(9)) OR ends_with({col}, chr(9)) "
        f"THEN nullif(trim({col}), '') ELSE {col} END"
    )


def _column_value(spec: FieldSpec, ref: ColumnRef) -> str:
    """One column's value: trimmed, a ``missing_values`` entry blank, then padded."""
    expr = _clean_column(ref)
    if spec.missing_values:
        listed = ", ".join(lit(v) for v in spec.missing_values)
        expr = f"(CASE WHEN {expr} IN ({listed}) THEN NULL ELSE {expr} END)"
    if spec.pad_width:
        # lpad cuts a longer value to the width: pad only the values that are shorter.
        width, char = spec.pad_width, lit(spec.pad_char)
        expr = (
            f"(CASE WHEN length({expr}) < {width} THEN lpad({expr}, {width}, {char}) "
            f"ELSE {expr} END)"
        )
    return expr


def _source(spec: FieldSpec, file_tag: str, incident_expr: str) -> str:
    if spec.value is not None:
        return _blank_to_null(lit(spec.value))
    if spec.generate == "file_row":
        return f"({lit(file_tag + ':')} || CAST(_row AS VARCHAR))"
    if spec.generate == "sequence":
        return f"CAST(row_number() OVER (PARTITION BY {incident_expr} ORDER BY _k) AS VARCHAR)"
    if len(spec.columns) == 1:
        return _column_value(spec, spec.columns[0])
    if spec.columns:
        parts = ", ".join(_column_value(spec, c) for c in spec.columns)
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


def unformatted_expression(spec: FieldSpec, file_tag: str, incident_expr: str = "NULL") -> str:
    """SQL text for one field up to (not including) its date formats: what they will read."""
    expr = _source(spec, file_tag, incident_expr)
    if spec.regex is not None:
        expr = _blank_to_null(f"regexp_extract({expr}, {lit(spec.regex)}, 1)")
    if spec.split_sep is not None:
        index = spec.split_index + 1 if spec.split_index >= 0 else spec.split_index
        expr = _blank_to_null(f"string_split({expr}, {lit(spec.split_sep)})[{index}]")
    if spec.substring_start:
        length = "" if spec.substring_length is None else f", {spec.substring_length}"
        expr = _blank_to_null(f"substring({expr}, {spec.substring_start}{length})")
    for transform in spec.transforms:
        if transform == "decimal_comma":
            expr = f"replace({expr}, ',', '.')"
        else:
            expr = f"{transform}({expr})"
    return _map_values(spec, expr)


def field_expression(spec: FieldSpec, file_tag: str, incident_expr: str = "NULL") -> str:
    """SQL text for one field: trimmed text or NULL."""
    expr = unformatted_expression(spec, file_tag, incident_expr)
    if spec.formats:
        fmts = "[" + ", ".join(lit(f) for f in spec.formats) + "]"
        parsed = f"strftime(try_strptime({expr}, {fmts}), '%Y-%m-%d %H:%M:%S')"
        expr = f"coalesce({parsed}, {expr})"
    if spec.default is not None:
        expr = f"coalesce({expr}, {lit(spec.default)})"
    if spec.if_empty is not None:
        expr = f"coalesce({expr}, {field_expression(spec.if_empty, file_tag, incident_expr)})"
    return expr


def _condition(cond: RowFilter) -> str:
    value = _clean_column(cond.column)
    if cond.test == "matches":
        return f"coalesce(regexp_matches({value}, {lit(cond.values[0])}), false)"
    listed = ", ".join(lit(v) for v in cond.values)
    if cond.test == "in":
        return f"coalesce({value} IN ({listed}), false)"
    return f"coalesce({value} NOT IN ({listed}), true)"


def filtered_sql(mapping: Mapping) -> str:
    """SQL true for a row the mapping's ``where:`` sets aside (false when it has none)."""
    if not mapping.where:
        return "false"
    return "NOT (" + " AND ".join(_condition(c) for c in mapping.where) + ")"


def mapped_select(mapping: Mapping, layout_fields: tuple[str, ...], file_tag: str) -> str:
    """The SELECT list that turns a staged source row into layout fields (all text)."""
    items = [f"{filtered_sql(mapping)} AS {FILTERED}"]
    id_spec = mapping.fields.get("incident_id")
    incident_expr = field_expression(id_spec, file_tag) if id_spec else "NULL"
    for name in layout_fields:
        spec = mapping.fields.get(name)
        expr = field_expression(spec, file_tag, incident_expr) if spec else "CAST(NULL AS VARCHAR)"
        items.append(f"{expr} AS {ident(name)}")
    return ",\n    ".join(items)
