"""``count_table``: counts (and rates) from the store, with their metadata.

This module runs the Ibis expressions of :mod:`crimestats.stats.counting` and
:mod:`crimestats.stats.rates` on the store (read-only, through
:func:`crimestats.storage.reads.ibis_store`) and gathers what a reader needs to
interpret the numbers: the unit, the period basis, how many offences lack a value at the
ICCS levels asked for (coded to a shallower level, or not coded at all), and the rows
without a rate with the reason.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from crimestats.errors import UsageError
from crimestats.stats.area_level import placement, prepare_area_level
from crimestats.stats.counting import (
    UNIT_KEY,
    Unit,
    count_expr,
    coverage_counts,
    distinct_units,
    rolls_up_from_coverage,
)
from crimestats.stats.coverage import (
    PartialPeriodJson,
    SourceCoverage,
    partial_periods,
    source_coverage,
)
from crimestats.stats.fields import (
    FIELDS,
    ICCS_LENGTH,
    PERIOD_COLUMN,
    PeriodBasis,
    Record,
    parse_fields,
    period_fields,
)
from crimestats.stats.hierarchy import RolledPopulations, read_tree
from crimestats.stats.iccs_notes import iccs_notes
from crimestats.stats.level_rates import (
    populations_memtable,
    rolled_populations,
    rolled_reason,
)
from crimestats.stats.metadata import StatsMetadata
from crimestats.stats.period_window import PeriodWindow, WindowedStore
from crimestats.stats.rates import (
    FORMULA,
    PER,
    YEAR_COLUMN,
    RateNote,
    add_rates,
    denominator_text,
    missing_rate_reasons,
    rate_blockers,
)
from crimestats.stats.table import StatsTable

UNIT_DEFINITIONS = {
    Unit.INCIDENTS: "criminal incidents (events); an incident counts once per distinct "
    "combination of the fields, e.g. once per distinct ICCS category among its offences",
    Unit.OFFENCES: "offences; an incident with two offences counts twice",
    Unit.VICTIMS: "victims (every victim record of an incident, of any victim type)",
    Unit.SUSPECTS: "suspects (every suspect record of an incident)",
}


def _choice(
    value: str | Unit | PeriodBasis, kind: type[Unit] | type[PeriodBasis], option: str
) -> Any:
    try:
        return kind(value)
    except ValueError:
        valid = ", ".join(m.value for m in kind)
        raise UsageError(f"{option} {value!r} is not known", hint=f"use one of: {valid}") from None


def count_table(
    db: str | os.PathLike[str] | None = None,
    *,
    by: list[str] | tuple[str, ...],
    unit: str | Unit = Unit.INCIDENTS,
    rate: bool = False,
    period_basis: str | PeriodBasis = PeriodBasis.REPORTED,
    source: str | None = None,
    backend: str = "duckdb",
    area_level: str | None = None,
    population_year: int | None = None,
    since: str | None = None,
    until: str | None = None,
) -> StatsTable:
    """Count ``unit`` in the store by the fields ``by``; optionally add rates per 100,000.

    Parameters
    ----------
    db:
        the store (default ``$CRIMESTATS_DB`` or ``./crimestats.duckdb``).
    by:
        field names (see :data:`crimestats.stats.fields.FIELDS`); items may hold
        several names separated by commas.
    unit:
        ``incidents``, ``offences``, ``victims`` or ``suspects``.
    rate:
        add ``population`` and ``rate_per_100k`` (NULL where no population exists).
    period_basis:
        ``reported`` (report date) or ``occurred`` (start of the occurrence window).
    source:
        count only this source.
    backend:
        ``duckdb`` (the store itself) or ``pyspark`` (the same Ibis expressions on a
        Spark session, ``$CRIMESTATS_SPARK_MASTER``; DESIGN.md section 8). With
        ``pyspark``, ``db`` may be a folder written by ``crimestats export-parquet``,
        read in place (docs/scale.md).
    area_level:
        count (and take populations) at this level of the ``areas`` tree: ``area`` is
        then the incident's area at that level (an ancestor of its recorded area, or the
        polygon containing its coordinates when it has no area code), and denominators
        are rolled up (:mod:`crimestats.stats.hierarchy`). Needs ``area`` in ``by``.
    population_year:
        with ``rate``, divide every row by that year's population (e.g. a census year)
        instead of the population of the row's own year.
    since, until:
        count only incidents whose period date (on ``period_basis``) is in this window,
        inclusive: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
        (:mod:`crimestats.stats.period_window`).

    Returns
    -------
    StatsTable
        the pyarrow table (fields, ``count``[, ``population``, ``rate_per_100k``]) and
        its metadata.

    Examples
    --------
    >>> t = count_table("crimestats.duckdb", by=["year", "iccs_l1"], unit="offences")
    >>> t.table.column_names
    ['year', 'iccs_l1', 'count', 'model_coded_share']
    """
    from crimestats.storage.store import resolve_db_path

    # options checked before the store is opened (a bad option names itself, not the store)
    fields = parse_fields(list(by))
    _choice(unit, Unit, "--unit")
    basis = _choice(period_basis, PeriodBasis, "--period-basis")
    window = PeriodWindow.parse(since, until, basis)
    _check_area_options(fields, rate, area_level, population_year)
    tree = read_tree(db) if area_level is not None else None
    with _backend(db, backend) as con:
        return count_on(
            con,
            by=by,
            unit=unit,
            rate=rate,
            period_basis=period_basis,
            source=source,
            area_level=area_level,
            population_year=population_year,
            tree=tree,
            store=str(resolve_db_path(db)),
            window=window,
        )


def count_on(
    con: Any,
    *,
    by: list[str] | tuple[str, ...],
    unit: str | Unit = Unit.INCIDENTS,
    rate: bool = False,
    period_basis: str | PeriodBasis = PeriodBasis.REPORTED,
    source: str | None = None,
    area_level: str | None = None,
    population_year: int | None = None,
    tree: Any = None,
    store: str = "",
    window: PeriodWindow | None = None,
) -> StatsTable:
    """:func:`count_table` on an open Ibis backend ``con``: nothing is opened here.

    Why: a release counts several tables from one store; opening the store once and
    counting each table once on the same connection is what keeps a release from
    re-reading the store at every step (issue 12). ``tree`` is the area tree
    (:func:`crimestats.stats.hierarchy.read_tree`), needed with ``area_level``;
    ``store`` is the store's path as written into the metadata. ``window`` cuts the
    incidents to a period window (its basis wins over ``period_basis``; ``con`` may
    also be a :class:`~crimestats.stats.period_window.WindowedStore`); the periods of the
    table that the store's coverage shows as partial are listed in the metadata
    (``partial_periods``, :mod:`crimestats.stats.coverage`) whatever the window.
    """
    coverage = None
    if isinstance(con, WindowedStore):  # a release's store, cut to its period
        con, window, coverage = con.store, con.window, con.coverage
    fields = parse_fields(list(by))
    unit_ = _choice(unit, Unit, "--unit")
    basis = _choice(period_basis, PeriodBasis, "--period-basis")
    if window is not None:
        basis = window.basis
    blocker = rate_blockers(fields) if rate else None
    _check_area_options(fields, rate, area_level, population_year)
    rolled: RolledPopulations | None = None
    if source is not None:
        _check_source(con, source)
    store_con = con
    if window is not None and not window.is_open:
        con = WindowedStore(con, window)
    level = None
    if tree is not None and area_level is not None:
        level = prepare_area_level(tree, con, area_level, source)
    extra = {}
    if rate and blocker is None:
        column = PERIOD_COLUMN[basis]
        extra[YEAR_COLUMN] = lambda t: t[column].cast("date").year().cast("int32")
    if not rate and level is None and con is store_con and rolls_up_from_coverage(fields, unit_):
        if coverage is None:
            coverage = source_coverage(store_con, basis, source)
        elif source is not None:
            coverage = tuple(c for c in coverage if c.source == source)
        expr = coverage_counts(coverage, fields, basis)  # no second scan of the incidents
    else:
        expr = count_expr(con, fields, unit_, basis, source, extra, level)
    if rate and blocker is None:
        pops = None
        if level is not None:
            rolled = rolled_populations(con, level, fields, population_year)
            pops = populations_memtable(rolled)
        expr = add_rates(con, expr, fields, pops, population_year)
    expr = expr.order_by(fields)
    arrow = con.to_pyarrow(expr)
    metadata = _metadata(con, fields, unit_, basis, source)
    if window is not None and not window.is_open:
        metadata["period_window"] = window.to_dict()
    partial = _partial_periods(store_con, arrow, fields, basis, source, window, coverage)
    if partial is not None:
        metadata["partial_periods"] = partial
    if level is not None:
        metadata["area_hierarchy"] = placement(con, level, source)
    rows: list[dict[str, Any]] = arrow.to_pylist()
    if rate:
        arrow = _finish_rates(arrow, blocker)
        explain = None
        if rolled is not None and area_level is not None:
            explain = rolled_reason(rolled, area_level, fields, population_year)
        note: RateNote = {
            "per": int(PER),
            "formula": FORMULA,
            "denominator": denominator_text(fields, area_level, population_year),
            "rows_without_rate": sum(1 for r in arrow.to_pylist() if r["rate_per_100k"] is None),
            "reasons": missing_rate_reasons(
                rows if blocker is None else arrow.to_pylist(), fields, explain
            ),
        }
        if rolled is not None:
            note["denominator_basis"] = rolled.basis
        metadata["rate"] = note
    if YEAR_COLUMN in arrow.column_names:
        arrow = arrow.drop_columns([YEAR_COLUMN])
    metadata["rows"] = arrow.num_rows
    metadata["sum_of_counts"] = int(sum(r or 0 for r in arrow.column("count").to_pylist()))
    metadata["columns"] = list(arrow.column_names)
    metadata["store"] = store
    metadata["generated_by"] = _code_version()
    return StatsTable(arrow, dict(metadata))


@cache
def _code_version() -> str:
    """The installed version, read once per process (it reads the package's metadata)."""
    from crimestats.version import code_version

    return code_version()


def _partial_periods(
    con: Any,
    arrow: Any,
    fields: list[str],
    basis: PeriodBasis,
    source: str | None,
    window: PeriodWindow | None,
    coverage: tuple[SourceCoverage, ...] | None = None,
) -> list[PartialPeriodJson] | None:
    """``partial_periods``: the table's periods the store covers only in part, and why.

    Read from the finest period field of the table; ``None`` without a period field.
    ``coverage`` is the store's, if the caller computed it once for several tables.
    """
    # the registry lists the period fields coarsest first (year, quarter, month)
    field = next((f for f in reversed(period_fields()) if f in fields), None)
    if field is None:
        return None
    if coverage is None:
        coverage = source_coverage(con, basis, source)
    elif source is not None:
        coverage = tuple(c for c in coverage if c.source == source)
    bounds = (None, None) if window is None else (window.since, window.until)
    found = partial_periods(field, arrow.column(field).to_pylist(), coverage, bounds)
    return [p.to_dict() for p in found]


def _backend(db: str | os.PathLike[str] | None, backend: str) -> Any:
    """The Ibis backend the expressions run on (a context manager)."""
    if backend == "duckdb":
        from crimestats.storage.reads import ibis_store

        return ibis_store(db)
    if backend == "pyspark":
        from crimestats.storage.spark import parquet_store, spark_store

        if db is not None and Path(db).is_dir():  # a Parquet export, read in place
            return parquet_store(db)
        return spark_store(db)
    from crimestats.errors import UsageError

    raise UsageError(f"unknown backend {backend!r}", hint="use duckdb or pyspark")


def _check_source(con: Any, source: str) -> None:
    from crimestats.errors import NotFoundError

    incidents = con.table("incidents")
    names = sorted(incidents.select("source").distinct().to_pyarrow().column(0).to_pylist())
    if source not in names:
        raise NotFoundError(
            f"no incidents from source {source!r} in the store",
            hint=f"sources in the store: {', '.join(names) or '(none)'}",
        )


def _finish_rates(arrow: Any, blocker: str | None) -> Any:
    """Give every rate table the same two float columns, NULL where they were not joined."""
    import pyarrow as pa

    if blocker is not None:
        nulls = pa.nulls(arrow.num_rows, pa.float64())
        return arrow.append_column("population", nulls).append_column("rate_per_100k", nulls)
    for name in ("population", "rate_per_100k"):
        i = arrow.column_names.index(name)
        arrow = arrow.set_column(i, name, arrow.column(name).cast(pa.float64()))
    cols = [c for c in arrow.column_names if c not in ("population", "rate_per_100k")]
    return arrow.select([*cols, "population", "rate_per_100k"])


def _check_area_options(
    fields: list[str], rate: bool, area_level: str | None, population_year: int | None
) -> None:
    if area_level is not None and "area" not in fields:
        raise UsageError(
            "--area-level needs 'area' in --by",
            hint=f"e.g. --by area,year --area-level {area_level}",
        )
    if population_year is not None and not rate:
        raise UsageError("--population-year applies to rates only", hint="add --rate")


def _metadata(
    con: Any, fields: list[str], unit: Unit, basis: PeriodBasis, source: str | None
) -> StatsMetadata:
    """Unit, period basis, ICCS roll-up gaps and completeness of the fields asked for."""
    has_period = any(FIELDS[f].is_period for f in fields)
    meta: StatsMetadata = {
        "unit": unit.value,
        "unit_definition": UNIT_DEFINITIONS[unit],
        "unit_key": list(UNIT_KEY[unit]),
        "by": fields,
        "source_filter": source,
        "units_in_scope": int(distinct_units(con, unit, source).to_pyarrow().as_py()),
        "counting_rule": "a unit counts once per distinct combination of the fields, so "
        "with offence or victim fields the counts can add up to more than units_in_scope",
        "blank_cells": "a blank (NULL) field value means no value: not recorded, no such "
        "record (e.g. no victim), or an offence not coded that deep in ICCS",
        "period_basis": basis.value,
        "period_date": PERIOD_COLUMN[basis] if has_period else None,
    }
    incidents = con.table("incidents")
    if source is not None:
        incidents = incidents.filter(incidents.source == source)
    if has_period:
        meta["incidents_without_period_date"] = int(
            incidents[PERIOD_COLUMN[basis]].isnull().sum().to_pyarrow().as_py() or 0
        )
    iccs = [f for f in fields if f in ICCS_LENGTH]
    if iccs:
        meta["iccs"] = iccs_notes(con, iccs, source)
    if any(FIELDS[f].record is Record.VICTIM for f in fields) and unit is not Unit.VICTIMS:
        victims = con.table("victims")
        keys = victims.select(v_source=victims.source, v_incident_id=victims.incident_id).distinct()
        without = incidents.anti_join(
            keys,
            [incidents.source == keys.v_source, incidents.incident_id == keys.v_incident_id],
        )
        meta["incidents_without_victim_record"] = int(without.count().to_pyarrow().as_py())
    return meta
