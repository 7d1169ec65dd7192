"""Read a count series from a CSV file (``crimestats alerts --series FILE.csv``).

Why a file mode: a method is only trusted once it reproduces published results, and those
are published on count series (weekly notifications, monthly crimes), not on our store.
One row per period: a date column (ISO dates ``2024-03-04``, months ``2024-03``, or whole
period numbers ``1, 2, 3...`` as in R's ``disProg``) and a count column. Weekly or
monthly is read from the spacing of the dates; every period must be present (a missing
week is not a zero week: the file must say 0).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from crimestats.csv_input import read_csv_rows, whole_count
from crimestats.errors import FileRefusedError, UsageError
from crimestats.watch.surveillance.result import MONTHLY, WEEKLY, CountSeries


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
    table = read_csv_rows(
        path,
        option="--series",
        chosen={"--date-column": date_column, "--count-column": count_column},
    )
    keys: list[date | int] = []
    counts: list[float] = []
    for line, row in table:
        key = _parse_date(row[date_column] or "")
        if key is None:
            raise FileRefusedError(
                str(path),
                "date-unparseable",
                f"line {line}: {row[date_column]!r} is not a date",
                hint="write dates as 2024-03-04, months as 2024-03, or period numbers",
            )
        keys.append(key)
        count = whole_count(row[count_column] or "", path=path, where=f"line {line}: count")
        counts.append(float(count))
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
