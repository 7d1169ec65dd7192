"""What ``crimestats trends`` does, without the command line: series in, results out.

Two sources of series: the store (:func:`store_trends`, one series per group of the
``by`` fields) and a published CSV file (:func:`file_trends`). Both run
:func:`crimestats.watch.trends.analyse` on every series and return a
:class:`TrendsRun` with the metadata a reader needs (what was counted, how the methods
were chosen).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crimestats.stats.rates import FORMULA, PER
from crimestats.watch.series import CountSeries, Freq, series_on
from crimestats.watch.trends.analyse import SPARSE_MEAN, analyse
from crimestats.watch.trends.rates import check_rate_fields, series_rates
from crimestats.watch.trends.report import SeriesTrends
from crimestats.watch.trends.series_csv import read_series_csv
from crimestats.watch.trends.shapes import FileInput, StoreInput

METHODS = {
    "decomposition": "STL (statsmodels), robust, season of one year; needs two full seasons",
    "year_on_year": "last complete period vs the same period a year before",
    "recent_mean": "mean of the last periods vs the season before them",
    "test": "exact conditional binomial test of two Poisson rates; a negative binomial "
    "Wald test when the base periods are overdispersed (Pearson dispersion > 1 and above "
    "the chi-square 95% point)",
    "change_points": "breaks in the mean (ruptures Dynp, l2 cost, min segment 15%), number "
    "by the BIC of the normal mean-shift model, Bai (1997) intervals (as R strucchange)",
    "forecast": "ETS(A,Ad,N) by maximum likelihood; STL + ETS with two full seasons",
    "sparse": f"normal-error methods need a mean of {SPARSE_MEAN:g} events per period",
    "partial_periods": "left out at both ends; a partial period inside cuts the series",
    "docs": "docs/watch-trends.md",
}


@dataclass(frozen=True, slots=True)
class TrendsRun:
    """The results of every series, and what they mean."""

    results: tuple[SeriesTrends, ...]
    metadata: dict[str, Any] = field(default_factory=dict)
    """Open: the input's metadata (:class:`~crimestats.watch.trends.shapes.StoreInput`,
    :class:`~crimestats.watch.trends.shapes.FileInput`, or a caller's), level, methods."""


def run(
    series: Sequence[CountSeries],
    metadata: Mapping[str, Any],
    *,
    horizon: int | None = None,
    level: float = 0.95,
) -> TrendsRun:
    """Analyse every series (in order)."""
    results = tuple(analyse(s, horizon=horizon, level=level) for s in series)
    return TrendsRun(results, {**metadata, "level": level, "methods": METHODS})


def store_trends(
    db: str | os.PathLike[str] | None = None,
    *,
    by: Sequence[str] = (),
    freq: str | Freq = Freq.MONTH,
    unit: str = "incidents",
    period_basis: str = "reported",
    source: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    horizon: int | None = None,
    level: float = 0.95,
    rate: bool = False,
) -> TrendsRun:
    """Trends of the store's series, one per group of ``by`` (with rates if ``rate``)."""
    from crimestats.storage.reads import ibis_store
    from crimestats.storage.store import resolve_db_path

    if rate:
        check_rate_fields(by)
    with ibis_store(db) as con:
        series = series_on(
            con, by=by, freq=freq, unit=unit, period_basis=period_basis, source=source,
            since=since, until=until,
        )  # fmt: skip
        rates = series_rates(con, series) if rate else None
    meta: StoreInput = {
        "input": "store",
        "store": str(resolve_db_path(db)),
        "by": [f.strip() for item in by for f in item.split(",") if f.strip()],
        "freq": str(Freq(freq)),
        "unit": unit,
        "period_basis": period_basis,
        "source_filter": source,
        "since": None if since is None else since.isoformat(),
        "until": None if until is None else until.isoformat(),
        "series_count": len(series),
    }
    if rates is not None:
        meta["rate"] = {
            "per": int(PER),
            "formula": FORMULA,
            "denominator": "population of the series' area in the year of the period "
            "(table populations, total population); the methods use the counts",
            "periods_without_rate": sum(r.periods_without_rate for r in rates),
        }
    result = run(series, meta, horizon=horizon, level=level)
    if rates is None:
        return result
    with_rates = tuple(
        dataclasses.replace(r, rates=x) for r, x in zip(result.results, rates, strict=True)
    )
    return TrendsRun(with_rates, result.metadata)


def file_trends(
    path: str | Path,
    *,
    date_column: str,
    count_column: str,
    freq: str | Freq | None = None,
    horizon: int | None = None,
    level: float = 0.95,
) -> TrendsRun:
    """Trends of one series read from a CSV file."""
    series = read_series_csv(path, date_column, count_column, freq)
    meta: FileInput = {
        "input": "file",
        "file": str(path),
        "date_column": date_column,
        "count_column": count_column,
        "freq": series.freq.value,
    }
    return run([series], meta, horizon=horizon, level=level)
