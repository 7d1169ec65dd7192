"""What the store covers of each source, per period basis, and which periods are partial.

Why: a table by year of a 2020-21 extract shows its late reports as years 2022 and 2023
with a few incidents each, and a reader takes that for a 99% drop (issue 13). The store
knows better: which months each source holds, how many incidents in each, and how many
of those are late reports. This module is the ONE place that computes those facts
(``crimestats status`` reads them from here too), and the one rule that turns them into
"this period is partial, because ...".

The rule (:func:`partial_reason`), per source, for a period ``[start, end]`` (inclusive):

1. **The source's data do not span the period.** The source covers the days from its
   first to its last period date, widened to whole months when the data reach within
   ``tolerance`` days of the month's edge (so a source that publishes dates to the month,
   like data.police.uk's first-of-month dates, covers its last month). ``tolerance`` is
   :data:`EDGE_DAYS` (7), or three mean gaps between the source's distinct dates when
   that is longer (a source with one homicide every ten days is not "ending early" when
   its last one falls on the 20th). A period that overlaps the source's data but starts
   before its coverage or ends after it is partial ("data end 2014-03-15").
2. **Months inside the period are missing.** A run of months between the source's first
   and last month without a single incident is a missing extract, not a quiet spell, when
   a complete source at its own mean rate (incidents per month from its first to its last
   month) would leave that many months empty with a chance under
   :data:`EMPTY_RUN_CHANCE` (0.1%): ``exp(-months * rate) < 0.001``. So a source of
   hundreds a month loses a single empty month, one of 5 a month a single empty month
   is a chance (0.7%) but two in a row are not, and a small force of 5 incidents a year
   (0.42 a month) whose data run from before a year to after it has that year complete
   whichever months its incidents fall in (only a run of 17 empty months is a gap). The
   chance is small because a long series holds many runs: a statistics office would
   rather publish a quiet year than leave a complete one out.
3. **Months hold late reports only.** A month whose incidents are at least
   :data:`LATE_ONLY_SHARE` (90%) late reports (reported more than :data:`LATE_DAYS` days
   after the occurrence started) *and* number fewer than :data:`LOW_SHARE` (a quarter) of
   the source's typical month (the median month with data) lies outside the source's
   extract window: on the reported basis after it (the trickle of late reports of an
   extract that has ended), on the occurred basis before it (old occurrences reported
   during the window). Both conditions, because either alone happens in complete data: a
   quiet month is a fact, and a source can have many late reports. A quarter: a complete
   month whose Poisson mean is the typical month m falls below m/4 with probability under
   1% from m = 8 on, while the late tail of an ended extract is far lower (the 98 and 16
   of issue 13 against hundreds a month).

A source whose data lie wholly before or after the period is not judged on it: a store
may hold sources of different places and years (the demo store does), and a source that
never reported in those years is a different series, not a gap. When no source of the
coverage has data in the period, the period is partial ("no data"), so a series that
runs past the end of the data is never read as a fall to zero. Count one source with
``--source`` to see its own gaps.

Compute :func:`source_coverage` once (one grouped query) and call
:func:`partial_reason` for every period: it only reads the frozen coverage.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from crimestats.stats.fields import PERIOD_COLUMN, PeriodBasis
from crimestats.stats.period_window import month_end as _month_end
from crimestats.stats.period_window import period_bounds

__all__ = [
    "PartialPeriod",
    "SourceCoverage",
    "partial_periods",
    "partial_reason",
    "partial_reasons",
    "period_bounds",
    "source_coverage",
]

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
        return tuple(_label(d) for d, why in self.gap_months if why == _MISSING)

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
                out.append((m.month, _MISSING))
            elif self._late_only(m):
                out.append((m.month, "late reports only"))
        return out


_MISSING: Final = "no incident (a missing month)"


def _label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[no-any-return]


def _build(
    source: str, basis: PeriodBasis, rec: dict[str, Any], months: dict[date, tuple[int, int, int]]
) -> SourceCoverage:
    first, last = _as_date(rec["first"]), _as_date(rec["last"])
    without, late, known = (int(rec[k] or 0) for k in ("without_date", "late", "known"))
    if first is None or last is None:
        return SourceCoverage(source, basis, None, None, without_date=without, late=late,
                              known=known)  # fmt: skip
    days = int(rec["days"] or 1)
    gap = (last - first).days / (days - 1) if days > 1 else 0.0
    tolerance = max(EDGE_DAYS, round(EDGE_GAPS * gap))
    covered_from = _month_start(first) if (first - _month_start(first)).days <= tolerance else first
    covered_to = _month_end(last) if (_month_end(last) - last).days <= tolerance else last
    filled = []
    month = _month_start(first)
    while month <= last:
        filled.append(MonthCount(month, *months.get(month, (0, 0, 0))))
        month = _next_month(month)
    with_data = [m.incidents for m in filled if m.incidents]
    return SourceCoverage(
        source, basis, first, last, covered_from, covered_to, tolerance, tuple(filled),
        without_date=without, late=late, known=known,
        typical_month=float(statistics.median(with_data)) if with_data else 0.0,
    )  # fmt: skip


def source_coverage(
    con: Any, basis: PeriodBasis | str, source: str | None = None
) -> tuple[SourceCoverage, ...]:
    """The coverage of every source (or of ``source``) on ``basis``, sorted by source.

    ``con`` is an open Ibis backend on the store (as in
    :func:`crimestats.stats.engine.count_on`). One grouped query, whatever the size.
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
    totals: dict[str, dict[str, Any]] = {}
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
        old = months.get(_month_start(day), (0, 0, 0))
        months[_month_start(day)] = (old[0] + n, old[1] + late_n, old[2] + known_n)
    per_source = list(totals.values())
    return tuple(
        _build(rec["source"], basis, rec, by_month.get(rec["source"], {}))
        for rec in sorted(per_source, key=lambda r: str(r["source"]))
    )


