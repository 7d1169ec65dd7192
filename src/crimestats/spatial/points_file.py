"""Points from any CSV file: longitude and latitude columns, and an optional date column.

For analysts whose points are not in the store (``crimestats hotspots --points FILE
--x C --y C [--date C]``). Coordinates are WGS84 degrees. A row whose coordinates are
empty or not numbers is skipped and counted, never guessed; so is a row whose date
cannot be read when a date column is named (dates are ISO, ``YYYY-MM-DD`` first).

Beside :mod:`crimestats.spatial.point_files` (near-repeat's dated points): that reader
refuses a bad value where this one counts and skips it, names columns by number when the
file has no header, and makes the points planar; the two share how a file is opened
(:mod:`crimestats.csv_input`), not what its rows mean, so they stay two modules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from crimestats.csv_input import CsvStream, stream_csv_rows
from crimestats.errors import UsageError
from crimestats.spatial.hotspot_report import Exposure


@dataclass(frozen=True)
class FilePoints:
    """The usable rows of a points file, and how many rows were skipped and why."""

    lons: NDArray[np.float64] = field(repr=False)
    lats: NDArray[np.float64] = field(repr=False)
    dates: NDArray[np.datetime64] | None = field(repr=False)
    rows: int
    without_point: int
    without_date: int


def _opened(path: Path, option: str, columns: Sequence[str], hint_tail: str) -> CsvStream:
    """``path`` found, decoded and parsed as :mod:`crimestats.csv_input` does for every
    small CSV file (its refusals name ``option``), its rows to come one at a time (a
    points file may hold a million); a column missing from the header is bad usage,
    named with the columns there are."""
    stream = stream_csv_rows(path, option=option)
    missing = [c for c in columns if c not in stream.header]
    if missing:
        raise UsageError(
            f"{option} {path} has no column {', '.join(repr(c) for c in missing)}",
            hint="its columns are: " + ", ".join(stream.header) + hint_tail,
        )
    return stream


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_points_file(
    path: Path,
    *,
    x: str,
    y: str,
    date_column: str | None = None,
    since: date | None = None,
    until: date | None = None,
    option: str = "--points",
) -> FilePoints:
    """Read ``path`` (CSV with a header); keep rows in [since, until] when dated.

    ``option`` is what named the file on the command line (``--truth`` for
    ``forecast-audit``'s second layer), for the messages."""
    if (since or until) and date_column is None:
        raise UsageError(
            "--since/--until on a points file need its date column",
            hint="name it with --date COLUMN",
        )
    wanted = [c for c in (x, y, date_column) if c is not None]
    stream = _opened(path, option, wanted, "")
    lons: list[float] = []
    lats: list[float] = []
    days: list[str] = []
    rows = without_point = without_date = 0
    for _line, row in stream.rows:
        rows += 1
        lon, lat = _number(row[x] or ""), _number(row[y] or "")
        if lon is None or lat is None or abs(lat) > 90 or abs(lon) > 180:
            without_point += 1
            continue
        if date_column is not None:
            try:
                day = date.fromisoformat((row[date_column] or "")[:10])
            except ValueError:
                without_date += 1
                continue
            if (since and day < since) or (until and day > until):
                continue
            days.append(day.isoformat())
        lons.append(lon)
        lats.append(lat)
    return FilePoints(
        lons=np.array(lons, dtype=np.float64),
        lats=np.array(lats, dtype=np.float64),
        dates=None if date_column is None else np.array(days, dtype="datetime64[D]"),
        rows=rows,
        without_point=without_point,
        without_date=without_date,
    )


def read_exposure_file(
    path: Path,
    *,
    value: str,
    x: str = "longitude",
    y: str = "latitude",
    option: str = "--exposure",
) -> Exposure:
    """An exposure layer (``Exposure``): WGS84 points with a non-negative ``value`` column
    (``option``: what named the file, as in :func:`read_points_file`)."""
    stream = _opened(path, option, (x, y, value), "; name the value with --exposure-value")
    lons: list[float] = []
    lats: list[float] = []
    values: list[float] = []
    for number, row in stream.rows:
        lon, lat, amount = (_number(row[c] or "") for c in (x, y, value))
        if lon is None or lat is None or amount is None or amount < 0:
            raise UsageError(
                f"{option} {path}, line {number}: {x}, {y} and {value} must be numbers "
                f"({value} not negative)",
                hint="fix or drop that row",
            )
        lons.append(lon)
        lats.append(lat)
        values.append(amount)
    return Exposure(np.array(lons), np.array(lats), np.array(values))


__all__ = ["FilePoints", "read_exposure_file", "read_points_file"]
