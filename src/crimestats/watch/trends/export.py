"""Trend results as data: the JSON document, the long table, and the charts.

* :func:`trends_document`: what ``trends --json`` prints; ``change_points`` at the top
  level (the break dates, as ISO dates of the last period before each break, the
  "breakdate" of strucchange), then one object per series with every method's result
  and the flags;
* :func:`trends_table`: one row per series and period, observed and forecast, for
  ``--format csv|json|parquet`` (the summary of each series goes into the metadata);
* :func:`trends_charts`: one :class:`crimestats.watch.charts.ChartInput` per series.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from crimestats.watch.charts import Band, ChartInput
from crimestats.watch.series import GroupValue, period_label
from crimestats.watch.trends.report import Change, ChangePoints, Forecast, SeriesTrends
from crimestats.watch.trends.shapes import (
    ChangePointsJson,
    FlagJson,
    ForecastJson,
    PeriodJson,
    SeriesDocument,
    SeriesSummary,
    TrendsDocument,
)

if TYPE_CHECKING:
    from crimestats.stats import StatsTable


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _change(change: Change | None) -> dict[str, Any] | None:
    if change is None:
        return None
    out = dataclasses.asdict(change)
    out["test"] = change.test.value
    return out


def _points(points: ChangePoints | None, adjusted: bool) -> ChangePointsJson | None:
    if points is None:
        return None
    return {
        "on": "seasonally adjusted counts (STL)" if adjusted else "counts",
        "search": points.search,
        "criterion": "BIC of the normal mean-shift model (strucchange)",
        "min_segment": points.min_segment,
        "level": points.level,
        "bic": list(points.bic),
        "rss": list(points.rss),
        "points": [
            {
                "last_before": _iso(p.last_before),
                "start": _iso(p.start),
                "lower": _iso(p.lower),
                "upper": _iso(p.upper),
                "mean_before": p.mean_before,
                "mean_after": p.mean_after,
            }
            for p in points.points
        ],
    }


def _forecast(result: SeriesTrends) -> ForecastJson | None:
    f = result.forecast
    if f is None:
        return None
    freq = result.series.freq
    return {
        "model": f.model,
        "level": f.level,
        "periods": [
            {"period": period_label(s, freq), "start": _iso(s), "mean": m, "lower": lo, "upper": hi}
            for s, m, lo, hi in zip(f.starts, f.mean, f.lower, f.upper, strict=True)
        ],
    }


def _flags(result: SeriesTrends) -> list[FlagJson]:
    return [{"method": f.method.value, "reason": f.reason} for f in result.flags]


def series_summary(result: SeriesTrends) -> SeriesSummary:
    """One series' results without its per-period values (for metadata)."""
    s, d = result.series, result.decomposition
    first, end = result.analysed
    return {
        "series": s.name,
        "group": dict(s.group),
        "freq": s.freq.value,
        "analysed": {
            "first": s.labels[first] if end > first else None,
            "last": s.labels[end - 1] if end > first else None,
            "periods": end - first,
        },
        "seasonal_strength": None if d is None else d.seasonal_strength,
        "stable_seasonality_p": None if d is None else d.stable_seasonality_p,
        "has_season": None if d is None else d.has_season,
        "year_on_year": _change(result.year_on_year),
        "recent_mean": _change(result.recent_mean),
        "change_points": _points(result.change_points, d is not None and d.has_season),
        "forecast": _forecast(result),
        "flags": _flags(result),
    }


def _periods(result: SeriesTrends) -> list[PeriodJson]:
    """Each observed period: count, partial reason, rate, STL components if analysed."""
    s = result.series
    first, _ = result.analysed
    d = result.decomposition
    periods: list[PeriodJson] = []
    for i, (label, start, count, partial) in enumerate(
        zip(s.labels, s.starts, s.counts, s.partial, strict=True)
    ):
        row: PeriodJson = {
            "period": label,
            "start": _iso(start),
            "count": count,
            "partial": partial,
        }
        if result.rates is not None:
            row["population"] = result.rates.population[i]
            row["rate_per_100k"] = result.rates.rate_per_100k[i]
        j = i - first
        if d is not None and 0 <= j < len(d.trend):
            row["trend"], row["seasonal"] = d.trend[j], d.seasonal[j]
            row["remainder"] = d.remainder[j]
        periods.append(row)
    return periods


def series_document(result: SeriesTrends) -> SeriesDocument:
    """One series' results with its periods (counts, partial reasons, STL components)."""
    return {**series_summary(result), "periods": _periods(result)}


def change_point_dates(results: Sequence[SeriesTrends]) -> list[str]:
    """Every break date (last period before the break), sorted, once."""
    return sorted(
        {
            p.last_before.isoformat()
            for r in results
            if r.change_points is not None
            for p in r.change_points.points
        }
    )


def trends_document(results: Sequence[SeriesTrends], metadata: Mapping[str, Any]) -> TrendsDocument:
    """What ``trends --json`` prints (see the module doc)."""
    return {
        "change_points": change_point_dates(results),
        "metadata": dict(metadata),
        "series": [series_document(r) for r in results],
    }


