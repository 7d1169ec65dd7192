"""Split conformal sets at ICCS level 2: a quantile worked by hand, the quantile against
the textbook formula (a second method), and the coverage it promises on synthetic
scores."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.iccs._calibration import ENGLISH, FOREIGN, UNDERSTOOD
from crimestats.iccs.conformal import (
    ConformalPoints,
    conformal_quantile,
    nonconformity,
    prediction_set,
)

SCORES = [0.1, 0.5, 0.2, 0.9, 0.3, 0.05, 0.7, 0.4, 0.6]


def test_quantile_by_hand() -> None:
    # n = 9, alpha = 0.2: the ceil((9 + 1) * 0.8) = 8th smallest of
    # 0.05 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.9 is 0.7
    assert conformal_quantile(SCORES, [1.0] * 9, 0.2) == 0.7
    # alpha = 0.5: ceil(10 * 0.5) = 5th smallest, 0.4
    assert conformal_quantile(SCORES, [1.0] * 9, 0.5) == 0.4
    # alpha = 0.05: ceil(10 * 0.95) = 10 > 9 scores: no finite quantile, every code
    assert conformal_quantile(SCORES, [1.0] * 9, 0.05) == math.inf


def test_weighted_quantile_by_hand() -> None:
    # weights are records: 0.9 standing for 10 records. W = 18, need 0.8 * 19 = 15.2;
    # cumulative weight 1 2 3 4 5 6 7 8 (0.7) then 18 (0.9): the quantile is 0.9
    weights = [1.0, 1.0, 1.0, 10.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    assert conformal_quantile(SCORES, weights, 0.2) == 0.9
    # the same label counted once per record gives the same quantile
    repeated = [s for s, w in zip(SCORES, weights, strict=True) for _ in range(int(w))]
    assert conformal_quantile(repeated, [1.0] * len(repeated), 0.2) == 0.9


def test_prediction_set_by_hand() -> None:
    codes = ["0501", "0502", "0401"]
    scores = [0.8, 0.15, 0.05]  # nonconformity 0.2, 0.85, 0.95
    assert prediction_set(scores, codes, 0.7) == ("0501",)
    assert prediction_set(scores, codes, 0.9) == ("0501", "0502")
    assert prediction_set(scores, codes, 0.1) == ()
    assert nonconformity(0.8) == pytest.approx(0.2)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=60),
    st.floats(0.01, 0.99),
)
def test_quantile_is_the_textbook_formula(scores: list[float], alpha: float) -> None:
    """Second method: numpy's 'higher' quantile at level ceil((n + 1)(1 - alpha)) / n
    (Angelopoulos & Bates 2021, eq. 1); infinite when that level exceeds 1."""
    n = len(scores)
    got = conformal_quantile(scores, [1.0] * n, alpha)
    rank = math.ceil((n + 1) * (1 - alpha) - 1e-9)
    if rank > n:
        assert got == math.inf
    else:
        assert got == float(np.sort(scores)[rank - 1])


def test_coverage_on_synthetic_scores() -> None:
    """For exchangeable continuous scores the chance that a new score is within the
    quantile is exactly ceil((n + 1)(1 - alpha)) / (n + 1) (the rank argument): here
    18 / 20 = 0.9 with n = 19, alpha = 0.1, checked over 20,000 seeded draws."""
    rng = np.random.default_rng(7)
    n, alpha, trials = 19, 0.1, 20_000
    draws = rng.beta(2.0, 5.0, size=(trials, n + 1))
    covered = sum(row[n] <= conformal_quantile(row[:n].tolist(), [1.0] * n, alpha) for row in draws)
    assert covered / trials == pytest.approx(18 / 20, abs=0.01)


def test_set_coverage_of_a_calibrated_classifier() -> None:
    """Synthetic level-2 scores of a classifier whose scores are true probabilities:
    sets built from 2,000 calibration texts hold the true code of at least 95% of 5,000
    new ones, and the share of singleton sets is what the scores say it should be."""
    rng = np.random.default_rng(11)
    codes = ["0101", "0201", "0401", "0501", "0701"]

    def draw(n: int) -> tuple[np.ndarray, np.ndarray]:
        probs = rng.dirichlet([0.3] * len(codes), size=n)
        truth = np.array([rng.choice(len(codes), p=p) for p in probs])
        return probs, truth

    probs, truth = draw(2000)
    points = ConformalPoints()
    for p, t in zip(probs, truth, strict=True):
        points.add([ENGLISH], nonconformity(float(p[t])))
    sets = points.fit(0.05, order=(ENGLISH, FOREIGN))
    new_probs, new_truth = draw(5000)
    made = sets.sets(new_probs, codes, [ENGLISH] * 5000)
    covered = np.mean([codes[t] in s for s, t in zip(made, new_truth, strict=True)])
    assert 0.95 <= covered <= 0.97
    # second method for the set size: a code is in the set iff its score >= 1 - q
    q = sets.quantile(ENGLISH)
    assert [len(s) for s in made] == list((new_probs >= 1 - q).sum(axis=1))


def test_a_pool_without_enough_points_borrows_the_broader_one() -> None:
    points = ConformalPoints()
    for i in range(40):
        points.add([ENGLISH], i / 40)
        points.add([FOREIGN], 1 - i / 400)
    points.add([UNDERSTOOD], 0.5)  # one point: too few for its own quantile
    sets = points.fit(0.1, order=(ENGLISH, FOREIGN))
    assert UNDERSTOOD not in sets.quantiles
    assert sets.quantile(UNDERSTOOD) == sets.quantile(FOREIGN) != sets.quantile(ENGLISH)
    assert sets.with_alpha(0.5).quantile(ENGLISH) < sets.quantile(ENGLISH)


def test_the_review_reason_names_the_set() -> None:
    from crimestats.iccs._deciding import _conformal_doubt

    assert _conformal_doubt(("0501",), model_l2_code="0501", ruled=False) is None
    assert _conformal_doubt(None, model_l2_code="0501", ruled=False) is None
    two = _conformal_doubt(("0401", "0501"), model_l2_code="0401", ruled=False)
    assert two == "conformal set at level 2 is {0401, 0501}, not one code"
    many = tuple(f"0{i}01" for i in range(1, 9))
    long = _conformal_doubt(many, model_l2_code="0101", ruled=False)
    assert long == (
        "conformal set at level 2 is {0101, 0201, 0301, 0401, 0501, and 3 more}, not one code"
    )
    other = _conformal_doubt(("0502",), model_l2_code="0501", ruled=False)
    assert other == "conformal set at level 2 is {0502}, the code says 0501"
    # a scope rule moved the code: the model was sure of one category, the rule corrects it
    assert _conformal_doubt(("0501",), model_l2_code="0501", ruled=True) is None
    assert _conformal_doubt((), model_l2_code="0501", ruled=False) is not None
