"""Ranked search of the classification: which ICCS codes match some words?

A small BM25 ranking (Robertson & Zaragoza 2009) over one document per code: its label
(counted three times, since a label match is the strongest signal), its description,
inclusions and the alphabetical-index terms that point to it. Plain Python and fast
enough for 320 documents; no scikit-learn import, so the CLI stays quick.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache

from crimestats.iccs.classification import IccsCode, load_classification
from crimestats.iccs.reference import alphabetical_index
from crimestats.iccs.text import normalise

_K1 = 1.2
_B = 0.75
_STOP = frozenset({"a", "an", "and", "of", "or", "the", "to", "in", "on", "by", "for", "with"})


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the category and its score (higher is better)."""

    category: IccsCode
    score: float


def _tokens(text: str) -> list[str]:
    return [t for t in normalise(text).split() if t not in _STOP]


@cache
def _corpus() -> tuple[list[IccsCode], list[Counter[str]], dict[str, float], float]:
    terms_by_code: dict[str, list[str]] = {}
    for entry in alphabetical_index():
        if entry.exists:
            terms_by_code.setdefault(entry.code, []).append(entry.term)
    cats = list(load_classification())
    docs: list[Counter[str]] = []
    for c in cats:
        text = " ".join(
            [c.label] * 3 + [c.description, c.inclusions, *terms_by_code.get(c.code, [])]
        )
        docs.append(Counter(_tokens(text)))
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs)
    idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
    avg = sum(sum(d.values()) for d in docs) / n
    return cats, docs, idf, avg


def search(text: str, *, limit: int = 10) -> list[Hit]:
    """Categories ranked by BM25 score for ``text`` (empty when nothing matches)."""
    cats, docs, idf, avg = _corpus()
    query = _tokens(text)
    hits: list[Hit] = []
    for cat, doc in zip(cats, docs, strict=True):
        length = sum(doc.values())
        score = 0.0
        for term in query:
            f = doc.get(term, 0)
            if f:
                score += idf[term] * f * (_K1 + 1) / (f + _K1 * (1 - _B + _B * length / avg))
        if score > 0:
            hits.append(Hit(cat, score))
    hits.sort(key=lambda h: (-h.score, h.category.code))
    return hits[:limit]
