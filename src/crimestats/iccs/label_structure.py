"""The structure of police category labels: a generic head, a detail, several offence kinds.

Police record systems write many categories as ``HEAD - DETAIL`` or ``HEAD: DETAIL``: a
primary type and its description (Chicago's "OTHER OFFENSE - VEHICLE TITLE/REG OFFENSE",
"BATTERY - AGG: HANDS/FIST/FEET SERIOUS INJURY"), a UCR/NIBRS offence group and its
offence. Two patterns of such labels mislead a coder that reads the label as one bag of
words (issue 18, session 8 error analysis):

1. **A generic head** ("OTHER OFFENSE", "MISC", "ALL OTHER") names no ICCS section: it
   says only that the system had no better box. Its words still count, and "offense"
   finds the training texts that say "sex offense". The detail alone decides, so a head
   of :data:`GENERIC_HEADS` is dropped (:func:`without_generic_head`) before the text is
   normalised, both when the autocoder learns and when it codes. A specific head
   ("BATTERY", "NARCOTICS") is kept with its detail: both carry meaning.
2. **A compound label** naming several offence kinds ("Violence and sexual offences",
   "Theft and fraud") has no single right ICCS code when the kinds fall in different
   ICCS sections. :func:`compound_parts` splits such a label at its coordinators; the
   autocoder codes each part alone, and when two or more parts are each confidently in a
   different section the coding goes to review with the reason naming them
   (:func:`review_compound`). The code shown is the first-named part's: a category that
   lists offence kinds is named after its principal kind first (UCR's "Murder and
   nonnegligent manslaughter", police.uk's "Criminal damage and arson"), and the
   first-named part is a choice made by the label's structure, not by whichever of its
   words happens to match a training text best (the whole label's score).

The generic heads are a small declared list, each with its reason; nothing here names a
label of an evaluation source.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Final

from crimestats.iccs.codings import Coding
from crimestats.iccs.training import (
    iccs_examples,
    index_examples,
    lexicon_training_examples,
    vocabulary_examples,
)


@dataclass(frozen=True, slots=True)
class GenericHead:
    """A label head that names no ICCS section, and why it names none."""

    words: str
    """The head, lower-case, words separated by single spaces (see :func:`head_key`)."""
    reason: str


GENERIC_HEADS: Final[tuple[GenericHead, ...]] = (
    GenericHead(
        "other offence",
        "a residual box of a record system (Chicago's primary type 'OTHER OFFENSE', UCR "
        "Part II 'All other offenses'): it says the system had no better type, not which",
    ),
    GenericHead("all other offence", "UCR/NIBRS Group B '90Z All Other Offenses': a residual"),
    GenericHead("all other", "the residual line of an offence group ('ALL OTHER - ...')"),
    GenericHead("other", "a residual box ('OTHER - ...') naming no offence"),
    GenericHead("other crime", "a residual box ('OTHER CRIMES - ...') naming no offence"),
    GenericHead("misc", "short for miscellaneous: a residual box naming no offence"),
    GenericHead("miscellaneous", "a residual box naming no offence"),
    GenericHead("miscellaneous offence", "a residual box naming no offence"),
    GenericHead("offence", "the word offence alone names no offence kind"),
    GenericHead("crime", "the word crime alone names no offence kind"),
)
"""Heads dropped from a ``HEAD - DETAIL`` label: each names no ICCS section."""

_HEAD_SEPARATOR = re.compile(r"\s+-\s+|\s*:\s+")
"""Where a head ends: " - " (a dash between spaces: not the hyphen of "NON-VEH") or a
colon followed by a space."""

_KEY_NON_WORD = re.compile(r"[^a-z]+")
_KEY_FORMS: Final[dict[str, str]] = {
    "offense": "offence",
    "offenses": "offence",
    "offences": "offence",
    "crimes": "crime",
    "misc": "misc",
}
"""Spellings and plurals of a head word mapped to the one form :data:`GENERIC_HEADS` uses."""

_GENERIC_KEYS: Final[frozenset[str]] = frozenset(h.words for h in GENERIC_HEADS)


def head_key(head: str) -> str:
    """``head`` lower-case, letters only, offense/offences -> offence, crimes -> crime.

    >>> head_key("OTHER OFFENSES")
    'other offence'
    >>> head_key("Misc.")
    'misc'
    """
    words = _KEY_NON_WORD.sub(" ", head.casefold()).split()
    return " ".join(_KEY_FORMS.get(w, w) for w in words)


def split_head(text: str) -> tuple[str, str]:
    """``(head, detail)`` of a ``HEAD - DETAIL`` or ``HEAD: DETAIL`` label, split at its
    first separator; ``("", text)`` when it has none.

    >>> split_head("OTHER OFFENSE - LICENSE VIOLATION")
    ('OTHER OFFENSE', 'LICENSE VIOLATION')
    >>> split_head("THEFT BY LESSEE,NON-VEH")
    ('', 'THEFT BY LESSEE,NON-VEH')
    """
    parts = _HEAD_SEPARATOR.split(text, maxsplit=1)
    if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
        return "", text
    return parts[0].strip(), parts[1].strip()


def generic_head(text: str) -> GenericHead | None:
    """The generic head ``text`` starts with (None when its head is specific or absent)."""
    head, _ = split_head(text)
    if not head:
        return None
    key = head_key(head)
    return next((h for h in GENERIC_HEADS if h.words == key), None)


def without_generic_head(text: str) -> str:
    """``text`` without a generic head (:data:`GENERIC_HEADS`); unchanged otherwise.

    >>> without_generic_head("OTHER OFFENSE - VEHICLE TITLE/REG OFFENSE")
    'VEHICLE TITLE/REG OFFENSE'
    >>> without_generic_head("BATTERY - AGG: HANDS/FIST/FEET SERIOUS INJURY")
    'BATTERY - AGG: HANDS/FIST/FEET SERIOUS INJURY'
    """
    head, detail = split_head(text)
    return detail if head and head_key(head) in _GENERIC_KEYS else text


VALUE_WORDS: Final[tuple[str, ...]] = ("under", "over", "less", "more", "above", "below")
"""Words that make "and"/"or" part of a value threshold ("$500 AND UNDER", "$300 & OVER"),
not a join of two offence kinds: the scope rule ``value-does-not-change-the-code``
(``rules.yaml``) lists "and under", "and over" as value thresholds, which ICCS ignores."""

_COORDINATOR = re.compile(rf"\s+(?:and|&)\s+(?!(?:{'|'.join(VALUE_WORDS)})\b)", re.IGNORECASE)
"""What joins offence kinds in an English label: " and ", " & " (not before a value
word: :data:`VALUE_WORDS`); a comma joins them only
in a list that ends with one of those ("Robbery, theft and fraud"): alone it is a
qualifier ("Human Trafficking, Commercial Sex Acts", "LARCENY,GRAND FROM PERSON"). "/"
is not one: police systems write synonyms and abbreviations with it
("Kidnapping/Abduction", "KNIFE/CUT INSTR")."""

_LIST_COMMA = re.compile(r"\s*,\s+")


_WORD = re.compile(r"[a-z]+|&")


def _stem(word: str) -> str:
    """``word`` without an "-ing" ending, so "break and enter" meets "breaking and
    entering" (a key for matching known phrases only; the coder never sees it)."""
    return word[:-3] if word.endswith("ing") and len(word) > 5 else word


