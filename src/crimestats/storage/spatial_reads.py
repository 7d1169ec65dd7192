"""What the near-repeat test and the scan statistic read from the store (issue 15).

Why here: only ``crimestats.storage`` knows DuckDB. Both reads return aggregates or bare
coordinate arrays, never an incident id: the near-repeat test needs where and when,
the scan needs counts per area (and period) and the areas' populations.

* a usable point is as in :mod:`crimestats.storage.points` (lat/lon present, finite, in
  range); its date is the day of ``occurred_start`` (``date_basis="occurred"``, when the
  crime happened, which is what near repeats are about) or of ``reported_date``;
* ``iccs`` keeps incidents with at least one offence coded to that ICCS code or below it
  (a prefix: ``0501`` holds ``05011``); each incident counts once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from crimestats.storage.points import USABLE_POINT
from crimestats.storage.spatial_points import point_filter
from crimestats.storage.store import open_store, resolve_db_path


@dataclass(frozen=True)
class StorePoints:
    """WGS84 points with their day (days since 1970-01-01), and how many were left out."""

    lats: NDArray[np.float64] = field(repr=False)
    lons: NDArray[np.float64] = field(repr=False)
    days: NDArray[np.int64] = field(repr=False)
    selected: int
    without_point_or_date: int


def _selection(iccs: str | None, source: str | None) -> tuple[str, list[object]]:
    return point_filter(iccs=iccs, source=source)


def _date(date_basis: str) -> str:
    return "CAST(i.occurred_start AS DATE)" if date_basis == "occurred" else "i.reported_date"


def dated_points(
    db: str | os.PathLike[str] | None,
    *,
    iccs: str | None = None,
    source: str | None = None,
    date_basis: str = "occurred",
) -> StorePoints:
    """The selected incidents' points and days (no ids), in a fixed order."""
    where, params = _selection(iccs, source)
    date = _date(date_basis)
    with open_store(resolve_db_path(db), read_only=True) as con:
        total = con.execute(f"SELECT count(*) FROM incidents i WHERE {where}", params).fetchone()
        arrays = con.execute(
            f"SELECT lat, lon, d FROM (SELECT i.lat, i.lon, CAST({date} AS DATE) AS d "
            f"FROM incidents i WHERE {where}) WHERE {USABLE_POINT} AND d IS NOT NULL "
            "ORDER BY d, lat, lon",
            params,
        ).fetchnumpy()
    lats = np.asarray(arrays["lat"], dtype=np.float64)
    days = np.asarray(arrays["d"]).astype("datetime64[D]").astype(np.int64)
    selected = int(total[0]) if total else 0
    return StorePoints(
        lats=lats, lons=np.asarray(arrays["lon"], dtype=np.float64), days=days,
        selected=selected, without_point_or_date=selected - int(lats.size),
    )  # fmt: skip


def area_case_counts(
    db: str | os.PathLike[str] | None,
    *,
    iccs: str | None = None,
    source: str | None = None,
    period: str | None = None,
    date_basis: str = "reported",
) -> list[tuple[str, str | None, int]]:
    """``(area_code, period or None, incidents)`` for incidents with an area, sorted.

    Periods are the registered period fields of :mod:`crimestats.stats.fields` (the same
    labels ``stats --by area,month`` prints), counted through Ibis on the store.
    """
    import ibis

    from crimestats.stats.fields import FIELDS, PERIOD_COLUMN, PeriodBasis
    from crimestats.storage.reads import ibis_store

    basis = PeriodBasis(date_basis)
    with ibis_store(db) as con:
        t = con.table("incidents")
        if source is not None:
            t = t.filter(t.source == source)
        if iccs is not None:
            off = con.table("offences")
            coded = off.filter(off.iccs_code.startswith(iccs)).select("source", "incident_id")
            t = t.semi_join(coded.distinct(), ["source", "incident_id"])
        t = t.filter(t.area_code.notnull() & t[PERIOD_COLUMN[basis]].notnull())
        label = (
            FIELDS[period].expression(t, basis).cast("string")
            if period
            else ibis.null().cast("string")
        )
        counted = (
            t.group_by([t.area_code.name("a"), label.name("p")])
            .aggregate(n=t.count())
            .order_by(["a", "p"])
        )
        rows = counted.to_pyarrow().to_pylist()
    return [(str(r["a"]), None if r["p"] is None else str(r["p"]), int(r["n"])) for r in rows]


def area_total_populations(db: str | os.PathLike[str] | None) -> dict[str, dict[int, float]]:
    """``{area_code: {year: population}}`` of total rows (no sex, no age group)."""
    with open_store(resolve_db_path(db), read_only=True) as con:
        rows = con.execute(
            "SELECT area_code, year, sum(population) FROM populations "
            "WHERE sex IS NULL AND age_group IS NULL GROUP BY ALL ORDER BY 1, 2"
        ).fetchall()
    out: dict[str, dict[int, float]] = {}
    for area, year, population in rows:
        out.setdefault(str(area), {})[int(year)] = float(population)
    return out


__all__ = ["StorePoints", "area_case_counts", "area_total_populations", "dated_points"]
