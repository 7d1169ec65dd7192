"""The v8-v9 autocoder rules, each checked on a case worked by hand: attempts, plurals,
glossary coverage, the calibration pools and the section-bound choice of a code."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crimestats.iccs._calibration import (
    ENGLISH,
    FOREIGN,
    PARTLY,
    UNDERSTOOD,
    Calibration,
    HeldOut,
    pool_of,
)
from crimestats.iccs._scoring import choose, section_index
from crimestats.iccs.text import glossary_coverage, glossary_english, with_glossary

NODES = ["01", "0101", "04", "0401", "04011", "040111", "02", "0201", "02011", "020111"]
SECTIONS = section_index(NODES)


def test_attempt_words_go_except_for_homicide() -> None:
    assert with_glossary("BURGLARY, ATTEMPTED") == "burglary"
    assert with_glossary("THEFT - ATT: AUTOMOBILE") == "theft automobile"
    assert with_glossary("Attempted murder") == "attempted murder"
    assert "attempted" in with_glossary("Tentativa de homicidio")


def test_glossary_terms_are_found_in_the_plural() -> None:
    assert glossary_english("Homicidios") == glossary_english("Homicidio") != ""
    assert glossary_english("Secuestros") == glossary_english("Secuestro") != ""
    assert glossary_english("Burglaries and thefts") == ""  # English stays English


def test_glossary_coverage_by_hand() -> None:
    # "de" is a function word; "robo" is a term, "tapas" and "alcantarilla" are not
    assert glossary_coverage("Robo de tapas de alcantarilla") == 1 / 3
    assert glossary_coverage("Robo con violencia") == 1.0
    assert glossary_coverage("Theft of a pedal cycle") == 0.0
    assert glossary_coverage("") == 0.0


@given(st.text(max_size=60))
def test_glossary_coverage_is_a_share(text: str) -> None:
    assert 0.0 <= glossary_coverage(text) <= 1.0


def test_pools() -> None:
    assert pool_of("THEFT FROM MOTOR VEHICLE") == ENGLISH
    assert pool_of("Robo con violencia") == UNDERSTOOD
    assert pool_of("Robo de tapas de alcantarilla") == PARTLY


def _points(held: HeldOut, pools: list[str], n: int = 40) -> None:
    """Level-2 points raw = i/n: right from 0.5 up, except one wrong at 0.8."""
    for i in range(n):
        raw = i / n
        held.add(pools, 2, raw, raw >= 0.5 and i != int(0.8 * n))


def test_held_out_points_give_each_pool_its_threshold() -> None:
    # By hand (pool adjacent violators): raw < 0.5 -> 0; 0.5 <= raw <= 0.8 -> 12 right
    # and 1 wrong pooled = 12/13; raw > 0.8 -> 1. At confidence >= 12/13 the held-out
    # points are 19 of 20 right (95%); at 1, 7 of 7.
    held = HeldOut()
    _points(held, [FOREIGN, UNDERSTOOD])
    _points(held, [FOREIGN, PARTLY])
    calibration = held.fit(review_threshold=0.55, precision=0.95, partly_precision=0.99)
    assert calibration.thresholds[UNDERSTOOD] == pytest.approx(12 / 13)
    assert calibration.thresholds[FOREIGN] == pytest.approx(12 / 13)
    assert calibration.thresholds[PARTLY] == 1.0
    swapped = held.fit(review_threshold=0.55, precision=0.99, partly_precision=0.95)
    assert swapped.thresholds[UNDERSTOOD] == 1.0
    assert swapped.thresholds[PARTLY] == 1.0  # never below the foreign threshold
    floor = held.fit(review_threshold=0.97, precision=0.95, partly_precision=0.95)
    assert floor.thresholds[UNDERSTOOD] == 0.97  # never below the English threshold


def test_a_pool_with_few_points_takes_the_broader_threshold() -> None:
    held = HeldOut()
    _points(held, [FOREIGN, UNDERSTOOD])
    held.add([FOREIGN, PARTLY], 2, 0.3, True)  # two lucky points are no evidence
    held.add([FOREIGN, PARTLY], 2, 0.4, True)
    calibration = held.fit(review_threshold=0.55, precision=0.95, partly_precision=0.99)
    assert PARTLY not in calibration.thresholds
    assert calibration.threshold(PARTLY, 0.55) == calibration.thresholds[FOREIGN]


def test_a_pool_without_points_borrows_the_broader_one() -> None:
    english, foreign = object(), object()
    calibration = Calibration(
        maps={ENGLISH: {1: english, 2: english}, FOREIGN: {2: foreign}},
        thresholds={FOREIGN: 0.8},
    )
    assert calibration.maps_for(PARTLY) == {1: english, 2: foreign}
    assert calibration.maps_for(ENGLISH) == {1: english, 2: english}
    assert calibration.threshold(PARTLY, 0.55) == 0.8
    assert calibration.threshold(ENGLISH, 0.55) == 0.55


def _scores(**by_code: float) -> np.ndarray:
    return np.array([by_code.get(f"c{c}", 0.0) for c in NODES])


def test_choice_stays_inside_the_likeliest_section() -> None:
    # robbery leads at levels 1 and 2; one level-4 assault code scores high alone
    scores = _scores(c04=0.7, c0401=0.6, c02=0.3, c0201=0.3, c02011=0.3, c020111=0.55)
    assert NODES[choose(scores, NODES, SECTIONS, 0.5)] == "0401"


def test_choice_takes_the_deepest_sure_code_and_backs_off() -> None:
    deep = _scores(c04=0.9, c0401=0.9, c04011=0.8, c040111=0.7)
    assert NODES[choose(deep, NODES, SECTIONS, 0.5)] == "040111"
    unsure = _scores(c04=0.9, c0401=0.45, c04011=0.4, c040111=0.3)
    assert NODES[choose(unsure, NODES, SECTIONS, 0.5)] == "04"


@given(st.lists(st.floats(0, 1), min_size=len(NODES), max_size=len(NODES)))
def test_choice_is_always_in_the_top_section(values: list[float]) -> None:
    scores = np.array(values)
    sections = [i for i, c in enumerate(NODES) if len(c) == 2]
    top = max(sections, key=lambda i: (scores[i], -i))
    chosen = NODES[choose(scores, NODES, SECTIONS, 0.5)]
    assert chosen[:2] == NODES[top]
