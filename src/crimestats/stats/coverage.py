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

Compute :func:`source_coverage` once (one grouped query, kept per store state by
:mod:`crimestats.stats.coverage_cache`) and call :func:`partial_reason` for every period:
it only reads the frozen coverage. The facts and their scan are in
:mod:`crimestats.stats.coverage_facts` (rules 2 and 3 are :class:`SourceCoverage`'s gaps).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from crimestats.stats.coverage_facts import (
    EDGE_DAYS,
    EDGE_GAPS,
    EMPTY_RUN_CHANCE,
    LATE_DAYS,
    LATE_ONLY_SHARE,
    LOW_SHARE,
    MonthCount,
    SourceCoverage,
    month_start,
    scan_coverage,
)
from crimestats.stats.fields import PeriodBasis
from crimestats.stats.period_window import period_bounds

__all__ = [
    "EDGE_DAYS",
    "EDGE_GAPS",
    "EMPTY_RUN_CHANCE",
    "LATE_DAYS",
    "LATE_ONLY_SHARE",
    "LOW_SHARE",
    "MonthCount",
    "PartialPeriod",
    "SourceCoverage",
    "partial_periods",
    "partial_reason",
    "partial_reasons",
    "period_bounds",
    "source_coverage",
]


def source_coverage(
    con: Any, basis: PeriodBasis | str, source: str | None = None
) -> tuple[SourceCoverage, ...]:
    """The coverage of every source (or of ``source``) on ``basis``, sorted by source.

    ``con`` is an open Ibis backend on the store (as in
    :func:`crimestats.stats.engine.count_on`). On a DuckDB store the facts of every
    source are computed once per store state and reused
    (:mod:`crimestats.stats.coverage_cache`); elsewhere (Spark) one grouped scan.
    """
    from ibis.backends.duckdb import Backend

    from crimestats.stats.coverage_cache import cached_coverage

    basis = PeriodBasis(basis)
    if not isinstance(con, Backend):  # Spark, or a store cut to a window: not the store's
        return scan_coverage(con, basis, source)
    every = cached_coverage(con, basis)
    return every if source is None else tuple(c for c in every if c.source == source)


def _gaps_in(cov: SourceCoverage, start: date, end: date) -> tuple[tuple[date, str], ...]:
    lo = bisect.bisect_left(cov._gap_starts, month_start(start))
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


class PartialPeriodJson(TypedDict):
    """A :class:`PartialPeriod` in a table's metadata (``partial_periods``), dates in ISO."""

    field: str
    period: str
    start: str
    end: str
    sources: list[str]
    reason: str


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

    def to_dict(self) -> PartialPeriodJson:
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
    def from_dict(cls, data: PartialPeriodJson) -> PartialPeriod:
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
