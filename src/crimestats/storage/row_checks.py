"""Build the validated staging table ``_v``: mapped text, typed twins, problems, hashes.

One CREATE TABLE over the staged rows runs the whole adapter and every row rule in
DuckDB. Hashes summarise each record of the event model (incident, offence, victim,
suspect) so that conflicts inside the file and with the store are found by comparing
one number per record. Row keys are never hashes or joined strings: they are the typed
key fields written as JSON (:func:`key_json`), so two different keys cannot be equal.
"""

from __future__ import annotations

from crimestats.domain.flat_layout import FieldType, FlatField
from crimestats.ingest.mapping import Mapping
from crimestats.storage.mapping_sql import mapped_select
from crimestats.storage.rule_sql import number_column, number_parses, problem_lists, typed_column
from crimestats.storage.sql_text import ident, lit
from crimestats.validation.problems import Rule

INCIDENT_COLUMNS = (
    "d_reported_date", "ts_occurred_start", "ts_occurred_end", "area_code", "f_lat", "f_lon",
    "location_type", "cyber", "weapon_v", "narrative",
)  # fmt: skip
OFFENCE_COLUMNS = ("national_code", "national_label", "description", "attempted_v", "iccs_code")
MOTIVE_COLUMNS = ("motive_v", "motive_detail")
"""Offence columns added after stores held hashes: hashed only when given (see
:func:`_offence_hash`), so a file loaded before they existed re-reads as duplicates."""
VICTIM_COLUMNS = (
    "victim_type_v", "victim_sex_v", "i_victim_age", "victim_citizenship",
    "victim_relationship_v", "victim_injury_v",
)  # fmt: skip
SUSPECT_COLUMNS = ("suspect_person_ref", "suspect_sex_v", "i_suspect_age", "suspect_citizenship")
JUSTICE_COLUMNS = ("incident_id", "person_ref", "stage_v", "d_event_date", "detail", "unsent")
CONTENT_COLUMNS = (
    INCIDENT_COLUMNS + OFFENCE_COLUMNS + MOTIVE_COLUMNS + VICTIM_COLUMNS + SUSPECT_COLUMNS
)
"""Every field of an incident-layout row after typing: what two rows of one key must share."""

_NUMERIC = (FieldType.INTEGER, FieldType.DECIMAL)

INCIDENT_KEY = (
    ("incident_id", "incident_id"), ("offence_seq", "o_seq"), ("victim_seq", "v_seq"),
    ("suspect_seq", "s_seq"),
)  # fmt: skip
"""(name in the key, column of ``_v``): what identifies one row of the incident layout."""
JUSTICE_KEY = (
    ("incident_id", "incident_id"), ("person_ref", "person_ref"), ("stage", "stage_v"),
    ("event_date", "d_event_date"), ("detail", "detail"), ("unsentenced", "unsent"),
)  # fmt: skip
"""A justice event has no id of its own: its key is the whole record, every field of it.
The names are the columns of the store's ``justice_events`` table, so the same key can be
rebuilt from the store (see :func:`key_json`)."""


def key_json(fields: tuple[tuple[str, str], ...]) -> str:
    """SQL for a row key that cannot collide: the typed fields as one JSON object.

    JSON escapes every character a value may hold (a separator such as U+001F cannot fake
    a field boundary), writes NULL as ``null`` (distinct from ``""``) and keeps numbers,
    dates and booleans apart from text; and it reads well in a conflict message:
    ``{"incident_id":"R1","offence_seq":1,"victim_seq":null,"suspect_seq":null}``.
    """
    pairs = ", ".join(f"{lit(name)}: {ident(column)}" for name, column in fields)
    return f"CAST(to_json({{{pairs}}}) AS VARCHAR)"


def content_json(columns: tuple[str, ...]) -> str:
    """SQL for the exact content of a row (to confirm that equal hashes mean equal rows)."""
    return key_json(tuple((c, c) for c in columns))


INCIDENT_KEEP = (
    "_k", "_row", "_src", "incident_id", "area_code", "location_type", "narrative", "national_code",
    "national_label", "description", "iccs_code", "victim_citizenship", "suspect_person_ref",
    "suspect_citizenship", "d_reported_date", "ts_occurred_start", "ts_occurred_end", "f_lat",
    "f_lon", "i_victim_age", "i_suspect_age", "cyber", "weapon_v", "attempted_v", "o_seq",
    "has_victim", "v_seq", "victim_type_v", "victim_sex_v", "victim_relationship_v",
    "victim_injury_v", "has_suspect", "s_seq", "suspect_sex_v", "_filtered", "motive_v",
    "motive_detail",
)  # fmt: skip
"""Columns of ``_v`` the later steps read (the typed values, not their source text)."""


def _hash(cols: tuple[str, ...]) -> str:
    return "hash(" + ", ".join(ident(c) for c in cols) + ")"


def _any_present(names: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"{ident(n)} IS NOT NULL" for n in names) + ")"


