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

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Final, TypeAlias

from crimestats.stats.counted_codes import MODEL_CODED, MODEL_SHARE, counted_offences
from crimestats.stats.fields import (
    FIELDS,
    ICCS_LENGTH,
    PERIOD_COLUMN,
    PeriodBasis,
    Record,
    field_expressions,
)


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

ExtraColumns: TypeAlias = Mapping[str, Callable[[Any], Any]]
"""More columns to group on, by name: each a function of the counted (Ibis) table that
gives the column's expression (a series' period start, a rate's year)."""

_KEY = ("source", "incident_id")
_BOOKKEEPING = ("fields_hash", "ingest_id")
"""Columns of every event table that say how a row was loaded, not what it records."""

_VICTIM_NAMES: Final[dict[str, str]] = {"relationship_to_suspect": "victim_relationship"}
"""Victim columns whose base-table name is not ``victim_<column>`` (the registry's name)."""


def _child(con: Any, table: Any, prefix: str, names: dict[str, str]) -> Any:
    """Every column of a child record, its key renamed ``<p>_source``/``<p>_incident_id``.

    Why every column: the base table is derived from the store, not listed here, so a
    field added to the registry (:mod:`crimestats.stats.fields`) reads its column without
    an edit of this module (issue 12); the engines prune the columns no field reads.
    A column named like an incident column (bookkeeping) is left out; ``names`` renames.
    """
    taken = set(con.table("incidents").columns)
    key = {f"{prefix}_{k}": table[k] for k in _KEY}
    rest = {
        names.get(c, c): table[c]
        for c in table.columns
        if c not in _KEY and c not in _BOOKKEEPING and names.get(c, c) not in taken
    }
    return table.select(**key, **rest)


def _offences(con: Any, source: str | None = None) -> Any:
    """Offences with the ICCS code they count under (pending review: blank), the one rule
    of :mod:`crimestats.stats.counted_codes`; every column under its store name."""
    return _child(con, counted_offences(con, source), "o", {})


def _victims(con: Any, source: str | None = None) -> Any:
    """Victims, every column named ``victim_<column>``, and ``has_victim``."""
    import ibis

    v = con.table("victims")
    if source is not None:
        v = v.filter(v.source == source)
    # a column already named victim_... (the key victim_seq) keeps its name
    names = {c: _VICTIM_NAMES.get(c, f"victim_{c.removeprefix('victim_')}") for c in v.columns}
    return _child(con, v, "v", names).mutate(has_victim=ibis.literal(True))


def _suspects(con: Any, source: str | None = None) -> Any:
    s = con.table("suspects")
    if source is not None:
        s = s.filter(s.source == source)
    return s.select(s_source=s.source, s_incident_id=s.incident_id, suspect_seq=s.suspect_seq)


