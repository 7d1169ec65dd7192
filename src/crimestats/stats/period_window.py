"""The dates a table counts: ``--since``/``--until`` (release config ``period:``).

Why: a store holds whatever the extracts held, late reports and partial years included
(issue 13); a table should be able to say "2020 to 2021, by occurrence date" and count
only that. A window is inclusive at both ends and reads the date of the period basis
(``reported_date`` or ``occurred_start``), so an incident counts when its period date
is inside; an incident without that date is outside every window (it is in no period).

Bounds are ISO dates, or a year or a month standing for its first day (``--since``) or
its last day (``--until``): ``--since 2020 --until 2021`` is 2020-01-01 to 2021-12-31,
``--until 2021-06`` ends on 2021-06-30. Anything else is refused with the accepted forms.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from crimestats.errors import UsageError
from crimestats.stats.fields import PERIOD_COLUMN, PeriodBasis

_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"\d{4}-\d{2}")
FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"


def parse_bound(text: str | date, *, end: bool, option: str = "--since") -> date:
    """A window bound: a date, or the first (``end=False``) / last day of a year or month."""
    if isinstance(text, date):
        return text
    value = str(text).strip()
    try:
        if _YEAR.fullmatch(value):
            year = int(value)
            return date(year, 12, 31) if end else date(year, 1, 1)
        if _MONTH.fullmatch(value):
            year, month = int(value[:4]), int(value[5:])
            last = calendar.monthrange(year, month)[1]
            return date(year, month, last if end else 1)
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date", hint=f"write {FORMS}, e.g. 2021 or 2021-06-30"
        ) from None


class WindowJson(TypedDict):
    """A :class:`PeriodWindow` in a table's metadata (``period_window``), dates in ISO."""

    basis: str
    since: str | None
    until: str | None
    date_column: str


@dataclass(frozen=True, slots=True)
class PeriodWindow:
    """Count incidents whose period date (on ``basis``) is in ``[since, until]``.

    Either bound may be None (open). Built with :meth:`parse`, which checks the order.
    ``exclude`` leaves out more days inside it: ``(source, first, last)``, a source's
    incidents of those days (every source's with ``None``); a release uses it for the
    partial periods it leaves out (:mod:`crimestats.release.periods`).
    """

    basis: PeriodBasis = PeriodBasis.REPORTED
    since: date | None = None
    until: date | None = None
    exclude: tuple[tuple[str | None, date, date], ...] = ()

    @classmethod
    def parse(
        cls,
        since: str | date | None,
        until: str | date | None,
        basis: str | PeriodBasis = PeriodBasis.REPORTED,
        *,
        options: tuple[str, str] = ("--since", "--until"),
    ) -> PeriodWindow:
        """The window of two bounds as typed (see the module doc for the forms)."""
        lo = None if since in (None, "") else parse_bound(since, end=False, option=options[0])
        hi = None if until in (None, "") else parse_bound(until, end=True, option=options[1])
        if lo is not None and hi is not None and lo > hi:
            raise UsageError(
                f"{options[0]} {lo.isoformat()} is after {options[1]} {hi.isoformat()}",
                hint="give the earlier date first",
            )
        return cls(PeriodBasis(basis), lo, hi)

    @property
    def is_open(self) -> bool:
        """No bound and nothing excluded: the window keeps every incident (dated or not)."""
        return self.since is None and self.until is None and not self.exclude

    def apply(self, incidents: Any) -> Any:
        """The incidents (an Ibis table) whose period date is inside the window."""
        if self.is_open:
            return incidents
        day = incidents[PERIOD_COLUMN[self.basis]].cast("date")
        keep = day.notnull()
        if self.since is not None:
            keep = keep & (day >= self.since)
        if self.until is not None:
            keep = keep & (day <= self.until)
        for source, first, last in self.exclude:
            inside = (day >= first) & (day <= last)
            if source is not None:
                inside = inside & (incidents.source == source)
            keep = keep & ~inside
        return incidents.filter(keep)

    def clip(self, start: date, end: date) -> tuple[date, date]:
        """A period's days inside the window (a year cut by ``--since`` keeps its tail)."""
        lo = max(start, self.since) if self.since is not None else start
        hi = min(end, self.until) if self.until is not None else end
        return lo, hi

    def to_dict(self) -> WindowJson:
        """JSON-ready, for a table's metadata."""
        return {
            "basis": self.basis.value,
            "since": None if self.since is None else self.since.isoformat(),
            "until": None if self.until is None else self.until.isoformat(),
            "date_column": PERIOD_COLUMN[self.basis],
        }


class WindowedStore:
    """An Ibis backend whose ``incidents`` table is cut to a window; the rest untouched.

    Why a wrapper: every count starts from the incidents (offences, victims and suspects
    are joined to them), so cutting that one table cuts every count and every "units in
    scope" of the metadata, without a window parameter through each counting function.

    A table counted on it (:func:`crimestats.stats.engine.count_on`) counts on the
    window's basis: a release hands its tables one windowed store, and each table counts
    the release's period (``release.counted_tables.count_tables_on``).
    """

    def __init__(self, con: Any, window: PeriodWindow, coverage: Any = None) -> None:
        self.store = con
        self.window = window
        # the store's coverage on the window's basis when the caller has it already
        # (crimestats.stats.coverage.source_coverage), so that no table computes it again
        self.coverage = coverage

    def table(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """The store table ``name``; ``incidents`` cut to the window."""
        t = self.store.table(name, *args, **kwargs)
        return self.window.apply(t) if name == "incidents" else t

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_bounds(label: str) -> tuple[date, date]:
    """The first and last day of a period label: ``2024``, ``2024-Q2``, ``2024-03`` or a date.

    The labels of the ``year``, ``quarter`` and ``month`` fields
    (:mod:`crimestats.stats.fields`), so a table's period cells map to their days.
    """
    text = str(label).strip()
    try:
        if len(text) == 4:
            year = int(text)
            return date(year, 1, 1), date(year, 12, 31)
        if len(text) == 7 and text[5] == "Q":
            year, quarter = int(text[:4]), int(text[6])
            first = date(year, 3 * quarter - 2, 1)
            return first, month_end(date(year, 3 * quarter, 1))
        if len(text) == 7:
            first = date(int(text[:4]), int(text[5:7]), 1)
            return first, month_end(first)
        day = date.fromisoformat(text)
        return day, day
    except (ValueError, IndexError):
        raise ValueError(f"not a period label: {label!r}") from None
