"""Hand-built trend results (no statistics run), the input of the trend export goldens.

Why by hand: the goldens pin the JSON/CSV bytes the export writes, so the input must not
move with statsmodels or ruptures; every method's result and flag shape appears once
(a full series with rates, a flagged series with a blank group value).
"""

from __future__ import annotations

import datetime as dt

from crimestats.watch.series import CountSeries, Freq
from crimestats.watch.trends.rates import SeriesRates
from crimestats.watch.trends.report import (
    Change,
    ChangePoint,
    ChangePoints,
    ChangeTest,
    Decomposition,
    Flag,
    Forecast,
    Method,
    SeriesTrends,
)

STARTS = (dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1), dt.date(2024, 4, 1))


def full() -> SeriesTrends:
    series = CountSeries(
        group=(("area", "Nörth"), ("offence", 101)),
        freq=Freq.MONTH,
        starts=STARTS,
        counts=(3, 5, 8, 2),
        partial=(None, None, None, "cut by --until"),
    )
    return SeriesTrends(
        series=series,
        analysed=(0, 3),
        decomposition=Decomposition(
            period=12,
            trend=(3.5, 5.25, 7.0),
            seasonal=(-0.5, 0.0, 0.5),
            remainder=(0.0, -0.25, 0.5),
            seasonal_strength=0.4,
            stable_seasonality_p=0.0005,
        ),
        year_on_year=Change(
            current_label="2024-03",
            base_label="2023-03",
            current=8,
            base=4,
            current_periods=1,
            base_periods=1,
            ratio=2.0,
            percent_change=100.0,
            test=ChangeTest.POISSON_EXACT,
            p_value=0.3876953125,
            dispersion=None,
        ),
        recent_mean=Change(
            current_label="2024-02..2024-03",
            base_label="2024-01",
            current=13,
            base=3,
            current_periods=2,
            base_periods=1,
            ratio=2.1666666666666665,
            percent_change=116.66666666666667,
            test=ChangeTest.NEGATIVE_BINOMIAL,
            p_value=0.125,
            dispersion=1.5,
            nb_alpha=0.25,
        ),
        change_points=ChangePoints(
            points=(
                ChangePoint(
                    index=1,
                    last_before=dt.date(2024, 1, 1),
                    start=dt.date(2024, 2, 1),
                    lower=dt.date(2024, 1, 1),
                    upper=None,
                    mean_before=3.0,
                    mean_after=6.5,
                ),
            ),
            bic=(10.5, 9.25),
            rss=(12.75, 4.5),
            min_segment=1,
            search="dynamic programming",
            level=0.95,
        ),
        forecast=Forecast(
            starts=(dt.date(2024, 4, 1), dt.date(2024, 5, 1)),
            mean=(6.0, 6.5),
            lower=(1.0, 0.5),
            upper=(11.0, 12.5),
            level=0.95,
            model="ETS(A,N,N)",
        ),
        flags=(Flag(Method.SERIES, "1 partial period left out"),),
        rates=SeriesRates(
            population=(1000.0, 1000.0, None, 1000.0),
            rate_per_100k=(300.0, 500.0, None, 200.0),
            periods_without_rate=1,
        ),
    )


def flagged() -> SeriesTrends:
    series = CountSeries(
        group=(("area", None), ("offence", 102)),
        freq=Freq.MONTH,
        starts=STARTS[:2],
        counts=(0, 1),
        partial=(None, None),
    )
    return SeriesTrends(
        series=series,
        analysed=(0, 0),
        decomposition=None,
        year_on_year=None,
        recent_mean=None,
        change_points=None,
        forecast=None,
        flags=(
            Flag(Method.DECOMPOSITION, "too few periods"),
            Flag(Method.FORECAST, "too few periods"),
        ),
    )


METADATA = {"unit": "incidents", "period_basis": "reported", "freq": "month"}
