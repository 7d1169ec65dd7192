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
from crimestats.storage.sql_text import ident, lit, member_of

FILTERED = "_filtered"
"""Column of the mapped rows: true when the mapping's ``where:`` sets the row aside."""
SLOT = "_slot"
"""Column of unpivoted rows: the place (1, 2, ...) of the unpivot column a row reads."""
SOURCE_KEY = "_src"
"""Column of the mapped rows: the staged source row (``_k`` of ``_raw``) a row came from.
Without unpivot it is ``_k`` itself; with it, several rows share one."""


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
        missing = member_of(expr, list(spec.missing_values))
        expr = f"(CASE WHEN {missing} THEN NULL ELSE {expr} END)"
    if spec.pad_width:
        # lpad cuts a longer value to the width: pad only the values that are shorter.
        width, char = spec.pad_width, lit(spec.pad_char)
        expr = (
            f"(CASE WHEN length({expr}) < {width} THEN lpad({expr}, {width}, {char}) "
            f"ELSE {expr} END)"
        )
    return expr


def _unpivot_value(spec: FieldSpec, place: int) -> str:
    """The cell an unpivoted field reads at one place (trimmed, missing_values, pad)."""
    return _column_value(spec, spec.unpivot[place - 1])


def _source(spec: FieldSpec, file_tag: str, incident_expr: str) -> str:
    if spec.value is not None:
        return _blank_to_null(lit(spec.value))
    if spec.generate == "file_row":
        return f"({lit(file_tag + ':')} || CAST(_row AS VARCHAR))"
    if spec.generate == "sequence":
        # Numbers source rows: the unpivoted rows of one source row share its number.
        return (
            f"CAST(dense_rank() OVER (PARTITION BY {incident_expr} ORDER BY {SOURCE_KEY}) "
            "AS VARCHAR)"
        )
    if spec.unpivot:
        places = range(1, len(spec.unpivot) + 1)
        whens = " ".join(f"WHEN {p} THEN {_unpivot_value(spec, p)}" for p in places)
        return f"(CASE {SLOT} {whens} END)"
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
    listed = member_of(value, list(cond.values))
    if cond.test == "in":
        return f"coalesce({listed}, false)"
    return f"coalesce(NOT {listed}, true)"


def filtered_sql(mapping: Mapping) -> str:
    """SQL true for a row the mapping's ``where:`` sets aside (false when it has none)."""
    if not mapping.where:
        return "false"
    return "NOT (" + " AND ".join(_condition(c) for c in mapping.where) + ")"


def source_rows_sql(mapping: Mapping, raw_from: str) -> str:
    """The rows the mapping reads: the staged rows with their ``_src``, each unpivoted.

    Without unpivot, one row per staged row (``_src`` = ``_k``). With it, a staged row
    ``k`` becomes rows ``k * width + place - 1`` (unique, in file order), one per place
    whose cells are not all empty, or place 1 alone when every place is empty.
    """
    unpivot = mapping.unpivot
    if unpivot is None:
        return f"(SELECT *, _k AS {SOURCE_KEY} FROM {raw_from})"
    width = unpivot.width
    none_filled = "NOT (" + " OR ".join(_filled(mapping, p) for p in range(1, width + 1)) + ")"
    return (
        f"(SELECT * REPLACE (_k * {width} + {SLOT} - 1 AS _k), _k AS {SOURCE_KEY} "
        f"FROM {raw_from} CROSS JOIN (SELECT unnest(range(1, {width + 1})) AS {SLOT}) s "
        f"WHERE {_filled_here(mapping)} OR ({SLOT} = 1 AND {none_filled}))"
    )


def _filled(mapping: Mapping, place: int) -> str:
    """SQL true when some unpivoted field has a value at ``place``."""
    assert mapping.unpivot is not None
    specs = [mapping.fields[name] for name in mapping.unpivot.fields]
    return "(" + " OR ".join(f"{_unpivot_value(s, place)} IS NOT NULL" for s in specs) + ")"


