"""Read a count series from a CSV file (``crimestats alerts --series FILE.csv``).

Why a file mode: a method is only trusted once it reproduces published results, and those
are published on count series (weekly notifications, monthly crimes), not on our store.
One row per period: a date column (ISO dates ``2024-03-04``, months ``2024-03``, or whole
period numbers ``1, 2, 3...`` as in R's ``disProg``) and a count column. Weekly or
monthly is read from the spacing of the dates; every period must be present (a missing
week is not a zero week: the file must say 0).
"""

from __future__ import annotations

import csv
import itertools
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from crimestats.errors import FileRefusedError, NotFoundError, UsageError
from crimestats.watch.surveillance.result import MONTHLY, WEEKLY, CountSeries

MAX_COUNT = 2**53
"""The largest count read: beyond it a float no longer holds every whole number, and
no period of crime has that many cases (``1e308`` is a broken export, not a count)."""


def _parse_date(text: str) -> date | int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        if len(text) == 7:  # 2024-03
            return date.fromisoformat(text + "-01")
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _frequency(dates: list[date], path: str) -> int:
    gaps = {(b - a).days for a, b in itertools.pairwise(dates)}
    if gaps <= {7}:
        return WEEKLY
    if gaps <= {28, 29, 30, 31} and all(d.day == dates[0].day for d in dates):
        missing = [
            b
            for a, b in itertools.pairwise(dates)
            if (b.year * 12 + b.month) - (a.year * 12 + a.month) != 1
        ]
        if not missing:
            return MONTHLY
    raise FileRefusedError(
        path,
        "series-not-regular",
        "the dates are neither consecutive weeks nor consecutive months",
        hint="one row per week (7 days apart) or per month, sorted, with 0 for a period "
        "without cases",
    )


def read_series(
    path: Path, date_column: str, count_column: str, frequency: int | None = None
) -> CountSeries:
    """The series in ``path``; ``frequency`` (52 or 12) only for numbered periods."""
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file", hint="give the path of a CSV file")
    try:
        return _read(path, date_column, count_column, frequency)
    except UnicodeDecodeError as exc:
        raise FileRefusedError(
            str(path),
            "not-utf8",
            f"byte {exc.start} is not UTF-8 text",
            hint="save the file as UTF-8 CSV",
        ) from None


def _read(path: Path, date_column: str, count_column: str, frequency: int | None) -> CountSeries:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        twice = sorted({c for c in columns if columns.count(c) > 1} & {date_column, count_column})
        if twice:
            raise FileRefusedError(
                str(path),
                "column-repeated",
                f"the header names column {twice[0]!r} more than once",
                hint="give each column of the header a distinct name",
            )
        for option, column in (("--date-column", date_column), ("--count-column", count_column)):
            if column not in columns:
                raise UsageError(
                    f"{path}: no column {column!r} for {option}",
                    hint=f"the columns are: {', '.join(columns)}",
                )
        keys: list[date | int] = []
        counts: list[float] = []
        for line, row in enumerate(reader, start=2):
            key = _parse_date(row[date_column] or "")
            raw = (row[count_column] or "").strip()
            if key is None:
                raise FileRefusedError(
                    str(path),
                    "date-unparseable",
                    f"line {line}: {row[date_column]!r} is not a date",
                    hint="write dates as 2024-03-04, months as 2024-03, or period numbers",
                )
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if not math.isfinite(value) or value < 0 or value > MAX_COUNT or not value.is_integer():
                raise FileRefusedError(
                    str(path),
                    "count-invalid",
                    f"line {line}: count {raw!r} is not a whole number from 0 to 2**53",
                    hint="write 0 for a period without cases",
                )
            keys.append(key)
            counts.append(value)
    if len(keys) < 2:
        raise FileRefusedError(str(path), "series-too-short", "fewer than 2 periods")
    order = np.argsort(np.array([k if isinstance(k, int) else k.toordinal() for k in keys]))
    keys = [keys[i] for i in order]
    values = np.array(counts)[order]
    name = f"{path.name}:{count_column}"
    if all(isinstance(k, int) for k in keys):
        if frequency not in (WEEKLY, MONTHLY):
            raise UsageError(
                f"{path}: periods are numbered, not dated, so weekly or monthly is unknown",
                hint="add --frequency 52 (weekly) or --frequency 12 (monthly)",
            )
        numbers = [int(k) for k in keys if isinstance(k, int)]
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            raise FileRefusedError(str(path), "series-not-regular", "period numbers skip or repeat")
        start = date(2001, 1, 1)
        step = timedelta(weeks=1) if frequency == WEEKLY else timedelta(days=31)
        dates = tuple(start + i * step for i in range(len(numbers)))
        return CountSeries(
            dates, values, frequency, name=name, dated=False, first_number=numbers[0]
        )
    if any(isinstance(k, int) for k in keys):
        raise FileRefusedError(str(path), "date-unparseable", "dates and period numbers are mixed")
    dated = [k for k in keys if isinstance(k, date)]
    return CountSeries(tuple(dated), values, _frequency(dated, str(path)), name=name)
