"""Where the near-repeat test's events come from: a points file or the store.

Both give :class:`~crimestats.spatial.point_files.DatedPoints`: planar coordinates and
whole days, nothing else (no incident id leaves the store), ready for
:func:`crimestats.spatial.knox.knox_test`.
"""

from __future__ import annotations

import os
from pathlib import Path

from crimestats.errors import UsageError
from crimestats.spatial.point_files import DatedPoints, read_dated_points, to_metres
from crimestats.spatial.selection import iccs_field

DATE_BASES = ("occurred", "reported")


def points_from_file(
    path: Path, *, x: str, y: str, date: str, crs: str | None, header: bool = True
) -> DatedPoints:
    """Points of a CSV file, projected to metres when ``crs`` is given."""
    xs, ys, days, skipped = read_dated_points(path, x, y, date, header=header)
    used = None
    if crs is not None:
        xs, ys, used = to_metres(xs, ys, crs)
    return DatedPoints(x=xs, y=ys, days=days, skipped=skipped, crs=used)


def points_from_store(
    db: str | os.PathLike[str] | None,
    *,
    iccs: str | None,
    source: str | None,
    date_basis: str,
) -> DatedPoints:
    """The store's incidents with a point and a date, projected to their UTM zone."""
    from crimestats.storage.spatial_reads import dated_points

    if iccs is not None:
        iccs_field(iccs)  # a code of a level, checked before the store is opened
    if date_basis not in DATE_BASES:
        raise UsageError(
            f"--date-basis {date_basis!r} is not known", hint=f"use one of: {', '.join(DATE_BASES)}"
        )
    found = dated_points(db, iccs=iccs, source=source, date_basis=date_basis)
    if found.selected == 0:
        wanted = [f"ICCS code {iccs} (or below it)"] if iccs else []
        wanted += [f"source {source!r}"] if source else []
        raise UsageError(
            "the store holds no incident" + (f" with {' and '.join(wanted)}" if wanted else "s"),
            hint="check the code (crimestats iccs search WORD) and the source "
            "(crimestats sources), or load data first (crimestats ingest)",
        )
    if found.lats.size < 2:
        raise UsageError(
            f"{found.lats.size} of the {found.selected:,} selected incidents have both a point "
            f"and a date ({date_basis}); the Knox test needs at least 2",
            hint="try --date-basis reported, or load incidents with coordinates",
        )
    xs, ys, used = to_metres(found.lons, found.lats, "4326")
    return DatedPoints(x=xs, y=ys, days=found.days, skipped=found.without_point_or_date, crs=used)


__all__ = ["DATE_BASES", "points_from_file", "points_from_store"]
