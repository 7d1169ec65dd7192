"""Read a published count series from a CSV file (``trends --series``).

Why: a method is checked on data whose answer is published (the Nile's break after
1898), and a user may want the trends of a series that is not in the store. The alerts
reader (``watch/series_file.py``) reads the same files for R's ``surveillance`` methods,
which also take numbered periods; both open and check the file through
:mod:`crimestats.csv_input`.

The file has a header; ``date_column`` holds the period of each row, written as a year
(``1898``, also ``1898.0`` as R and pandas export it), a quarter (``2024-Q1``), an ISO
week (``2024-W03``), a month (``2024-03``) or a day (``2024-03-01``, the start of the
period). ``count_column`` holds whole numbers. The frequency is that of the labels, or
for days the one given (``--freq``) or the one the spacing shows (7 days: weeks). Every
period from the first to the last must be present once: a missing period is unknown,
not zero, so it is refused with its name rather than filled.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

from crimestats.csv_input import read_csv_rows, whole_count
from crimestats.errors import UsageError
from crimestats.watch.series import CountSeries, Freq, next_start, period_label, period_start

_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _parse(text: str) -> tuple[dt.date, Freq | None]:
    """The start of the period written ``text``, and the frequency its form implies."""
    value = text.strip()
    if m := _YEAR.match(value):
        return dt.date(int(m[1]), 1, 1), Freq.YEAR
    if m := _QUARTER.match(value):
        return dt.date(int(m[1]), 3 * int(m[2]) - 2, 1), Freq.QUARTER
    if m := _WEEK.match(value):
        return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1), Freq.WEEK
    if m := _MONTH.match(value):
        return dt.date(int(m[1]), int(m[2]), 1), Freq.MONTH
    return dt.date.fromisoformat(value[:10]), None


def _spacing(days: list[dt.date]) -> Freq:
    gaps = {(b - a).days for a, b in itertools.pairwise(days)}
    if gaps and gaps <= {7}:
        return Freq.WEEK
    if gaps and gaps <= set(range(28, 32)):
        return Freq.MONTH
    if gaps and gaps <= set(range(89, 93)):
        return Freq.QUARTER
    if gaps and gaps <= {365, 366}:
        return Freq.YEAR
    raise UsageError(
        "cannot tell the frequency of the series from its dates",
        hint="pass --freq week|month|quarter|year",
    )


def read_series_csv(
    path: str | Path, date_column: str, count_column: str, freq: str | Freq | None = None
) -> CountSeries:
    """The series in the CSV file ``path`` (one row per period; see the module doc)."""
    file = Path(path)
    table = read_csv_rows(
        file,
        option="--series",
        chosen={"--date-column": date_column, "--count-column": count_column},
    )
    rows = [(r[date_column] or "", r[count_column] or "", line) for line, r in table]
    if not rows:
        raise UsageError(f"{file} has no rows", hint="give one row per period")
    parsed = []
    for date_text, count_text, line in rows:
        try:
            start, implied = _parse(date_text)
        except ValueError:
            raise UsageError(
                f"line {line}: {date_column} {date_text!r} is not a period",
                hint="write 2024, 2024-Q1, 2024-W03, 2024-03 or 2024-03-01",
            ) from None
        count = whole_count(count_text, path=file, where=f"line {line}: {count_column}")
        parsed.append((start, implied, count, line))
    implied_freqs = {p[1] for p in parsed}
    if len(implied_freqs) > 1:
        raise UsageError(f"{file}: the periods of {date_column} are written in several forms",
                         hint="write every period the same way")  # fmt: skip
    wanted = Freq(freq) if freq is not None else None
    found = implied_freqs.pop()
    if found is not None and wanted is not None and wanted is not found:
        raise UsageError(
            f"--freq {wanted.value} but {date_column} holds {found.value}s",
            hint=f"leave --freq out or pass --freq {found.value}",
        )
    the_freq = wanted or found or _spacing(sorted(p[0] for p in parsed))
    counts: dict[dt.date, int] = {}
    for start, _, count, line in parsed:
        key = period_start(start, the_freq)
        if key in counts:
            raise UsageError(
                f"line {line}: period {period_label(key, the_freq)} is given twice",
                hint="give one row per period",
            )
        counts[key] = count
    starts = [min(counts)]
    while starts[-1] < max(counts):
        starts.append(next_start(starts[-1], the_freq))
    gap = next((s for s in starts if s not in counts), None)
    if gap is not None:
        raise UsageError(
            f"{file}: period {period_label(gap, the_freq)} is missing",
            hint="give every period from the first to the last (0 where nothing was counted)",
        )
    return CountSeries(
        group=(),
        freq=the_freq,
        starts=tuple(starts),
        counts=tuple(counts[s] for s in starts),
        partial=(None,) * len(starts),
    )
