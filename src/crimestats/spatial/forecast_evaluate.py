"""Rolling-origin evaluation of simple hotspot forecasts, against a naive baseline.

Why: a hotspot map is used as a forecast ("patrol here next week"); whether it is any
good is an empirical question with a standard answer (Chainey, Tompson & Uhlig 2008;
Wheeler & Steenbeek 2021): flag the top cells covering 1%, 5% or 10% of the area and
count how many of the next period's crimes fall in them. Each period in turn is the
*origin*: the forecasts see only the periods before it (no peeking), and are scored on
it. Periods are ``week`` (7 days from the first date) or ``month`` (calendar).

Forecasts, all on one grid (the grid of all the points' extent, which reveals no count):

* ``last-period``: the counts of the period just before the origin;
* ``history``: the mean counts per period of every period before the origin;
* ``kde``: the quartic KDE of the points of the last ``window`` periods;
* ``prospective``: the same KDE with each point weighted ``1 / (1 + age)``, age in
  periods (0 for the last one), after Bowers, Johnson & Pease (2004, *Br. J.
  Criminol.* 44: 641-658), whose prospective map weights recent, near events most (their
  distance decay is replaced here by the quartic kernel).

The naive baseline is flagging cells at random: its expected hit rate equals the area
share flagged, so its PAI is 1 (every forecast's PAI reads as a multiple of it).

Forecasts are scaled to counts (their total equals the mean count per period of the
periods they use), so that RRI, predicted over observed crimes in the flagged cells,
can be read as over- or under-prediction. Origins without any crime are skipped (a hit
rate needs crimes) and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError
from crimestats.spatial.grid import Grid, assign
from crimestats.spatial.kde import quartic_kde
from crimestats.spatial.prediction_metrics import accuracy_curve, at_area_share

DEFAULT_AREA_SHARES = (0.01, 0.05, 0.10)
DEFAULT_WINDOW = 4


class Forecast(StrEnum):
    """The forecasts evaluated (see the module docstring)."""

    LAST_PERIOD = "last-period"
    HISTORY = "history"
    KDE = "kde"
    PROSPECTIVE = "prospective"


class EvalPeriod(StrEnum):
    """Length of a forecast period."""

    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class ForecastScore:
    """One forecast at one origin and one share of the area."""

    category: str
    origin: str
    forecast: str
    area_share: float
    area_flagged: float
    cells: int
    observed: int
    hit_rate: float
    pai: float
    pei: float
    rri: float


@dataclass(frozen=True)
class Evaluation:
    """Every score, and the origins skipped for having no crime."""

    scores: tuple[ForecastScore, ...]
    origins: int
    skipped_origins: tuple[str, ...]


def period_index(
    dates: NDArray[np.datetime64], period: EvalPeriod
) -> tuple[NDArray[np.int64], list[str]]:
    """0-based period of each date from the first one, and each period's label.

    Weeks run 7 days from the earliest date (labelled by their first day); months are
    calendar months (``YYYY-MM``).

    >>> idx, labels = period_index(np.array(["2019-01-01", "2019-01-09"], "datetime64[D]"),
    ...                            EvalPeriod.WEEK)
    >>> idx.tolist(), labels
    ([0, 1], ['2019-01-01', '2019-01-08'])
    """
    days = np.asarray(dates, dtype="datetime64[D]")
    if days.size == 0:
        raise UsageError(
            "there are no dated points to evaluate forecasts on",
            hint="check the filters (--iccs, --source, --since, --until) or the points file",
        )
    first = days.min()
    if period is EvalPeriod.WEEK:
        index = ((days - first).astype(np.int64) // 7).astype(np.int64)
        labels = [str(first + np.timedelta64(7 * k, "D")) for k in range(int(index.max()) + 1)]
        return index, labels
    months = days.astype("datetime64[M]")
    index = (months - months.min()).astype(np.int64)
    labels = [str(months.min() + np.timedelta64(k, "M")) for k in range(int(index.max()) + 1)]
    return index, labels


def _scaled(values: NDArray[np.float64], total: float) -> NDArray[np.float64]:
    mass = float(values.sum())
    return values * (total / mass) if mass > 0 else values


def _forecasts(
    grid: Grid,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    cell: NDArray[np.int64],
    period: NDArray[np.int64],
    origin: int,
    window: int,
    bandwidth: float,
) -> dict[Forecast, NDArray[np.float64]]:
    """Each forecast for period ``origin`` from the periods before it only."""
    past = period < origin
    last = period == origin - 1
    recent = past & (period >= origin - window)
    used = min(window, origin)

    def counts(mask: NDArray[np.bool_]) -> NDArray[np.float64]:
        inside = mask & (cell >= 0)
        return np.bincount(cell[inside], minlength=grid.size).astype(np.float64)

    recent_mean = float(recent.sum()) / used
    age = (origin - 1 - period[recent]).astype(np.float64)
    kde = quartic_kde(grid.x, grid.y, x[recent], y[recent], bandwidth)
    prospective = quartic_kde(
        grid.x, grid.y, x[recent], y[recent], bandwidth, weights=1.0 / (1.0 + age)
    )
    return {
        Forecast.LAST_PERIOD: counts(last),
        Forecast.HISTORY: counts(past) / origin,
        Forecast.KDE: _scaled(kde, recent_mean),
        Forecast.PROSPECTIVE: _scaled(prospective, recent_mean),
    }


def evaluate(
    grid: Grid,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    dates: NDArray[np.datetime64],
    *,
    period: EvalPeriod = EvalPeriod.WEEK,
    window: int = DEFAULT_WINDOW,
    bandwidth: float,
    area_shares: Sequence[float] = DEFAULT_AREA_SHARES,
    category: str = "all",
) -> Evaluation:
    """Score every forecast at every origin (the second period on) and area share."""
    if window < 1:
        raise UsageError(
            f"--window must be at least 1 period, got {window}", hint="e.g. --window 4"
        )
    index, labels = period_index(dates, period)
    if len(labels) < 2:
        raise UsageError(
            f"the points span one {period} only: nothing to forecast",
            hint="give a longer span (--since/--until) or use --period week",
        )
    cell = assign(grid, x, y)
    scores: list[ForecastScore] = []
    skipped: list[str] = []
    for origin in range(1, len(labels)):
        observed = np.bincount(cell[(index == origin) & (cell >= 0)], minlength=grid.size).astype(
            np.float64
        )
        if observed.sum() == 0:
            skipped.append(labels[origin])
            continue
        forecasts = _forecasts(grid, x, y, cell, index, origin, window, bandwidth)
        for name, predicted in forecasts.items():
            curve = accuracy_curve(observed, predicted)
            for share in area_shares:
                at = at_area_share(curve, share)
                scores.append(
                    ForecastScore(
                        category=category,
                        origin=labels[origin],
                        forecast=str(name),
                        area_share=share,
                        area_flagged=at.area_share,
                        cells=at.cells,
                        observed=int(observed.sum()),
                        hit_rate=at.hit_rate,
                        pai=at.pai,
                        pei=at.pei,
                        rri=at.rri,
                    )
                )
    return Evaluation(tuple(scores), len(labels) - 1, tuple(skipped))


@dataclass(frozen=True)
class MeanScore:
    """A forecast's mean scores over the origins, at one share of the area."""

    category: str
    forecast: str
    area_share: float
    origins: int
    hit_rate: float
    pai: float
    pei: float
    rri: float
    baseline_hit_rate: float


