"""``crimestats alerts`` over every ICCS level-2 x area monthly series of the workload.

Issue 14's measure: the improved Farrington run (latest complete month, FDR across
series) over tens of thousands of series, target under a minute on 2 cores, with the time
of a plain statsmodels loop beside it. The store is the one ``bench_stats`` builds
(``prepare``: generated and ingested once per (rows, seed)). Timed apart:

* ``series``: counting the store into zero-filled monthly series (``load_store_series``);
* ``alerts``: ``run_alerts`` -- one batched IRLS over every series sharing a design;
* ``statsmodels loop``: the same model fitted series by series with
  ``statsmodels.GLM(Poisson, var_weights).fit(scale="X2")`` (first fit, Anscombe
  residuals, reweighted fit; with and without trend), on ``--loop-sample`` series (2,000
  by default), extrapolated to all of them; the expected counts of the sample are
  compared with the batched run's.

``python bench/bench_alerts.py --rows N [--workdir DIR] [--loop-sample K]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import statsmodels.api as sm

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_stats
import generate
from crimestats.watch.alerts import run_alerts
from crimestats.watch.alerts_source import load_store_series
from crimestats.watch.surveillance import poisson_glm
from crimestats.watch.surveillance.farrington_flexible import FlexibleParameters
from crimestats.watch.surveillance.reference import designs_for
from crimestats.watch.surveillance.result import Method

TARGET_S = 60.0
BY = ["iccs_l2", "area"]


@dataclass(frozen=True, slots=True)
class LoopTiming:
    """The plain statsmodels loop on a sample of series, for comparison with the batch.

    ``series`` 0: nothing was timed (``note`` says why when the window was too short).
    ``extrapolated_s``: the loop's time a series times every series the run tested.
    ``batched_agrees``: the batched fit's expected counts match the loop's.
    """

    series: int
    note: str | None = None
    seconds: float | None = None
    per_series_ms: float | None = None
    batched_agrees: bool | None = None
    extrapolated_s: float | None = None

    def to_json(self) -> dict[str, object]:
        """The figures there are (``bench/out/alerts.json``): absent ones left out."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True, slots=True)
class AlertsTiming:
    """The alerts run over every series, as ``bench/out/alerts.json`` keeps it."""

    rows: int
    machine: str
    cpus: int | None
    series_s: float
    series: int
    alerts_s: float
    series_tested: int
    alarms: int
    period: str
    skipped: Mapping[str, int]
    """Series not assessed, by reason."""
    statsmodels_loop: LoopTiming

    @property
    def total_s(self) -> float:
        return self.series_s + self.alerts_s

    @property
    def meets_target(self) -> bool:
        return self.total_s < TARGET_S

    def to_json(self) -> dict[str, object]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "statsmodels_loop"}
        out.update(skipped=dict(self.skipped), total_s=self.total_s)
        out["statsmodels_loop"] = self.statsmodels_loop.to_json()  # after total_s, as before
        out["meets_target"] = self.meets_target
        return out


def _statsmodels_fit(y: np.ndarray, design: np.ndarray, threshold: float) -> float:
    """One series the plain way: fit, Anscombe residuals, weights, refit; mu at t."""
    first = sm.GLM(y, design, family=sm.families.Poisson()).fit(scale="X2")
    mu = first.fittedvalues
    phi = max(first.scale, 1.0)
    hat = first.get_hat_matrix_diag()
    s = 1.5 * (y ** (2 / 3) - mu ** (2 / 3)) / (mu ** (1 / 6) * np.sqrt(phi * (1 - hat)))
    omega = np.where(s > threshold, 1 / np.where(s > threshold, s, 1.0) ** 2, 1.0)
    omega *= len(y) / omega.sum()
    second = sm.GLM(y, design, family=sm.families.Poisson(), var_weights=omega).fit(scale="X2")
    return float(np.exp(second.params[0]))


def statsmodels_loop(
    series: list[Any], sample: int, params: FlexibleParameters, period: Any, tested: int
) -> LoopTiming:
    """Time the per-series loop on ``sample`` series; expected counts of the flat model.

    ``tested``: the series the batched run tested, to which the loop's time is scaled.
    """
    chosen = [s for s in series if sum(s.counts) > 0][:sample]
    if not chosen:
        return LoopTiming(series=0)
    t = chosen[0].starts.index(period)  # the month the run assessed
    groups = designs_for(chosen[0].starts, np.array([t]), params.baseline)
    if not groups:
        return LoopTiming(series=0, note="too short for the Farrington window")
    design = groups[0][0].without_trend()
    matrix = np.array([s.counts[: t + 1] for s in chosen], dtype=float)
    rows = matrix[:, t + design.offsets]
    start = time.perf_counter()
    expected = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # perfect separation on all-zero levels, as in R
        for y in rows:
            expected.append(
                _statsmodels_fit(y, design.matrix, params.weights_threshold) if y.any() else 0.0
            )
    seconds = time.perf_counter() - start
    batched = poisson_glm.fit_reweighted(rows, design.matrix, params.weights_threshold, True)
    ours = np.where(rows.sum(axis=1) > 0, np.exp(batched.coef[:, 0]), 0.0)
    agree = np.allclose(ours, expected, rtol=1e-5, atol=1e-8)
    per_series_ms = 1000 * seconds / len(chosen)
    return LoopTiming(
        series=len(chosen),
        seconds=seconds,
        per_series_ms=per_series_ms,
        batched_agrees=bool(agree),
        extrapolated_s=per_series_ms * tested / 1000,
    )


def main(
    rows: int,
    seed: int = generate.DEFAULT_SEED,
    workdir: str | None = None,
    loop_sample: int = 2000,
) -> AlertsTiming:
    db = bench_stats.prepare(rows, seed, workdir)
    start = time.perf_counter()
    series = list(load_store_series(db, BY, "month"))
    series_s = time.perf_counter() - start
    params = FlexibleParameters.for_frequency(12)
    start = time.perf_counter()
    run = run_alerts(series, freq="month", method=Method.FARRINGTON_FLEXIBLE, parameters=params)
    alerts_s = time.perf_counter() - start
    loop = statsmodels_loop(series, loop_sample, params, run.period_start, run.series_tested)
    result = AlertsTiming(
        rows=rows,
        machine=platform.platform(),
        cpus=os.cpu_count(),
        series_s=series_s,
        series=len(series),
        alerts_s=alerts_s,
        series_tested=run.series_tested,
        alarms=len(run.alerts),
        period=run.period_start.isoformat(),
        skipped=run.skipped,
        statsmodels_loop=loop,
    )
    print(
        f"{result.series:,} series ({result.series_tested:,} tested) at {result.period}: "
        f"series {result.series_s:.1f} s, alerts {result.alerts_s:.1f} s, "
        f"{result.alarms} alarms; target < {TARGET_S:.0f} s: "
        f"{'met' if result.meets_target else 'MISSED'}"
    )
    if loop.series:
        print(
            f"plain statsmodels loop: {loop.per_series_ms:.1f} ms a series "
            f"on {loop.series:,} "
            f"-> {loop.extrapolated_s:.0f} s for all; "
            f"batched fit agrees: {loop.batched_agrees}"
        )
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "alerts.json").write_text(json.dumps(result.to_json(), indent=2, default=str))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--workdir")
    parser.add_argument("--loop-sample", type=int, default=2000)
    args = parser.parse_args()
    main(args.rows, args.seed, args.workdir, args.loop_sample)
