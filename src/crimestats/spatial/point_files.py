"""Dated points for the near-repeat test: read from a CSV file, made planar in metres.

Distances are taken on a plane, so coordinates must be metric before any band is
applied. ``--crs`` names the file's CRS (an EPSG code): a projected CRS is used as it is
(scaled to metres if its unit is the foot), a geographic one (EPSG:4326, columns lon/lat)
is projected to the UTM zone of the points' centre. Without ``--crs`` the coordinates
are taken as planar already, in the unit of the space bands.

The file is found, decoded and parsed by :mod:`crimestats.csv_input`, as every small
CSV file named on the command line is (hotspots' points reader,
:mod:`crimestats.spatial.points_file`, too; what a row means differs).

The projection here is a small step on pyproj (UTM zone of the points' median); the
package's shared projection module, written beside this one in the same session, is meant
to take its place once both are merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from crimestats.csv_input import csv_records
from crimestats.errors import FileRefusedError, UsageError


@dataclass(frozen=True)
class DatedPoints:
    """Planar coordinates (metres, or the file's own unit) and whole days, one per event."""

    x: NDArray[np.float64] = field(repr=False)
    y: NDArray[np.float64] = field(repr=False)
    days: NDArray[np.int64] = field(repr=False)
    skipped: int = 0
    crs: str | None = None


def _column(header: list[str] | None, name: str, option: str, path: Path) -> int:
    if header is None:
        try:
            position = int(name)
        except ValueError:
            raise UsageError(
                f"{option} {name!r}: with --no-header give a column number (1 = first)",
                hint=f"e.g. {option} 1",
            ) from None
        if position < 1:
            raise UsageError(f"{option}: column numbers start at 1", hint=f"e.g. {option} 1")
        return position - 1
    if name not in header:
        raise UsageError(
            f"{path}: no column {name!r} (for {option})",
            hint=f"columns are: {', '.join(header)}; or use --no-header with column numbers",
        )
    return header.index(name)


def read_dated_points(
    path: Path, x: str, y: str, date: str, *, header: bool = True
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64], int]:
    """``(x, y, days, skipped)``: rows with an empty field are skipped and counted; a
    value that is there but unreadable refuses the file with its line number."""
    records = list(csv_records(path))  # refused as every small CSV file is
    if not records or (header and len(records) < 2):
        raise FileRefusedError(
            str(path), "file-empty", "holds no points", hint="give a CSV with one event a row"
        )
    names = [c.strip() for c in records[0][1]] if header else None
    body = records[1:] if header else records
    wanted = ((x, "--x"), (y, "--y"), (date, "--date"))
    cols = [_column(names, name, opt, path) for name, opt in wanted]
    xs, ys, ds, skipped = [], [], [], 0
    for number, row in body:
        values = [row[c].strip() if c < len(row) else "" for c in cols]
        if any(v == "" for v in values):
            skipped += 1
            continue
        try:
            xs.append(float(values[0]))
            ys.append(float(values[1]))
            ds.append(np.datetime64(values[2].replace("/", "-")[:10], "D"))
        except ValueError:
            raise FileRefusedError(
                str(path), "point-value-bad", f"line {number}: {values!r} is not x, y, date",
                hint="coordinates are numbers, dates YYYY-MM-DD (a time after it is ignored)",
            ) from None  # fmt: skip
    x_arr, y_arr = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    if not (np.isfinite(x_arr).all() and np.isfinite(y_arr).all()):
        raise FileRefusedError(
            str(path), "point-value-bad", "some coordinates are not finite", hint="drop them"
        )
    days = np.asarray(ds, dtype="datetime64[D]").astype(np.int64)
    return x_arr, y_arr, days, skipped


def to_metres(
    x: NDArray[np.float64], y: NDArray[np.float64], crs: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
    """Planar metres from coordinates in ``crs``; returns the metric CRS used."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    from crimestats.spatial.projection import WGS84_EPSG, project

    try:
        source = CRS.from_user_input(f"EPSG:{crs}" if crs.isdigit() else crs)
    except CRSError:
        raise UsageError(
            f"--crs {crs!r} is not a known CRS", hint="give an EPSG code, e.g. 4326"
        ) from None
    if source.is_geographic:
        if x.size == 0:
            return x, y, "none"
        if source.to_epsg() != WGS84_EPSG:  # another datum: to WGS84 first
            x, y = (
                np.asarray(v, dtype=np.float64)
                for v in Transformer.from_crs(source, WGS84_EPSG, always_xy=True).transform(x, y)
            )
        projected = project(x, y)  # the UTM zone of the points, as hotspots projects them
        return projected.x, projected.y, f"EPSG:{projected.epsg}"
    factor = source.axis_info[0].unit_conversion_factor if source.axis_info else 1.0
    return x * factor, y * factor, source.to_string()


__all__ = ["DatedPoints", "read_dated_points", "to_metres"]
