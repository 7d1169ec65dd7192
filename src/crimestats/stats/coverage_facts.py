"""What the store holds of each source on a period basis: the facts the coverage rule reads.

Why a module of its own: :mod:`crimestats.stats.coverage` states the rule (which periods
are partial, and why); this module holds the facts it reads (each source's months, its
late reports, the edges of its data) and the one grouped scan of the incidents that
gathers them (:func:`scan_coverage`). :mod:`crimestats.stats.coverage_cache` keeps the
scan's result per store state, so that a table does not pay for the scan again.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, TypedDict

from crimestats.stats.fields import PERIOD_COLUMN, PeriodBasis
from crimestats.stats.period_window import month_end as _month_end

LATE_DAYS: Final = 30
"""A report is late past this many days after the occurrence started."""
LATE_ONLY_SHARE: Final = 0.9
"""A month is "late reports only" from this share of late reports (of known occurrences)."""
LOW_SHARE: Final = 0.25
"""... and when it holds fewer incidents than this share of the source's typical month."""
EDGE_DAYS: Final = 7
"""The least tolerance at the edges of a source's data, in days (see the module doc)."""
EDGE_GAPS: Final = 3
"""The tolerance is at least this many mean gaps between the source's distinct dates."""
EMPTY_RUN_CHANCE: Final = 0.001
"""Empty months are a missing extract when the source's rate leaves them empty by less chance."""


@dataclass(frozen=True, slots=True)
class MonthCount:
    """One month of one source: its incidents, and how many of them are late reports.

    ``known`` counts the incidents with an occurrence date (lateness is known for those).
    """

    month: date
    incidents: int
    late: int
    known: int

    @property
    def label(self) -> str:
        """``YYYY-MM``."""
        return f"{self.month.year:04d}-{self.month.month:02d}"


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    """What the store holds of one source on one period basis.

    Attributes
    ----------
    source, basis:
        the source and the date the periods are read from.
    first, last:
        the first and last period date of the source's incidents (None without any).
    covered_from, covered_to:
        the days the source's data cover (``first``/``last`` widened to whole months at
        the edges, within ``tolerance_days``; see the module doc, rule 1).
    months:
        every month from the first to the last one with data, in order (a missing month
        is there with 0 incidents).
    without_date:
        incidents of the source without a period date (counted in no period).
    late, known:
        late reports, and incidents with an occurrence date, over the whole source.
    typical_month:
        median incidents of the months with data.
    """

    source: str
    basis: PeriodBasis
    first: date | None
    last: date | None
    covered_from: date | None = None
    covered_to: date | None = None
    tolerance_days: int = EDGE_DAYS
    months: tuple[MonthCount, ...] = ()
    without_date: int = 0
    late: int = 0
    known: int = 0
    typical_month: float = 0.0
    gap_months: tuple[tuple[date, str], ...] = field(init=False, default=())
    """The months that make a period partial, with why, in order (made once, here)."""
    _gap_starts: tuple[date, ...] = field(init=False, default=(), repr=False)

    def __post_init__(self) -> None:
        """The gaps once, so that :func:`partial_reason` only bisects (many calls)."""
        gaps = tuple(self._gaps())
        object.__setattr__(self, "gap_months", gaps)
        object.__setattr__(self, "_gap_starts", tuple(g[0] for g in gaps))

    @property
    def missing_months(self) -> tuple[str, ...]:
        """Months between the first and last that the source is missing (rule 2)."""
        return tuple(label_of(d) for d, why in self.gap_months if why == MISSING)

    @property
    def mean_month(self) -> float:
        """Incidents per month from the first month with data to the last (rule 2's rate)."""
        return sum(m.incidents for m in self.months) / len(self.months) if self.months else 0.0

    @property
    def late_only_months(self) -> tuple[str, ...]:
        """Months that hold late reports only (rule 3 of the module doc)."""
        return tuple(m.label for m in self.months if self._late_only(m))

    def _late_only(self, m: MonthCount) -> bool:
        return (
            m.incidents > 0
            and m.known > 0
            and m.late >= LATE_ONLY_SHARE * m.known
            and m.incidents < LOW_SHARE * self.typical_month
        )

    def _missing(self) -> set[date]:
        """The empty months in runs too long for the source's rate (rule 2)."""
        least = math.log(1 / EMPTY_RUN_CHANCE)
        rate, missing, run = self.mean_month, set(), []
        for m in (*self.months, None):
            if m is not None and m.incidents == 0:
                run.append(m.month)
                continue
            if run and len(run) * rate > least:
                missing.update(run)
            run = []
        return missing

    def _gaps(self) -> list[tuple[date, str]]:
        missing, out = self._missing(), []
        for m in self.months:
            if m.month in missing:
                out.append((m.month, MISSING))
            elif self._late_only(m):
                out.append((m.month, "late reports only"))
        return out


