"""The typed result of the trend methods on one series, with the flags and their reasons.

Why flags are data: a method that cannot say anything useful about a series (too few
periods, too few events, no season to speak of) must say so where its answer would have
been, never fall back silently to something else. Each :class:`Flag` names the method and
the reason, and a method that is flagged has no result (``None``) beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from crimestats.watch.series import CountSeries

if TYPE_CHECKING:
    from crimestats.watch.trends.rates import SeriesRates


SEASONALITY_LEVEL: Final = 0.001
"""X-11's level for stable seasonality (the F test of the detrended series by season)."""


class Method(StrEnum):
    """The trend methods (the keys of a flag)."""

    SERIES = "series"  # about the series as a whole (partial periods left out)
    DECOMPOSITION = "decomposition"
    YEAR_ON_YEAR = "year_on_year"
    RECENT_MEAN = "recent_mean"
    CHANGE_POINTS = "change_points"
    FORECAST = "forecast"


@dataclass(frozen=True, slots=True)
class Flag:
    """A method that did not run, or ran with a caveat, on a series; and why."""

    method: Method
    reason: str


@dataclass(frozen=True, slots=True)
class Decomposition:
    """STL: observed = trend + seasonal + remainder, one value per analysed period."""

    period: int
    trend: tuple[float, ...]
    seasonal: tuple[float, ...]
    remainder: tuple[float, ...]
    seasonal_strength: float
    """Wang, Smith & Hyndman (2006): 1 - var(remainder) / var(seasonal + remainder)."""
    stable_seasonality_p: float
    """p-value of X-11's stable-seasonality F test (the detrended series by season)."""

    @property
    def has_season(self) -> bool:
        """Whether the F test finds a season at X-11's 0.1 % level."""
        return self.stable_seasonality_p < SEASONALITY_LEVEL


class ChangeTest(StrEnum):
    """Which test a change was tested with (see :mod:`crimestats.watch.trends.changes`)."""

    POISSON_EXACT = "poisson_exact_conditional_binomial"
    NEGATIVE_BINOMIAL = "negative_binomial_wald"


@dataclass(frozen=True, slots=True)
class Change:
    """A change between two windows of periods, and its test.

    ``current``/``base`` are the totals of the windows, ``current_periods``/
    ``base_periods`` how many periods each holds (the exposure). ``ratio`` is the ratio of
    the mean per period (``None`` when the base is zero); ``dispersion`` is the Pearson
    dispersion index of the base window (variance / mean) that chose the test.
    """

    current_label: str
    base_label: str
    current: int
    base: int
    current_periods: int
    base_periods: int
    ratio: float | None
    percent_change: float | None
    test: ChangeTest
    p_value: float
    dispersion: float | None
    nb_alpha: float | None = None


@dataclass(frozen=True, slots=True)
class ChangePoint:
    """A break in the mean: the first period of the new level, with its interval.

    ``start`` is the first period after the break; ``last_before`` the last period of the
    old level (strucchange's "breakdate"); ``lower``/``upper`` bound ``last_before`` at the
    interval's level (Bai 1997); ``None`` when the interval cannot be computed.
    """

    index: int
    last_before: dt.date
    start: dt.date
    lower: dt.date | None
    upper: dt.date | None
    mean_before: float
    mean_after: float


@dataclass(frozen=True, slots=True)
class ChangePoints:
    """The breaks chosen by BIC, and the criterion for every number of breaks tried."""

    points: tuple[ChangePoint, ...]
    bic: tuple[float, ...]
    rss: tuple[float, ...]
    min_segment: int
    search: str
    level: float


@dataclass(frozen=True, slots=True)
class Forecast:
    """The next periods: point forecasts and prediction intervals at ``level``."""

    starts: tuple[dt.date, ...]
    mean: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    level: float
    model: str


@dataclass(frozen=True, slots=True)
class SeriesTrends:
    """Everything the trend methods say about one series.

    ``analysed`` is the range of periods the methods ran on (``series.starts[a:b]``):
    the series without its partial periods at either end. A method that did not run has
    ``None`` and a flag with its reason.
    """

    series: CountSeries
    analysed: tuple[int, int]
    decomposition: Decomposition | None
    year_on_year: Change | None
    recent_mean: Change | None
    change_points: ChangePoints | None
    forecast: Forecast | None
    flags: tuple[Flag, ...]
    rates: SeriesRates | None = None
    """Population and rate per 100,000 per period (``--rate``); the methods use counts."""

    def flagged(self, method: Method) -> tuple[str, ...]:
        """The reasons given for ``method``."""
        return tuple(f.reason for f in self.flags if f.method is method)
