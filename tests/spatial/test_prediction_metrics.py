"""Hit rate, PAI, PEI and RRI against ptools 2.0.0's worked values.

Source of the figures: tests/data/prediction_metrics_ptools/PROVENANCE.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from crimestats.errors import UsageError
from crimestats.spatial.prediction_metrics import accuracy_curve, at_area_share


def test_ptools_simple_pai_check() -> None:
    # ptools tests/testthat/test-pai.R "simple pai check": observed (6, 3, 0), predicted
    # (3, 2, 1), equal areas: PAI 2, 1.5, 1; PEI 1, 1, 1; RRI = cumsum(pred) / cumsum(obs)
    curve = accuracy_curve(np.array([6.0, 3.0, 0.0]), np.array([3.0, 2.0, 1.0]))
    np.testing.assert_allclose(curve.pai, [2.0, 1.5, 1.0])
    np.testing.assert_allclose(curve.pei, [1.0, 1.0, 1.0])
    np.testing.assert_allclose(curve.rri, np.cumsum([3, 2, 1]) / np.cumsum([6, 3, 0]))
    np.testing.assert_allclose(curve.hit_rate, [6 / 9, 1.0, 1.0])


def test_ties_in_the_prediction_are_broken_pessimistically() -> None:
    # ptools "pai_summary equivalence" data: observed (6, 7, 3, 2, 1, 0), predicted
    # (8, 4, 4, 2, 1, 0). Ranking: pred 8 (obs 6), then the tie at 4 with obs 3 before
    # obs 7, then 2, 1, 0. By hand: cumulative observed 6, 9, 16, 18, 19, 19 of 19;
    # the best order (7, 6, 3, 2, 1, 0) gives 7, 13, 16, 18, 19, 19.
    curve = accuracy_curve(
        np.array([6.0, 7.0, 3.0, 2.0, 1.0, 0.0]), np.array([8.0, 4.0, 4.0, 2.0, 1.0, 0.0])
    )
    assert curve.order.tolist() == [0, 2, 1, 3, 4, 5]
    np.testing.assert_allclose(curve.cum_observed, [6, 9, 16, 18, 19, 19])
    k = np.arange(1, 7)
    np.testing.assert_allclose(curve.pai, (np.array([6, 9, 16, 18, 19, 19]) / 19) / (k / 6))
    np.testing.assert_allclose(curve.pei, [6 / 7, 9 / 13, 1, 1, 1, 1])


def test_unequal_areas_rank_by_density() -> None:
    # cell 0: 4 crimes predicted 10 on area 10 (density 1); cell 1: 2 crimes, predicted 4
    # on area 1 (density 4) -> cell 1 first: hit rate 2/6 on 1/11 of the area, PAI 11/3
    curve = accuracy_curve(np.array([4.0, 2.0]), np.array([10.0, 4.0]), np.array([10.0, 1.0]))
    assert curve.order.tolist() == [1, 0]
    assert curve.pai[0] == pytest.approx((2 / 6) / (1 / 11))
    # best by observed density is also cell 1 (2 per unit against 0.4): PEI 1
    assert curve.pei[0] == pytest.approx(1.0)


def test_metrics_at_a_share_of_the_area() -> None:
    rng = np.random.default_rng(0)
    observed = rng.poisson(1.0, 200).astype(float)
    curve = accuracy_curve(observed, observed)  # a perfect forecast
    top = at_area_share(curve, 0.05)
    assert top.cells == 10  # 10 of 200 equal cells = 5%
    assert top.area_share == pytest.approx(0.05)
    assert top.pei == pytest.approx(1.0)
    expected_hit = np.sort(observed)[::-1][:10].sum() / observed.sum()
    assert top.hit_rate == pytest.approx(expected_hit)
    assert top.pai == pytest.approx(expected_hit / 0.05)
    assert top.rri == pytest.approx(1.0)
    # 1% of 50 cells is half a cell: at least one cell is flagged
    assert at_area_share(accuracy_curve(observed[:50], observed[:50]), 0.01).cells == 1
    with pytest.raises(UsageError, match="area share"):
        at_area_share(curve, 0.0)
