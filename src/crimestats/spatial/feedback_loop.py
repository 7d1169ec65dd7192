"""A simulated feedback loop between hotspot forecasts and where crime gets recorded.

Why: a forecast trained on *recorded* crime sends patrols to the cells it flags, and
patrols record more of the crime that happens there; the next forecast trains on that
record, so it flags the same cells again whatever the true distribution of crime (Lum
& Isaac 2016, "To predict and serve?", *Significance* 13(5): 14-19; Ensign et al. 2018,
"Runaway feedback loops in predictive policing", PMLR 81). This module runs that loop
against a *true* intensity per cell (a second source's counts, or uniform) and reports
how concentration and error drift over rounds, so a forecast's model card can say how
far it would lock itself in.

One round ``r`` (1-based):

1. the forecast, trained on the recorded history so far, flags the top cells covering
   ``patrol_share`` of the area (ranked as ``forecast-evaluate`` ranks them);
2. true incidents per cell ~ Poisson(true intensity);
3. recorded incidents ~ Binomial(true, p), ``p = recording_patrolled`` in flagged cells
   and ``recording_base`` elsewhere;
4. the recorded counts join the history as one more period.

Each round reports the shares in the flagged cells of that round's recorded and true
incidents, of the whole recorded history (what the next forecast trains on: it rises
as the loop feeds on itself) and of the true intensity; the Gini of the round's
recorded counts; the forecast's error against the truth (total variation distance
between their shares per cell, 0 = same distribution, 1 = disjoint); and the overlap of
the flagged cells with the truth's own top cells (undefined under a uniform truth).

The forecasts are the very functions of ``forecast_evaluate`` (recorded counts become
points at their cells' centres). Draws come from one ``numpy.random.default_rng(seed)``
in a fixed order (per round: the Poisson draw of every cell, then the Binomial draw of
every cell), so a run is reproducible by seed and can be replayed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError
from crimestats.spatial.forecast_evaluate import (
    DEFAULT_WINDOW,
    EvalPeriod,
    Forecast,
    _forecasts,
    period_index,
)
from crimestats.spatial.grid import Grid, assign
from crimestats.spatial.prediction_metrics import accuracy_curve, at_area_share

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class LoopConfig:
    """The loop's settings (see the module docstring)."""

    rounds: int = 10
    patrol_share: float = 0.05
    recording_base: float = 0.5
    recording_patrolled: float = 0.8
    forecast: Forecast = Forecast.HISTORY
    window: int = DEFAULT_WINDOW
    bandwidth: float = 1.0
    seed: int = 0

    def check(self) -> None:
        """One clear message for a setting out of range."""
        if self.rounds < 1:
            raise UsageError(f"--rounds must be at least 1, got {self.rounds}", hint="e.g. 10")
        if not 0 < self.patrol_share <= 1:
            raise UsageError(
                f"--patrol-share must be in (0, 100] percent, got {self.patrol_share:.4g}",
                hint="e.g. --patrol-share 5",
            )
        for name, p in (
            ("--recording-base", self.recording_base),
            ("--recording-patrolled", self.recording_patrolled),
        ):
            if not 0 <= p <= 1:
                raise UsageError(f"{name} must be a probability in [0, 1], got {p}", hint="0.5")
        if self.window < 1 or self.bandwidth <= 0:
            raise UsageError("window must be >= 1 and bandwidth > 0", hint="e.g. window 4")


@dataclass(frozen=True)
class RoundResult:
    """What one round flagged, what happened and what was recorded, summarised."""

    round: int
    flagged_cells: int
    area_flagged: float
    flagged_unchanged: bool
    true_incidents: int
    recorded_incidents: int
    recorded_gini: float
    recorded_share_flagged: float
    history_share_flagged: float
    true_share_flagged: float
    intensity_share_flagged: float
    forecast_error: float
    true_top_overlap: float