MISSING: Final = "no incident (a missing month)"


def label_of(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[no-any-return]


class _Totals(TypedDict):
    """One source's sums over the scan's days (``first``/``last``: its dated days)."""

    source: str
    first: date | None
    last: date | None
    days: int
    without_date: int
    late: int
    known: int


def _build(
    source: str, basis: PeriodBasis, rec: _Totals, months: dict[date, tuple[int, int, int]]
) -> SourceCoverage:
    first, last = _as_date(rec["first"]), _as_date(rec["last"])
    without, late, known = (int(rec[k] or 0) for k in ("without_date", "late", "known"))
    if first is None or last is None:
        return SourceCoverage(source, basis, None, None, without_date=without, late=late,
                              known=known)  # fmt: skip
    days = int(rec["days"] or 1)
    gap = (last - first).days / (days - 1) if days > 1 else 0.0
    tolerance = max(EDGE_DAYS, round(EDGE_GAPS * gap))
    covered_from = month_start(first) if (first - month_start(first)).days <= tolerance else first
    covered_to = _month_end(last) if (_month_end(last) - last).days <= tolerance else last
    filled = []
    month = month_start(first)
    while month <= last:
        filled.append(MonthCount(month, *months.get(month, (0, 0, 0))))
        month = _next_month(month)
    with_data = [m.incidents for m in filled if m.incidents]
    return SourceCoverage(
        source, basis, first, last, covered_from, covered_to, tolerance, tuple(filled),
        without_date=without, late=late, known=known,
        typical_month=float(statistics.median(with_data)) if with_data else 0.0,
    )  # fmt: skip


def scan_coverage(
    con: Any, basis: PeriodBasis | str, source: str | None = None
) -> tuple[SourceCoverage, ...]:
    """The coverage of every source (or of ``source``) on ``basis``, sorted by source.

    ``con`` is an open Ibis backend on the store (as in
    :func:`crimestats.stats.engine.count_on`). One grouped query, whatever the size;
    :func:`crimestats.stats.coverage.source_coverage` reuses its result per store state.
    """
    basis = PeriodBasis(basis)
    incidents = con.table("incidents")
    if source is not None:
        incidents = incidents.filter(incidents.source == source)
    day = incidents[PERIOD_COLUMN[basis]].cast("date")
    occurred = incidents.occurred_start.cast("date")
    late = incidents.reported_date.cast("date").delta(occurred, unit="day") > LATE_DAYS
    t = incidents.select(
        source=incidents.source,
        day=day,
        late=late.fill_null(False).cast("int64"),
        known=occurred.notnull().cast("int64"),
    )
    # One grouped scan by (source, day), a few thousand rows per source; the per-source
    # and per-month figures are sums over it (a scan per question costs seconds at 10M).
    days = (
        t.group_by(["source", "day"])
        .aggregate(n=t.count(), late=t.late.sum(), known=t.known.sum())
        .to_pyarrow()
        .to_pylist()
    )
    totals: dict[str, _Totals] = {}
    by_month: dict[str, dict[date, tuple[int, int, int]]] = {}
    for rec in days:
        n, late_n, known_n = int(rec["n"]), int(rec["late"] or 0), int(rec["known"] or 0)
        tot = totals.setdefault(rec["source"], {"source": rec["source"], "first": None,
                                "last": None, "days": 0, "without_date": 0, "late": 0,
                                "known": 0})  # fmt: skip
        tot["late"] += late_n
        tot["known"] += known_n
        day = _as_date(rec["day"])
        if day is None:
            tot["without_date"] += n
            continue
        tot["days"] += 1
        tot["first"] = day if tot["first"] is None else min(tot["first"], day)
        tot["last"] = day if tot["last"] is None else max(tot["last"], day)
        months = by_month.setdefault(rec["source"], {})
        old = months.get(month_start(day), (0, 0, 0))
        months[month_start(day)] = (old[0] + n, old[1] + late_n, old[2] + known_n)
    per_source = list(totals.values())
    return tuple(
        _build(rec["source"], basis, rec, by_month.get(rec["source"], {}))
        for rec in sorted(per_source, key=lambda r: str(r["source"]))
    )