def _filled_here(mapping: Mapping) -> str:
    """SQL true when some unpivoted field has a value at the row's own place."""
    assert mapping.unpivot is not None
    places = range(1, mapping.unpivot.width + 1)
    return (
        f"(CASE {SLOT} "
        + " ".join(f"WHEN {p} THEN {_filled(mapping, p)}" for p in places)
        + " END)"
    )


def mapped_select(mapping: Mapping, layout_fields: tuple[str, ...], file_tag: str) -> str:
    """The SELECT list that turns a staged source row into layout fields (all text)."""
    items = [f"{filtered_sql(mapping)} AS {FILTERED}"]
    seq = mapping.unpivot.seq_field if mapping.unpivot else None
    id_spec = mapping.fields.get("incident_id")
    incident_expr = field_expression(id_spec, file_tag) if id_spec else "NULL"
    for name in layout_fields:
        spec = mapping.fields.get(name)
        expr = field_expression(spec, file_tag, incident_expr) if spec else "CAST(NULL AS VARCHAR)"
        if name == seq:
            # The place numbers the record; the one row kept for a source row with every
            # place empty has no record there (no victim, or offence 1 by default).
            expr = f"CASE WHEN {_filled_here(mapping)} THEN CAST({SLOT} AS VARCHAR) END"
        items.append(f"{expr} AS {ident(name)}")
    return ",\n    ".join(items)


STORE_CONFLICTS = "('key-conflict-with-store', 'incident-conflict-with-store')"
"""The rule codes of a conflict with rows the store already holds."""


def named_errors(mapping: Mapping) -> str:
    """The row's errors as stored in ``quarantine.reasons``: a conflict with the store
    names the ingest holding the key; an error on a date field with a declared format
    names the format (so "not a date" says which shape was expected)."""
    declared = [(n, " or ".join(s.formats)) for n, s in mapping.fields.items() if s.formats]
    formats = (
        "CASE x.field " + " ".join(f"WHEN {lit(n)} THEN {lit(f)}" for n, f in declared) + " END"
        if declared
        else "NULL::VARCHAR"
    )
    return (
        "list_transform(f.errors, x -> {'code': x.code, 'field': x.field, 'value': x.value, "
        f"'held_by': CASE WHEN x.code IN {STORE_CONFLICTS} THEN h.holder_id END, "
        f"'held_by_file': CASE WHEN x.code IN {STORE_CONFLICTS} THEN h.holder_file END, "
        f"'format': {formats}}})"
    )


def quarantine_sql(
    mapping: Mapping, ingest_id: int, src: str, file_name: str, raw_json: str, holders: str
) -> str:
    """INSERT of the quarantined source rows: each once, with its raw text and reasons.

    Unpivoted rows of one source row are quarantined together (they share the incident);
    the source row is kept once, with the distinct reasons of all of them (sorted).
    """
    named = named_errors(mapping)
    joins = f"""
FROM _v v JOIN _out f USING (_k) JOIN (SELECT rowid AS _src, * FROM _raw) r USING (_src)
LEFT JOIN {holders} h ON h.incident_id = v.incident_id
WHERE f.status = 'quarantined'"""
    head = "INSERT INTO quarantine (ingest_id, source, file, row_number, raw, reasons, incident_id)"
    if mapping.unpivot is None:
        return f"""{head}
SELECT {ingest_id}, {src}, {file_name}, v._row, CAST({raw_json} AS VARCHAR),
  CAST(to_json({named}) AS VARCHAR), v.incident_id {joins}
ORDER BY v._row
"""
    return f"""{head}
SELECT {ingest_id}, {src}, {file_name}, any_value(v._row), any_value(CAST({raw_json} AS VARCHAR)),
  CAST(to_json(list_sort(list_distinct(flatten(list({named}))))) AS VARCHAR),
  any_value(v.incident_id)
{joins}
GROUP BY v._src ORDER BY any_value(v._row)
"""