def _gaps_in(cov: SourceCoverage, start: date, end: date) -> tuple[tuple[date, str], ...]:
    lo = bisect.bisect_left(cov._gap_starts, _month_start(start))
    hi = bisect.bisect_right(cov._gap_starts, end)
    return cov.gap_months[lo:hi]


def _source_reasons(cov: SourceCoverage, start: date, end: date) -> list[str]:
    assert cov.covered_from is not None
    assert cov.covered_to is not None
    reasons = []
    if start < cov.covered_from:
        reasons.append(f"{cov.source}: data start {cov.covered_from.isoformat()}")
    if end > cov.covered_to:
        reasons.append(f"{cov.source}: data end {cov.covered_to.isoformat()}")
    by_why: dict[str, list[str]] = {}
    for month, why in _gaps_in(cov, start, end):
        by_why.setdefault(why, []).append(f"{month.year:04d}-{month.month:02d}")
    for why, labels in by_why.items():
        reasons.append(f"{cov.source}: {_span_text(labels)} {why}")
    return reasons


def _span_text(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{len(labels)} months {labels[0]} to {labels[-1]}"


def partial_reasons(
    start: date, end: date, coverage: Sequence[SourceCoverage]
) -> tuple[tuple[str | None, str], ...]:
    """Each reason why ``[start, end]`` is partial, as (source or None, plain words)."""
    overlapping = [
        c for c in coverage
        if c.first is not None and c.last is not None and c.first <= end and c.last >= start
    ]  # fmt: skip
    if not overlapping:
        spans = [(c.first, c.last) for c in coverage if c.first is not None and c.last is not None]
        if not spans:
            return ((None, "no data in the store"),)
        lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
        return ((None, f"no data in this period (the data run from {lo} to {hi})"),)
    return tuple((c.source, r) for c in overlapping for r in _source_reasons(c, start, end))


def partial_reason(start: date, end: date, coverage: Sequence[SourceCoverage]) -> str | None:
    """Why ``[start, end]`` (inclusive) is not complete for these sources, or None.

    Plain words naming the source and dates, e.g. ``"nypd: data end 2023-09-30"`` or
    ``"x: 11 months 2022-02 to 2022-12 late reports only"`` (several reasons joined by
    ``"; "``). The rule is the module doc's; no count is named, so the text can go into
    a release's notes.
    """
    reasons = partial_reasons(start, end, coverage)
    return "; ".join(text for _, text in reasons) if reasons else None


@dataclass(frozen=True, slots=True)
class PartialPeriod:
    """A period of a table that the coverage shows as partial, and why.

    ``period`` is the cell's label (``2023``, ``2023-Q4``, ``2023-09``) of the ``field``;
    ``start``/``end`` the days it stands for in the table (cut to the table's window);
    ``sources`` the sources whose data make it partial; empty when the period as a whole
    is (no source has data in it, or the table's window cuts it).
    """

    field: str
    period: str
    start: date
    end: date
    sources: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for a table's metadata."""
        return {
            "field": self.field,
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "sources": list(self.sources),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PartialPeriod:
        """Back from :meth:`to_dict` (a table's metadata)."""
        return cls(
            str(data["field"]), str(data["period"]), date.fromisoformat(data["start"]),
            date.fromisoformat(data["end"]), tuple(data["sources"]), str(data["reason"]),
        )  # fmt: skip


def partial_periods(
    field: str,
    labels: Sequence[Any],
    coverage: Sequence[SourceCoverage],
    window: tuple[date | None, date | None] = (None, None),
) -> tuple[PartialPeriod, ...]:
    """The partial ones among the period ``labels`` of ``field``, in label order.

    ``window`` is the table's ``(since, until)``: a period the window cuts is partial too
    ("the window starts 2021-03-01"), as its cell counts only part of it.
    """
    since, until = window
    out = []
    for label in sorted({str(x) for x in labels if x is not None}):
        start, end = period_bounds(label)
        lo = max(start, since) if since is not None else start
        hi = min(end, until) if until is not None else end
        found = list(partial_reasons(lo, hi, coverage))
        if lo > start:
            found.insert(0, (None, f"the window starts {lo.isoformat()}, inside the period"))
        if hi < end:
            found.append((None, f"the window ends {hi.isoformat()}, inside the period"))
        if found:
            named = {s for s, _ in found}
            sources = () if None in named else tuple(sorted(s for s in named if s is not None))
            text = "; ".join(t for _, t in found)
            out.append(PartialPeriod(field, label, lo, hi, sources, text))
    return tuple(out)
