"""The JSON shapes of ``crimestats trends --json`` (and of the API's ``/trends``).

Why TypedDicts and not dataclasses: these documents are written as they are, by
``json.dumps``, so the dict is the output; a TypedDict names every key once, lets mypy
check each builder against it, and keeps the bytes (key order is the order of the
class body, the order the builders in :mod:`crimestats.watch.trends.export` write).
The typed results they are read from are in :mod:`crimestats.watch.trends.report`.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from crimestats.watch.series import GroupValue


class ChangePointJson(TypedDict):
    """One break: ISO dates of the last period before it, the first after, its interval."""

    last_before: str | None
    start: str | None
    lower: str | None
    upper: str | None
    mean_before: float
    mean_after: float


class ChangePointsJson(TypedDict):
    """The breaks chosen, what they were searched on, and the criterion per break count."""

    on: str
    search: str
    criterion: str
    min_segment: int
    level: float
    bic: list[float]
    rss: list[float]
    points: list[ChangePointJson]


class ForecastPeriodJson(TypedDict):
    """One forecast period: its label, first day, point forecast and interval."""

    period: str
    start: str | None
    mean: float
    lower: float
    upper: float


class ForecastJson(TypedDict):
    """The forecast model, its interval level and the periods ahead."""

    model: str
    level: float
    periods: list[ForecastPeriodJson]


class AnalysedJson(TypedDict):
    """The periods the methods ran on (``None`` labels: none were analysed)."""

    first: str | None
    last: str | None
    periods: int


class FlagJson(TypedDict):
    """A method that did not run, or ran with a caveat, and why."""

    method: str
    reason: str


class SeriesSummary(TypedDict):
    """One series' results without its periods: what the table's metadata holds."""

    series: str
    group: dict[str, GroupValue]
    freq: str
    analysed: AnalysedJson
    seasonal_strength: float | None
    stable_seasonality_p: float | None
    has_season: bool | None
    year_on_year: dict[str, Any] | None
    """A :class:`~crimestats.watch.trends.report.Change`'s fields (``asdict``), the test by
    name: an open dict so that its fields are declared once, on the dataclass."""
    recent_mean: dict[str, Any] | None
    change_points: ChangePointsJson | None
    forecast: ForecastJson | None
    flags: list[FlagJson]


class PeriodJson(TypedDict):
    """One observed period; rates with ``--rate``, STL components on analysed periods."""

    period: str
    start: str | None
    count: int
    partial: str | None
    population: NotRequired[float | None]
    rate_per_100k: NotRequired[float | None]
    trend: NotRequired[float]
    seasonal: NotRequired[float]
    remainder: NotRequired[float]


class SeriesDocument(SeriesSummary):
    """One series' results with its periods."""

    periods: list[PeriodJson]


class TrendRate(TypedDict):
    """``--rate``: what the rates are, and how many periods have none."""

    per: int
    formula: str
    denominator: str
    periods_without_rate: int


class StoreInput(TypedDict):
    """The metadata of trends of the store's series (before the methods' part)."""

    input: str
    store: str
    by: list[str]
    freq: str
    unit: str
    period_basis: str
    source_filter: str | None
    since: str | None
    until: str | None
    series_count: int
    rate: NotRequired[TrendRate]


class FileInput(TypedDict):
    """The metadata of trends of one series read from a CSV file."""

    input: str
    file: str
    date_column: str
    count_column: str
    freq: str


class TrendsDocument(TypedDict):
    """What ``trends --json`` prints: every break date, the run's metadata, each series.

    ``metadata`` is open-ended: one of :class:`StoreInput`, :class:`FileInput` or the
    API's own (``crimestats.serve.routes_watch``), plus ``level`` and ``methods``
    (:func:`crimestats.watch.trends.service.run`).
    """

    change_points: list[str]
    metadata: dict[str, Any]
    series: list[SeriesDocument]
