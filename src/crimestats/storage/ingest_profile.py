"""The ingest profile: warnings on distributions that look like a mistake, not like crime.

Why: row rules see one row at a time, so a source that writes 99 for "age unknown", a
mapping that reads the date of extraction instead of the report date, or an export
where a column silently went blank all load without a word. The profile looks at the
rows this ingest loaded, as a whole and against the source's own earlier (counted)
ingests, and records a warning in ``ingest_issues`` (row ``NULL``, severity
``warning``) for each suspicious shape. It never rejects a row: a real spike exists.

Every check is a few set-based DuckDB aggregates over the loaded rows (``ingest_id``),
run inside the ingest's transaction, so it costs a scan of the new rows and, for the
history checks, of the source's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import duckdb

from crimestats.storage.sql_text import lit
from crimestats.validation.group_rules import PROFILE_RULES as PROFILE_RULE_SET

# The rules are declared with every other rule, in the validation catalogue
# (``crimestats rules`` lists them); the checks that raise them are here.
PROFILE_RULES: Final = PROFILE_RULE_SET
AGE_SPIKE, AGE_ZERO, DATE_SPIKE, FIELD_BLANK, CATEGORY_SHIFT = PROFILE_RULES

MIN_ROWS: Final = 50
"""Below this many rows (in the ingest, or in the history) a share says nothing."""
_BLANK_FIELDS: Final = (
    ("incidents", "occurred_start", False), ("incidents", "area_code", False),
    ("incidents", "lat", False), ("incidents", "location_type", False),
    ("incidents", "weapon", True), ("offences", "national_code", False),
    ("offences", "national_label", False), ("offences", "description", False),
    ("victims", "age", False), ("victims", "sex", True),
    ("suspects", "age", False), ("suspects", "sex", True),
)  # fmt: skip
"""(table, field, 'unknown' is blank too)."""


@dataclass(frozen=True, slots=True)
class ProfileWarning:
    """One suspicious distribution of this ingest."""

    code: str
    field: str
    detail: str


def _history(source: str, ingest_id: int) -> str:
    """SQL condition: a row of the source's earlier counted ingests."""
    return (
        f"source = {lit(source)} AND ingest_id <> {ingest_id} AND ingest_id IN "
        "(SELECT ingest_id FROM ingests WHERE undone_at IS NULL AND superseded_by IS NULL)"
    )


def _age_warnings(con: duckdb.DuckDBPyConnection, ingest_id: int) -> list[ProfileWarning]:
    out = []
    for table in ("victims", "suspects"):
        row = con.execute(
            f"WITH a AS (SELECT age FROM {table} WHERE ingest_id = ? AND age IS NOT NULL), "
            "m AS (SELECT age, count(*) AS n FROM a GROUP BY age ORDER BY n DESC, age LIMIT 1) "
            "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM a WHERE age = 0), "
            "m.age, m.n FROM m",
            [ingest_id],
        ).fetchone()
        if row is None or not row[0] or int(row[0]) < MIN_ROWS:
            continue
        known, zeros, mode_age, at_mode = int(row[0]), int(row[1]), row[2], int(row[3])
        who = table[:-1]
        spike = at_mode / known > 0.15
        if spike:
            out.append(ProfileWarning(AGE_SPIKE.code, f"{who}_age",
                       f"age {mode_age} holds {at_mode / known:.0%} of {known:,} known "
                       f"{who} ages ({at_mode:,})"))  # fmt: skip
        if zeros / known > 0.03 and not (spike and mode_age == 0):  # said once, not twice
            out.append(ProfileWarning(AGE_ZERO.code, f"{who}_age",
                       f"age 0 holds {zeros / known:.1%} of {known:,} known {who} ages "
                       f"({zeros:,})"))  # fmt: skip
    return out


