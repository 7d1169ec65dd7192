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


def _not_in_store(table: str, src: str, keys: dict[str, str]) -> str:
    """An anti-join dropping the rows whose record ``table`` already holds for the source
    (``keys``: the store column -> the staged column that names the record).

    Why not ``WHERE NOT EXISTS (SELECT 1 FROM table WHERE ...)``: DuckDB plans that
    correlated subquery as a delim join, which first takes the distinct keys of every
    staged row (a hash aggregate over the whole file) and ran on one thread; at 1M rows
    it cost 0.6 s a table even with the store empty. A plain anti-join builds its hash
    table from the store's rows of this source alone (none on a first load) and probes
    in parallel. Same answer: the keys of an accepted row are never NULL.
    """
    on = " AND ".join(f"s.{store} = a.{staged}" for store, staged in keys.items())
    return f"ANTI JOIN (SELECT {', '.join(keys)} FROM {table} WHERE source = {src}) s ON {on}"


def insert_incident_tables(con: duckdb.DuckDBPyConnection, src: str, ingest_id: int) -> None:
    """Write the file's accepted incidents, offences, victims and suspects (``src``: the
    source as an SQL literal); a record the store already holds is kept as it is."""
    con.execute(
        f"""
INSERT INTO incidents
SELECT {src}, incident_id, d_reported_date, ts_occurred_start, ts_occurred_end, area_code,
  f_lat, f_lon, location_type, cyber, weapon_v, narrative, incident_hash, {ingest_id}
FROM {_first_rows("incident_id")} a
{_not_in_store("incidents", src, {"incident_id": "incident_id"})}
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
{_not_in_store("offences", src, {"incident_id": "incident_id", "offence_seq": "o_seq"})}
"""
    )
    con.execute(
        f"""
INSERT INTO victims
SELECT {src}, incident_id, v_seq, victim_type_v, victim_sex_v, i_victim_age,
  victim_citizenship, victim_relationship_v, victim_injury_v, victim_hash, {ingest_id}
FROM {_first_rows("incident_id, v_seq", "has_victim")} a
{_not_in_store("victims", src, {"incident_id": "incident_id", "victim_seq": "v_seq"})}
"""
    )
    con.execute(
        f"""
INSERT INTO suspects
SELECT {src}, incident_id, s_seq, suspect_person_ref, suspect_sex_v, i_suspect_age,
  suspect_citizenship, suspect_hash, {ingest_id}
FROM {_first_rows("incident_id, s_seq", "has_suspect")} a
{_not_in_store("suspects", src, {"incident_id": "incident_id", "suspect_seq": "s_seq"})}
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
