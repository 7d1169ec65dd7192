"""Incident points for hotspot analysis: filtered by ICCS code, source and report date.

Why here and not in :mod:`crimestats.storage.points`: the release maps read every
point grouped by source and year; hotspot analysis (``crimestats hotspots``,
``forecast-evaluate``) reads one selection with its dates. Both share the rule of a
usable point (present, finite, in WGS84 range).

An incident is selected by ``iccs`` when any of its offences has an ICCS code that
starts with the given code (``0401`` selects ``0401`` and ``040101``...): the
hierarchy of the classification. Dates are report dates (``reported_date``), as in
the standard tables; ``since`` and ``until`` are inclusive.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import NotFoundError
from crimestats.storage.points import USABLE_POINT
from crimestats.storage.store import open_store, resolve_db_path


@dataclass(frozen=True)
class SelectedPoints:
    """The selected incidents' points and report dates, and how many had no point."""

    lons: NDArray[np.float64] = field(repr=False)
    lats: NDArray[np.float64] = field(repr=False)
    dates: NDArray[np.datetime64] = field(repr=False)
    selected: int
    without_point: int


def point_filter(
    *,
    iccs: str | None = None,
    source: str | None = None,
    since: date | None = None,
    until: date | None = None,
    day: str = "i.reported_date",
) -> tuple[str, list[object]]:
    """The SQL condition (on ``incidents i``) and parameters of a selection of incidents:
    one declaration of what ``--iccs``, ``--source``, ``--since`` and ``--until`` mean for
    every spatial command (hotspots, near repeats, scans). ``day`` is the date compared."""
    where: list[str] = ["TRUE"]
    params: list[object] = []
    if source is not None:
        where.append("i.source = ?")
        params.append(source)
    if since is not None:
        where.append(f"{day} >= ?")
        params.append(since)
    if until is not None:
        where.append(f"{day} <= ?")
        params.append(until)
    if iccs is not None:
        where.append(
            "EXISTS (SELECT 1 FROM offences o WHERE o.source = i.source "
            "AND o.incident_id = i.incident_id AND starts_with(o.iccs_code, ?))"
        )
        params.append(iccs)
    return " AND ".join(where), params


def selected_points(
    db: str | os.PathLike[str] | None,
    *,
    iccs: str | None = None,
    source: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> SelectedPoints:
    """The points of the incidents matching every filter given (see the module docstring)."""
    path = resolve_db_path(db)
    condition, params = point_filter(iccs=iccs, source=source, since=since, until=until)
    usable = USABLE_POINT.replace("lat", "i.lat").replace("lon", "i.lon")
    with open_store(path, read_only=True) as con:
        if source is not None:
            known = con.execute(
                "SELECT count(*) FROM incidents WHERE source = ?", [source]
            ).fetchone()
            if not known or int(known[0]) == 0:
                names = [
                    str(r[0])
                    for r in con.execute("SELECT DISTINCT source FROM incidents").fetchall()
                ]
                raise NotFoundError(
                    f"the store has no incidents of source {source!r}",
                    hint="sources in the store: " + (", ".join(sorted(names)) or "none"),
                )
        counts = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {usable}) FROM incidents i WHERE {condition}",
            params,
        ).fetchone()
        arrays = con.execute(
            f"SELECT i.lon, i.lat, i.reported_date FROM incidents i "
            f"WHERE {condition} AND {usable} ORDER BY i.reported_date, i.lat, i.lon",
            params,
        ).fetchnumpy()
    total, usable_n = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    return SelectedPoints(
        lons=np.asarray(arrays["lon"], dtype=np.float64),
        lats=np.asarray(arrays["lat"], dtype=np.float64),
        dates=np.asarray(arrays["reported_date"]).astype("datetime64[D]"),
        selected=total,
        without_point=total - usable_n,
    )


__all__ = ["SelectedPoints", "selected_points"]