def _date_warnings(con: duckdb.DuckDBPyConnection, ingest_id: int) -> list[ProfileWarning]:
    row = con.execute(
        "SELECT sum(n), count(*), arg_max(d, n), max(n) FROM (SELECT reported_date AS d, "
        "count(*) AS n FROM incidents WHERE ingest_id = ? GROUP BY d)",
        [ingest_id],
    ).fetchone()
    if row is None or not row[0] or int(row[0]) < MIN_ROWS or int(row[1]) < 7:
        return []
    total, days, day, top = int(row[0]), int(row[1]), row[2], int(row[3])
    if top / total > 0.10 and top > 5 * total / days:
        return [ProfileWarning(DATE_SPIKE.code, "reported_date",
                f"{day} holds {top / total:.0%} of {total:,} incidents ({top:,}) over "
                f"{days:,} days")]  # fmt: skip
    return []


def _blank_warnings(
    con: duckdb.DuckDBPyConnection, ingest_id: int, source: str
) -> list[ProfileWarning]:
    out = []
    hist = _history(source, ingest_id)
    for table, fld, unknown in _BLANK_FIELDS:
        blank = f"({fld} IS NULL" + (f" OR {fld} = 'unknown')" if unknown else ")")
        row = con.execute(
            f"SELECT count(*) FILTER (ingest_id = {ingest_id}), "
            f"count(*) FILTER (ingest_id = {ingest_id} AND {blank}), "
            f"count(*) FILTER ({hist}), count(*) FILTER ({hist} AND {blank}) "
            f"FROM {table} WHERE source = {lit(source)}"
        ).fetchone()
        if row is None:
            continue
        now_n, now_b, old_n, old_b = (int(v or 0) for v in row)
        if now_n < MIN_ROWS or old_n < MIN_ROWS:
            continue
        now, old = now_b / now_n, old_b / old_n
        if now - old > 0.25 and now > 2 * old:
            out.append(ProfileWarning(FIELD_BLANK.code, f"{table}.{fld}",
                       f"{fld} is blank in {now:.0%} of this ingest's {now_n:,} {table}, "
                       f"{old:.0%} of the source's earlier {old_n:,}"))  # fmt: skip
    return out


def _category_warnings(
    con: duckdb.DuckDBPyConnection, ingest_id: int, source: str
) -> list[ProfileWarning]:
    hist = _history(source, ingest_id)
    label = "coalesce(national_label, national_code, description)"
    rows = con.execute(
        f"""
WITH c AS (
  SELECT {label} AS label, count(*) FILTER (ingest_id = {ingest_id}) AS now_n,
         count(*) FILTER ({hist}) AS old_n
  FROM offences WHERE source = {lit(source)} GROUP BY label),
t AS (SELECT sum(now_n) AS now_t, sum(old_n) AS old_t FROM c)
SELECT label, now_n / now_t AS now_s, old_n / old_t AS old_s, now_t, old_t FROM c, t
WHERE now_t >= {MIN_ROWS} AND old_t >= {MIN_ROWS} AND abs(now_n / now_t - old_n / old_t) > 0.15
ORDER BY abs(now_n / now_t - old_n / old_t) DESC, label LIMIT 5
"""
    ).fetchall()
    return [
        ProfileWarning(
            CATEGORY_SHIFT.code,
            "national_label",
            f"{r[0]!s} is {float(r[1]):.0%} of this ingest's {int(r[3]):,} offences, "
            f"{float(r[2]):.0%} of the source's earlier {int(r[4]):,}",
        )
        for r in rows
    ]


def profile_ingest(
    con: duckdb.DuckDBPyConnection, *, ingest_id: int, source: str, target: str
) -> list[ProfileWarning]:
    """Check the rows this ingest loaded; record and return a warning per suspicious shape.

    Runs inside the ingest's transaction, after its rows are inserted and before its
    issue counts are taken, so the warnings count like any other.
    """
    if target != "incidents":
        return []
    found = [
        *_age_warnings(con, ingest_id),
        *_date_warnings(con, ingest_id),
        *_blank_warnings(con, ingest_id, source),
        *_category_warnings(con, ingest_id, source),
    ]
    for w in found:
        con.execute(
            "INSERT INTO ingest_issues VALUES (?, NULL, ?, 'warning', ?, ?)",
            [ingest_id, w.code, w.field, w.detail],
        )
    return found
