"""Counting units, and the Ibis expression that counts them by any fields.

The counting unit is always explicit, because the same store gives different numbers
depending on what is counted (the most common misreading of NIBRS data, whose incidents
carry up to ten offences; FBI, NIBRS User Manual, on incident, offense, victim and
offender counts). The ICCS itself is event-based and leaves the unit to the producer,
asking that it be stated (ICCS v1.0, UNODC 2015, Part One, on the counting unit):

* ``incidents``: a criminal event, counted once per distinct combination of the
  fields. Broken down by an offence field (an ICCS level), an incident with offences in
  two categories counts once in each, and once only in a category it has twice;
* ``offences``: each offence of an incident (an incident with two offences counts
  twice), the unit of the UN-CTS police tables;
* ``victims``: each victim of an incident (the unit of the homicide-victim tables);
* ``suspects``: each suspect of an incident.

A unit is counted once per distinct combination of the requested fields, so with a
field from a record that is "many" per unit (offences or victims of an incident), the
counts of a table can add up to more than the number of units; the metadata gives
both. The query is an Ibis expression (DESIGN.md section 8) so it runs unchanged on any
Ibis backend.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final

from crimestats.stats.fields import FIELDS, PeriodBasis, Record, field_expressions


class Unit(StrEnum):
    """What one count is a count of."""

    INCIDENTS = "incidents"
    OFFENCES = "offences"
    VICTIMS = "victims"
    SUSPECTS = "suspects"


UNIT_KEY: Final[dict[Unit, tuple[str, ...]]] = {
    Unit.INCIDENTS: ("source", "incident_id"),
    Unit.OFFENCES: ("source", "incident_id", "offence_seq"),
    Unit.VICTIMS: ("source", "incident_id", "victim_seq"),
    Unit.SUSPECTS: ("source", "incident_id", "suspect_seq"),
}
"""The columns that identify one unit in the store."""

_INCIDENT_COLS = (
    "source", "incident_id", "reported_date", "occurred_start", "area_code",
    "location_type", "cyber_related", "weapon",
)  # fmt: skip
_KEY = ("source", "incident_id")


def _renamed(table: Any, columns: dict[str, str]) -> Any:
    """Select ``columns`` (store name -> name in the base table) of ``table``."""
    return table.select(**{new: table[old] for old, new in columns.items()})


def _offences(con: Any) -> Any:
    return _renamed(
        con.table("offences"),
        {"source": "o_source", "incident_id": "o_incident_id", "offence_seq": "offence_seq",
         "iccs_code": "iccs_code", "attempted": "attempted", "motive": "motive",
         "motive_detail": "motive_detail"},
    )  # fmt: skip


def _victims(con: Any) -> Any:
    import ibis

    v = con.table("victims")
    return v.select(
        v_source=v.source,
        v_incident_id=v.incident_id,
        victim_seq=v.victim_seq,
        victim_sex=v.sex,
        victim_age=v.age,
        victim_relationship=v.relationship_to_suspect,
        has_victim=ibis.literal(True),
    )


def _suspects(con: Any) -> Any:
    return _renamed(
        con.table("suspects"),
        {"source": "s_source", "incident_id": "s_incident_id", "suspect_seq": "suspect_seq"},
    )


def _join(left: Any, right: Any, prefix: str, how: str) -> Any:
    """Join a child record to the incident rows on (source, incident_id)."""
    cond = [left.source == right[f"{prefix}_source"],
            left.incident_id == right[f"{prefix}_incident_id"]]  # fmt: skip
    joined = left.join(right, cond, how=how)
    return joined.drop(f"{prefix}_source", f"{prefix}_incident_id")


def base_table(
    con: Any, by: list[str], unit: Unit, source: str | None = None, area_level: Any = None
) -> Any:
    """One row per (unit, offence, victim) combination the fields need, incident columns on each.

    Incidents are the spine; offences are joined when the unit or a field needs them,
    victims likewise (a left join: an incident without a recorded victim keeps one row
    whose victim fields are NULL). Suspects are joined only to count suspects. With an
    ``area_level`` (:class:`crimestats.stats.area_level.AreaLevel`), ``area_code`` is the
    incident's area at that level of the area tree.
    """
    import ibis

    incidents = con.table("incidents")
    if source is not None:
        incidents = incidents.filter(incidents.source == source)
    if area_level is not None:
        from crimestats.stats.area_level import relabel

        incidents = relabel(incidents.select(*_INCIDENT_COLS, "lat", "lon"), area_level)
    t = incidents.select(*_INCIDENT_COLS)
    records = {FIELDS[name].record for name in by}
    if unit is Unit.OFFENCES or Record.OFFENCE in records:
        t = _join(t, _offences(con), "o", "inner" if unit is Unit.OFFENCES else "left")
    if unit is Unit.VICTIMS or Record.VICTIM in records:
        t = _join(t, _victims(con), "v", "inner" if unit is Unit.VICTIMS else "left")
        t = t.mutate(has_victim=t.has_victim.fill_null(False))
    if unit is Unit.SUSPECTS:
        t = _join(t, _suspects(con), "s", "inner")
    _ = ibis
    return t


def count_expr(
    con: Any,
    by: list[str],
    unit: Unit,
    period_basis: PeriodBasis,
    source: str | None = None,
    extra: dict[str, Any] | None = None,
    area_level: Any = None,
) -> Any:
    """Counts of ``unit`` by the fields ``by`` (columns: the fields, then ``count``).

    ``extra`` maps more column names to functions of the base table's period date;
    they are grouped on too (used for the year of a quarter or month when computing
    rates; each is a function of a field already in ``by``, so groups do not change).
    """
    t = base_table(con, by, unit, source, area_level)
    exprs = field_expressions(t, period_basis)
    columns = {name: exprs[name]() for name in by}
    for name, make in (extra or {}).items():
        columns[name] = make(t)
    groups = [*by, *(extra or {})]
    if not multiplies(by, unit):  # one row per unit already: no DISTINCT (10x faster)
        plain = t.select(**columns)
        return plain.group_by(groups).aggregate(count=plain.count())
    keys = {f"_key_{k}": t[k] for k in UNIT_KEY[unit]}  # "source" may be a field too
    keyed = t.select(**keys, **columns).distinct()
    return keyed.group_by(groups).aggregate(count=keyed.count())


_OWN_RECORD: Final[dict[Unit, Record | None]] = {
    Unit.INCIDENTS: Record.INCIDENT,
    Unit.OFFENCES: Record.OFFENCE,
    Unit.VICTIMS: Record.VICTIM,
    Unit.SUSPECTS: None,
}


def multiplies(by: list[str], unit: Unit) -> bool:
    """Whether the joins for ``by`` can give a unit more than one row.

    Only a field of a record that is "many" per unit does (an offence field when counting
    incidents, a victim field when counting offences, ...). Otherwise the base table has
    exactly one row per unit, because the store holds each key once (ingest refuses or
    deduplicates repeated keys, DESIGN.md section 3), and counting rows is counting units.
    """
    records = {FIELDS[name].record for name in by}
    return bool(records - {Record.INCIDENT, _OWN_RECORD[unit]})


def distinct_units(con: Any, unit: Unit, source: str | None = None) -> Any:
    """The number of units in scope (a scalar Ibis expression)."""
    return base_table(con, [], unit, source).count()  # one row per unit (see multiplies)
