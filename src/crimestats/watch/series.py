"""Count series from the store: one series of counts per group, period by period.

A trend, a change point or an alarm is read off a series of counts, so the series must be
the same numbers ``crimestats stats`` gives: they are counted here by the same Ibis
expression (:func:`crimestats.stats.counting.count_expr`, the expression
:func:`crimestats.stats.engine.count_on` runs), grouped by the ``by`` fields of the field
registry (:data:`crimestats.stats.fields.FIELDS`) plus one more column, the start of each
period, read from the same period date the period fields read (``_date`` of
:mod:`crimestats.stats.fields`). A month series summed over a year is the ``stats --by
year`` count of that year (``tests/watch/test_watch_series_store.py``).

What a method needs and a table does not give: every period from the first to the last,
with a zero where nothing was counted (a missing row of a table is a zero, not a gap), and
for each period whether it is complete. A period cut by ``--since`` or ``--until``, or one
the store's sources do not fully cover (:func:`coverage_reason`, the rule of
:mod:`crimestats.stats.coverage`), carries the reason, so
that no method reads a fall in a half-loaded month as a fall in crime.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from crimestats.errors import UsageError
from crimestats.stats.counting import Unit, count_expr
from crimestats.stats.coverage import SourceCoverage, partial_reason, source_coverage
from crimestats.stats.fields import FIELDS, PeriodBasis, _date, parse_fields


class Freq(StrEnum):
    """The length of one period of a series (weeks start on Monday, ISO 8601)."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


PERIODS_PER_YEAR: Final[dict[Freq, int]] = {
    Freq.WEEK: 52,
    Freq.MONTH: 12,
    Freq.QUARTER: 4,
    Freq.YEAR: 1,
}
"""Periods in one season (a year): the seasonal period of STL and of year-on-year changes.

ISO years have 52 or 53 weeks; 52 is the period methods use (a 53rd week shifts the
weekly season by a week every five or six years, which STL absorbs as noise).
"""

_TRUNCATE: Final[dict[Freq, str]] = {
    Freq.WEEK: "W",
    Freq.MONTH: "M",
    Freq.QUARTER: "Q",
    Freq.YEAR: "Y",
}
_PERIOD: Final = "_period_start"

GroupValue = str | int | bool | None


def period_start(day: dt.date, freq: Freq) -> dt.date:
    """The first day of the period of ``freq`` that holds ``day`` (weeks: the Monday)."""
    if freq is Freq.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if freq is Freq.MONTH:
        return day.replace(day=1)
    if freq is Freq.QUARTER:
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def next_start(start: dt.date, freq: Freq) -> dt.date:
    """The first day of the period after the one starting on ``start``."""
    if freq is Freq.WEEK:
        return start + dt.timedelta(days=7)
    months = {Freq.MONTH: 1, Freq.QUARTER: 3, Freq.YEAR: 12}[freq]
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_starts(first: dt.date, last: dt.date, freq: Freq) -> tuple[dt.date, ...]:
    """Every period start from the period of ``first`` to the period of ``last``."""
    starts = [period_start(first, freq)]
    end = period_start(last, freq)
    while starts[-1] < end:
        starts.append(next_start(starts[-1], freq))
    return tuple(starts)


def period_label(start: dt.date, freq: Freq) -> str:
    """How a period is written: ``2024-W03``, ``2024-03``, ``2024-Q1``, ``2024``.

    Month, quarter and year labels are those of the ``month``, ``quarter`` and ``year``
    fields of ``stats``.
    """
    if freq is Freq.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if freq is Freq.MONTH:
        return f"{start.year}-{start.month:02d}"
    if freq is Freq.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


