"""Each held-out source must reach the precision target on its own (v17): the cut is the
highest of the pooled-by-records cut and each source's. Expected cuts worked by hand."""

from __future__ import annotations

from crimestats.iccs._calibration import every_source_threshold, weighted_threshold


def _points(
    *groups: tuple[str, int, float, bool, float],
) -> tuple[list[float], list[bool], list[float], list[str]]:
    conf: list[float] = []
    hits: list[bool] = []
    weights: list[float] = []
    sources: list[str] = []
    for source, n, c, right, w in groups:
        conf += [c] * n
        hits += [right] * n
        weights += [w] * n
        sources += [source] * n
    return conf, hits, weights, sources


# source a: 40 heavy labels, all right at 0.6; source b: 20 wrong at 0.6, 20 right at 0.9
HEAVY_AND_LIGHT = (
    ("a", 40, 0.6, True, 10.0),
    ("b", 20, 0.6, False, 1.0),
    ("b", 20, 0.9, True, 1.0),
)


def test_a_heavy_source_no_longer_sets_the_cut_alone() -> None:
    conf, hits, weights, sources = _points(*HEAVY_AND_LIGHT)
    # pooled by records, the cut at 0.6 is right (400 + 20) / 440 = 95.5% of the time
    assert weighted_threshold(conf, hits, weights, 0.95) == 0.6
    # but source b alone is right 20 / 40 = 50% from 0.6, 100% from 0.9
    assert every_source_threshold(conf, hits, weights, sources, 0.95) == 0.9


def test_a_source_with_too_few_points_counts_only_in_the_pool() -> None:
    # 29 wrong labels of source c at 0.99, weighing almost nothing: its own cut would be
    # "never" (1.01), but 29 points are under MIN_CALIBRATION (30)
    few = (*HEAVY_AND_LIGHT, ("c", 29, 0.99, False, 1e-4))
    assert every_source_threshold(*_points(*few), 0.95) == 0.9
    enough = (*HEAVY_AND_LIGHT, ("c", 30, 0.99, False, 1e-4))
    assert every_source_threshold(*_points(*enough), 0.95) == 1.01
