"""Model choice: the UK 2013 published figure, the stepwise rule, BIC, invariance."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import poisson

from crimestats.errors import FileRefusedError
from crimestats.mse.capture_histories import CaptureData, all_histories, read_capture_file
from crimestats.mse.estimate import estimate, estimate_all
from crimestats.mse.loglinear import expected_overlap, fit_model
from crimestats.mse.selection import poisson_p_value, select_bic, select_stepwise

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"


def test_uk_five_lists_stepwise_reproduces_the_home_office_estimate() -> None:
    # Home Office (Silverman 2014), "Modern slavery: an application of multiple systems
    # estimation": 10,000 to 13,000 potential victims in 2013, central estimate 11,313
    # from the five-list data (PF and NCA merged) and the stepwise model.
    result = estimate(read_capture_file(DATA / "UKdat_5.csv"), "stepwise")
    assert result.observed == 2744
    assert result.total == pytest.approx(11313, abs=1)
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert round(result.ci_low, -3) == 10000
    assert round(result.ci_high, -3) == 13000
    assert result.hidden == pytest.approx(result.total - 2744)
    assert set(result.interactions) == {
        "LA:NG", "LA:PFNCA", "NG:GO", "NG:GP", "PFNCA:GP", "GO:GP"
    }  # fmt: skip
    assert [s.pair for s in result.steps][:2] == ["LA:NG", "NG:GP"]
    assert all(s.p_value < 0.02 for s in result.steps)
    # LA and GP share no case, and the stepwise rule never needed a term for them
    (empty,) = result.empty_overlaps
    assert empty.lists == ("LA", "GP")
    assert not empty.in_model


def test_first_stepwise_step_matches_a_direct_poisson_computation() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    main = fit_model(data, ())
    # LA:NG: 18 cases on both lists; expected under main effects = sum of fitted values
    # over histories containing both; p = P(X >= 18) for Poisson with that mean
    mean = float(sum(m for h, m in zip(data.histories, main.mu, strict=True) if h[0] and h[1]))
    assert mean == pytest.approx(expected_overlap(data, main, (0, 1)))
    first = select_stepwise(data).steps[0]
    assert first.observed_overlap == 18
    assert first.expected_overlap == pytest.approx(mean)
    assert first.p_value == pytest.approx(poisson.sf(17, mean), rel=1e-9)


def test_poisson_p_value_is_the_smaller_tail() -> None:
    assert poisson_p_value(0, 3.0) == pytest.approx(math.exp(-3.0))
    assert poisson_p_value(10, 3.0) == pytest.approx(poisson.sf(9, 3.0))
    assert poisson_p_value(0, 0.0) == 1.0


def test_pthresh_zero_gives_main_effects() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    assert select_stepwise(data, 0.0).fit.pairs == ()


def test_stepwise_adds_an_empty_overlap_as_minus_infinity() -> None:
    # A and B never meet although, were they independent, about 37 cases would be on both
    rows = [((1, 0, 0), 100), ((0, 1, 0), 90), ((0, 0, 1), 80), ((1, 0, 1), 60), ((0, 1, 1), 55)]
    data = CaptureData.from_rows(["A", "B", "C"], rows)
    result = estimate(data, "stepwise")
    assert "A:B" in result.interactions
    (empty,) = result.empty_overlaps
    assert empty.in_model
    assert "-infinity" in empty.action
    # its p-value is the chance of no case in common under the model without the term
    assert empty.p_value == pytest.approx(math.exp(-empty.expected))
    assert empty.p_value < 1e-6


def test_uk_bic_search_is_exhaustive_and_ranks_models() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    chosen = select_bic(data)
    assert "1024" in chosen.search
    bics = [m.bic for m in chosen.considered]
    assert bics == sorted(bics)
    assert chosen.fit.bic == pytest.approx(bics[0])
    assert chosen.fit.bic <= select_stepwise(data).fit.bic


def test_all_methods_carry_bic_weights_that_sum_to_one_over_distinct_models() -> None:
    comparison = estimate_all(read_capture_file(DATA / "UKdat_5.csv"))
    assert [r.method for r in comparison.results] == ["main", "stepwise", "bic"]
    weights = {r.interactions: r.bic_weight for r in comparison.results}
    assert sum(w for w in weights.values() if w is not None) == pytest.approx(1.0)
    bics = {r.interactions: r.bic for r in comparison.results}
    best = min(bics, key=lambda k: bics[k] or math.inf)
    assert weights[best] == max(w for w in weights.values() if w is not None)
    spread = comparison.spread()
    assert spread is not None
    assert spread[0] < 11400 < spread[1]


def test_kosovo_estimates_from_individual_records() -> None:
    data = read_capture_file(DATA / "kosovo_aggregate.csv")
    main = estimate(data, "main")
    assert main.total == pytest.approx(7394.6, abs=0.1)
    stepwise = estimate(data, "stepwise")
    assert stepwise.total is not None
    assert stepwise.total > main.total  # positive list dependence hides more killings
    # the table and the individual records give the same answer
    table = estimate(read_capture_file(DATA / "kosovo_aggregate_pattern_counts.csv"), "stepwise")
    assert table.total == pytest.approx(stepwise.total, rel=1e-12)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[tuple[tuple[int, ...], int]], list[int], list[str]]:
    t = draw(st.integers(3, 4))
    counts = draw(st.lists(st.integers(0, 60), min_size=2**t - 1, max_size=2**t - 1))
    rows = [(tuple(int(x) for x in h), c) for h, c in zip(all_histories(t), counts, strict=True)]
    order = draw(st.permutations(list(range(t))))
    names = draw(
        st.lists(st.text("abcdefXYZ", min_size=1, max_size=4), min_size=t, max_size=t, unique=True)
    )
    return rows, order, names


def _total(data: CaptureData, method: str) -> float | None:
    try:
        return estimate(data, method).total
    except FileRefusedError:
        return -1.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_relabelling_or_reordering_lists_never_changes_an_estimate(
    case: tuple[list[tuple[tuple[int, ...], int]], list[int], list[str]],
) -> None:
    rows, order, names = case
    t = len(order)
    original = CaptureData.from_rows([f"L{k}" for k in range(t)], rows)
    permuted_rows = [(tuple(h[k] for k in order), c) for h, c in rows]
    permuted = CaptureData.from_rows(names, permuted_rows)
    for method in ("main", "stepwise"):
        a, b = _total(original, method), _total(permuted, method)
        if a is None or b is None:
            assert a is None
            assert b is None
        else:
            assert b == pytest.approx(a, rel=1e-5)


def test_bic_is_invariant_to_list_order_on_the_uk_data() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    order = [4, 2, 0, 3, 1]
    rows = [(tuple(h[k] for k in order), c) for h, c in data.nonzero_rows()]
    shuffled = CaptureData.from_rows([data.lists[k] for k in order], rows)
    a = select_bic(data).fit
    b = select_bic(shuffled).fit
    assert b.total == pytest.approx(a.total, rel=1e-6)
    assert np.isclose(a.bic, b.bic)


def test_no_estimate_is_reported_not_invented() -> None:
    # two lists that share no case: independence gives an infinite dark figure
    data = CaptureData.from_rows(["A", "B"], [((1, 0), 30), ((0, 1), 20)])
    for method in ("main", "stepwise", "bic"):
        result = estimate(data, method)
        assert result.total is None
        assert result.ci_low is None
        assert any(w.startswith("no estimate") for w in result.warnings)
        json.dumps(result.to_dict(), allow_nan=False)  # strict JSON, nulls not NaN


def test_every_result_shows_its_model_sensitivity() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    result = estimate(data, "stepwise")
    span = result.sensitivity()
    assert span is not None
    assert result.total is not None
    assert span[0] <= result.total <= span[1]
    # neighbours: 10 pairs, each either dropped from or added to the 6-term model
    assert 0 < len(result.neighbours) <= 10
    for model in result.neighbours:
        assert abs(len(model.pairs) - len(result.interactions)) == 1
    doc = result.to_dict()["model_sensitivity"]
    assert isinstance(doc, dict)
    assert doc["low"] == span[0]


def test_bic_warns_when_close_models_disagree() -> None:
    result = estimate(read_capture_file(DATA / "UKdat_5.csv"), "bic")
    (warning,) = [w for w in result.warnings if "BIC points" in w]
    # among the 1,024 models, those within 2 BIC points give 12,262 to 25,978
    assert "of 1024" in warning
    assert "12,262 to 25,978" in warning
    weights = [m.weight for m in result.models]
    assert all(w is not None for w in weights)
    assert weights == sorted(weights, reverse=True)
