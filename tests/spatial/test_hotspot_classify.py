"""Cell classes in one period and across periods, on hand-made results."""

from __future__ import annotations

import numpy as np
import pytest

from crimestats.errors import UsageError
from crimestats.spatial.classify import CellClass, TrendClass, classify_cells, classify_trends
from crimestats.spatial.local_stats import Inference, LocalResult, Statistic


def _result(
    statistic: Statistic,
    z: list[float],
    p_fdr: list[float],
    quadrant: list[int] | None = None,
) -> LocalResult:
    z_array = np.array(z)
    return LocalResult(
        statistic=statistic,
        value=z_array,
        z=z_array,
        p_analytic=np.array(p_fdr),
        p_permutation=None,
        p_fdr=np.array(p_fdr),
        inference=Inference.ANALYTIC,
        permutations=0,
        seed=None,
        quadrant=None if quadrant is None else np.array(quadrant),
    )


def test_gi_star_cells_are_hot_cold_or_not_significant() -> None:
    result = _result(Statistic.GI_STAR, [3.1, -2.9, 2.5, 0.4], [0.01, 0.02, 0.06, 0.9])
    assert classify_cells(result, q=0.05) == [
        CellClass.HOT,
        CellClass.COLD,
        CellClass.NOT_SIGNIFICANT,  # p_fdr .06 > q
        CellClass.NOT_SIGNIFICANT,
    ]
    assert classify_cells(result, q=0.1)[2] is CellClass.HOT


def test_local_moran_classes_follow_the_quadrant() -> None:
    result = _result(
        Statistic.LOCAL_MORAN, [2.0, 2.0, 2.0, 2.0, 2.0], [0.01] * 4 + [0.5], [1, 2, 3, 4, 1]
    )
    assert classify_cells(result) == [
        CellClass.HOT,
        CellClass.LOW_HIGH,
        CellClass.COLD,
        CellClass.HIGH_LOW,
        CellClass.NOT_SIGNIFICANT,
    ]


@pytest.mark.parametrize("q", [0.0, 1.0, -0.1, float("nan")])
def test_a_bad_fdr_level_is_refused(q: float) -> None:
    with pytest.raises(UsageError, match="--fdr"):
        classify_cells(_result(Statistic.GI, [1.0], [0.5]), q=q)


def test_trend_classes() -> None:
    # five periods (rows) x seven cells (columns)
    hot = np.array(
        [
            # new  pers  inten dimin former interm never
            [0, 1, 1, 1, 1, 1, 0],
            [0, 1, 1, 1, 1, 0, 0],
            [0, 1, 1, 1, 0, 0, 0],
            [0, 1, 1, 1, 0, 0, 0],
            [1, 1, 1, 1, 0, 1, 0],
        ],
        dtype=bool,
    )
    z = np.array(
        [
            [0.1, 3.0, 2.0, 6.0, 3.0, 2.5, 0.0],
            [0.2, 3.5, 2.5, 5.0, 2.5, 1.0, 0.1],
            [0.3, 3.2, 3.0, 4.0, 1.0, 0.5, 0.0],
            [0.2, 3.4, 3.5, 3.0, 0.5, 0.2, 0.1],
            [2.9, 3.1, 4.0, 2.0, 0.4, 2.2, 0.0],
        ]
    )
    # Kendall's tau of a strictly monotone series of 5 is +-1 with p = 2/120 = 0.0167
    assert classify_trends(hot, z) == [
        TrendClass.NEW,
        TrendClass.PERSISTENT,  # z wanders: no monotone trend
        TrendClass.INTENSIFYING,
        TrendClass.DIMINISHING,
        TrendClass.FORMER,
        TrendClass.INTERMITTENT,  # hot in 3 of 5 (< 80%), the last included
        TrendClass.NEVER,
    ]


def test_with_three_periods_no_trend_is_claimed() -> None:
    hot = np.ones((3, 1), dtype=bool)
    z = np.array([[2.0], [3.0], [4.0]])  # rising, but 3 points cannot show a trend
    assert classify_trends(hot, z) == [TrendClass.PERSISTENT]
    with pytest.raises(UsageError, match="at least 2 periods"):
        classify_trends(hot[:1], z[:1])
