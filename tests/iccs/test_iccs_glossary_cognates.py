"""A glossary term that is also an English word must not make English text look foreign.

The glossary translates Spanish, Portuguese, French, German, Italian and Dutch legal terms;
a one-word term that English also has ("falsification", "subornation") would translate
an English label and mark it foreign, and foreign text is not auto-coded (v18). So every
one-word term that an English dictionary lists (GNU's Collaborative International
Dictionary of English, through the ``english-words`` package, not the project's code) is
either in ``AMBIGUOUS_TERMS`` (translated only beside another sign of its language) or
declared below as a borrowing English dictionaries list but English offence labels do
not use. A new glossary term of either kind fails this test until it is placed.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest
from english_words import get_english_words_set

from crimestats.iccs.text import AMBIGUOUS_TERMS, looks_foreign, normalise, with_glossary

BORROWINGS = frozenset(
    {
        "banco", "borracho", "caballo", "carabine", "carcel", "casa", "chasse", "complot",
        "douane", "drogue", "dwang", "emeute", "fuga", "fusil", "injuria", "juge",
        "laster", "leve", "madeira", "ordonnance", "policial", "residencia", "tienda",
        "veda", "voiture",
    }
)  # fmt: skip
"""Terms the dictionary lists (foreign words, archaisms, dialect) that are not words of
English offence labels: translating them in an English text cannot happen in practice."""

HANDLED_ELSEWHERE = frozenset({"violation"})
"""French "violation" (rape): the abbreviation table reads "VIOL" first and the English
word passes unchanged (``test_english_text_passes_unchanged``)."""


def _one_word_terms() -> set[str]:
    path = resources.files("crimestats") / "data" / "iccs_glossary" / "glossary.csv"
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return {t for r in rows if len((t := normalise(r["term"])).split()) == 1}


def test_every_one_word_term_english_also_has_is_placed() -> None:
    english = get_english_words_set(["gcide"], lower=True)
    assert len(english) > 100_000  # the dictionary, not an empty list
    cognates = {t for t in _one_word_terms() if t in english}
    assert len(cognates) >= 40  # the glossary has many; a broken reader would find none
    unplaced = cognates - AMBIGUOUS_TERMS - BORROWINGS - HANDLED_ELSEWHERE
    assert unplaced == set(), f"place each in AMBIGUOUS_TERMS or BORROWINGS: {unplaced}"
    assert cognates >= BORROWINGS  # no stale entry


@pytest.mark.parametrize(
    "text",
    [
        "Subornation of perjury",
        "Falsification of record by public officer",
        "Combustible material offences",
        "Lesion caused by assault",
    ],
)
def test_english_labels_with_a_cognate_stay_english(text: str) -> None:
    assert not looks_foreign(text)
    assert with_glossary(text) == normalise(text)


def test_the_same_words_still_translate_in_their_language() -> None:
    """Beside a function word of its language the term is French again."""
    assert looks_foreign("Falsification de documents administratifs")
    assert "forgery" in with_glossary("Falsification de documents administratifs")