def _joined_pairs(text: str) -> list[tuple[str, str]]:
    """The (word before, word after) of every "and"/"&" in ``text``, stemmed."""
    words = _WORD.findall(text.casefold())
    return [
        (_stem(words[i - 1]), _stem(words[i + 1]))
        for i in range(1, len(words) - 1)
        if words[i] in ("and", "&")
    ]


@cache
def known_phrases() -> frozenset[tuple[str, str]]:
    """Word pairs that a term of the classification's own English text joins with "and"
    under one code: "breaking and entering", "hit and run", "aiding and abetting". A label
    that joins the same two words names one offence, not two kinds ("Break and Enter").

    Read from ICCS's labels, descriptions, inclusions and exclusions, its alphabetical
    index, the English generic vocabulary and the terms-of-art lexicon ("rogue and
    vagabond", "idle and disorderly"; the texts every model learns from), never
    from a police or penal-code table, which would leak a held-out source's labels into
    its own evaluation.
    """
    english_vocabulary = (e for e in vocabulary_examples() if e.source == "vocabulary")
    generic = (*iccs_examples(), *index_examples(), *english_vocabulary)
    texts = (e.text for e in (*generic, *lexicon_training_examples()))
    terms = (t for t in texts if len(_WORD.findall(t.casefold())) <= MAX_TERM_WORDS)
    return frozenset(pair for term in terms for pair in _joined_pairs(term))


