"""Words that qualify an offence without changing its ICCS code, removed before coding.

ICCS classifies the act. Two kinds of words in offence labels say something true about
the act that ICCS records elsewhere or not at all, yet pull a text-trained coder towards
the codes whose training texts happen to say them most:

- **Attempt** ("BURGLARY, ATTEMPTED"): ICCS codes an attempt as the offence attempted and
  records the attempt in its *At* tag; only attempted intentional homicide has a code of
  its own (0102), so the words stay for homicide (:func:`without_attempt`).
- **Grade** ("Assault in the second degree", "First-degree arson", "MENACING 1ST
  DEGREE"): US codes grade one offence into degrees by harm or circumstance; ICCS has no
  degrees, and the distinctions it does draw (serious or minor assault, aggravated or
  simple theft) are made by the words that define the grade, not by its ordinal. Left
  in, "in the first degree" pulls a graded heading towards 01: training says "degree"
  almost only of murder (:func:`without_grade`). The ordinal goes only with "degree":
  an academic "fictitious degree" stays, and so does any text about kinship ("relative
  within the third degree"), where the degree is the relationship an incest or marriage
  offence turns on.

Both work on :func:`crimestats.iccs.text.normalise`'s output (lower case, digits dropped:
"1ST DEGREE" arrives as "st degree").
"""

from __future__ import annotations

import re

ATTEMPT_WORDS: frozenset[str] = frozenset(
    {
        "attempt", "attempted", "attempts", "attempting", "tentativa", "tentative",
        "intento", "frustrado", "frustrada", "versuch", "versuchter", "versuchte",
        "poging", "tentato", "tentata",
    }
)  # fmt: skip
"""Words that mark an attempt (after normalising: "ATT" is already "attempt")."""

HOMICIDE_WORDS: frozenset[str] = frozenset(
    {
        "murder", "murders", "homicide", "homicides", "manslaughter", "kill", "killing",
        "homicidio", "homicidios", "asesinato", "feminicidio", "femicidio", "omicidi",
        "meurtre", "assassinat", "mord", "totschlag", "omicidio", "moord", "doodslag",
    }
)  # fmt: skip
"""Words of homicide: the one offence whose attempt ICCS codes apart (0102)."""

KINSHIP_WORDS: frozenset[str] = frozenset(
    {
        "relative", "relatives", "related", "relationship", "kin", "kindred", "consanguinity",
        "affinity", "lineal", "collateral", "ascendant", "descendant", "incest", "incestuous",
    }
)  # fmt: skip
"""Words that make a "degree" a degree of kinship, which is kept."""

_GRADE = re.compile(
    r"(?:\b(?:in|of) the )?"
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|st|nd|rd|th) degree\b"
)
"""An ordinal degree, with the "in the" / "of the" that carries it ("felony of the third
degree"); "st degree" is "1st degree" after digits are dropped."""


def without_attempt(normal: str) -> str:
    """``normal`` without its attempt words, unless it is about a homicide.

    >>> without_attempt("burglary attempted")
    'burglary'
    >>> without_attempt("attempted murder")
    'attempted murder'
    """
    words = normal.split()
    if HOMICIDE_WORDS.isdisjoint(words):
        words = [w for w in words if w not in ATTEMPT_WORDS]
    return " ".join(words)


def without_grade(normal: str) -> str:
    """``normal`` without its ordinal degree, unless it speaks of kinship.

    >>> without_grade("assault in the second degree")
    'assault'
    >>> without_grade("menacing st degree vict not")
    'menacing vict not'
    >>> without_grade("fraudulent substandard or fictitious degree")
    'fraudulent substandard or fictitious degree'
    >>> without_grade("incest with a relative within the third degree")
    'incest with a relative within the third degree'
    """
    if not KINSHIP_WORDS.isdisjoint(normal.split()):
        return normal
    return " ".join(_GRADE.sub(" ", normal).split())


def without_modifiers(normal: str) -> str:
    """``normal`` without attempt words (outside homicide) and ordinal grades: the form
    :func:`crimestats.iccs.text.with_glossary` ends with."""
    return without_grade(without_attempt(normal))
