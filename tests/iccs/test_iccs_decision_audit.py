"""The decision audit: a coding agrees with the evidence it shows, or goes to review.

The hand-built codings check the consistency rule clause by clause (each expected
message is written from the rule in ``decision_audit``'s docstring); the property test
codes random word mixes from the model's own vocabularies and the police held-out file
and checks that no auto-coded result disagrees with its own evidence.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimestats.domain.enums import IccsMethod
from crimestats.iccs import Autocoder
from crimestats.iccs.codings import Candidate, Coding, Neighbour
from crimestats.iccs.decision_audit import audit
from crimestats.iccs.training import iccs_examples, vocabulary_examples

POLICE = Path(__file__).parents[1] / "data" / "iccs_heldout_police.csv"


def _coding(**changes: object) -> Coding:
    """A consistent bicycle-theft coding; tests change one part of its evidence."""
    base = Coding(
        text="BIKE - STOLEN",
        code="050229",
        confidence=0.9,
        method=IccsMethod.MODEL,
        top3=(
            Candidate("050229", "Other theft of personal property", 0.9),
            Candidate("070112", "Financial fraud against natural or legal persons", 0.05),
        ),
        explanation=(),
        similar=(),
        needs_review=False,
        level2_confidence=0.9,
        sections=(Candidate("05", "Acts against property only", 0.95), Candidate("07", "x", 0.05)),
        neighbours=(
            Neighbour("bike theft", "050229", 0.7),
            Neighbour("bicycle theft", "050229", 0.6),
            Neighbour("card fraud", "070112", 0.2),
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_consistent_coding_passes() -> None:
    assert audit(_coding()) == ()


def test_neighbours_that_point_elsewhere_are_named() -> None:
    coded_fraud = _coding(
        code="070112",
        top3=(Candidate("070112", "Financial fraud", 0.7),),
        sections=(Candidate("07", "Fraud", 0.7), Candidate("05", "Property", 0.3)),
    )
    assert audit(coded_fraud) == ("nearest neighbours say 05 (bike theft 050229), scores say 07",)


def test_one_near_identical_neighbour_elsewhere_is_a_disagreement() -> None:
    near = (Neighbour("bike theft", "050229", 0.95), *(Neighbour("fraud", "0701", 0.5),) * 2)
    coding = _coding(
        code="0701",
        top3=(Candidate("0701", "Fraud", 0.7),),
        sections=(Candidate("07", "Fraud", 0.7),),
        neighbours=near,
    )
    (problem,) = audit(coding)
    assert problem.startswith("nearest neighbour 'bike theft' (050229, similarity 0.95) says 05")


def test_section_scores_and_outscoring_candidates_are_disagreements() -> None:
    other_section = _coding(sections=(Candidate("07", "Fraud", 0.6), Candidate("05", "P", 0.4)))
    assert audit(other_section) == ("section scores say 07 (Fraud), the code says 05",)
    trailing = _coding(top3=(Candidate("050229", "Theft", 0.3), Candidate("070112", "Fraud", 0.6)))
    assert audit(trailing) == ("candidate 070112 (Fraud, 0.60) outscores 050229 (0.30)",)


def test_a_section_alone_and_a_rule_asking_review_fail() -> None:
    assert audit(_coding(code="05")) == ("no code at level 2 (best: 05)",)
    asked = _coding(rules=("rule x ('y'): 050229 needs review: because",))
    assert audit(asked) == ("rule x ('y'): 050229 needs review: because",)


def test_a_rule_decision_must_name_the_code_it_set() -> None:
    said = "rule bicycle-theft-is-theft ('bike', 'stolen'): 07 -> 050229: theft of a bicycle"
    by_rule = _coding(
        decided_by="bicycle-theft-is-theft",
        rules=(said,),
        sections=(Candidate("07", "Fraud", 0.9),),  # the model's evidence is not checked
    )
    assert audit(by_rule) == ()
    assert audit(replace(by_rule, code="050222")) == (
        "rule bicycle-theft-is-theft set the code but does not name 050222",
    )


def _vocabulary() -> list[str]:
    with POLICE.open(encoding="utf-8", newline="") as handle:
        police = [row["text"] for row in csv.DictReader(handle)]
    texts = [e.text for e in (*vocabulary_examples(), *iccs_examples())] + police
    return sorted({w for t in texts for w in t.split() if w.isalpha()})


WORDS = _vocabulary()


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), min_size=1, max_size=8))
def test_every_auto_coded_result_passes_the_audit(
    autocoder: Autocoder, phrases: list[list[str]]
) -> None:
    texts = [" ".join(p) for p in phrases]
    for coding in autocoder.code_texts(texts):
        if coding.needs_review:
            assert coding.review_reasons, coding.text  # a review always says why
        else:
            assert audit(coding) == (), coding.text
            assert coding.review_reasons == ()
            assert coding.level2_confidence >= coding.review_threshold or coding.decided_by


def test_the_issue_cases_are_coded_by_the_rules(autocoder: Autocoder) -> None:
    """ICCS inclusions decide these (0502 includes 'theft of a purse from a vehicle';
    0502 excludes deceit, 0701); the explanation names the rule."""
    vehicle, bunco = autocoder.code_texts(["BURGLARY FROM VEHICLE", "BUNCO, GRAND THEFT"])
    assert vehicle.code == "050222"
    assert vehicle.decided_by == "burglary-needs-premises"
    assert any("excluded from 0501: no premises mentioned" in e for e in vehicle.explanation)
    assert bunco.code == "0701"
    assert any(r.startswith("rule value-does-not-change-the-code") for r in bunco.rules)
