"""The Farrington methods against R ``surveillance`` and the package vignette's tables.

References (tests/data/watch_surveillance_r/PROVENANCE.md): the vignette's TP/FP/TN/FN
for ``farrington(w = 3, b = 5)`` over the 14 SurvStat series (Höhle 2007); R
``algo.farrington`` on Salmonella Agona; R ``farringtonFlexible`` 1.20.3 (computed by
``make_references.R``) on Salmonella Newport and two held-out weekly series.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from crimestats.watch.surveillance import farrington, farrington_flexible
from crimestats.watch.surveillance.farrington import FarringtonParameters
from crimestats.watch.surveillance.farrington_flexible import FlexibleParameters
from crimestats.watch.surveillance.result import CountSeries
from crimestats.watch.surveillance.thresholds import ThresholdMethod

DATA = Path(__file__).resolve().parents[1] / "data" / "watch_surveillance_r"
SURVSTAT = (
    "h1_nrwrp",
    "k1",
    "m1",
    "m2",
    "m3",
    "m4",
    "m5",
    "n1",
    "n2",
    "q1_nrwh",
    "q2",
    "s1",
    "s2",
    "s3",
)


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def numbers(table: list[dict[str, str]], column: str) -> np.ndarray:
    return np.array([np.nan if r[column] == "NA" else float(r[column]) for r in table])


def undated(counts: np.ndarray) -> CountSeries:
    """A series of week numbers (R's ``disProg``): a year back is exactly 52 weeks."""
    start = date(2001, 1, 1)
    dates = tuple(start + timedelta(weeks=i) for i in range(len(counts)))
    return CountSeries(dates, counts, 52, dated=False)


def dated(name: str, frequency: int = 52) -> CountSeries:
    table = rows(name)
    dates = tuple(date.fromisoformat(r["date"]) for r in table)
    return CountSeries(dates, numbers(table, "observed"), frequency, name=name)


def test_survstat_vignette_table_farrington_b5_w3() -> None:
    # Höhle (2007), vignette pp. 7-9: farrington(w = 3, b = 5), weeks 417:625 of the 14
    # enlarged SurvStat series, alpha 0.05, summed: TP 43, FP 71, TN 2637, FN 175.
    tp = fp = tn = fn = 0
    for name in SURVSTAT:
        table = rows(f"survstat_enlarged_{name}.csv")
        state = numbers(table, "state")[416:625].astype(bool)
        result = farrington.run(
            undated(numbers(table, "observed")), FarringtonParameters(), 416, 624
        )
        tp += int(np.sum(result.alarm & state))
        fp += int(np.sum(result.alarm & ~state))
        tn += int(np.sum(~result.alarm & ~state))
        fn += int(np.sum(~result.alarm & state))
    assert (tp, fp, tn, fn) == (43, 71, 2637, 175)


def test_agona_algo_farrington_upper_bounds() -> None:
    # R algo.farrington(b = 3, w = 3, alpha = 0.01) on weeks 260-312; R reports 0 as the
    # bound where fewer than 5 cases came in 4 weeks (no alarm possible): those are
    # compared on the alarm only.
    ref = rows("ref_algo_farrington_salmonella_agona.csv")
    counts = numbers(rows("salmonella_agona.csv"), "observed")
    result = farrington.run(undated(counts), FarringtonParameters(b=3, w=3, alpha=0.01), 259, 311)
    upper = numbers(ref, "upperbound")
    shown = upper > 0
    assert shown.sum() > 30
    np.testing.assert_allclose(result.upper[shown], upper[shown], rtol=1e-4)
    assert result.alarm.tolist() == numbers(ref, "alarm").astype(bool).tolist()


def test_newport_algo_farrington_b5() -> None:
    # A dated weekly series: R finds "a year back" by date (52 or 53 weeks), as we do.
    ref = rows("ref_algo_farrington_newport.csv")
    series = dated("salmNewport_germany_weekly.csv")
    result = farrington.run(series, FarringtonParameters(), 399, len(series) - 1)
    upper = numbers(ref, "upperbound")
    shown = upper > 0
    np.testing.assert_allclose(result.upper[shown], upper[shown], rtol=1e-4)
    assert result.alarm.tolist() == numbers(ref, "alarm").astype(bool).tolist()


NOUFAILY_SERIES = [
    ("salmNewport_germany_weekly.csv", "newport"),
    ("heldout_campyDE_weekly.csv", "campyDE"),
    ("heldout_salmHospitalized_weekly.csv", "salmHospitalized"),
]


def run_like(series: CountSeries, ref: list[dict[str, str]], params: FlexibleParameters):  # type: ignore[no-untyped-def]
    first = series.dates.index(date.fromisoformat(ref[0]["date"]))
    return farrington_flexible.run(series, params, first, first + len(ref) - 1)


@pytest.mark.parametrize(("source", "name"), NOUFAILY_SERIES)
def test_improved_farrington_agrees_week_by_week(source: str, name: str) -> None:
    # Noufaily's settings (b 5, w 3, 10 levels, 26 weeks out, reweighting above 2.58,
    # trend always kept, negative binomial threshold): 156 weeks, alarm by alarm.
    ref = rows(f"ref_flexible_{name}_noufaily_nbPlugin.csv")
    result = run_like(dated(source), ref, FlexibleParameters())
    assert result.alarm.tolist() == numbers(ref, "alarm").astype(bool).tolist()
    shown = ~np.isnan(numbers(ref, "upperbound"))
    np.testing.assert_array_equal(result.upper[shown], numbers(ref, "upperbound")[shown])
    np.testing.assert_allclose(result.expected[shown], numbers(ref, "expected")[shown], rtol=1e-5)


def test_improved_farrington_monthly() -> None:
    # Monthly counts (frequency 12): b 5, w 1, 4 levels, 6 months left out.
    ref = rows("ref_flexible_newport_monthly_nbPlugin.csv")
    series = dated("salmNewport_germany_monthly.csv", frequency=12)
    result = run_like(series, ref, FlexibleParameters.for_frequency(12))
    assert result.alarm.tolist() == numbers(ref, "alarm").astype(bool).tolist()
    np.testing.assert_array_equal(result.upper, numbers(ref, "upperbound"))
    np.testing.assert_allclose(result.expected, numbers(ref, "expected"), rtol=1e-5)


@pytest.mark.parametrize("method", [ThresholdMethod.DELTA, ThresholdMethod.MUAN])
def test_other_thresholds_same_baseline_close_bounds(method: ThresholdMethod) -> None:
    # The baseline (expected) agrees with R to 1e-5; R's variance term of the flexible
    # "delta" and "muan" thresholds is not documented and ours (Farrington 1996's,
    # with phi) gives slightly wider bounds: within 3 counts / 5 % on Newport.
    ref = rows(f"ref_flexible_newport_noufaily_{method.value}.csv")
    result = run_like(
        dated("salmNewport_germany_weekly.csv"), ref, FlexibleParameters(threshold_method=method)
    )
    shown = ~np.isnan(numbers(ref, "upperbound"))
    np.testing.assert_allclose(result.expected[shown], numbers(ref, "expected")[shown], rtol=1e-5)
    gap = result.upper[shown] - numbers(ref, "upperbound")[shown]
    assert np.all(gap >= -1e-9)
    assert np.all(gap <= 1.0 + 1e-9)
    agree = result.alarm == numbers(ref, "alarm").astype(bool)
    assert agree.mean() >= 0.99


@pytest.mark.xfail(
    strict=True, reason="R farringtonFlexible's trend test with noPeriods = 1 differs"
)
def test_flexible_with_r_defaults_agrees() -> None:
    # R's own defaults (1996 windows, reweighting above 2.58, trend kept at p < 0.05,
    # one-sided delta threshold): R keeps the trend in some weeks where we drop it; the
    # 1996 method itself (weights above 1) agrees (test_newport_algo_farrington_b5).
    ref = rows("ref_flexible_newport_rdefaults.csv")
    params = FlexibleParameters(
        no_periods=1, p_threshold_trend=0.05, threshold_method=ThresholdMethod.DELTA
    )
    result = run_like(dated("salmNewport_germany_weekly.csv"), ref, params)
    assert result.alarm.tolist() == numbers(ref, "alarm").astype(bool).tolist()
