"""The review queue for people: one item per distinct text, biggest first, with the ICCS
rule that decides between the top candidates.

A reviewer's time goes furthest on the text that stands for most records, and a text a
force writes under several national codes ("THEFT" under 2 codes, or with different
capitalisation) is one question, not several. So coding groups of one source whose
texts normalise the same (:func:`~crimestats.iccs.text.normalise`) become one
:class:`ReviewItem`, ordered by the records they stand for; the answer to it is applied
to every group of the item (:func:`crimestats.services.classifying.import_review`).

To answer quickly a reviewer needs the line of the classification that separates the
two likeliest codes: :func:`deciding_rule` gives the scope rule that fired, else one
that separates them, else the ICCS exclusion of one that names the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from crimestats.errors import NotFoundError
from crimestats.iccs.classification import load_classification
from crimestats.iccs.codings import Coding
from crimestats.iccs.rules import load_rules
from crimestats.iccs.text import normalise


@dataclass(frozen=True, slots=True)
class ReviewGroup:
    """What the queue needs of a coding group (a store's group needing review)."""

    source: str
    key: str
    label: str | None
    text: str
    offences: int


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One question for a reviewer: a text of one source, every group that has it, and
    the coding the model suggests."""

    source: str
    text: str
    groups: tuple[ReviewGroup, ...]
    coding: Coding

    @property
    def offences(self) -> int:
        """The records the answer will code."""
        return sum(g.offences for g in self.groups)

    @property
    def first(self) -> ReviewGroup:
        """The group with most records (its national code heads the row)."""
        return self.groups[0]


def review_items(groups: Sequence[ReviewGroup], codings: Sequence[Coding]) -> list[ReviewItem]:
    """Groups (with their codings, in the same order) merged by source and normalised
    text, ordered by records affected, most first (then source and text, for a stable
    file)."""
    merged: dict[tuple[str, str], list[tuple[ReviewGroup, Coding]]] = {}
    for group, coding in zip(groups, codings, strict=True):
        merged.setdefault((group.source, normalise(group.text)), []).append((group, coding))
    items = []
    for (source, _), members in merged.items():
        members.sort(key=lambda m: (-m[0].offences, m[0].key))
        first_group, coding = members[0]
        items.append(ReviewItem(source, first_group.text, tuple(g for g, _ in members), coding))
    items.sort(key=lambda i: (-i.offences, i.source, i.text))
    return items


def deciding_rule(coding: Coding) -> str:
    """The classification's line that decides between the coding's two likeliest codes
    ("" when there is no second candidate or ICCS names nothing between them)."""
    if coding.rules:
        return coding.rules[0]
    codes = [c.code for c in coding.top3[:2]]
    if len(codes) < 2:
        return ""
    a, b = codes
    for rule in load_rules():
        if _separates(rule.separates, a, b):
            return f"rule {rule.id}: {rule.reason}"
    return _exclusion_between(a, b) or _exclusion_between(b, a)


def _separates(codes: Sequence[str], a: str, b: str) -> bool:
    """Whether a rule separating ``codes`` puts ``a`` and ``b`` on different sides: each
    falls under one of them (its deepest), and neither side contains the other."""
    side_a = max((c for c in codes if a.startswith(c)), key=len, default=None)
    side_b = max((c for c in codes if b.startswith(c)), key=len, default=None)
    if side_a is None or side_b is None:
        return False
    return not (side_a.startswith(side_b) or side_b.startswith(side_a))


def _exclusion_between(code: str, other: str) -> str:
    """The exclusion of ``code`` (or of its nearest ancestor saying so) that names
    ``other`` or an ancestor of it: "ICCS 0502 excludes '... deceit ... (0701)'"."""
    classification = load_classification()
    for size in (6, 5, 4, 2):
        if len(code) < size:
            continue
        node = code[:size]
        try:
            exclusions = classification.get(node).exclusions or ""
        except NotFoundError:  # a code the classification lacks names no exclusion
            continue
        for item in exclusions.split(";"):
            refs = [r for r in _references(item) if other.startswith(r) or r.startswith(other)]
            if refs and not code.startswith(refs[0]):
                return f"ICCS {node} excludes '{item.strip().rstrip('.')}'"
    return ""


def _references(item: str) -> list[str]:
    """The ICCS codes an exclusion item refers to, "(0701)" -> ["0701"]."""
    return _REFERENCE.findall(item)


_REFERENCE = re.compile(r"\((\d{2,6})\)")