@dataclass(frozen=True, slots=True)
class CountSeries:
    """The counts of one group, one per period, every period from first to last.

    Attributes
    ----------
    group:
        the group's value of each ``by`` field, as ``(field, value)`` pairs (``None``:
        no value, a blank cell in ``stats``); empty for the series of everything.
    freq:
        the period length.
    starts:
        the first day of each period, contiguous (no period missing).
    counts:
        the count of each period (0 where the store holds nothing).
    partial:
        per period, why it is incomplete (``None``: complete as far as the store knows).
    unit, period_basis, source:
        what is counted, which date places it in a period, which source (``None``: all).
    """

    group: tuple[tuple[str, GroupValue], ...]
    freq: Freq
    starts: tuple[dt.date, ...]
    counts: tuple[int, ...]
    partial: tuple[str | None, ...]
    unit: Unit = Unit.INCIDENTS
    period_basis: PeriodBasis = PeriodBasis.REPORTED
    source: str | None = None

    def __post_init__(self) -> None:
        if not len(self.starts) == len(self.counts) == len(self.partial):
            raise ValueError("starts, counts and partial must have one item per period")

    @property
    def values(self) -> npt.NDArray[np.int64]:
        """The counts as a numpy array (what the methods compute on)."""
        return np.asarray(self.counts, dtype=np.int64)

    @property
    def labels(self) -> tuple[str, ...]:
        """Each period written as ``stats`` writes it (see :func:`period_label`)."""
        return tuple(period_label(s, self.freq) for s in self.starts)

    @property
    def name(self) -> str:
        """``field=value, ...`` (``all`` for the series of everything)."""
        if not self.group:
            return "all"
        return ", ".join(f"{k}={'' if v is None else v}" for k, v in self.group)

    def __len__(self) -> int:
        return len(self.counts)


def parse_freq(value: str | Freq) -> Freq:
    """``--freq``: week, month, quarter or year (a :class:`UsageError` otherwise)."""
    try:
        return Freq(value)
    except ValueError:
        valid = ", ".join(f.value for f in Freq)
        raise UsageError(f"--freq {value!r} is not known", hint=f"use one of: {valid}") from None


def coverage_reason(start: dt.date, end: dt.date, coverage: Sequence[SourceCoverage]) -> str | None:
    """Why the period ``[start, end)`` (end exclusive) is not fully covered by the sources.

    The rule is :func:`crimestats.stats.coverage.partial_reason`'s (the one rule of the
    project: a source's data not spanning the period, missing months, months of late
    reports only, or no data at all), so a series and a ``stats`` table call the same
    periods partial.
    """
    return partial_reason(start, end - dt.timedelta(days=1), coverage)


def _group_coverage(
    coverage: tuple[SourceCoverage, ...], group: tuple[tuple[str, GroupValue], ...]
) -> tuple[SourceCoverage, ...]:
    """The coverage that judges a group: its own source's when ``source`` is a field.

    Otherwise a source that ends would make the periods of another source's series
    partial.
    """
    values = dict(group)
    if "source" not in values:
        return coverage
    return tuple(c for c in coverage if c.source == values["source"])


def _window_reason(
    start: dt.date, end: dt.date, since: dt.date | None, until: dt.date | None
) -> str | None:
    """Why a period is cut by ``--since``/``--until`` (``end`` is exclusive)."""
    if since is not None and start < since:
        return f"cut by --since {since.isoformat()}: the days before it are not counted"
    if until is not None and until < end - dt.timedelta(days=1):
        return f"cut by --until {until.isoformat()}: the days after it are not counted"
    return None


def _check_window(since: dt.date | None, until: dt.date | None) -> None:
    if since is not None and until is not None and until < since:
        raise UsageError(
            f"--until {until.isoformat()} is before --since {since.isoformat()}",
            hint="give an --until on or after --since",
        )


