"""EARS C1 and the Rossi CUSUM against R ``surveillance`` 1.20.3 on Salmonella Newport
(Germany, weekly, ISO year 2011), and the batched quasi-Poisson fit against statsmodels."""

from __future__ import annotations

import csv
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm

from crimestats.errors import UsageError
from crimestats.watch.surveillance import cusum, ears, glm_baseline, poisson_glm
from crimestats.watch.surveillance.cusum import CusumParameters, CusumTransform
from crimestats.watch.surveillance.ears import EarsParameters
from crimestats.watch.surveillance.glm_baseline import GlmParameters
from crimestats.watch.surveillance.result import CountSeries

DATA = Path(__file__).resolve().parents[1] / "data" / "watch_surveillance_r"


def table(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def newport() -> CountSeries:
    rows = table("salmNewport_germany_weekly.csv")
    dates = tuple(date.fromisoformat(r["date"]) for r in rows)
    return CountSeries(dates, np.array([float(r["observed"]) for r in rows]), 52)


def span(series: CountSeries, ref: list[dict[str, str]]) -> tuple[int, int]:
    first = series.dates.index(date.fromisoformat(ref[0]["date"]))
    return first, first + len(ref) - 1


def test_ears_c1_published_package_test_values() -> None:
    # surveillance's own test: earsC C1, alpha 0.05, Newport 2011, first four bounds.
    series = newport()
    ref = table("ref_earsC1_newport_2011_alpha0.05.csv")
    result = ears.run(series, EarsParameters(alpha=0.05), *span(series, ref))
    np.testing.assert_allclose(
        result.upper[:4], [3.278854, 3.278854, 3.436517, 3.855617], atol=1e-6
    )
    np.testing.assert_allclose(result.upper, [float(r["upperbound"]) for r in ref], rtol=1e-12)
    assert result.alarm.tolist() == [r["alarm"] == "1" for r in ref]


def test_ears_c1_cdc_alpha() -> None:
    series = newport()
    ref = table("ref_earsC1_newport_2011_alpha0.001.csv")
    result = ears.run(series, EarsParameters(), *span(series, ref))
    np.testing.assert_allclose(result.upper, [float(r["upperbound"]) for r in ref], rtol=1e-12)
    assert result.alarm.tolist() == [r["alarm"] == "1" for r in ref]


@pytest.mark.parametrize("trans", list(CusumTransform))
def test_cusum_agrees_with_r(trans: CusumTransform) -> None:
    series = newport()
    ref = table(f"ref_cusum_{trans.value}_newport_2011.csv")
    result = cusum.run(series, CusumParameters(trans=trans), *span(series, ref))
    assert result.alarm.tolist() == [r["alarm"] == "1" for r in ref]
    assert result.alarm.sum() == 9
    np.testing.assert_allclose(result.upper, [float(r["upperbound"]) for r in ref], atol=1e-9)
    # m is the mean of every week before 2011, as R's default
    first = span(series, ref)[0]
    assert result.expected[0] == pytest.approx(series.counts[:first].mean())


def test_batched_fit_equals_statsmodels_quasi_poisson() -> None:
    rng = np.random.default_rng(7)
    n = 40
    x = np.column_stack([np.ones(n), np.arange(n) - n, (np.arange(n) % 4 == 0).astype(float)])
    y = rng.negative_binomial(5, 5 / (5 + np.exp(1.5 + 0.02 * x[:, 1])), size=(3, n)).astype(float)
    w = rng.uniform(0.3, 1.5, size=(3, n))
    ours = poisson_glm.fit(y, x, w)
    for row in range(3):
        reference = sm.GLM(y[row], x, family=sm.families.Poisson(), var_weights=w[row]).fit(
            scale="X2"
        )
        np.testing.assert_allclose(ours.coef[row], reference.params, rtol=1e-7)
        np.testing.assert_allclose(ours.dispersion[row], reference.scale, rtol=1e-7)
        np.testing.assert_allclose(
            ours.cov_unscaled[row] * ours.dispersion[row], reference.cov_params(), rtol=1e-6
        )


def test_glm_baseline_flags_a_jump_in_a_short_series() -> None:
    # 18 months at about 20 a month, then 60: the trend baseline expects about 20.
    counts = np.array(
        [20, 22, 19, 21, 18, 20, 23, 19, 21, 20, 22, 18, 21, 19, 20, 22, 21, 60], float
    )
    dates = tuple(date(2023 + (i // 12), i % 12 + 1, 1) for i in range(len(counts)))
    result = glm_baseline.run(CountSeries(dates, counts, 12), GlmParameters())
    assert result.alarm.tolist() == [False] * 5 + [True]
    assert result.expected[-1] == pytest.approx(counts[:-1].mean(), rel=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UsageError, match="at least 12"):
            glm_baseline.run(CountSeries(dates[:10], counts[:10], 12), GlmParameters())