MAX_TERM_WORDS = 5
"""The longest text read as a *term* (a name of one offence under one code) when known
phrases are gathered. Longer texts are descriptions and lists, where "and" joins kinds
("acts involving fraud and theft ..."), which must not stop a label from splitting."""


def _protect_known_phrases(detail: str) -> str:
    """``detail`` with the coordinator of each known phrase (:func:`known_phrases`)
    replaced by a placeholder that :data:`_COORDINATOR` does not split at."""

    def keep(match: re.Match[str]) -> str:
        before = _WORD.findall(detail[: match.start()].casefold())
        after = _WORD.findall(detail[match.end() :].casefold())
        if before and after and (_stem(before[-1]), _stem(after[0])) in known_phrases():
            return _KEPT + match.group(0).strip() + _KEPT
        return match.group(0)

    return _COORDINATOR.sub(keep, detail)


_KEPT = "\x00"
"""Stands for the "and" of a known phrase while a detail is split; put back after."""


def compound_parts(text: str) -> tuple[str, ...]:
    """The parts of the label's detail joined by coordinators, in order; one part when
    there is no coordinator. Only the detail is split (the head of "THEFT - $500 AND
    UNDER" is not a part).

    >>> compound_parts("Violence and sexual offences")
    ('Violence', 'sexual offences')
    >>> compound_parts("OTHER - Robbery, theft & fraud")
    ('Robbery', 'theft', 'fraud')
    >>> compound_parts("THEFT OF CASH $300 AND UNDER")
    ('THEFT OF CASH $300 AND UNDER',)
    >>> compound_parts("Human Trafficking, Commercial Sex Acts")
    ('Human Trafficking, Commercial Sex Acts',)
    """
    _, detail = split_head(without_generic_head(text))
    joined = _COORDINATOR.split(_protect_known_phrases(detail))
    if len(joined) < 2:
        return (detail,)  # no coordinator, or only those of known phrases
    listed = [*(p for head in joined[:-1] for p in _LIST_COMMA.split(head)), joined[-1]]
    return tuple(p.replace(_KEPT, " ").strip() for p in listed if p.strip())


MIN_PART_SECTION = 0.5
"""The calibrated probability of its section a part needs to count as naming that
section (the autocoder's back-off probability: below it the part is not one kind)."""


def _section_of(part: Coding) -> str | None:
    """The section a part's coding confidently names, or None."""
    if part.code is None or not part.sections:
        return None
    best = part.sections[0]
    return best.code if best.probability >= MIN_PART_SECTION else None


def review_compound(coding: Coding, parts: Sequence[Coding]) -> Coding:
    """``coding`` sent to review when its ``parts`` (the codings of
    :func:`compound_parts`, in order) confidently name two or more sections; its code is
    then the first such part's (see the module docstring). Unchanged otherwise."""
    named = [(p, s) for p in parts if (s := _section_of(p)) is not None]
    sections = list(dict.fromkeys(s for _, s in named))
    if len(sections) < 2:
        return coding
    shown = "; ".join(f"'{p.text}' -> {s}" for p, s in named)
    reason = (
        f"compound label: names offences of ICCS sections {', '.join(sections)} ({shown}); "
        "no single code is right, the code shown is the first-named kind's"
    )
    first = named[0][0]
    return replace(
        first,
        text=coding.text,
        explanation=(reason, *first.explanation),
        needs_review=True,
        review_reasons=(*coding.review_reasons, reason),
    )


def with_compounds(
    texts: Sequence[str], code: Callable[[Sequence[str]], list[Coding]]
) -> list[Coding]:
    """``code(texts)``, with every compound label's coding passed through
    :func:`review_compound` (its parts coded by the same ``code``, in one batch)."""
    codings = code(texts)
    split = {t: compound_parts(t) for t in texts}
    split = {t: p for t, p in split.items() if len(p) >= 2}
    if not split:
        return codings
    wanted = list(dict.fromkeys(p for parts in split.values() for p in parts))
    coded = dict(zip(wanted, code(wanted), strict=True))
    return [
        review_compound(c, [coded[p] for p in split[t]]) if t in split else c
        for t, c in zip(texts, codings, strict=True)
    ]