def series_on(
    con: Any,
    *,
    by: Sequence[str] = (),
    freq: str | Freq = Freq.MONTH,
    unit: str | Unit = Unit.INCIDENTS,
    period_basis: str | PeriodBasis = PeriodBasis.REPORTED,
    source: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[CountSeries, ...]:
    """One :class:`CountSeries` per group of the ``by`` fields, on an open Ibis backend.

    Parameters
    ----------
    con:
        an Ibis backend on the store (:func:`crimestats.storage.reads.ibis_store`).
    by:
        fields of the registry (none: one series of everything); period fields
        (``year``, ``quarter``, ``month``) are refused, the period is ``freq``.
    freq, unit, period_basis, source:
        as ``stats``; ``freq`` is week (ISO, Monday), month, quarter or year.
    since, until:
        count only period dates from ``since`` to ``until`` (both included).

    Returns
    -------
    tuple[CountSeries, ...]
        sorted by group values (blank last); empty when nothing is counted. Every series
        spans the same periods: from the period of ``since`` (or of the first date
        counted) to the period of ``until`` (or of the last date counted). Incidents
        without a period date are not in any series (``stats`` metadata counts them).
    """
    from crimestats.stats.engine import _check_source, _choice

    fields = parse_fields(list(by)) if by else []
    periods = [f for f in fields if FIELDS[f].is_period]
    if periods:
        raise UsageError(
            f"period field(s) {', '.join(periods)} in --by",
            hint="the period of a series is --freq; leave year, quarter and month out of --by",
        )
    freq_ = parse_freq(freq)
    unit_: Unit = _choice(unit, Unit, "--unit")
    basis: PeriodBasis = _choice(period_basis, PeriodBasis, "--period-basis")
    _check_window(since, until)
    if source is not None:
        _check_source(con, source)
    rows = _count_rows(con, fields, freq_, unit_, basis, source, since, until)
    if not rows:
        return ()
    first = since or min(r[_PERIOD] for r in rows)
    last = until or max(r[_PERIOD] for r in rows)
    starts = period_starts(first, last, freq_)
    coverage = source_coverage(con, basis, source)
    ends = (*starts[1:], next_start(starts[-1], freq_))

    def partial(group: tuple[tuple[str, GroupValue], ...]) -> tuple[str | None, ...]:
        judged = _group_coverage(coverage, group)
        return tuple(
            _window_reason(s, e, since, until) or coverage_reason(s, e, judged)
            for s, e in zip(starts, ends, strict=True)
        )

    index = {s: i for i, s in enumerate(starts)}
    groups: dict[tuple[GroupValue, ...], list[int]] = {}
    for row in rows:
        key = tuple(row[f] for f in fields)
        counts = groups.setdefault(key, [0] * len(starts))
        counts[index[row[_PERIOD]]] += int(row["count"])
    return tuple(
        CountSeries(
            tuple(zip(fields, key, strict=True)),
            freq_,
            starts,
            tuple(counts),
            partial(tuple(zip(fields, key, strict=True))),
            unit_,
            basis,
            source,
        )
        for key, counts in sorted(groups.items(), key=lambda kv: _sort_key(kv[0]))
    )


def _sort_key(key: tuple[GroupValue, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((v is None, "" if v is None else str(v)) for v in key)


def _count_rows(
    con: Any,
    fields: list[str],
    freq: Freq,
    unit: Unit,
    basis: PeriodBasis,
    source: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> list[dict[str, Any]]:
    """Counts by the fields and period start; dates outside the window get no period."""
    import ibis

    def start_of(t: Any) -> Any:
        day = _date(t, basis)
        inside = day.notnull()
        if since is not None:
            inside &= day >= ibis.literal(since)
        if until is not None:
            inside &= day <= ibis.literal(until)
        return ibis.ifelse(inside, day.truncate(_TRUNCATE[freq]).cast("date"), ibis.null("date"))

    expr = count_expr(con, fields, unit, basis, source, {_PERIOD: start_of})
    expr = expr.filter(expr[_PERIOD].notnull())
    rows: list[dict[str, Any]] = expr.to_pyarrow().to_pylist()
    return rows


def store_series(
    db: str | os.PathLike[str] | None = None,
    *,
    by: Sequence[str] = (),
    freq: str | Freq = Freq.MONTH,
    unit: str | Unit = Unit.INCIDENTS,
    period_basis: str | PeriodBasis = PeriodBasis.REPORTED,
    source: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[CountSeries, ...]:
    """:func:`series_on` on the store ``db`` (opened read-only, then closed)."""
    from crimestats.storage.reads import ibis_store

    with ibis_store(db) as con:
        return series_on(
            con, by=by, freq=freq, unit=unit, period_basis=period_basis, source=source,
            since=since, until=until,
        )  # fmt: skip
