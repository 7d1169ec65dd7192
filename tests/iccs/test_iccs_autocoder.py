"""The autocoder's contract: order, distinct texts, back-off, review, explanation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crimestats.domain.enums import IccsMethod
from crimestats.errors import UsageError
from crimestats.iccs import Autocoder, leave_one_source_out, summarise
from crimestats.iccs._calibration import ENGLISH, pool_of
from crimestats.iccs.training import Example, iccs_examples, index_examples


def test_codes_in_order_and_each_distinct_text_once(
    autocoder: Autocoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    original = autocoder._code_distinct

    def spy(texts: list[str]) -> object:
        seen.append(list(texts))
        return original(texts)

    monkeypatch.setattr(autocoder, "_code_distinct", spy)
    texts = ["Theft of a pedal cycle", "Murder", "Theft of a pedal cycle", ""]
    codings = autocoder.code_texts(texts)
    assert [c.text for c in codings] == texts
    assert seen == [["Theft of a pedal cycle", "Murder", ""]]
    assert codings[0] is codings[2]


def test_a_coding_is_well_formed(autocoder: Autocoder) -> None:
    for coding in autocoder.code_texts(["Robo con violencia", "possession of cannabis"]):
        assert coding.code is not None
        assert coding.method is IccsMethod.MODEL
        assert 0.0 <= coding.confidence <= 1.0
        assert 1 <= len(coding.top3) <= 3
        assert coding.top3[0].code == coding.code
        alternatives = [c.probability for c in coding.top3[1:]]
        assert alternatives == sorted(alternatives, reverse=True)
        assert coding.explanation
        assert all(isinstance(t, str) for t in coding.explanation)
        pool = pool_of(coding.text) if coding.foreign else ENGLISH
        threshold = autocoder.threshold_for(pool)
        assert coding.review_threshold == threshold
        transfer = autocoder.transfer
        assert coding.needs_review == (
            len(coding.code) < 4
            or coding.level2_confidence < threshold
            or coding.familiarity < autocoder.min_familiarity
            or (coding.foreign and transfer is not None and not transfer.holds)
        )


def test_plain_wordings_land_in_the_right_section(autocoder: Autocoder) -> None:
    # behaviour, not accuracy (see docs/iccs-model-card.md for held-out figures)
    codes = [c.code or "" for c in autocoder.code_texts(["Murder", "Robo con violencia"])]
    assert codes[0].startswith("01")
    assert codes[1].startswith("04")


def test_empty_text_needs_review(autocoder: Autocoder) -> None:
    coding = autocoder.code_text("   ")
    assert coding.code is None
    assert coding.needs_review


def test_backoff_goes_up_the_hierarchy() -> None:
    # Two identical texts with sibling level-4 codes: the neighbours split 50/50, so a
    # model that needs 0.9 must back off to the common parent 05021.
    examples = [
        *iccs_examples(),
        Example("zorblat vehicle", "050211", "a"),
        Example("zorblat vehicle", "050213", "a"),
    ]
    model = Autocoder(backoff=0.9).fit(examples, calibrate=False)
    coding = model.code_text("zorblat vehicle")
    assert coding.code is not None
    assert "05021".startswith(coding.code) or coding.code == "05021"


def test_bad_parameters_and_unfitted_use() -> None:
    with pytest.raises(UsageError):
        Autocoder(backoff=0)
    with pytest.raises(UsageError):
        Autocoder(min_familiarity=1.5)
    with pytest.raises(UsageError):
        Autocoder().code_text("theft")
    with pytest.raises(UsageError):
        Autocoder().fit([])


def test_leave_one_source_out_on_policeuk() -> None:
    # trained without the police.uk table, coding its 14 categories by records
    scored = leave_one_source_out(sources=["policeuk"], include=("iccs", "index"), calibrate=False)
    assert {s.group for s in scored} == {"policeuk"}
    report = summarise(scored)
    assert report.records == sum(s.weight for s in scored)
    assert report.accuracy[1] is not None
    assert report.accuracy[1] >= 0.6


def test_index_examples_skip_codes_not_in_icc() -> None:
    assert all(len(e.code) in (2, 4, 5, 6) for e in index_examples())
    assert not any(e.code == "011012" for e in index_examples())


def test_importing_the_package_stays_light() -> None:
    code = (
        "import sys, crimestats.iccs; "
        "bad = [m for m in ('sklearn', 'typer', 'duckdb', 'ibis', 'fastapi') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_familiarity_is_the_share_of_known_words() -> None:
    examples = [Example("theft of a bicycle", "0502", "a"), Example("murder", "0101", "a")]
    model = Autocoder().fit(examples, calibrate=False)
    # by hand: "theft" known, "zzq" not -> 1/2; "qq ww ee" -> 0/3; empty text -> 1
    assert model.familiarity(["Theft zzq", "MURDER", "qq ww ee", ""]) == [0.5, 1.0, 0.0, 1.0]


def test_unfamiliar_text_needs_review(autocoder: Autocoder) -> None:
    familiar, strange = autocoder.code_texts(["Theft", "Theft qzxv wplk jrtm"])
    assert strange.familiarity == 0.25
    assert strange.needs_review
    assert familiar.familiarity == 1.0
