"""Checks across rows and against the store, then each row's fate.

Every staged row ends in exactly one bucket, which is what makes the reconciliation
``read = accepted + quarantined + duplicates`` hold by construction:

1. *quarantined*: a row rule or a group rule failed, or (for incidents) another row of
   the same incident was quarantined, so the incident is held back whole (as NIBRS does);
2. *duplicate*: a row with no error and the same key and the same content as an earlier
   row of the file, or as a row the store already holds for the source. A row in error
   is never a duplicate: a row without a key (a blank id) cannot duplicate anything;
3. *accepted*: everything else.

Conflicts are found with GROUP BY ... HAVING over one hash per record: the result sets
are small, so the joins back to the staged rows are cheap even for millions of rows.
"""

from __future__ import annotations

import duckdb

from crimestats.storage.row_checks import CONTENT_COLUMNS, content_json
from crimestats.storage.sql_text import lit

_PROBLEM = "STRUCT(code VARCHAR, field VARCHAR, value VARCHAR)"
_KEPT = "(SELECT * FROM _v WHERE NOT _filtered)"
"""The rows the mapping's ``where:`` keeps. A row it sets aside is quarantined for that
alone (``filtered-by-mapping``): it takes no part in duplicates, conflicts or limits, and
never holds back the kept rows of its incident."""


def _p(code: str, field: str | None, value_sql: str = "NULL") -> str:
    return (
        f"{{'code': {lit(code)}, 'field': {lit(field)}, "
        f"'value': CAST({value_sql} AS VARCHAR)}}::{_PROBLEM}"
    )


def _when(cond: str, problem: str) -> str:
    return f"CASE WHEN {cond} THEN {problem} END"


