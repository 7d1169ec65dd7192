"""Thresholds chosen on held-out sources weighted by records, and the Wilson intervals
of the per-source figures, each worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from crimestats.iccs._calibration import ENGLISH, HeldOut, weighted_threshold
from crimestats.iccs.evaluation import Scored
from crimestats.iccs.source_figures import figures_by_source, weighted_share


def test_weighted_threshold_by_hand() -> None:
    conf = np.array([0.9, 0.8, 0.7, 0.6])
    hits = np.array([1.0, 1.0, 0.0, 1.0])
    # by labels: from 0.7 down precision is 2/3, then 3/4: the cut stays at 0.8
    assert weighted_threshold(conf, hits, [1, 1, 1, 1], 0.95) == 0.8
    # by records: the label at 0.6 stands for 100 records, right: 111/112 >= 0.95
    assert weighted_threshold(conf, hits, [10, 1, 1, 100], 0.95) == 0.6
    # never reached: above 1, nothing auto-coded
    assert weighted_threshold(conf, 1 - hits, [1, 1, 1, 1], 0.95) > 1.0


def test_english_threshold_is_set_by_held_out_records() -> None:
    held = HeldOut()
    # level-2 raw confidence i/40; wrong below 0.5 and at 0.8 (a big category)
    for i in range(40):
        raw = i / 40
        held.add([ENGLISH], 2, raw, raw >= 0.5 and i != 32, 50.0 if i == 32 else 1.0)
    kept = held.fit(review_threshold=0.3, precision=0.9, partly_precision=0.9)
    assert ENGLISH not in kept.thresholds  # without a target English keeps the default
    chosen = held.fit(
        review_threshold=0.3, precision=0.9, partly_precision=0.9, english_precision=0.95
    )
    # the isotonic map pools the wrong 50-record label at raw 0.8 with its neighbours;
    # what must hold is the target on the held-out points above the threshold
    cut = chosen.thresholds[ENGLISH]
    level2 = chosen.maps_for(ENGLISH)[2]
    conf = level2.predict(np.array(held.raw[(ENGLISH, 2)]))
    above = conf >= cut
    w = np.array(held.weight[(ENGLISH, 2)])
    ok = np.array(held.hit[(ENGLISH, 2)])
    assert (ok * w)[above].sum() / w[above].sum() >= 0.95
    assert chosen.cuts[ENGLISH] == cut


def test_wilson_interval_by_hand() -> None:
    # 2 of 2: n = 2, z^2 = 3.8415; centre (1 + 0.9604) / 2.9207 = 0.6712, half-width
    # 1.96 * sqrt(3.8415 / 16) / 2.9207 = 0.3288: 0.3424 to 1
    two = weighted_share([True, True], [1.0, 1.0])
    assert two.value == 1.0
    assert two.low == pytest.approx(0.3424, abs=1e-4)
    assert two.high == pytest.approx(1.0)
    # weights 3 and 1: Kish's effective n = 16 / 10 = 1.6, share 3/4
    kish = weighted_share([True, False], [3.0, 1.0])
    assert kish.value == 0.75
    assert kish.effective_n == pytest.approx(1.6)
    assert kish.low is not None
    assert kish.high is not None
    assert kish.low < 0.75 < kish.high
    assert weighted_share([], []).value is None


def test_figures_by_source_by_hand() -> None:
    scored = [
        Scored("a", "0501", "0501", 0.9, False, 10.0, "x"),
        Scored("b", "0502", "0501", 0.9, False, 1.0, "x"),
        Scored("c", "0401", "0201", 0.2, True, 5.0, "x"),
        Scored("d", "0201", "0201", 0.9, False, 2.0, "y"),
    ]
    x, y, pooled = figures_by_source(scored)
    assert (x.source, x.texts, x.records) == ("x", 3, 16.0)
    assert x.level1.value == pytest.approx(11 / 16)  # a and b in section 05
    assert x.level2.value == pytest.approx(10 / 16)
    assert x.auto_coded.value == pytest.approx(11 / 16)
    assert x.precision_level2.value == pytest.approx(10 / 11)
    assert y.precision_level2.value == 1.0
    assert pooled.source == "all"
    assert pooled.records == 18.0
    assert pooled.to_dict()["auto_coded_share"]["value"] == pytest.approx(13 / 18)
