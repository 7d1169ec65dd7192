"""Police labels with a structure: a generic head to drop, compound labels to review.

Every label here is made up for the test (none is a label of an evaluation source).
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest

from crimestats.domain.enums import IccsMethod
from crimestats.iccs import Autocoder
from crimestats.iccs.codings import Candidate, Coding
from crimestats.iccs.label_structure import (
    GENERIC_HEADS,
    MAX_TERM_WORDS,
    compound_parts,
    generic_head,
    head_key,
    known_phrases,
    review_compound,
    split_head,
    without_generic_head,
)
from crimestats.iccs.text import with_glossary


def test_every_generic_head_is_declared_once_in_key_form_with_a_reason() -> None:
    keys = [h.words for h in GENERIC_HEADS]
    assert len(keys) == len(set(keys))
    for head in GENERIC_HEADS:
        assert head_key(head.words) == head.words
        assert len(head.reason) > 20


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("OTHER OFFENSE - ILLEGAL DUMPING", "ILLEGAL DUMPING"),
        ("Other Offences: littering", "littering"),
        ("MISC. - LOST PROPERTY FOUND", "LOST PROPERTY FOUND"),
        ("ALL OTHER OFFENSES - TRESPASS ON RAILWAY", "TRESPASS ON RAILWAY"),
        # a specific head stays: it and the detail both carry meaning
        ("BURGLARY - FORCIBLE ENTRY: RESIDENCE", "BURGLARY - FORCIBLE ENTRY: RESIDENCE"),
        # a hyphen inside a word is not a separator, nor is a trailing dash
        ("OTHER-OFFENSE NON-VEH", "OTHER-OFFENSE NON-VEH"),
        ("OTHER OFFENSE - ", "OTHER OFFENSE - "),
    ],
)
def test_a_generic_head_is_dropped_and_a_specific_one_kept(label: str, expected: str) -> None:
    assert without_generic_head(label) == expected


def test_the_head_is_split_at_the_first_separator_only() -> None:
    assert split_head("ASSAULT - AGG: KNIFE") == ("ASSAULT", "AGG: KNIFE")
    assert split_head("ASSAULT") == ("", "ASSAULT")
    assert generic_head("MISC - X") is not None
    assert generic_head("ASSAULT - X") is None


def test_the_autocoder_reads_a_generic_head_label_as_its_detail() -> None:
    # the form the model learns from and codes: the head's words are gone, so "offense"
    # cannot pull the label towards "sex offense"
    assert with_glossary("OTHER OFFENSE - ILLEGAL DUMPING") == with_glossary("ILLEGAL DUMPING")
    assert "offense" not in with_glossary("OTHER OFFENSE - VEHICLE PERMIT")
    assert with_glossary("ARSON - BY FIRE") != with_glossary("BY FIRE")


@pytest.mark.parametrize(
    ("label", "parts"),
    [
        ("Robbery and fraud offences", ("Robbery", "fraud offences")),
        ("Burglary, theft & criminal damage", ("Burglary", "theft", "criminal damage")),
        ("ASSAULT - ON POLICE AND FIREFIGHTERS", ("ON POLICE", "FIREFIGHTERS")),
        # a comma alone qualifies, a slash joins synonyms: one part
        ("Trafficking, forced labour", ("Trafficking, forced labour",)),
        ("Abduction/Kidnap", ("Abduction/Kidnap",)),
        ("Sandwich-and-run", ("Sandwich-and-run",)),
        # a value threshold is not a second offence kind (rule value-does-not-change-the-code)
        ("SHOPLIFTING $500 AND UNDER", ("SHOPLIFTING $500 AND UNDER",)),
        ("FRAUD & OVER $1000", ("FRAUD & OVER $1000",)),
    ],
)
def test_compound_parts_split_at_coordinators_only(label: str, parts: tuple[str, ...]) -> None:
    assert compound_parts(label) == parts


def _index_terms_joining_two_words() -> list[str]:
    """Short terms of the ICCS alphabetical index with one " and " (read from the CSV here,
    not through the module under test)."""
    path = resources.files("crimestats") / "data" / "iccs" / "iccs_alphabetical_index.csv"
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return [
        r["term"]
        for r in rows
        if r["term"].casefold().count(" and ") == 1
        and len(r["term"].split()) <= MAX_TERM_WORDS
        and r["code_exists_in_structure"] == "True"
    ]


def test_a_short_index_term_joined_by_and_is_one_part_under_inflection() -> None:
    """Every short index term with one "and" names one offence under one code, so a
    label using the same two words, with or without "-ing", is not split."""
    terms = _index_terms_joining_two_words()
    assert "Breaking and entering" in terms  # the ICCS index, 0501
    for term in terms:
        assert compound_parts(term) == (term,), term
    assert compound_parts("GARAGE - BREAK AND ENTER") == ("BREAK AND ENTER",)  # the detail
    assert compound_parts("Hit & run, property damage") == ("Hit & run, property damage",)


def test_known_phrases_come_from_terms_not_from_descriptions() -> None:
    """A pair joined only inside a long ICCS description is not a known phrase: there
    "and" lists offence kinds, so a label joining the same words still splits."""
    assert ("break", "enter") in known_phrases()
    assert ("fraud", "theft") not in known_phrases()
    assert compound_parts("Fraud and theft") == ("Fraud", "theft")


def _coding(text: str, code: str | None, sections: dict[str, float]) -> Coding:
    return Coding(
        text=text,
        code=code,
        confidence=0.9,
        method=IccsMethod.MODEL,
        top3=(),
        explanation=(),
        similar=(),
        needs_review=False,
        sections=tuple(Candidate(s, s, p) for s, p in sections.items()),
    )


def test_parts_in_two_sections_send_the_label_to_review_with_the_first_part_s_code() -> None:
    whole = _coding("Robbery and fraud offences", "0701", {"07": 0.6, "04": 0.4})
    parts = [
        _coding("Robbery", "0401", {"04": 0.95}),
        _coding("fraud offences", "0701", {"07": 0.9}),
    ]
    out = review_compound(whole, parts)
    assert out.needs_review
    assert out.code == "0401"
    assert out.text == "Robbery and fraud offences"
    (reason,) = out.review_reasons
    assert "sections 04, 07" in reason
    assert "'Robbery' -> 04" in reason
    assert "'fraud offences' -> 07" in reason


def test_parts_in_one_section_or_unsure_parts_leave_the_coding_alone() -> None:
    whole = _coding("Burglary and theft", "0501", {"05": 0.99})
    same = [_coding("Burglary", "0501", {"05": 0.99}), _coding("theft", "0502", {"05": 0.99})]
    assert review_compound(whole, same) == whole
    unsure = [_coding("Burglary", "0501", {"05": 0.99}), _coding("under", "08", {"08": 0.3})]
    assert review_compound(whole, unsure) == whole
    empty = [_coding("Burglary", "0501", {"05": 0.99}), _coding("$5", None, {})]
    assert review_compound(whole, empty) == whole


def test_the_autocoder_reviews_a_compound_label_and_codes_its_first_kind(
    autocoder: Autocoder,
) -> None:
    coding = autocoder.code_text("Robbery and fraud offences")
    assert coding.needs_review
    assert coding.code is not None
    assert coding.code.startswith("04")
    assert any(r.startswith("compound label") for r in coding.review_reasons)
    # two kinds of one section are not a compound: no such reason
    same = autocoder.code_text("Burglary and theft")
    assert same.code is not None
    assert same.code.startswith("05")
    assert not any(r.startswith("compound label") for r in same.review_reasons)
