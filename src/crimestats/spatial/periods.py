"""Period labels of the space-time scan: read from SaTScan dates, and made complete.

Why: a prospective cylinder is "the last k periods", so the periods must be every period
of the study in time order, including those in which nothing happened, or a quiet month
would silently vanish from the window. Labels are ISO-like text that sorts in time order:
``YYYY`` (year), ``YYYY-Qn`` (quarter), ``YYYY-MM`` (month) or ``YYYY-MM-DD`` (day).
SaTScan writes dates as ``YYYY``, ``YYYY/M`` or ``YYYY/M/D``; :func:`iso_period` turns
them into these labels.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_SATSCAN = re.compile(r"^(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def iso_period(text: str) -> str | None:
    """``"2000/1/5"`` -> ``"2000-01-05"``, ``"2016/3"`` -> ``"2016-03"``, ``"2000"`` stays;
    a quarter label ``2024-Q2`` stays; None when the text is no such date.

    >>> iso_period("2000/1/5"), iso_period("2016/3"), iso_period("2024-Q2"), iso_period("May")
    ('2000-01-05', '2016-03', '2024-Q2', None)
    """
    text = text.strip()
    if _QUARTER.match(text):
        return text
    found = _SATSCAN.match(text)
    if found is None:
        return None
    year, month, day = found.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        return None
    if day is None:
        return f"{year}-{int(month):02d}"
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _next(label: str) -> str:
    if len(label) == 4:
        return str(int(label) + 1)
    if _QUARTER.match(label):
        year, quarter = int(label[:4]), int(label[-1])
        return f"{year + quarter // 4}-Q{quarter % 4 + 1}"
    if len(label) == 7:
        year, month = int(label[:4]), int(label[5:])
        return f"{year + month // 12}-{month % 12 + 1:02d}"
    return (date.fromisoformat(label) + timedelta(days=1)).isoformat()


def _kind(label: str) -> str:
    return "quarter" if _QUARTER.match(label) else str(len(label))


def complete_periods(labels: set[str], limit: int = 100_000) -> tuple[str, ...] | None:
    """Every period from the first label to the last, or None if the labels mix kinds.

    >>> complete_periods({"2024-11", "2025-02"})
    ('2024-11', '2024-12', '2025-01', '2025-02')
    """
    if not labels or len({_kind(label) for label in labels}) != 1:
        return None
    first, last = min(labels), max(labels)
    out = [first]
    while out[-1] < last and len(out) < limit:
        out.append(_next(out[-1]))
    return tuple(out)


__all__ = ["complete_periods", "iso_period"]