@dataclass(frozen=True)
class LoopResult:
    """Every round, the flagged cells of each round, and the drift first -> last round."""

    rounds: tuple[RoundResult, ...]
    flagged: tuple[IntArray, ...]
    locked_from: int | None

    def drift(self) -> dict[str, float]:
        """Last round minus first round, for each share and error."""
        first, last = self.rounds[0], self.rounds[-1]
        names = (
            "recorded_gini",
            "recorded_share_flagged",
            "history_share_flagged",
            "true_share_flagged",
            "forecast_error",
            "true_top_overlap",
        )
        return {n: float(getattr(last, n)) - float(getattr(first, n)) for n in names}


def gini(values: FloatArray) -> float:
    """Gini coefficient of non-negative counts: mean |xi - xj| over twice the mean.

    >>> gini(np.array([4.0, 0.0, 0.0, 0.0]))
    0.75
    >>> gini(np.array([2.0, 2.0]))
    0.0
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n, total = x.size, float(x.sum())
    if n == 0 or total == 0:
        return float("nan")
    ranks = np.arange(1, n + 1)
    return float(np.sum((2 * ranks - n - 1) * x) / (n * total))


def top_cells(grid: Grid, predicted: FloatArray, share: float) -> IntArray:
    """The cells flagged by ``predicted``: its top cells covering ``share`` of the area.

    Ranked as ``forecast-evaluate`` ranks them (``accuracy_curve``; ties by cell order).
    """
    curve = accuracy_curve(np.zeros(grid.size), predicted)
    cells = at_area_share(curve, share).cells
    return np.sort(curve.order[:cells])


def forecast_from_counts(
    grid: Grid, history: IntArray, method: Forecast, window: int, bandwidth: float
) -> FloatArray:
    """``forecast_evaluate``'s forecast for the period after ``history`` (periods x cells).

    Each recorded incident becomes a point at its cell's centre, so the KDE forecasts
    see the cell, not the incident's exact place (the resolution the loop works at).
    """
    periods = history.shape[0]
    cell = np.repeat(np.tile(np.arange(grid.size), periods), history.ravel())
    period = np.repeat(np.repeat(np.arange(periods), grid.size), history.ravel())
    return _forecasts(
        grid, grid.x[cell], grid.y[cell], cell.astype(np.int64), period.astype(np.int64),
        periods, window, bandwidth,
    )[method]  # fmt: skip


def recorded_history(
    grid: Grid, x: FloatArray, y: FloatArray, dates: NDArray[np.datetime64], period: EvalPeriod
) -> IntArray:
    """Counts per period and cell (periods x cells) of the recorded points on ``grid``."""
    index, labels = period_index(dates, period)
    cell = assign(grid, x, y)
    inside = cell >= 0
    flat = index[inside] * grid.size + cell[inside]
    counts = np.bincount(flat, minlength=len(labels) * grid.size)
    return counts.astype(np.int64).reshape(len(labels), grid.size)


def truth_intensity(
    grid: Grid,
    per_round: float,
    x: FloatArray | None = None,
    y: FloatArray | None = None,
    weights: FloatArray | None = None,
) -> FloatArray:
    """True expected incidents per cell and round, ``per_round`` in all.

    From a second source's points counted on ``grid`` (points off the grid are left
    out; ``weights`` per point, e.g. residents of a census block's centroid), or
    uniform when no points are given. A cell where the second source has no
    point gets no true crime: the loop then measures how far the forecast strays from
    that source, not from an unknowable truth.
    """
    if x is None or y is None:
        return np.full(grid.size, per_round / grid.size)
    cell = assign(grid, x, y)
    inside = cell >= 0
    mass = None if weights is None else np.asarray(weights, dtype=np.float64)[inside]
    counts = np.bincount(cell[inside], weights=mass, minlength=grid.size).astype(np.float64)
    if counts.sum() == 0:
        raise UsageError(
            "no point of the --truth file falls on the grid of the forecast's points",
            hint="give a truth source covering the same area, or --truth uniform",
        )
    scaled: FloatArray = counts * (per_round / counts.sum())
    return scaled


def _share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else float("nan")


def _error(forecast: FloatArray, intensity: FloatArray) -> float:
    """Total variation distance between the forecast's and the truth's shares, in [0, 1]."""
    f, t = float(forecast.sum()), float(intensity.sum())
    if f <= 0 or t <= 0:
        return float("nan")
    return 0.5 * float(np.abs(forecast / f - intensity / t).sum())


def simulate(
    grid: Grid, history: IntArray, intensity: FloatArray, config: LoopConfig
) -> LoopResult:
    """Run the loop from a recorded ``history`` (periods x cells) against ``intensity``."""
    config.check()
    counts = np.asarray(history, dtype=np.int64).reshape(-1, grid.size)
    truth = np.asarray(intensity, dtype=np.float64)
    if counts.shape[0] < 1 or counts.sum() == 0:
        raise UsageError(
            "the loop needs at least one recorded incident to train the first forecast",
            hint="check the filters or the points file",
        )
    if truth.shape != (grid.size,) or (truth < 0).any() or not np.isfinite(truth).all():
        raise UsageError(
            "the true intensity needs one non-negative number per cell", hint="check --truth"
        )
    rng = np.random.default_rng(config.seed)
    uniform_truth = bool(np.all(truth == truth[0]))
    rows: list[RoundResult] = []
    flags: list[IntArray] = []
    for number in range(1, config.rounds + 1):
        predicted = forecast_from_counts(
            grid, counts, config.forecast, config.window, config.bandwidth
        )
        flagged = top_cells(grid, predicted, config.patrol_share)
        is_flagged = np.zeros(grid.size, dtype=bool)
        is_flagged[flagged] = True
        true = rng.poisson(truth).astype(np.int64)
        recorded = rng.binomial(
            true, np.where(is_flagged, config.recording_patrolled, config.recording_base)
        ).astype(np.int64)
        counts = np.vstack([counts, recorded[None, :]])
        if uniform_truth:
            overlap = float("nan")  # every cell ties: no true top cells
        else:
            best = top_cells(grid, truth, config.patrol_share)
            overlap = np.intersect1d(best, flagged).size / flagged.size
        rows.append(
            RoundResult(
                round=number,
                flagged_cells=int(flagged.size),
                area_flagged=flagged.size / grid.size,
                flagged_unchanged=bool(flags) and np.array_equal(flags[-1], flagged),
                true_incidents=int(true.sum()),
                recorded_incidents=int(recorded.sum()),
                recorded_gini=gini(recorded.astype(np.float64)),
                recorded_share_flagged=_share(recorded[flagged].sum(), recorded.sum()),
                history_share_flagged=_share(counts[:, flagged].sum(), counts.sum()),
                true_share_flagged=_share(true[flagged].sum(), true.sum()),
                intensity_share_flagged=_share(truth[flagged].sum(), truth.sum()),
                forecast_error=_error(predicted, truth),
                true_top_overlap=overlap,
            )
        )
        flags.append(flagged)
    return LoopResult(tuple(rows), tuple(flags), _locked_from(flags))


def _locked_from(flags: list[IntArray]) -> int | None:
    """The first round from which the flagged cells never changed (None: never settled).

    A run whose last two rounds differ has not settled; one of a single round neither.
    """
    if len(flags) < 2 or not np.array_equal(flags[-1], flags[-2]):
        return None
    start = len(flags)
    while start > 1 and np.array_equal(flags[start - 2], flags[-1]):
        start -= 1
    return start


__all__ = [
    "LoopConfig",
    "LoopResult",
    "RoundResult",
    "forecast_from_counts",
    "gini",
    "recorded_history",
    "simulate",
    "top_cells",
    "truth_intensity",
]