def _incident_canon() -> str:
    victim_fields = (
        "victim_seq", "victim_type", "victim_sex", "victim_age", "victim_citizenship",
        "victim_relationship", "victim_injury",
    )  # fmt: skip
    suspect_fields = (
        "suspect_seq", "suspect_person_ref", "suspect_sex", "suspect_age", "suspect_citizenship",
    )  # fmt: skip
    return f"""
      coalesce(e_cyber_related, 'unknown') AS cyber,
      coalesce(e_weapon, 'unknown') AS weapon_v,
      coalesce(e_attempted, 'unknown') AS attempted_v,
      coalesce(e_motive, 'unknown') AS motive_v,
      coalesce(i_offence_seq, 1) AS o_seq,
      {_any_present(victim_fields)} AS has_victim,
      CASE WHEN {_any_present(victim_fields)} THEN coalesce(i_victim_seq, 1) END AS v_seq,
      coalesce(e_victim_type, 'person') AS victim_type_v,
      coalesce(e_victim_sex, 'unknown') AS victim_sex_v,
      coalesce(e_victim_relationship, 'unknown') AS victim_relationship_v,
      coalesce(e_victim_injury, 'unknown') AS victim_injury_v,
      {_any_present(suspect_fields)} AS has_suspect,
      CASE WHEN {_any_present(suspect_fields)} THEN coalesce(i_suspect_seq, 1) END AS s_seq,
      coalesce(e_suspect_sex, 'unknown') AS suspect_sex_v"""


def _offence_hash() -> str:
    """The offence's hash; the motive enters it only when the row gives one.

    Stores keep each row's hash (``row_ledger``, ``offences.fields_hash``) to tell a
    re-read row (a duplicate) from a changed one (a conflict). Hashing the motive columns
    always would change every offence's hash, so a file loaded before they existed would
    conflict with itself; an offence with no motive hashes as it always did.
    """
    plain = _hash(OFFENCE_COLUMNS)
    given = "(motive_v <> 'unknown' OR motive_detail IS NOT NULL)"
    return f"CASE WHEN {given} THEN hash({plain}, {_hash(MOTIVE_COLUMNS)}) ELSE {plain} END"


RECORD_HASHES = ("incident_hash", "offence_hash", "victim_hash", "suspect_hash")
"""One hash per record of an incident-layout row; the row's hash is the hash of these."""


def _record_hashes() -> str:
    """The record hashes, computed in a layer of their own so that ``row_hash`` reads
    them instead of hashing every column a second time (the values are the same:
    ``hash(hash(a, b), ...)`` either way, so stores keep matching their ledgers)."""
    return f"""
      {_hash(INCIDENT_COLUMNS)} AS incident_hash,
      {_offence_hash()} AS offence_hash,
      {_hash(VICTIM_COLUMNS)} AS victim_hash,
      {_hash(SUSPECT_COLUMNS)} AS suspect_hash"""


def _incident_hashes() -> str:
    return f"""
      incident_hash, offence_hash, victim_hash, suspect_hash,
      {_hash(RECORD_HASHES)} AS row_hash,
      {key_json(INCIDENT_KEY)} AS row_key"""


def _justice_canon() -> str:
    return """
      e_stage AS stage_v,
      CASE WHEN e_unsentenced = 'true' THEN true WHEN e_unsentenced = 'false' THEN false END
        AS unsent"""


def _justice_hashes() -> str:
    return f"""
      {_hash(JUSTICE_COLUMNS)} AS row_hash,
      {key_json(JUSTICE_KEY)} AS row_key"""


def validated_table_sql(
    *,
    mapping: Mapping,
    layout: tuple[FlatField, ...],
    rules: tuple[Rule, ...],
    raw_from: str,
    file_tag: str,
    create: str = "CREATE TEMP TABLE _v",
) -> str:
    """SQL creating ``_v`` (where: ``create``, from ``staging.Space.create``) from the
    mapped source rows (``raw_from`` gives ``_k``, ``_row``
    and ``_src``: :func:`crimestats.storage.mapping_sql.source_rows_sql`)."""
    names = tuple(f.name for f in layout)
    twins = [t for t in (typed_column(f) for f in layout) if t is not None]
    typed = ",\n      ".join(f"{sql} AS {ident(name)}" for name, sql in twins)
    parses = number_parses(layout)
    numbers = ", ".join(["m.*", *parses])
    parsed = ", ".join(ident(number_column(f)) for f in layout if f.type in _NUMERIC)
    unparsed = f"n.* EXCLUDE ({parsed})" if parsed else "n.*"
    errors, warnings = problem_lists(rules, layout, mapping)
    incident = mapping.target == "incidents"
    canon = _incident_canon() if incident else _justice_canon()
    hashes = _incident_hashes() if incident else _justice_hashes()
    records = f"c.*, {_record_hashes()}" if incident else "c.*"
    keep = ", ".join(ident(c) for c in INCIDENT_KEEP) if incident else "h.*"
    # Each layer is read once, so DuckDB inlines it (no copy of the rows); the layers
    # only name what an upper one reads more than once (a parse, a typed value, a
    # record hash), so that it is computed once per row.
    return f"""
{create} AS
WITH m AS (
  SELECT _k, _row, _src,
    {mapped_select(mapping, names, file_tag)}
  FROM {raw_from}
),
n AS (
  SELECT {numbers}
  FROM m
),
t AS (
  SELECT {unparsed},
      {typed}
  FROM n
),
c AS (
  SELECT t.*, {canon}
  FROM t
),
h AS (
  SELECT {records}
  FROM c
)
SELECT {keep},
  {errors} AS errors,
  {warnings} AS warnings,
  {hashes}
FROM h
"""
