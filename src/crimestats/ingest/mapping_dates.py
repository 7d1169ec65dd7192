"""Refuse a file whose declared date format does not fit its values, before loading it.

A date ``format`` in a mapping is a claim about the whole file. When it is wrong, the
rows fail one by one: a day/month-swapped format loaded 3,873 rows of a real file with
wrong dates (every value whose day was 12 or less reads as a valid, wrong date) and
quarantined 9,081. Neither outcome is the truth, so the file is refused as a whole, with
the evidence and the fix, when either holds over the staged rows:

* the format fails on more than half of the field's non-empty values
  (:data:`MAX_FAILING_SHARE`);
* its day/month order is contradicted: some values parse only with day and month
  swapped (``%d`` <-> ``%m``), and none parse only as declared. One day above 12 in the
  declared order proves the order; values whose second part exceeds 12 while the first
  never does prove the other.

One aggregate query per dated field, in DuckDB, over the rows the mapping keeps (its
``where:``); nothing is loaded or recorded before it passes.
"""

from __future__ import annotations

import duckdb

from crimestats.ingest.file_inspect import FileInfo, refuse
from crimestats.ingest.mapping import FieldSpec, Mapping
from crimestats.storage.mapping_sql import filtered_sql, unformatted_expression
from crimestats.storage.sql_text import lit

MAX_FAILING_SHARE = 0.5
"""A format failing on more than this share of a field's non-empty values refuses the file."""


def swapped(fmt: str) -> str:
    """The format with day and month exchanged (``%d/%m/%Y`` -> ``%m/%d/%Y``).

    A format without both (``%d %b %Y``) has no other order: it is returned as it is.
    """
    if "%d" not in fmt or "%m" not in fmt:
        return fmt
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _formats_sql(formats: tuple[str, ...]) -> str:
    return "[" + ", ".join(lit(f) for f in formats) + "]"


def _check_field(
    con: duckdb.DuckDBPyConnection,
    info: FileInfo,
    mapping: Mapping,
    name: str,
    spec: FieldSpec,
    raw_from: str,
) -> None:
    value = unformatted_expression(spec, "")
    declared = f"try_strptime(v, {_formats_sql(spec.formats)}) IS NOT NULL"
    other = tuple(swapped(f) for f in spec.formats)
    reverse = f"try_strptime(v, {_formats_sql(other)}) IS NOT NULL"
    row = con.execute(
        f"""
SELECT count(v), count(v) FILTER (NOT {declared}), min(v) FILTER (NOT {declared}),
  count(v) FILTER ({reverse} AND NOT {declared}), min(v) FILTER ({reverse} AND NOT {declared}),
  count(v) FILTER ({declared} AND NOT {reverse})
FROM (SELECT {value} AS v FROM {raw_from} WHERE NOT ({filtered_sql(mapping)}))
"""
    ).fetchone()
    assert row is not None
    values, failing, failing_example, only_swapped, swapped_example, only_declared = row
    shown = " or ".join(repr(f) for f in spec.formats)
    fix_other = " or ".join(f'"{f}"' for f in other)
    where = f"in {mapping.path}, fields.{name}.format"
    if other != spec.formats and only_swapped and not only_declared:
        raise refuse(
            info.path,
            "file-date-format",
            f"{name}: the format {shown} reads day and month in an order the values "
            f"contradict: {only_swapped:,} value(s) (e.g. {swapped_example!r}) make sense only "
            "with day and month swapped, and none only as declared",
            f"{where}: write {fix_other} (day and month the other way round)",
        )
    if values and failing > MAX_FAILING_SHARE * values:
        hint = (
            f"; {only_swapped:,} of them read with {fix_other}"
            if other != spec.formats and only_swapped
            else ""
        )
        raise refuse(
            info.path,
            "file-date-format",
            f"{name}: the format {shown} fails on {failing:,} of {values:,} values "
            f"(e.g. {failing_example!r}){hint}: the format does not describe this file",
            f"{where}: write the format the values use (strptime codes, e.g. %Y-%m-%d "
            "or %m/%d/%Y %I:%M:%S %p)",
        )


def check_date_formats(
    con: duckdb.DuckDBPyConnection, info: FileInfo, mapping: Mapping, raw_from: str
) -> None:
    """Refuse the file (``file-date-format``) if a declared date format does not fit it.

    ``raw_from`` is the staged rows' FROM clause (``staging.raw_rows_sql``).
    """
    for name, spec in mapping.fields.items():
        if spec.formats and spec.generate is None:
            _check_field(con, info, mapping, name, spec, raw_from)
