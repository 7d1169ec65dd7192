"""Readers of SaTScan's input files: cases, population and coordinates.

The formats are SaTScan's (SaTScan User Guide v9.6, "Input data"), so that a study set
up for SaTScan runs here unchanged: whitespace- (or comma-) separated, one record a line,
no header, ``//`` or ``#`` starting a comment line.

* case file: ``location_id cases [date]`` (the date is a year, ``YYYY/MM`` or
  ``YYYY/MM/DD``, read as an ISO label of :mod:`crimestats.spatial.periods`; needed by
  the space-time scan);
* population file: ``location_id year population`` (several years of one location
  are averaged for the purely spatial scan, as SaTScan's "population, averaged over
  time");
* coordinates file: ``location_id x y`` (Cartesian) or ``location_id latitude longitude``.

A bad line refuses the whole file with its line number (nothing half read).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from crimestats.errors import FileRefusedError, NotFoundError
from crimestats.spatial.periods import iso_period


@dataclass(frozen=True)
class CaseRecord:
    location: str
    cases: int
    period: str | None


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    if not path.exists():
        raise NotFoundError(f"{path}: no such file", hint="check the path")
    if path.is_dir():
        raise FileRefusedError(str(path), "file-is-folder", "is a folder", hint="give a file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefusedError(
            str(path), "file-not-utf8", "is not UTF-8 text", hint="save it as UTF-8"
        ) from None
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("//", "#")):
            continue
        out.append((number, stripped.replace(",", " ").split()))
    if not out:
        raise FileRefusedError(str(path), "file-empty", "holds no records", hint="check the file")
    return out


def _bad(path: Path, number: int, what: str) -> FileRefusedError:
    return FileRefusedError(
        str(path), "satscan-line-bad", f"line {number}: {what}",
        hint="see the SaTScan file formats in docs/spatial-nearrepeat-scan.md",
    )  # fmt: skip


MAX_VALUE = 2.0**53
"""The largest count, population or coordinate read: beyond it a float no longer holds
every whole number, and sums and squared distances of such values overflow (a
``1e308`` is a broken export, not a count)."""


def _number(path: Path, number: int, text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _bad(path, number, f"{what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise _bad(path, number, f"{what} {text!r} is not a finite number")
    if abs(value) > MAX_VALUE:
        raise _bad(path, number, f"{what} {text!r} is larger than 2**53")
    return value


def read_cases(path: Path) -> list[CaseRecord]:
    """``location_id cases [date]`` lines; counts must be whole and not negative."""
    records = []
    for number, parts in _lines(path):
        if len(parts) < 2:
            raise _bad(path, number, "expected 'location_id cases [date]'")
        value = _number(path, number, parts[1], "case count")
        if value < 0 or not value.is_integer():
            raise _bad(path, number, f"case count {parts[1]!r} is not a whole number >= 0")
        period = None
        if len(parts) > 2:
            period = iso_period(parts[2])
            if period is None:
                raise _bad(path, number, f"date {parts[2]!r} is not YYYY, YYYY/MM or YYYY/MM/DD")
        records.append(CaseRecord(parts[0], int(value), period))
    return records


def read_population(path: Path) -> dict[str, dict[str, float]]:
    """``{location: {year: population}}`` from ``location_id year population`` lines."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for number, parts in _lines(path):
        if len(parts) < 3:
            raise _bad(path, number, "expected 'location_id year population'")
        value = _number(path, number, parts[2], "population")
        if value < 0:
            raise _bad(path, number, f"population {parts[2]!r} is negative")
        out[parts[0]][parts[1]] = out[parts[0]].get(parts[1], 0.0) + value
    return dict(out)


def read_coordinates(path: Path) -> dict[str, tuple[float, float]]:
    """``{location: (first, second)}`` from ``location_id x y`` (or ``lat lon``) lines."""
    out: dict[str, tuple[float, float]] = {}
    for number, parts in _lines(path):
        if len(parts) < 3:
            raise _bad(path, number, "expected 'location_id x y' (or 'location_id lat lon')")
        if parts[0] in out:
            raise _bad(path, number, f"location {parts[0]!r} is given twice")
        out[parts[0]] = (
            _number(path, number, parts[1], "coordinate"),
            _number(path, number, parts[2], "coordinate"),
        )
    return out


def mean_population(by_year: dict[str, dict[str, float]]) -> dict[str, float]:
    """Each location's population averaged over the years given for it."""
    return {loc: sum(years.values()) / len(years) for loc, years in by_year.items()}


__all__ = ["CaseRecord", "mean_population", "read_cases", "read_coordinates", "read_population"]
