"""Attempt words and ordinal grades leave the text the coder sees; kinship degrees stay."""

from __future__ import annotations

import pytest

from crimestats.iccs.modifiers import without_attempt, without_grade
from crimestats.iccs.text import with_glossary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Assault in the second degree", "assault"),
        ("Burglary in the First Degree", "burglary"),
        ("First-degree arson", "arson"),
        ("ARSON 2ND DEGREE", "arson"),
        ("MENACING 1ST DEGREE (VICT NOT", "menacing vict not"),
        ("Theft of property; felony of the third degree", "theft of property felony"),
        ("HOMICIDE - FIRST DEGREE MURDER", "homicide murder"),
        ("Attempted robbery in the 4th degree", "robbery"),
    ],
)
def test_ordinal_grades_are_dropped(text: str, expected: str) -> None:
    assert with_glossary(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "fraudulent substandard or fictitious degree",  # an academic degree: no ordinal
        "incest with a relative within the third degree",  # kinship decides the offence
        "marriage within the prohibited degrees of consanguinity",
        "murder by degrees",
    ],
)
def test_other_degrees_stay(text: str) -> None:
    assert without_grade(text) == text


def test_attempt_is_kept_only_for_homicide() -> None:
    assert without_attempt("attempted murder in the first degree") == (
        "attempted murder in the first degree"
    )
    assert with_glossary("Attempted murder in the first degree") == "attempted murder"
    assert without_attempt("attempted burglary") == "burglary"
