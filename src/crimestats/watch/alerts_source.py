"""Where the store run gets its series: :func:`crimestats.watch.series.store_series`.

Until that module (helper "trends") is merged, a small stand-in counts monthly series
with ``crimestats stats`` (``count_table`` by the ``by`` fields and ``month``), fills
missing months with zeros and marks as partial the month in which the store's data end
(unless they end on its last day). Weekly series need the real module.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from crimestats.errors import UsageError


@dataclass(frozen=True)
class MonthlySeries:
    """A stand-in store series with the attributes :class:`alerts.StoreSeries` reads."""

    group: tuple[tuple[str, object], ...]
    starts: tuple[date, ...]
    counts: tuple[int, ...]
    partial: tuple[str | None, ...]

    @property
    def name(self) -> str:
        if not self.group:
            return "all"
        return ", ".join(f"{k}={'' if v is None else v}" for k, v in self.group)


def load_store_series(
    db: str | os.PathLike[str] | None, by: Sequence[str], freq: str
) -> Sequence[Any]:
    """The store's series by ``by`` at ``freq``: from ``watch.series`` when present."""
    try:
        from crimestats.watch import series as series_module  # type: ignore[attr-defined]
    except ImportError:
        return _stand_in(db, by, freq)
    return tuple(series_module.store_series(db, by=list(by), freq=freq))


def _stand_in(db: str | os.PathLike[str] | None, by: Sequence[str], freq: str) -> Sequence[Any]:
    from crimestats.stats.engine import count_table
    from crimestats.storage.store import open_store

    if freq != "month":
        raise UsageError(
            "weekly store series are not available in this build", hint="use --freq month"
        )
    fields = [f for item in by for f in item.split(",") if f]
    rows = count_table(db, by=[*fields, "month"]).rows()
    with open_store(db, read_only=True) as con:
        found = con.execute("SELECT max(reported_date) FROM incidents").fetchone()
    last_day = found[0] if found else None
    if not rows or last_day is None:
        return ()
    months = sorted({r["month"] for r in rows if r["month"]})
    first = date.fromisoformat(months[0] + "-01")
    last = date.fromisoformat(months[-1] + "-01")
    starts: list[date] = []
    current = first
    while current <= last:
        starts.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    end_of_month = calendar.monthrange(last_day.year, last_day.month)[1]
    reason = (
        None
        if last_day.day == end_of_month
        else f"the store's data end on {last_day.isoformat()}, before the month ends"
    )
    partial = tuple(reason if s == last else None for s in starts)
    index = {s.strftime("%Y-%m"): i for i, s in enumerate(starts)}
    groups: dict[tuple[object, ...], list[int]] = {}
    for r in rows:
        if not r["month"]:
            continue
        key = tuple(r[f] for f in fields)
        groups.setdefault(key, [0] * len(starts))[index[r["month"]]] += int(r["count"])
    return tuple(
        MonthlySeries(tuple(zip(fields, key, strict=True)), tuple(starts), tuple(counts), partial)
        for key, counts in sorted(groups.items(), key=lambda kv: tuple(str(v) for v in kv[0]))
    )
