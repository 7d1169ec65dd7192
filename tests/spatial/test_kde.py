"""Quartic KDE: sfhotspot's published Memphis values, the bandwidth rules, a hand sum."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.spatial.conftest import Robberies

from crimestats.errors import UsageError
from crimestats.spatial import kde as kde_module
from crimestats.spatial.grid import square_grid
from crimestats.spatial.kde import BandwidthRule, choose_bandwidth, nrd, quartic_kde


def test_memphis_kde_matches_sfhotspot(memphis_robberies: Robberies) -> None:
    # sfhotspot 0.9.1 vignette, hotspot_kde() defaults on EPSG:2843: bandwidth 5585.4 m
    # (rule on x only) and, for the first ten cells, kde = 20.7 25.1 30.2 35.6 40.7 45.2
    # 48.4 50.1 50.2 48.6 (printed to 3 significant figures).
    r = memphis_robberies
    grid = square_grid(r.x, r.y)
    bandwidth = choose_bandwidth(r.x, r.y, rule=BandwidthRule.SFHOTSPOT)
    assert bandwidth.metres == pytest.approx(5585.4, abs=0.05)
    values = quartic_kde(grid.x, grid.y, r.x, r.y, bandwidth.metres)
    published = [20.7, 25.1, 30.2, 35.6, 40.7, 45.2, 48.4, 50.1, 50.2, 48.6]
    assert np.round(values[:10], 1).tolist() == published


def test_chunks_give_the_same_sums_as_brute_force(
    memphis_robberies: Robberies, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = memphis_robberies
    cells_x, cells_y = r.x[:50] + 123.0, r.y[:50] - 77.0
    h = 1500.0
    d = np.hypot(cells_x[:, None] - r.x[None, :], cells_y[:, None] - r.y[None, :])
    brute = np.where(d <= h, (1 - (d / h) ** 2) ** 2, 0.0).sum(axis=1)
    monkeypatch.setattr(kde_module, "PAIRS_PER_CHUNK", 1_000)  # many small chunks
    np.testing.assert_allclose(quartic_kde(cells_x, cells_y, r.x, r.y, h), brute, rtol=1e-12)


def test_a_hand_sum_with_weights_and_scaling() -> None:
    # cell at the origin; points at 0, 5 and 20 m with weights 2, 1, 7; h = 10:
    # 2 x 1 + 1 x (1 - 0.25)^2 = 2.5625 (the point at 20 m is beyond h)
    value = quartic_kde(
        np.array([0.0]),
        np.array([0.0]),
        np.array([0.0, 5.0, 20.0]),
        np.zeros(3),
        10.0,
        weights=np.array([2.0, 1.0, 7.0]),
        scaled=True,
    )
    assert value[0] == pytest.approx(2.5625 * 3 / (math.pi * 100))


def test_the_scaled_kernel_integrates_to_one() -> None:
    # one point, cells of 1 m over the disc: sum of values x cell area ~ 1
    side = np.arange(-50.5, 51.0, 1.0)
    gx, gy = np.meshgrid(side, side)
    values = quartic_kde(
        gx.ravel(), gy.ravel(), np.array([0.0]), np.array([0.0]), 40.0, scaled=True
    )
    assert values.sum() == pytest.approx(1.0, rel=1e-3)


def test_bandwidth_rules() -> None:
    x = np.arange(100.0)
    y = np.arange(100.0) * 2
    # sd(0..99) = 29.011 < IQR / 1.34 = 36.94: 4 x 1.06 x 29.011 x 100^-0.2 = 48.971
    assert nrd(x) == pytest.approx(48.971, abs=1e-3)
    assert choose_bandwidth(x, y).metres == pytest.approx((48.971 + 2 * 48.971) / 2, abs=1e-3)
    assert choose_bandwidth(x, y, rule=BandwidthRule.SFHOTSPOT).metres == pytest.approx(
        48.971, abs=1e-3
    )
    given = choose_bandwidth(x, y, given=400.0)
    assert (given.metres, given.rule) == (400.0, "given")
    with pytest.raises(UsageError, match="positive"):
        choose_bandwidth(x, y, given=0.0)
    with pytest.raises(UsageError, match="at least 2 points"):
        choose_bandwidth(np.array([1.0]), np.array([1.0]))


@pytest.mark.parametrize("weighted", [False, True])
def test_the_lattice_path_equals_the_tree_path(weighted: bool) -> None:
    """Square-grid cells go through the lattice path; the k-d tree path is the reference
    (cells shuffled and one moved off the lattice force it)."""
    rng = np.random.default_rng(5)
    x, y = rng.normal(0, 900, 3000), rng.normal(0, 600, 3000)
    grid = square_grid(x, y, cell_size=150.0)
    w = rng.random(3000) if weighted else None
    assert kde_module._lattice(grid.x, grid.y) is not None
    on_lattice = quartic_kde(grid.x, grid.y, x, y, 400.0, weights=w)
    cells = np.column_stack([grid.x, grid.y])
    by_tree = kde_module._tree_kde(cells, np.column_stack([x, y]), 400.0, w)
    np.testing.assert_allclose(on_lattice, by_tree, rtol=1e-9, atol=1e-9)
    off = grid.x.copy()
    off[0] += 0.37
    assert kde_module._lattice(off, grid.y) is None
    np.testing.assert_allclose(
        quartic_kde(off, grid.y, x, y, 400.0, weights=w)[1:], by_tree[1:], rtol=1e-9, atol=1e-9
    )
