"""``crimestats alerts``: early warning on every series of the store, or on one file.

Store mode (``--by``, ``--freq``): every series at the latest complete period, alarms
controlled for multiple testing and stored in the ``alerts`` table. File mode
(``--series FILE.csv``): every period of one count series, so that the methods can be
checked on published data. The methods and their parameters: ``docs/watch.md``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from crimestats.cli.options import DbOption, ForceOption, JsonOption
from crimestats.cli.output import console, print_json
from crimestats.errors import UsageError
from crimestats.watch.surveillance.parameters import describe, with_options
from crimestats.watch.surveillance.result import CountSeries, Method, SurveillanceResult

_METHODS = ", ".join(m.value for m in Method)


def _method(value: str) -> Method:
    try:
        return Method(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not known; use one of: {_METHODS}", param_hint="--method"
        ) from None


def _date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text + "-01" if len(text) == 7 else text)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (2024-03-04 or 2024-03)", param_hint=option
        ) from None


def _number(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 6)


def _period_rows(series: CountSeries, results: list[SurveillanceResult]) -> list[dict[str, Any]]:
    """One object per period; ``date`` is the period number for a numbered series."""
    rows = []
    for r in results:
        score = r.exceedance
        for i, day in enumerate(r.dates):
            rows.append(
                {
                    "date": day.isoformat() if series.dated else series.number_of(day),
                    "observed": int(r.observed[i]),
                    "expected": _number(r.expected[i]),
                    "upper": _number(r.upper[i]),
                    "alarm": bool(r.alarm[i]),
                    "pvalue": _number(r.pvalue[i]),
                    "exceedance": _number(score[i]),
                    "method": r.method.value,
                }
            )
    return rows


def _position(
    series: CountSeries, option: str, value: str | None, default: int, last: bool = False
) -> int:
    """``--from``/``--to`` as a position: a date, a month, or a period number."""
    if value is None:
        return default
    if not series.dated:
        if not value.strip().isdigit():
            raise typer.BadParameter(
                f"{value!r}: this series has period numbers", param_hint=option
            )
        return int(value) - series.first_number
    day = _date(option, value)
    if last:
        return sum(1 for d in series.dates if day is not None and d <= day) - 1
    return sum(1 for d in series.dates if day is not None and d < day)


def _series_mode(
    file: Path, date_column: str | None, count_column: str | None, frequency: int | None,
    method: Method, given: dict[str, object | None], since: str | None, until: str | None,
    json_out: bool, html: Path | None, force: bool,
) -> None:  # fmt: skip
    from crimestats.watch.series_file import read_series
    from crimestats.watch.surveillance.run import run_with_fallback

    if not date_column or not count_column:
        raise UsageError(
            "--series needs --date-column and --count-column",
            hint="e.g. --date-column week --count-column cases",
        )
    series = read_series(file, date_column, count_column, frequency)
    params = with_options(method, series.frequency, given)
    start = _position(series, "--from", since, 0)
    end = min(_position(series, "--to", until, len(series) - 1, last=True), len(series) - 1)
    start = max(start, 0)
    if end < start:
        raise UsageError(f"no period of {file} lies between --from and --to")
    results = run_with_fallback(series, params, start, end)
    rows = _period_rows(series, results)
    if html is not None:
        if not series.dated:
            raise UsageError("--html draws dated series", hint="give dates, or leave --html out")
        from crimestats.watch.alert_charts import series_chart
        from crimestats.watch.charts import write_html

        write_html(html, f"alerts: {series.name}", [series_chart(series.name, rows)],
                   overwrite=force)  # fmt: skip
    if json_out:
        print_json(rows)
        return
    console.print(f"{series.name}: {len(rows)} periods assessed")
    for r in results:
        console.print(
            f"  {r.method}, {len(r.dates)} periods from {r.dates[0]}: {describe(r.parameters)}"
        )
    for row in rows:
        if row["alarm"]:
            console.print(
                f"  {row['date']}: {row['observed']}, expected {row['expected']:.1f}, "
                f"alarm above {row['upper']:.1f}"
            )
    console.print(f"{sum(r['alarm'] for r in rows)} alarms")


def _store_mode(
    db: Path | None, by: list[str], freq: str, period: date | None, method: Method,
    given: dict[str, object | None], fdr: float, min_count: int, json_out: bool,
    html: Path | None, force: bool,
) -> None:  # fmt: skip
    from crimestats.storage.alerts_table import store_alerts
    from crimestats.watch.alerts import alert_rows, run_alerts
    from crimestats.watch.alerts_source import load_store_series

    if freq not in ("week", "month"):
        raise typer.BadParameter(f"{freq!r}: use week or month", param_hint="--freq")
    frequency = 52 if freq == "week" else 12
    params = with_options(method, frequency, given)
    series = load_store_series(db, by, freq)
    run = run_alerts(
        series,
        freq=freq,
        method=method,
        parameters=params,
        period=period,
        fdr=fdr,
        min_count=min_count,
    )
    store_alerts(db, alert_rows(run))  # type: ignore[arg-type]
    if html is not None:
        from crimestats.watch.alert_charts import store_charts
        from crimestats.watch.charts import write_html

        intro = f"{run.period}: {len(run.alerts)} alarms among {run.series_tested} series"
        write_html(html, "alerts", store_charts(run, series), intro=intro, overwrite=force)
    if json_out:
        print_json(
            {
                "run_id": run.run_id,
                "period": run.period_start.isoformat(),
                "freq": run.freq,
                "partial_periods_not_assessed": [
                    {"period": p, "reason": reason} for p, reason in run.not_assessed_partial
                ],
                "method": run.method.value,
                "parameters": run.parameters,
                "fdr": run.fdr,
                "min_count": run.min_count,
                "series_tested": run.series_tested,
                "skipped": run.skipped,
                "alerts": [
                    {
                        "rank": a.rank,
                        "series": a.series,
                        "group": dict(a.group),
                        "period": a.period_start.isoformat(),
                        "observed": a.observed,
                        "expected": _number(a.expected),
                        "upper": _number(a.upper),
                        "pvalue": _number(a.pvalue),
                        "qvalue": _number(a.qvalue),
                        "exceedance": _number(a.exceedance),
                        "method": a.method.value,
                        "window": [a.window[0].isoformat(), a.window[1].isoformat()],
                        "sentence": a.sentence,
                    }
                    for a in run.alerts
                ],
            }
        )
        return
    for label, reason in run.not_assessed_partial:
        console.print(f"{label} not assessed: partial ({reason})")
    console.print(
        f"{run.period}: {run.series_tested} series tested with {run.method}, false discovery "
        f"rate {run.fdr}: {len(run.alerts)} alarms (run {run.run_id})"
    )
    for reason, count in run.skipped.items():
        console.print(f"  {count} series not tested: {reason}")
    for a in run.alerts:
        console.print(f"  {a.rank}. {a.sentence}")


def alerts(
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="Fields of the store's series (comma-separated or repeated)."),
    ] = None,
    freq: Annotated[str, typer.Option("--freq", help="week or month (store mode).")] = "month",
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="Assess this period instead of the latest complete one (2024-03)."
        ),
    ] = None,
    method: Annotated[
        str, typer.Option("--method", help=f"One of: {_METHODS}.")
    ] = "farrington-flexible",
    alpha: Annotated[
        float | None, typer.Option("--alpha", help="Per-series level of the threshold.")
    ] = None,
    fdr: Annotated[
        float,
        typer.Option("--fdr", help="False discovery rate across series (Benjamini-Hochberg)."),
    ] = 0.05,
    min_count: Annotated[
        int, typer.Option("--min-count", help="No alarm on fewer than N in the period.")
    ] = 5,
    series_file: Annotated[
        Path | None, typer.Option("--series", help="A count series CSV instead of the store.")
    ] = None,
    date_column: Annotated[
        str | None, typer.Option("--date-column", help="With --series: the period column.")
    ] = None,
    count_column: Annotated[
        str | None, typer.Option("--count-column", help="With --series: the count column.")
    ] = None,
    frequency: Annotated[
        int | None, typer.Option("--frequency", help="With numbered periods: 52 or 12 a year.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--from", help="With --series: first period to assess.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--to", help="With --series: last period to assess.")
    ] = None,
    b: Annotated[int | None, typer.Option("--b", help="Farrington: years back.")] = None,
    w: Annotated[
        int | None, typer.Option("--w", help="Farrington: half-window in periods.")
    ] = None,
    no_periods: Annotated[
        int | None,
        typer.Option("--no-periods", help="farrington-flexible: seasonal factor levels."),
    ] = None,
    weights_threshold: Annotated[
        float | None,
        typer.Option(
            "--weights-threshold",
            help="farrington-flexible: down-weight past outbreaks above this Anscombe residual.",
        ),
    ] = None,
    past_weeks_not_included: Annotated[
        int | None,
        typer.Option(
            "--past-weeks-not-included",
            help="farrington-flexible: recent periods left out of the baseline.",
        ),
    ] = None,
    p_threshold_trend: Annotated[
        float | None,
        typer.Option(
            "--p-threshold-trend", help="farrington-flexible: keep the trend below this p-value."
        ),
    ] = None,
    threshold_method: Annotated[
        str | None,
        typer.Option("--threshold-method", help="farrington-flexible: delta, nbPlugin or muan."),
    ] = None,
    limit54: Annotated[
        str | None,
        typer.Option(
            "--limit54", help="Farrington: no alarm below CASES in the last PERIODS (5,4)."
        ),
    ] = None,
    reweight: Annotated[
        bool | None,
        typer.Option("--reweight/--no-reweight", help="Farrington: down-weight past outbreaks."),
    ] = None,
    trend: Annotated[
        bool | None, typer.Option("--trend/--no-trend", help="Farrington: fit a trend.")
    ] = None,
    powertrans: Annotated[
        str | None, typer.Option("--powertrans", help="Farrington delta threshold: 2/3, 1/2, none.")
    ] = None,
    baseline: Annotated[
        int | None, typer.Option("--baseline", help="ears-c1: periods in the moving baseline.")
    ] = None,
    min_sigma: Annotated[
        float | None, typer.Option("--min-sigma", help="ears-c1: floor of the standard deviation.")
    ] = None,
    k: Annotated[float | None, typer.Option("--k", help="cusum: reference value.")] = None,
    h: Annotated[float | None, typer.Option("--h", help="cusum: decision boundary.")] = None,
    trans: Annotated[str | None, typer.Option("--trans", help="cusum: rossi or standard.")] = None,
    min_periods: Annotated[
        int | None, typer.Option("--min-periods", help="glm: fewest periods of baseline.")
    ] = None,
    json_out: JsonOption = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write the charts (observed, expected band, alarms)."),
    ] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Early warning: alarms where a count rises above what its past predicts."""
    chosen = _method(method)
    given: dict[str, object | None] = {
        "alpha": alpha, "b": b, "w": w, "no_periods": no_periods,
        "weights_threshold": weights_threshold,
        "past_weeks_not_included": past_weeks_not_included,
        "p_threshold_trend": p_threshold_trend, "threshold_method": threshold_method,
        "baseline": baseline, "min_sigma": min_sigma, "k": k, "h": h, "trans": trans,
        "min_periods": min_periods, "limit54": limit54, "reweight": reweight, "trend": trend,
        "powertrans": powertrans,
    }  # fmt: skip
    try:
        if series_file is not None:
            if by:
                raise UsageError("--by reads the store; --series reads a file: give one")
            _series_mode(
                series_file, date_column, count_column, frequency, chosen, given,
                since, until, json_out, html, force,
            )  # fmt: skip
            return
        _store_mode(
            db, by or [], freq, _date("--period", period), chosen, given, fdr, min_count,
            json_out, html, force,
        )  # fmt: skip
    except UsageError as exc:
        if "does not apply" in exc.message or "is not known" in exc.message:
            raise typer.BadParameter(exc.message + (f"; {exc.hint}" if exc.hint else "")) from None
        raise


def register(app: typer.Typer) -> None:
    """Attach ``alerts``."""
    app.command("alerts")(alerts)
