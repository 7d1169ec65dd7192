"""The period a release counts, and the partial periods it leaves out (issue 13).

Why: a release by year of an extract whose last year holds three months, or only the
late reports of earlier years, publishes a "drop" that is an artefact of the extract.
So a release judges its periods with the store's coverage
(:mod:`crimestats.stats.coverage`) and, unless the configuration says
``period: {include_partial: true}``, leaves the partial ones out of every exact table.

How, and why so:

* The periods are those of the coarsest period field of the release's tables (``year``
  when a table is by year, else ``quarter``, else ``month``; ``year`` when no table has
  one), because a release's tables share margins: every exact table must count the same
  incidents, or a table by source would publish what a table by year left out, and the
  linked protection would see two different totals. So the incidents of a partial
  period are cut from the store the tables are counted on, not rows from one table.
* Only the sources that make a period partial lose it ("policeuk: data end 2017-06"
  cuts policeuk's 2017, not another source's complete 2017); a period partial as a
  whole (the window cuts it) is cut for every source.
* Differentially private tables count the configured window only: leaving out what the
  data show as partial would make the set of published DP cells depend on the data,
  outside the DP guarantee. Their partial periods are named in the report all the same.
* The notes and the report name each partial period, the sources and the reason with
  dates to the month (a release never writes an exact date), never a count.
* A release whose every period is partial is refused
  (:meth:`ReleasePeriods.check_not_all_left_out`): empty tables would read as a place
  without crime, so the publisher chooses between ``include_partial: true`` and a
  longer extract.
* The masked map is drawn per source and report year: it keeps a year only when the
  tables count all of it (:meth:`ReleasePeriods.map_keeps`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from crimestats.errors import UsageError
from crimestats.release.config import ReleaseConfig
from crimestats.release.protection import HtmlSection
from crimestats.release.public_notes import PartialPeriodNote, PeriodNote
from crimestats.stats.coverage import (
    PartialPeriod,
    SourceCoverage,
    partial_periods,
    period_bounds,
    source_coverage,
)
from crimestats.stats.fields import period_fields
from crimestats.stats.period_window import PeriodWindow, WindowedStore

_DAY = re.compile(r"\b(\d{4}-\d{2})-\d{2}\b")


@dataclass(frozen=True, slots=True)
class ReleasePeriods:
    """The release's windows and its partial periods.

    ``exact`` is what threshold and rounding tables count (the configured window, minus
    the partial periods unless they are kept); ``dp`` the configured window alone.
    """

    exact: PeriodWindow
    dp: PeriodWindow
    partial: tuple[PartialPeriod, ...]
    left_out: bool
    coverage: tuple[SourceCoverage, ...] = ()

    def exact_store(self, con: Any) -> Any:
        """``con`` as the exact tables count it (with the coverage: computed once)."""
        return WindowedStore(con, self.exact, self.coverage)

    def dp_store(self, con: Any) -> Any:
        """``con`` as the DP tables count it."""
        return con if self.dp.is_open else WindowedStore(con, self.dp)

    def notes(self) -> tuple[PartialPeriodNote, ...]:
        """The public notes of the partial periods (dates to the month, no count)."""
        return tuple(
            PartialPeriodNote(
                field=p.field,
                period=p.period,
                sources=p.sources,
                reason=_DAY.sub(r"\1", p.reason),
                left_out=self.left_out,
            )
            for p in self.partial
        )

    def map_keeps(self, source: str, year: int) -> bool:
        """Whether the map publishes ``source``'s points of report year ``year``.

        Why: the map is drawn per source and report year, while the tables count the
        exact window; a map of a year the tables leave out (partial, or outside the
        configured window) would publish what the tables withhold on purpose. So the
        map keeps a year only when the whole year is inside the window and no period
        left out of the tables touches it (a month left out drops its year from the
        map: the map has no finer period). The release's map groups are cut the same
        way, so nothing is drawn the tables do not count.
        """
        first, last = date(year, 1, 1), date(year, 12, 31)
        window = self.exact
        if window.since is not None and first < window.since:
            return False
        if window.until is not None and last > window.until:
            return False
        if not self.left_out:
            return True
        return not any(
            (not p.sources or source in p.sources) and p.start <= last and p.end >= first
            for p in self.partial
        )

    def check_not_all_left_out(self, con: Any, exact_tables: int) -> None:
        """Refuse a release whose exact tables would count nothing: every period is partial.

        Why: leaving every period out publishes empty tables (and the linked protection has
        nothing to protect), which a reader takes for a place without crime. The publisher
        must choose: keep the partial periods, flagged, or release a longer extract.
        """
        if not (self.left_out and self.partial and exact_tables):
            return
        if _incidents(self.exact_store(con)) or not _incidents(self.dp_store(con)):
            return
        named = "; ".join(f"{n.field} {n.period} ({n.reason})" for n in self.notes())
        raise UsageError(
            f"every period of the release is partial, so the exact tables would count "
            f"nothing: {named}",
            hint="write period: {include_partial: true} in a release configuration "
            "(--config release.yaml) to publish them flagged as partial, or load a longer "
            "extract that covers whole periods",
        )

    def warnings(self) -> list[str]:
        """One line per partial period, for the publisher (``crimestats release``)."""
        verb = "left out of the exact tables" if self.left_out else "kept (include_partial)"
        return [f"{n.field} {n.period} is partial, {verb}: {n.reason}" for n in self.notes()]


def _incidents(con: Any) -> int:
    return int(con.table("incidents").count().to_pyarrow().as_py())


def _field(config: ReleaseConfig) -> str:
    used = {f for t in config.tables for f in t.by}
    return next((f for f in period_fields() if f in used), period_fields()[0])


def _labels(field: str, first: date, last: date) -> list[str]:
    """The labels of ``field`` of every period with a day in ``[first, last]``."""
    years = range(first.year, last.year + 1)
    if field == "year":
        labels = [str(y) for y in years]
    elif field == "quarter":
        labels = [f"{y}-Q{q}" for y in years for q in range(1, 5)]
    else:
        labels = [f"{y}-{m:02d}" for y in years for m in range(1, 13)]
    spans = {label: period_bounds(label) for label in labels}
    return [label for label, (a, b) in spans.items() if a <= last and b >= first]


def _has_data(cov: SourceCoverage, period: PartialPeriod) -> bool:
    return (
        cov.first is not None
        and cov.last is not None
        and cov.first <= period.end
        and cov.last >= period.start
    )


def release_periods(con: Any, config: ReleaseConfig) -> ReleasePeriods:
    """The release's periods on the open store ``con`` (two grouped queries)."""
    window = config.period.window
    coverage = source_coverage(con, window.basis)
    spans = [(c.first, c.last) for c in coverage if c.first is not None and c.last is not None]
    if not spans:
        return ReleasePeriods(window, window, (), not config.period.include_partial, coverage)
    first = max([min(a for a, _ in spans), *([window.since] if window.since else [])])
    last = min([max(b for _, b in spans), *([window.until] if window.until else [])])
    field = _field(config)
    labels = _labels(field, first, last) if first <= last else []
    found = partial_periods(field, labels, coverage, (window.since, window.until))
    # a period without any data has nothing to leave out
    found = tuple(
        p
        for p in found
        if any(c.first and c.last and c.first <= p.end and c.last >= p.start for c in coverage)
    )
    exact = window
    if not config.period.include_partial:
        cut = [(source, p.start, p.end) for p in found for source in (p.sources or (None,))]
        exact = replace(window, exclude=tuple(cut))
    return ReleasePeriods(exact, window, found, not config.period.include_partial, coverage)


