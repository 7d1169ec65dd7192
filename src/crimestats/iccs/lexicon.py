"""Terms of art of English-language criminal statutes, as data, and how the coder uses them.

The coder reads a penal code's legal terms by their everyday words (issue 18, session
10's error analysis): "criminal breach of trust" became a breach of a justice order,
"wrongful confinement" labour law, "mischief" public mischief, the "drug" of an
adulteration offence a controlled drug. ``data/iccs_lexicon/lexicon.csv`` names such terms
of the common-law families (the Indian Penal Code and its descendants, the Griffith and
Colonial Office model codes, English statute law, Canada's Criminal Code, the US Model
Penal Code, the English text of the Philippine Revised Penal Code) with the ICCS code each
names and the ICCS v1.0 wording that places it (see its PROVENANCE.md).

It is used twice:

1. **Training text** (:func:`lexicon_examples`): each term whose ``status`` is ``code`` and
   whose code is at level 2 or deeper is an example of its code, tagged ``lexicon``, a
   generic source like the ICCS index (never held out, never a calibration fold).
2. **A guard at decision time** (:func:`check_terms`, applied in
   :mod:`crimestats.iccs._deciding` after the scope rules): the terms in a text are found
   whole (longest first, "criminal breach of trust" before "breach"); when the coder chose
   a section that none of them names, the term decides. It *moves* the code to the term's
   when the terms make up at least half of the text's content words (the text is about
   the term: "Criminal breach of trust by carrier"); otherwise, or when the text's terms
   name several sections, or a term is marked ``review`` (ambiguous between codes), the
   coding goes to review with the reason. Inside a section the model's finer choice
   stands, unless the text is the term and nothing else: then the term's level-2 code.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from crimestats.iccs.rules import RuleAction

LEXICON_SOURCE = "lexicon"
"""The training-source tag of the lexicon's examples (a generic source: never held out)."""

MOVE_SHARE = 0.5
"""The share of a text's content words its terms must cover for a term to move a code
(below it, a disagreement is sent to review instead)."""

_ARTICLES = frozenset({"a", "an", "the"})
"""Dropped before matching, so "harbouring deserter" meets "harbouring a deserter"."""

_NOT_CONTENT = frozenset(
    {
        *_ARTICLES,
        "of", "to", "for", "by", "with", "in", "on", "or", "and", "etc", "any", "from",
        "at", "as", "be", "being", "is", "his", "her", "its", "their", "such", "other",
        "whose", "which", "who", "if", "under", "into", "not", "no",
        "punishment", "punishable", "penalty", "offence", "offense", "offences", "offenses",
        "commit", "committed", "committing", "person", "persons", "section", "case", "cases",
    }
)  # fmt: skip
"""Words that do not make a text about something else: function words and the
penal-code frame ("Punishment for ...", "... offences")."""


class TermStatus(StrEnum):
    """Whether a term names one code, or is ambiguous and always sent to review."""

    CODE = "code"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Term:
    """One row of the lexicon."""

    term: str
    code: str
    status: TermStatus
    families: tuple[str, ...]
    iccs_text: str
    note: str

    @property
    def words(self) -> tuple[str, ...]:
        """The term as the matcher sees it (:func:`match_words`)."""
        return match_words(self.term)


def match_words(text: str) -> tuple[str, ...]:
    """``text`` normalised as the coder normalises it, articles dropped and a plural
    "-s" taken off (not "-ss"), so "unnatural offences" meets "unnatural offence"."""
    # imported here: text -> label_structure -> training -> lexicon would be a cycle
    from crimestats.iccs.text import normalise

    out: list[str] = []
    for word in normalise(text).split():
        if word in _ARTICLES:
            continue
        plural = len(word) > 3 and word.endswith("s") and not word.endswith("ss")
        out.append(word[:-1] if plural else word)
    return tuple(out)


@cache
def load_lexicon() -> tuple[Term, ...]:
    """The bundled lexicon (``data/iccs_lexicon/lexicon.csv``)."""
    resource = resources.files("crimestats") / "data" / "iccs_lexicon" / "lexicon.csv"
    rows = csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8")))
    return tuple(
        Term(
            term=row["term"],
            code=row["iccs_code"],
            status=TermStatus(row["status"]),
            families=tuple(f for f in row["families"].split(";") if f),
            iccs_text=row["iccs_text"],
            note=row["note"],
        )
        for row in rows
    )


@cache
def _by_words() -> dict[tuple[str, ...], Term]:
    return {t.words: t for t in load_lexicon()}


