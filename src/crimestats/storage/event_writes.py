"""The event tables written from one file's accepted rows, inside the load's transaction.

Why a module of its own: which rows stand for a record (the first accepted row of each
key) and how each event table is filled is the part of a load that grows with the event
model (a new record field is a new column here), while :mod:`crimestats.storage.loader`
keeps the transaction, the reconciliation and the quarantine.
"""

from __future__ import annotations

import duckdb

ACCEPTED = (
    "(SELECT v.* FROM _v v ANTI JOIN (SELECT _k FROM _out WHERE status <> 'accepted') o USING (_k))"
)
"""The accepted rows: every staged row that ``_out`` does not list as rejected."""


def _first_rows(key: str, where: str = "true") -> str:
    """The accepted rows that stand for their record: the first (lowest ``_k``) of each key.

    Why not ``GROUP BY key`` with ``any_value`` of every column: that aggregate carries
    every column of every row through a hash table (the widest step of the load). Rows
    of one key that were accepted share the record's hash (a difference quarantines them
    all: ``group_checks``), so any one of them says the same; finding the first needs a
    hash table of (key, ``_k``) alone, and the wide columns are read once, by a semi-join
    of ``_v`` (a first accepted row is accepted: no second anti-join with ``_out``).
    """
    return (
        f"(SELECT a.* FROM _v a SEMI JOIN (SELECT min(_k) AS k FROM {ACCEPTED} "
        f"WHERE {where} GROUP BY {key}) f ON a._k = f.k)"
    )


def insert_incident_tables(con: duckdb.DuckDBPyConnection, src: str, ingest_id: int) -> None:
    """Write the file's accepted incidents, offences, victims and suspects (``src``: the
    source as an SQL literal); a record the store already holds is kept as it is."""
    con.execute(
        f"""
INSERT INTO incidents
SELECT {src}, incident_id, d_reported_date, ts_occurred_start, ts_occurred_end, area_code,
  f_lat, f_lon, location_type, cyber, weapon_v, narrative, incident_hash, {ingest_id}
FROM {_first_rows("incident_id")} a
WHERE NOT EXISTS (SELECT 1 FROM incidents i
                  WHERE i.source = {src} AND i.incident_id = a.incident_id)
"""
    )
    con.execute(
        f"""
INSERT INTO offences (source, incident_id, offence_seq, national_code, national_label,
  description, attempted, iccs_code, iccs_method, iccs_confidence, fields_hash, ingest_id,
  motive, motive_detail)
SELECT {src}, incident_id, o_seq, national_code, national_label, description, attempted_v,
  iccs_code, CASE WHEN iccs_code IS NOT NULL THEN 'source' END,
  CASE WHEN iccs_code IS NOT NULL THEN 1.0 END, offence_hash, {ingest_id}, motive_v,
  motive_detail
FROM {_first_rows("incident_id, o_seq")} a
WHERE NOT EXISTS (SELECT 1 FROM offences o WHERE o.source = {src}
                  AND o.incident_id = a.incident_id AND o.offence_seq = a.o_seq)
"""
    )
    con.execute(
        f"""
INSERT INTO victims
SELECT {src}, incident_id, v_seq, victim_type_v, victim_sex_v, i_victim_age,
  victim_citizenship, victim_relationship_v, victim_injury_v, victim_hash, {ingest_id}
FROM {_first_rows("incident_id, v_seq", "has_victim")} a
WHERE NOT EXISTS (SELECT 1 FROM victims x WHERE x.source = {src}
                  AND x.incident_id = a.incident_id AND x.victim_seq = a.v_seq)
"""
    )
    con.execute(
        f"""
INSERT INTO suspects
SELECT {src}, incident_id, s_seq, suspect_person_ref, suspect_sex_v, i_suspect_age,
  suspect_citizenship, suspect_hash, {ingest_id}
FROM {_first_rows("incident_id, s_seq", "has_suspect")} a
WHERE NOT EXISTS (SELECT 1 FROM suspects x WHERE x.source = {src}
                  AND x.incident_id = a.incident_id AND x.suspect_seq = a.s_seq)
"""
    )


def insert_justice_events(con: duckdb.DuckDBPyConnection, src: str, ingest_id: int) -> None:
    """Write the file's accepted justice events (a justice file has no duplicates to keep
    out: its rows are events)."""
    con.execute(
        f"""
INSERT INTO justice_events
SELECT {src}, person_ref, incident_id, stage_v, d_event_date, detail, unsent, row_hash,
  {ingest_id}
FROM {ACCEPTED} v
"""
    )


__all__ = ["ACCEPTED", "insert_incident_tables", "insert_justice_events"]