def period_note(periods: ReleasePeriods, config: ReleaseConfig) -> PeriodNote | None:
    """The notes' ``period``: only when the release has a window or partial periods."""
    window = config.period.window
    if window.is_open and not periods.partial and window.basis.value == "reported":
        return None
    return PeriodNote(
        basis=window.basis.value,
        since=None if window.since is None else window.since.isoformat(),
        until=None if window.until is None else window.until.isoformat(),
        partial_periods=periods.notes(),
    )


def report_section(periods: ReleasePeriods, config: ReleaseConfig) -> HtmlSection | None:
    """``report.html``'s "Periods" section: the window and each partial period."""
    note = period_note(periods, config)
    if note is None:
        return None
    esc = html.escape
    date_name = "report" if note.basis == "reported" else "occurrence"
    span = f"from {note.since or 'the first'} to {note.until or 'the last'} {date_name} date"
    parts = [
        "<h2>Periods</h2>",
        f"<p>The tables count incidents by {esc(date_name)} date, {esc(span)}.</p>",
    ]
    if note.partial_periods:
        action = (
            "left out of every threshold and rounding table (differentially private tables "
            "keep them: their cells may not depend on the data)"
            if periods.left_out
            else "kept in the tables (the configuration says include_partial: true): "
            "read their counts as incomplete"
        )
        parts.append(
            "<p>The store covers these periods only in part (a source starting or ending "
            "inside, months missing, or late reports only), so they are "
            f"{esc(action)}.</p>"
        )
        parts.append("<table><tr><th>period</th><th>sources</th><th>why</th></tr>")
        for p in note.partial_periods:
            sources = ", ".join(p.sources) or "all"
            parts.append(
                f"<tr><td>{esc(p.field)} {esc(p.period)}</td><td>{esc(sources)}</td>"
                f"<td>{esc(p.reason)}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>No period of the tables is partial.</p>")
    return HtmlSection("\n".join(parts))
