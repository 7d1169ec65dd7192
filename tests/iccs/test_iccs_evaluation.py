"""Evaluation figures on hand-made predictions, computed independently below."""

from __future__ import annotations

import pytest

from crimestats.iccs import Scored, coverage_curve, summarise
from crimestats.iccs.evaluation import right_at


def test_right_at_levels() -> None:
    assert right_at("050211", "050213", 2) is True
    assert right_at("050211", "050213", 4) is False
    assert right_at("0502", "050211", 3) is None  # truth not that deep
    assert right_at("050211", "05", 2) is False  # backed off above level 2
    assert right_at("050211", None, 1) is False


def test_summarise_weighted_by_records() -> None:
    scored = [
        Scored("a", "050211", "050211", 0.9, False, 3.0, level2_confidence=0.95),
        Scored("b", "0502", "0501", 0.7, False, 1.0, level2_confidence=0.7),
        Scored("c", "0101", "02", 0.4, True, 1.0, level2_confidence=0.0),
    ]
    report = summarise(scored)
    # level 1: a right (3), b right (1), c wrong (1) -> 4/5
    assert report.accuracy[1] == pytest.approx(4 / 5)
    # level 2: a right (3), b wrong (1), c wrong (1) -> 3/5
    assert report.accuracy[2] == pytest.approx(3 / 5)
    # level 4: only a has a level-4 truth -> 1
    assert report.accuracy[4] == pytest.approx(1.0)
    # auto-coded: a and b, 4 of 5 records; right at level 2 among them 3 of 4
    assert report.coverage == pytest.approx(4 / 5)
    assert report.precision_l2 == pytest.approx(3 / 4)
    assert report.confusions[0] == {"true": "0502", "predicted": "0501", "records": 1}
    assert report.by_section["01"]["error_rate_level1"] == pytest.approx(1.0)


def test_coverage_curve() -> None:
    scored = [
        Scored("a", "0502", "0502", 0.9, False, 1.0, level2_confidence=0.9),
        Scored("b", "0502", "0501", 0.6, False, 1.0, level2_confidence=0.6),
    ]
    curve = coverage_curve(scored, [0.5, 0.8])
    assert curve[0] == {"threshold": 0.5, "coverage": 1.0, "precision_level2": 0.5}
    assert curve[1] == {"threshold": 0.8, "coverage": 0.5, "precision_level2": 1.0}