_CHILDREN: Final = {Unit.OFFENCES: _offences, Unit.VICTIMS: _victims, Unit.SUSPECTS: _suspects}


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
    incident's area at that level of the area tree. Every column of each joined record is
    there (offence columns under their store names, victim columns as ``victim_<name>``).
    """
    incidents = con.table("incidents")
    if source is not None:
        incidents = incidents.filter(incidents.source == source)
    if area_level is not None:
        from crimestats.stats.area_level import relabel

        incidents = relabel(incidents, area_level)
    t = incidents.drop(*[c for c in _BOOKKEEPING if c in incidents.columns])
    records = {FIELDS[name].record for name in by}
    if unit is Unit.OFFENCES or Record.OFFENCE in records:
        t = _join(t, _offences(con), "o", "inner" if unit is Unit.OFFENCES else "left")
    if unit is Unit.VICTIMS or Record.VICTIM in records:
        t = _join(t, _victims(con), "v", "inner" if unit is Unit.VICTIMS else "left")
        t = t.mutate(has_victim=t.has_victim.fill_null(False))
    if unit is Unit.SUSPECTS:
        t = _join(t, _suspects(con), "s", "inner")
    return t


def _own_table(
    con: Any, by: list[str], unit: Unit, source: str | None, extra: ExtraColumns | None = None
) -> Any | None:
    """The unit's own record table when it holds every column the fields read, else None.

    Why: joining ten million offences to eight million incidents on their string key is
    most of the time of a table of offences; a table whose fields are all read from the
    offence row (``source`` and the ICCS levels: the release's offences table) needs no
    incident column. Counting it alone gives the same rows as the inner join because the
    store never holds a child record without its incident (ingest writes them together;
    ``sources undo`` refuses to leave one behind). Not for incidents (they are the spine),
    nor on a store cut to a period window (the cut is on the incidents).
    """
    from ibis.common.exceptions import IbisTypeError

    from crimestats.stats.period_window import WindowedStore

    if unit is Unit.INCIDENTS or isinstance(con, WindowedStore):
        return None
    child = _CHILDREN[unit](con, source)
    own = child.rename({k: f"{unit.value[0]}_{k}" for k in _KEY})
    try:  # a field whose column the record lacks (an incident's date, area...) fails here
        for name in by:
            FIELDS[name].expression(own, PeriodBasis.REPORTED)
            FIELDS[name].expression(own, PeriodBasis.OCCURRED)
        for make in (extra or {}).values():  # e.g. a series' period start, a rate's year
            make(own)
    except (AttributeError, IbisTypeError):
        return None
    # typed as the join types them (every column may be blank), so a table's schema does
    # not depend on the path it was counted by
    return own.cast({c: own[c].type().copy(nullable=True) for c in own.columns})


def counting_table(
    con: Any,
    by: list[str],
    unit: Unit,
    source: str | None = None,
    area_level: Any = None,
    extra: ExtraColumns | None = None,
) -> Any:
    """The rows a count of ``unit`` by ``by`` (and the ``extra`` columns of
    :func:`count_expr`) reads: the unit's own table when it has every column they read
    (:func:`_own_table`), else the joined :func:`base_table`."""
    own = None if area_level is not None else _own_table(con, by, unit, source, extra)
    return own if own is not None else base_table(con, by, unit, source, area_level)


def count_expr(
    con: Any,
    by: list[str],
    unit: Unit,
    period_basis: PeriodBasis,
    source: str | None = None,
    extra: ExtraColumns | None = None,
    area_level: Any = None,
) -> Any:
    """Counts of ``unit`` by the fields ``by`` (columns: the fields, then ``count``).

    ``extra`` maps more column names to functions of the base table's period date;
    they are grouped on too (used for the year of a quarter or month when computing
    rates; each is a function of a field already in ``by``, so groups do not change).
    With an ICCS field, a column :data:`~crimestats.stats.counted_codes.MODEL_SHARE`
    follows ``count``: the share of the cell's units that are in it through an offence
    the model coded (a unit with offences coded both ways in one cell counts as model).
    """
    t = counting_table(con, by, unit, source, area_level, extra)
    exprs = field_expressions(t, period_basis)
    columns = {name: exprs[name]() for name in by}
    for name, make in (extra or {}).items():
        columns[name] = make(t)
    groups = [*by, *(extra or {})]
    shares = any(name in ICCS_LENGTH for name in by)
    if shares:
        columns[_MODEL] = t[MODEL_CODED].fill_null(False).cast("int64")
    if not multiplies(by, unit):  # one row per unit already: no DISTINCT (10x faster)
        plain = t.select(**columns)
        if not shares:
            return plain.group_by(groups).aggregate(count=plain.count())
        return _with_share(plain.group_by(groups).aggregate(count=plain.count(), **{
            _MODEL: plain[_MODEL].sum()}))  # fmt: skip
    keys = {f"_key_{k}": t[k] for k in UNIT_KEY[unit]}  # "source" may be a field too
    if not shares:
        keyed = t.select(**keys, **columns).distinct()
        return keyed.group_by(groups).aggregate(count=keyed.count())
    cells = t.select(**keys, **columns)
    keyed = cells.group_by([*keys, *groups]).aggregate(**{_MODEL: cells[_MODEL].max()})
    counted = keyed.group_by(groups).aggregate(count=keyed.count(), **{_MODEL: keyed[_MODEL].sum()})
    return _with_share(counted)


_MODEL = "_model_coded"


def _with_share(counted: Any) -> Any:
    """Replace the model-coded count by its share of ``count`` (rounded to 4 places)."""
    share = (counted[_MODEL].cast("float64") / counted["count"]).round(4)
    return counted.mutate(**{MODEL_SHARE: share}).drop(_MODEL)


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
    return counting_table(con, [], unit, source).count()  # one row per unit (see multiplies)


def rolls_up_from_coverage(by: list[str], unit: Unit) -> bool:
    """Whether a table is a roll-up of the store's coverage: incidents by period fields
    (and ``source``) only, whose metadata needs the coverage anyway."""
    periods = {name for name in by if FIELDS[name].is_period}
    return unit is Unit.INCIDENTS and bool(periods) and set(by) <= {*periods, "source"}


def coverage_counts(coverage: Any, by: list[str], basis: PeriodBasis) -> Any:
    """Counts of incidents by ``by`` summed from the coverage's months (an Ibis expression).

    Why: the coverage (:func:`crimestats.stats.coverage.source_coverage`) already holds
    every source's incidents per month and those without a period date; a table of
    incidents by year, quarter or month (and source) is their sum. Reading it from there
    spares a second scan of the incidents, which at ten million rows costs as much as the
    table itself (issue 19). The period labels come from the registry's own expressions,
    evaluated over one row per source and month, so they cannot differ from a count.
    """
    import ibis
    import pyarrow as pa

    column = PERIOD_COLUMN[basis]
    rows: list[tuple[str, Any, int]] = []
    for cov in coverage:
        rows += [(cov.source, m.month, m.incidents) for m in cov.months if m.incidents]
        if cov.without_date:
            rows.append((cov.source, None, cov.without_date))
    schema = pa.schema(  # source as in the store: never blank (a column of the key)
        [pa.field("source", pa.string(), nullable=False), (column, pa.date32()), ("n", pa.int64())]
    )
    arrays = [pa.array([r[i] for r in rows], type=schema.field(i).type) for i in range(3)]
    t = ibis.memtable(pa.Table.from_arrays(arrays, schema=schema))
    exprs = field_expressions(t, basis)
    cells = t.select(**{name: exprs[name]() for name in by}, n=t.n)
    return cells.group_by(by).aggregate(count=cells.n.sum())