def mean_scores(scores: Sequence[ForecastScore]) -> list[MeanScore]:
    """Means over origins per (category, forecast, area share), with the random baseline.

    The baseline's hit rate is the mean area share actually flagged (PAI 1); RRI's mean
    leaves out origins where it is undefined (no crime in the flagged cells).
    """
    groups: dict[tuple[str, str, float], list[ForecastScore]] = {}
    for score in scores:
        groups.setdefault((score.category, score.forecast, score.area_share), []).append(score)
    out: list[MeanScore] = []
    for (category, forecast, share), rows in groups.items():
        rri = np.array([r.rri for r in rows])
        finite = rri[np.isfinite(rri)]
        out.append(
            MeanScore(
                category=category,
                forecast=forecast,
                area_share=share,
                origins=len(rows),
                hit_rate=float(np.mean([r.hit_rate for r in rows])),
                pai=float(np.mean([r.pai for r in rows])),
                pei=float(np.mean([r.pei for r in rows])),
                rri=float(finite.mean()) if finite.size else float("nan"),
                baseline_hit_rate=float(np.mean([r.area_flagged for r in rows])),
            )
        )
    return out


__all__ = [
    "DEFAULT_AREA_SHARES",
    "EvalPeriod",
    "Evaluation",
    "Forecast",
    "ForecastScore",
    "MeanScore",
    "evaluate",
    "mean_scores",
    "period_index",
]