class _LongValues(TypedDict):
    """The long table's columns after the group's (whose names depend on ``--by``)."""

    period: str
    period_start: dt.date
    kind: str
    count: int | None
    partial: str | None
    trend: float | None
    seasonal: float | None
    remainder: float | None
    forecast: float | None
    lower: float | None
    upper: float | None
    change_point: bool
    population: float | None
    rate_per_100k: float | None


def _observed_values(result: SeriesTrends) -> list[_LongValues]:
    breaks = set()
    if result.change_points is not None:
        breaks = {p.start for p in result.change_points.points}
    return [
        {"period": row["period"], "period_start": start, "kind": "observed",
         "count": row["count"], "partial": row["partial"],
         "trend": row.get("trend"), "seasonal": row.get("seasonal"),
         "remainder": row.get("remainder"), "forecast": None, "lower": None,
         "upper": None, "change_point": start in breaks,
         "population": row.get("population"), "rate_per_100k": row.get("rate_per_100k")}
        for row, start in zip(_periods(result), result.series.starts, strict=True)
    ]  # fmt: skip


def _forecast_values(result: SeriesTrends) -> list[_LongValues]:
    f: Forecast | None = result.forecast
    if f is None:
        return []
    freq = result.series.freq
    return [
        {"period": period_label(s, freq), "period_start": s, "kind": "forecast",
         "count": None, "partial": None, "trend": None, "seasonal": None, "remainder": None,
         "forecast": m, "lower": lo, "upper": hi, "change_point": False,
         "population": None, "rate_per_100k": None}
        for s, m, lo, hi in zip(f.starts, f.mean, f.lower, f.upper, strict=True)
    ]  # fmt: skip


def trends_table(results: Sequence[SeriesTrends], metadata: Mapping[str, Any]) -> StatsTable:
    """One row per series and period (observed, then forecast), as a :class:`StatsTable`.

    A row is the group's values (as text; the columns are the ``--by`` fields, so a row
    is an open ``dict``) followed by the fixed columns of :class:`_LongValues`.
    """
    import pyarrow as pa

    from crimestats.stats import StatsTable

    fields = [k for k, _ in results[0].series.group] if results else []
    rows: list[dict[str, object]] = []
    for r in results:
        group: dict[str, GroupValue] = {k: None if v is None else str(v) for k, v in r.series.group}
        for values in (*_observed_values(r), *_forecast_values(r)):
            rows.append({**group, **values})
    schema = pa.schema(
        [*((f, pa.string()) for f in fields),
         ("period", pa.string()), ("period_start", pa.date32()), ("kind", pa.string()),
         ("count", pa.int64()), ("partial", pa.string()), ("trend", pa.float64()),
         ("seasonal", pa.float64()), ("remainder", pa.float64()), ("forecast", pa.float64()),
         ("lower", pa.float64()), ("upper", pa.float64()), ("change_point", pa.bool_()),
         ("population", pa.float64()), ("rate_per_100k", pa.float64())]
    )  # fmt: skip
    if not any(r.rates is not None for r in results):
        schema = pa.schema([f for f in schema if f.name not in ("population", "rate_per_100k")])
        for row in rows:
            del row["population"], row["rate_per_100k"]
    table = pa.Table.from_pylist(rows, schema=schema)
    meta = {**metadata, "change_points": change_point_dates(results),
            "series": [series_summary(r) for r in results]}  # fmt: skip
    return StatsTable(table, meta)


def trends_charts(results: Sequence[SeriesTrends], y_title: str = "count") -> list[ChartInput]:
    """One chart per series: counts, forecast band, partial periods, change points."""
    charts = []
    for r in results:
        s, f = r.series, r.forecast
        band = None
        if f is not None:
            band = Band(f.starts, f.lower, f.upper, f.mean, f"forecast ({f.level:.0%} interval)")
        points = () if r.change_points is None else tuple(p.start for p in r.change_points.points)
        notes = [f"{fl.method.value}: {fl.reason}" for fl in r.flags]
        for name, change in (("year on year", r.year_on_year), ("recent mean", r.recent_mean)):
            if change is not None and change.percent_change is not None:
                notes.append(
                    f"{name}: {change.current_label} vs {change.base_label} "
                    f"{change.percent_change:+.1f}% (p = {change.p_value:.3g}, {change.test.value})"
                )
        if r.change_points is not None:
            for p in r.change_points.points:
                notes.append(
                    f"change point after {period_label(p.last_before, s.freq)} "
                    f"({_iso(p.lower)} to {_iso(p.upper)}): mean {p.mean_before:.1f} -> "
                    f"{p.mean_after:.1f}"
                )
        charts.append(
            ChartInput(
                title=f"{s.name} ({s.freq.value})",
                starts=s.starts,
                observed=tuple(float(c) for c in s.counts),
                band=band,
                change_points=points,
                partial=tuple(d for d, why in zip(s.starts, s.partial, strict=True) if why),
                y_title=y_title,
                notes=tuple(notes),
            )
        )
    return charts