@cache
def _longest() -> int:
    return max(len(w) for w in _by_words())


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A term found in a text, and how many content words it covers."""

    term: Term
    content: int


def find_terms(text: str) -> tuple[tuple[TermMatch, ...], int]:
    """The lexicon terms in ``text`` (leftmost, longest first, without overlaps) and the
    number of content words of the text."""
    words = match_words(text)
    table = _by_words()
    found: list[TermMatch] = []
    i = 0
    while i < len(words):
        for size in range(min(_longest(), len(words) - i), 0, -1):
            term = table.get(words[i : i + size])
            if term is not None:
                content = sum(1 for w in words[i : i + size] if w not in _NOT_CONTENT)
                found.append(TermMatch(term, content))
                i += size
                break
        else:
            i += 1
    return tuple(found), sum(1 for w in words if w not in _NOT_CONTENT)


GUARD_ID = "term-of-art"
"""The rule id a lexicon finding carries in ``Coding.rules`` and ``decided_by``."""


@dataclass(frozen=True, slots=True)
class TermFinding:
    """The guard's verdict on one coding: move it or send it to review, and why."""

    action: RuleAction
    """MOVE or REVIEW: the guard acts as one more scope rule (it never only notes)."""
    terms: tuple[Term, ...]
    before: str | None
    after: str | None
    reason: str

    def describe(self) -> str:
        """The sentence the explanation and the review queue show, in the scope rules'
        form (the decision audit reads it like theirs)."""
        words = ", ".join(f"'{t.term}'" for t in self.terms)
        if self.action is RuleAction.MOVE:
            return f"rule {GUARD_ID} ({words}): {self.before} -> {self.after}: {self.reason}"
        return f"rule {GUARD_ID} ({words}): {self.before} needs review: {self.reason}"


def check_terms(text: str, code: str | None) -> TermFinding | None:
    """The guard's finding on ``text`` coded ``code`` (None when no term disagrees).

    A term marked ``review`` always asks for review; terms naming several sections ask
    for review; one section other than the code's moves the code when the terms cover at
    least :data:`MOVE_SHARE` of the content words, else asks for review.
    """
    matches, content = find_terms(text)
    if not matches:
        return None
    terms = tuple(m.term for m in matches)
    ambiguous = [t for t in terms if t.status is TermStatus.REVIEW]
    if ambiguous:
        first = ambiguous[0]
        reason = f"term of art '{first.term}' is ambiguous between ICCS codes: {first.note}"
        return TermFinding(RuleAction.REVIEW, tuple(ambiguous), code, code, reason)
    sections = sorted({t.code[:2] for t in terms})
    if code is not None and code[:2] in sections:
        return _the_text_is_the_term(matches, content, code)
    if len(sections) > 1:
        named = "; ".join(f"'{t.term}' -> {t.code}" for t in terms)
        reason = f"terms of art of ICCS sections {', '.join(sections)} ({named})"
        return TermFinding(RuleAction.REVIEW, terms, code, code, reason)
    target = _target(terms)
    covered = sum(m.content for m in matches)
    reason = f"term of art '{target.term}' is ICCS {target.code} ('{target.iccs_text}')"
    if content and covered / content >= MOVE_SHARE:
        return TermFinding(RuleAction.MOVE, terms, code, target.code, reason)
    return TermFinding(RuleAction.REVIEW, terms, code, code, reason + ", not the code's section")


def _the_text_is_the_term(
    matches: Sequence[TermMatch], content: int, code: str
) -> TermFinding | None:
    """A text that is one term and nothing else takes the term's level-2 code when the
    model chose another in the same section: the declared placement decides, where the
    model only echoes its nearest training texts ("Fraud by trustee" is embezzlement,
    07032, however much "fraud" pulls to 0701). Any other word in the text leaves the
    model's finer choice standing."""
    if len(matches) != 1 or matches[0].content != content:
        return None
    term = matches[0].term
    if len(term.code) < 4 or code[:4] == term.code[:4]:
        return None
    reason = f"the text is the term of art '{term.term}', ICCS {term.code} ('{term.iccs_text}')"
    return TermFinding(RuleAction.MOVE, (term,), code, term.code, reason)


def _target(terms: Sequence[Term]) -> Term:
    """The term whose code a move takes: the deepest code among terms of one section."""
    return max(terms, key=lambda t: len(t.code))


def lexicon_examples() -> tuple[tuple[str, str], ...]:
    """(term, code) of every term the coder learns from: status ``code`` and a code at
    level 2 or deeper (a section-only term guards, it does not teach a level-1 code)."""
    return tuple(
        (t.term, t.code) for t in load_lexicon() if t.status is TermStatus.CODE and len(t.code) >= 4
    )
