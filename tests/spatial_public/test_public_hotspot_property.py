"""The differencing attack on many random cities: no small count is ever pinned.

Each seed draws a city (clusters of incidents of several sizes, so that hexagons are
published alone, pooled once, pooled twice and suppressed) and a random subset of its
incidents (a crime type); the release's map of the whole is
``crimestats.geomask.aggregate_to_h3`` (what ``crimestats.release.maps`` calls) and the
public hotspot map is ``crimestats.spatial.public_map``. The outsider of
``attacker.py`` subtracts whatever it can. The same attack on the subset masked alone
(no complement or overlap rule) pins small counts in most cities: the rules bite.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tests.spatial_public.attacker import subtract

from crimestats.geomask import HexCell, aggregate_to_h3
from crimestats.spatial.public_map import PointGroupPair, public_map

SEEDS = range(25)


def _city(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 0.03, (12, 2)) + np.array([41.88, -87.63])
    sizes = rng.integers(3, 40, 12)
    spread = rng.choice([0.001, 0.004, 0.01], 12)
    points = np.vstack(
        [rng.normal(c, s, (n, 2)) for c, n, s in zip(centres, sizes, spread, strict=True)]
    )
    chosen = rng.random(len(points)) < rng.uniform(0.4, 0.9)
    return points[:, 0], points[:, 1], chosen


def _as_release(features: tuple[HexCell, ...]) -> list[dict[str, Any]]:
    return [
        {"properties": {"source": "t", "year": 1, "h3_cell": f.cell,
                        "resolution": f.resolution,
                        "count": f.count}}
        for f in features
    ]  # fmt: skip


def test_no_random_city_gives_a_small_count_away() -> None:
    pinned_without_rules = withheld = 0
    for seed in SEEDS:
        lat, lon, chosen = _city(seed)
        release = _as_release(aggregate_to_h3((lat, lon), 8, 10).features)
        pair = PointGroupPair("t", 1, lat[chosen], lon[chosen], lat, lon)
        masked = public_map([pair], min_count=10)
        public = [dict(f) for f in masked.panels[0].features]
        differences = subtract(public, release)
        assert all(d == 0 or d >= 10 for d in differences), (seed, differences)
        withheld += masked.panels[0].withheld
        plain = _as_release(aggregate_to_h3((lat[chosen], lon[chosen]), 8, 10).features)
        pinned_without_rules += any(0 < d < 10 for d in subtract(plain, release))
    assert withheld > 0
    assert pinned_without_rules >= len(SEEDS) // 2