def classify_incident_rows(
    con: duckdb.DuckDBPyConnection, *, source: str, limits: dict[str, int]
) -> None:
    """Create ``_out`` (``_k``, ``status``, ``errors``) for the rows not accepted.

    Only duplicates and quarantined rows are listed: they are few, so the accepted rows
    are found by an anti-join against a small table rather than by copying them all.
    """
    src = lit(source)
    # Rows without an incident id have no key: they are quarantined (incident-id-missing),
    # never counted as duplicates of each other. One pass groups the rows by key: a key
    # on several rows is a duplicate when they share one hash, a conflict when not.
    con.execute(
        "CREATE TEMP TABLE _keys AS SELECT row_key, min(row_hash) <> max(row_hash) AS conflict, "
        f"min(row_hash) AS row_hash, min(_k) AS first_k FROM {_KEPT} "
        "WHERE incident_id IS NOT NULL GROUP BY row_key HAVING count(*) > 1"
    )
    con.execute(
        "CREATE TEMP TABLE _dup AS SELECT row_key, row_hash, first_k FROM _keys WHERE NOT conflict"
    )
    # Equal hashes are confirmed on the exact content (only for the few would-be
    # duplicates), so a hash collision is a key conflict, never a silent duplicate.
    con.execute(
        "CREATE TEMP TABLE _keyconf AS SELECT row_key FROM _keys WHERE conflict "
        f"UNION SELECT v.row_key FROM {_KEPT} v SEMI JOIN _dup d "
        "ON d.row_key = v.row_key AND d.row_hash = v.row_hash "
        f"GROUP BY v.row_key HAVING count(DISTINCT {content_json(CONTENT_COLUMNS)}) > 1"
    )
    max_off = int(limits["max_offences_per_incident"])
    max_vic = int(limits["max_victims_per_incident"])
    # Distinct counts are costly; only incidents with more rows than the smaller limit
    # can break a limit, so they are counted for those few incidents alone.
    floor = min(max_off, max_vic)
    con.execute(
        "CREATE TEMP TABLE _incrows AS SELECT incident_id, "
        "min(incident_hash) <> max(incident_hash) AS conflict, count(*) AS n "
        f"FROM {_KEPT} WHERE incident_id IS NOT NULL GROUP BY incident_id "
        f"HAVING min(incident_hash) <> max(incident_hash) OR count(*) > {floor}"
    )
    con.execute(
        "CREATE TEMP TABLE _incagg AS SELECT r.incident_id, any_value(r.conflict) AS conflict, "
        f"count(DISTINCT v.o_seq) > {max_off} AS many_off, "
        f"count(DISTINCT v.v_seq) > {max_vic} AS many_vic "
        f"FROM _incrows r JOIN {_KEPT} v ON v.incident_id = r.incident_id GROUP BY r.incident_id"
    )
    con.execute(
        "CREATE TEMP TABLE _entconf AS "
        f"SELECT incident_id, o_seq AS seq, 'offence' AS entity FROM {_KEPT} "
        "WHERE incident_id IS NOT NULL GROUP BY incident_id, o_seq "
        "HAVING min(offence_hash) <> max(offence_hash) "
        f"UNION ALL SELECT incident_id, v_seq, 'victim' FROM {_KEPT} WHERE has_victim "
        "AND incident_id IS NOT NULL "
        "GROUP BY incident_id, v_seq HAVING min(victim_hash) <> max(victim_hash) "
        f"UNION ALL SELECT incident_id, s_seq, 'suspect' FROM {_KEPT} WHERE has_suspect "
        "AND incident_id IS NOT NULL "
        "GROUP BY incident_id, s_seq HAVING min(suspect_hash) <> max(suspect_hash)"
    )
    group_problems = ", ".join(
        [
            _when("kc.row_key IS NOT NULL", _p("key-conflict-in-file", None, "v.row_key")),
            _when("ia.conflict", _p("incident-fields-conflict", "incident_id", "v.incident_id")),
            _when("ia.many_off", _p("too-many-offences", "offence_seq", "v.o_seq")),
            _when("ia.many_vic", _p("too-many-victims", "victim_seq", "v.v_seq")),
            _when("eo.seq IS NOT NULL", _p("offence-fields-conflict", "offence_seq", "v.o_seq")),
            _when("ev.seq IS NOT NULL", _p("victim-fields-conflict", "victim_seq", "v.v_seq")),
            _when("es.seq IS NOT NULL", _p("suspect-fields-conflict", "suspect_seq", "v.s_seq")),
            _when(
                "l.row_key IS NOT NULL AND l.row_hash <> v.row_hash",
                _p("key-conflict-with-store", None, "v.row_key"),
            ),
            _when(
                "si.fields_hash IS NOT NULL AND si.fields_hash <> v.incident_hash",
                _p("incident-conflict-with-store", "incident_id", "v.incident_id"),
            ),
            _when(
                "so.fields_hash IS NOT NULL AND so.fields_hash <> v.offence_hash",
                _p("key-conflict-with-store", "offence_seq", "v.o_seq"),
            ),
            _when(
                "sv.fields_hash IS NOT NULL AND sv.fields_hash <> v.victim_hash",
                _p("key-conflict-with-store", "victim_seq", "v.v_seq"),
            ),
            _when(
                "ss.fields_hash IS NOT NULL AND ss.fields_hash <> v.suspect_hash",
                _p("key-conflict-with-store", "suspect_seq", "v.s_seq"),
            ),
        ]
    )
    con.execute(
        f"""
CREATE TEMP TABLE _s AS
SELECT * FROM (
SELECT v._k, v.incident_id, v._filtered,
  (d.first_k IS NOT NULL AND v._k <> d.first_k)
    OR (l.row_key IS NOT NULL AND l.row_hash = v.row_hash) AS is_dup,
  list_concat(v.errors, list_filter([{group_problems}], x -> x IS NOT NULL)) AS errors
FROM _v v
LEFT JOIN _dup d ON d.row_key = v.row_key AND d.row_hash = v.row_hash
LEFT JOIN _keyconf kc ON kc.row_key = v.row_key
LEFT JOIN _incagg ia ON ia.incident_id = v.incident_id
LEFT JOIN (SELECT * FROM _entconf WHERE entity = 'offence') eo
  ON eo.incident_id = v.incident_id AND eo.seq = v.o_seq
LEFT JOIN (SELECT * FROM _entconf WHERE entity = 'victim') ev
  ON ev.incident_id = v.incident_id AND ev.seq = v.v_seq
LEFT JOIN (SELECT * FROM _entconf WHERE entity = 'suspect') es
  ON es.incident_id = v.incident_id AND es.seq = v.s_seq
LEFT JOIN (SELECT row_key, row_hash FROM row_ledger WHERE source = {src} AND target = 'incidents') l
  ON l.row_key = v.row_key
LEFT JOIN (SELECT incident_id, fields_hash FROM incidents WHERE source = {src}) si
  ON si.incident_id = v.incident_id
LEFT JOIN (SELECT incident_id, offence_seq, fields_hash FROM offences WHERE source = {src}) so
  ON so.incident_id = v.incident_id AND so.offence_seq = v.o_seq
LEFT JOIN (SELECT incident_id, victim_seq, fields_hash FROM victims WHERE source = {src}) sv
  ON sv.incident_id = v.incident_id AND sv.victim_seq = v.v_seq
LEFT JOIN (SELECT incident_id, suspect_seq, fields_hash FROM suspects WHERE source = {src}) ss
  ON ss.incident_id = v.incident_id AND ss.suspect_seq = v.s_seq
) WHERE is_dup OR len(errors) > 0
"""
    )
    con.execute(
        "CREATE TEMP TABLE _bad_inc AS SELECT DISTINCT incident_id FROM _s "
        "WHERE len(errors) > 0 AND incident_id IS NOT NULL AND NOT _filtered"
    )
    held = _p("incident-has-rejected-rows", "incident_id", "s.incident_id")
    con.execute(
        f"""
CREATE TEMP TABLE _out AS
SELECT _k, CASE WHEN len(errors) > 0 THEN 'quarantined' ELSE 'duplicate' END AS status, errors,
  [] :: {_PROBLEM}[] AS extra_warnings
FROM _s
UNION ALL
SELECT v._k, 'quarantined', [{held.replace("s.incident_id", "v.incident_id")}],
  [] :: {_PROBLEM}[]
FROM _v v SEMI JOIN _bad_inc b ON b.incident_id = v.incident_id
ANTI JOIN _s s ON s._k = v._k
"""
    )


