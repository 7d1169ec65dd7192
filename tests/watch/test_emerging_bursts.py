"""Dunning's G2 against a hand-worked table and a second implementation; terms of texts."""

from __future__ import annotations

import math

import pytest

from crimestats.watch.emerging.bursts import find_bursts, g2, smoothed_ratio, terms
from crimestats.watch.emerging.fdr import q_values
from crimestats.watch.emerging.records import OffenceCount


def test_g2_of_a_hand_worked_table() -> None:
    """a = 10 of N_c = 100 current records hold the term, b = 5 of N_h = 500 before.

    Table [[10, 5], [90, 495]], N = 600; row sums 15 and 585, column sums 100 and 500.
    Expected: 15*100/600 = 2.5, 15*500/600 = 12.5, 585*100/600 = 97.5, 585*500/600 = 487.5.
    G2 = 2 * (10 ln(10/2.5) + 5 ln(5/12.5) + 90 ln(90/97.5) + 495 ln(495/487.5))
       = 2 * (13.862944 - 4.581454 - 7.203844 + 7.557399) = 2 * 9.635045 = 19.2701.
    """
    assert g2(10, 5, 100, 500) == pytest.approx(19.2701, abs=1e-4)


def test_g2_with_an_empty_cell() -> None:
    """A term absent before: a = 5 of 50, b = 0 of 950. Expected 0.25, 4.75, 49.75, 945.25;
    0 ln 0 = 0, so G2 = 2 * (5 ln(5/0.25) + 45 ln(45/49.75) + 950 ln(950/945.25))."""
    by_hand = 2 * (5 * math.log(20) + 45 * math.log(45 / 49.75) + 950 * math.log(950 / 945.25))
    assert g2(5, 0, 50, 950) == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(30.4498, abs=1e-4)  # 2 * (14.978661 - 4.515659 + 4.761915)


@pytest.mark.parametrize(
    ("a", "b", "nc", "nh"), [(10, 5, 100, 500), (3, 40, 70, 900), (0, 7, 20, 300), (12, 12, 50, 50)]
)
def test_g2_agrees_with_scipy_log_likelihood_chi2(a: int, b: int, nc: int, nh: int) -> None:
    """scipy's chi2_contingency with lambda_="log-likelihood" (no continuity correction)
    computes the same statistic by another route (Cressie-Read power divergence)."""
    from scipy.stats import chi2_contingency

    table = [[a, b], [nc - a, nh - b]]
    expected = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
    assert g2(a, b, nc, nh) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_terms_are_words_and_pairs_of_scrubbed_normalised_text() -> None:
    assert terms("THEFT OF MOTOR VEHICLE") == {
        "theft", "motor", "vehicle", "theft of", "of motor", "motor vehicle",
    }  # fmt: skip
    # a name is scrubbed before the split: it never becomes a term, and no pair spans it
    found = terms("VICTIM JOHN SMITH ASSAULTED")
    assert not any("john" in t or "smith" in t for t in found)
    assert "victim assaulted" not in found
    assert {"victim", "assaulted"} <= found


def _rows(texts: dict[str, tuple[int, int]]) -> list[OffenceCount]:
    out = []
    for text, (now, before) in texts.items():
        for current, n in ((True, now), (False, before)):
            if n:
                out.append(OffenceCount("s", None, None, text, None, None, None, None, current, n))
    return out


def test_a_term_new_in_the_current_period_bursts_with_its_own_g2() -> None:
    offences = _rows({"THEFT": (40, 400), "BURGLARY": (45, 500), "SIM SWAP FRAUD": (15, 0)})
    found = {b.term: b for b in find_bursts(offences, min_count=5, fdr=0.05)}
    # "sim", "swap", "fraud" and the pairs come from one text: one finding, longest first
    assert set(found) == {"sim swap"} or set(found) == {"swap fraud"}
    burst = next(iter(found.values()))
    assert set(burst.same_texts) | {burst.term} == {
        "sim", "swap", "fraud", "sim swap", "swap fraud",
    }  # fmt: skip
    assert (burst.counts.current, burst.counts.history) == (15, 0)
    assert (burst.counts.current_total, burst.counts.history_total) == (100, 900)
    assert burst.g2 == pytest.approx(g2(15, 0, 100, 900))
    assert burst.ratio == pytest.approx(smoothed_ratio(15, 0, 100, 900))


def test_falling_and_rare_terms_are_not_bursts() -> None:
    offences = _rows({"THEFT": (10, 500), "BURGLARY": (86, 400), "ARSON": (4, 0)})
    found = {b.term for b in find_bursts(offences, min_count=5, fdr=0.05)}
    assert "theft" not in found  # fell
    assert "arson" not in found  # 4 records, below --min-count
    assert "burglary" in found


def test_q_values_are_benjamini_hochberg() -> None:
    """By hand: sorted p 0.01, 0.03, 0.04 (m = 3) -> 0.01*3/1 = 0.03, 0.03*3/2 = 0.045,
    0.04*3/3 = 0.04; monotone from the top: 0.03, 0.04, 0.04."""
    assert q_values([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.04, 0.04])
    assert q_values([]) == []