def classify_justice_rows(con: duckdb.DuckDBPyConnection, *, source: str) -> None:
    """Create ``_out`` for the justice-event layout (no incident atomicity).

    Here ``_out`` also lists accepted rows that carry the unknown-incident warning.
    """
    src = lit(source)
    con.execute(
        "CREATE TEMP TABLE _dup AS SELECT row_key, min(_k) AS first_k FROM _v "
        "WHERE len(errors) = 0 GROUP BY row_key HAVING count(*) > 1"
    )
    unknown = _p("justice-incident-unknown", "incident_id", "v.incident_id")
    con.execute(
        f"""
CREATE TEMP TABLE _out AS
SELECT * FROM (
SELECT v._k,
  CASE WHEN len(v.errors) > 0 THEN 'quarantined'
       WHEN (d.first_k IS NOT NULL AND v._k <> d.first_k) OR l.row_key IS NOT NULL
         THEN 'duplicate'
       ELSE 'accepted' END AS status,
  v.errors AS errors,
  CASE WHEN v.incident_id IS NOT NULL AND i.incident_id IS NULL THEN [{unknown}]
       ELSE [] END AS extra_warnings
FROM _v v
LEFT JOIN _dup d ON d.row_key = v.row_key
LEFT JOIN (SELECT row_key FROM row_ledger WHERE source = {src} AND target = 'justice_events') l
  ON l.row_key = v.row_key
LEFT JOIN (SELECT DISTINCT incident_id FROM incidents WHERE source = {src}) i
  ON i.incident_id = v.incident_id
) WHERE status <> 'accepted' OR len(extra_warnings) > 0
"""
    )
