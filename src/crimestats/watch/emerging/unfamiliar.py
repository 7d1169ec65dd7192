"""List (c): new clusters of offence texts the ICCS autocoder finds unfamiliar.

A text is *unfamiliar* when it holds a word the autocoder never saw (its
:meth:`~crimestats.iccs.autocoder.Autocoder.familiarity`, the share of its words found
in the training texts, is below ``min_familiarity``: 1, every word known, by default)
or when no training text is close to it (the cosine similarity of its nearest training
text, in the autocoder's own TF-IDF features, is below ``similarity_floor``). Why any
unknown word and not the autocoder's review threshold (half the words): a new word is
the mark of a new phenomenon, and its variants mostly mix it with known words ("SIM
SWAP FRAUD": "fraud" is known and close to training texts, "sim" and "swap" are not;
"BUNCO, GRAND THEFT" beside "BUNCO, ATTEMPT"). Known texts with a rare word (a city
name, a misspelling) are unfamiliar too, but they have a history, so they are not new.

Unfamiliar texts of both periods are clustered so that variants of one new wording
count together. A text is represented by the words the autocoder never saw (its whole
words when it has none), as those words and their character 3-5-grams (spelling
variants share most of them: "sextortion", "sextorsion"), and clustered by average
linkage on cosine distance cut at ``distance`` (scikit-learn). Why the unknown words:
they are what the variants share ("BUNCO, GRAND THEFT" and "BUNCO, ATTEMPT" have
"bunco" and nothing else in common), while their known words pull them towards old
texts. A cluster is *new* on the rule of a
new code (:mod:`.new_codes`): at least ``min_count`` current records, fewer than
``near_zero`` expected from its history share, and a significant rise after false
discovery rate control.

Everything is read from scrubbed text: the words, the cluster's terms and its examples.
Examples are shown only for a cluster with at least
:data:`~crimestats.watch.emerging.report.EXAMPLE_FLOOR` current records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crimestats.iccs.text import normalise
from crimestats.watch.emerging.bursts import STOP_WORDS
from crimestats.watch.emerging.fdr import q_values
from crimestats.watch.emerging.new_codes import expected_from_history, rise_p_value
from crimestats.watch.emerging.records import OffenceCount
from crimestats.watch.emerging.report import EXAMPLE_FLOOR, Tested, UnfamiliarCluster
from crimestats.watch.scrub import TAGS, scrub

if TYPE_CHECKING:
    from crimestats.iccs.autocoder import Autocoder

SIMILARITY_FLOOR = 0.5
"""Nearest-training-text cosine similarity below which a text is unfamiliar."""

ALL_WORDS_KNOWN = 1.0
"""Default ``min_familiarity``: a text with any word the autocoder never saw is unfamiliar."""

DISTANCE = 0.7
"""Cosine distance at which the cluster tree is cut (average linkage)."""

MAX_TEXTS = 2000
"""Most unfamiliar distinct texts clustered (the most frequent); the distance matrix
is dense, so this bounds memory (2000 texts: 32 MB)."""

EXAMPLES = 3
"""Example texts shown per cluster at most."""


@dataclass(frozen=True, slots=True)
class Familiarity:
    """How well the autocoder knows one text."""

    share_known: float
    similarity: float
    unknown_words: tuple[str, ...]


Scorer = Callable[[Sequence[str]], list[Familiarity]]
"""Scores texts (already scrubbed and normalised) against the autocoder's training."""


@dataclass(frozen=True, slots=True)
class TextTally:
    """One distinct text: its records per period and the ICCS codings of current ones."""

    text: str
    current: int
    history: int
    codings: Counter[str]


@dataclass(frozen=True, slots=True)
class _Scored:
    tally: TextTally
    familiarity: Familiarity


def autocoder_scorer(model: Autocoder) -> Scorer:
    """Familiarity, nearest similarity and unknown words from a fitted autocoder.

    The nearest similarity reads the autocoder's scorer (its TF-IDF features and
    training vectors), which has no public method for it yet; a word is unknown when
    its own :meth:`~crimestats.iccs.autocoder.Autocoder.familiarity` is 0.
    """
    from crimestats.iccs.text import with_glossary

    def score(texts: Sequence[str]) -> list[Familiarity]:
        if not texts:
            return []
        scorer = model._require()
        queries = scorer.features.transform([with_glossary(t) for t in texts])
        nearest = (queries @ scorer.vectors_t).max(axis=1).toarray().ravel()
        shares = model.familiarity(texts)
        words = sorted({w for t in texts for w in t.split()})
        unknown = {w for w, f in zip(words, model.familiarity(words), strict=True) if f == 0}
        return [
            Familiarity(f, float(s), tuple(w for w in dict.fromkeys(t.split()) if w in unknown))
            for t, f, s in zip(texts, shares, nearest, strict=True)
        ]

    return score


def tally_texts(offences: Sequence[OffenceCount]) -> list[TextTally]:
    """Distinct texts with their records per period, most current records first."""
    current: Counter[str] = Counter()
    history: Counter[str] = Counter()
    codings: dict[str, Counter[str]] = {}
    for row in offences:
        if not row.text:
            continue
        (current if row.current else history)[row.text] += row.records
        if row.current and row.iccs_code:
            key = f"{row.iccs_code} ({row.iccs_method})"
            codings.setdefault(row.text, Counter())[key] += row.records
    texts = sorted(current.keys() | history.keys(), key=lambda t: (-current[t], -history[t], t))
    return [TextTally(t, current[t], history[t], codings.get(t, Counter())) for t in texts]


def prepared(text: str) -> str:
    """Scrubbed (tags dropped) and normalised: the only form of a text this list reads."""
    cleaned = scrub(text)
    for tag in TAGS:
        cleaned = cleaned.replace(tag, " ")
    return normalise(cleaned)


def cluster_labels(keys: Sequence[str], distance: float = DISTANCE) -> list[int]:
    """Cluster label per key text: words and character 3-5-grams within words, cosine,
    average linkage.

    No IDF weighting: among the few unfamiliar texts, the new word their variants share
    is the commonest and would weigh least ("bunco" in every "BUNCO, ..." text).
    """
    if len(keys) < 2:
        return [0] * len(keys)
    import numpy as np
    import scipy.sparse as sp
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    texts = [k or "_" for k in keys]
    words = TfidfVectorizer(use_idf=False, binary=True, token_pattern=r"\S+")  # noqa: S106
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), use_idf=False)
    matrix = normalize(sp.hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr())
    similarity = (matrix @ matrix.T).toarray()
    distances = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=distance
    )
    return [int(x) for x in model.fit_predict(distances)]


def find_unfamiliar(
    offences: Sequence[OffenceCount],
    scorer: Scorer,
    *,
    min_count: int,
    fdr: float,
    near_zero: float,
    min_familiarity: float = ALL_WORDS_KNOWN,
    similarity_floor: float = SIMILARITY_FLOOR,
) -> tuple[tuple[UnfamiliarCluster, ...], tuple[str, ...]]:
    """New clusters of unfamiliar texts (q <= ``fdr``), and notes (e.g. a cap reached)."""
    tallies = tally_texts(offences)
    current_total = sum(t.current for t in tallies)
    history_total = sum(t.history for t in tallies)
    scored = [
        _Scored(t, f)
        for t, f in zip(tallies, scorer([prepared(t.text) for t in tallies]), strict=True)
    ]
    unfamiliar = [
        s
        for s in scored
        if s.familiarity.share_known < min_familiarity
        or s.familiarity.similarity < similarity_floor
    ]
    notes: list[str] = []
    if len(unfamiliar) > MAX_TEXTS:
        notes.append(
            f"{len(unfamiliar)} distinct unfamiliar texts: the {MAX_TEXTS} most frequent "
            "were clustered"
        )
        unfamiliar = unfamiliar[:MAX_TEXTS]
    keys = [" ".join(s.familiarity.unknown_words) or prepared(s.tally.text) for s in unfamiliar]
    groups: dict[int, list[_Scored]] = {}
    for label, item in zip(cluster_labels(keys), unfamiliar, strict=True):
        groups.setdefault(label, []).append(item)
    candidates = []
    for members in groups.values():
        current = sum(s.tally.current for s in members)
        history = sum(s.tally.history for s in members)
        if current < min_count:
            continue
        if expected_from_history(history, current_total, history_total) >= near_zero:
            continue
        candidates.append((members, current, history))
    ps = [rise_p_value(c, h, current_total, history_total) for _, c, h in candidates]
    found = [
        _cluster(members, Tested(c, h, current_total, history_total, p, q))
        for (members, c, h), p, q in zip(candidates, ps, q_values(ps), strict=True)
        if q <= fdr
    ]
    found.sort(key=lambda f: (f.counts.q_value, -f.counts.current, f.terms))
    return tuple(found), tuple(notes)


def _cluster(members: list[_Scored], counts: Tested) -> UnfamiliarCluster:
    """The finding of one cluster: record-weighted familiarity, its terms (unknown words
    first, then the commonest others), its codings, and examples above the floor."""
    records = sum(s.tally.current + s.tally.history for s in members) or 1

    def mean(value: Callable[[Familiarity], float]) -> float:
        total = sum(value(s.familiarity) * (s.tally.current + s.tally.history) for s in members)
        return total / records

    unknown: Counter[str] = Counter()
    words: Counter[str] = Counter()
    codings: Counter[str] = Counter()
    for s in members:
        for word in s.familiarity.unknown_words:
            unknown[word] += s.tally.current
        for word in set(prepared(s.tally.text).split()):
            if word not in STOP_WORDS and not word.isdigit() and len(word) > 1:
                words[word] += s.tally.current
        codings.update(s.tally.codings)
    ranked = [w for w, _ in unknown.most_common()]
    ranked += [w for w, _ in words.most_common() if w not in unknown]
    withheld = counts.current < EXAMPLE_FLOOR
    current_texts = sorted(
        (s.tally for s in members if s.tally.current), key=lambda t: (-t.current, t.text)
    )
    examples = () if withheld else tuple(scrub(t.text) for t in current_texts[:EXAMPLES])
    return UnfamiliarCluster(
        terms=tuple(ranked[:3]),
        counts=counts,
        distinct_texts=len(members),
        familiarity=mean(lambda f: f.share_known),
        similarity=mean(lambda f: f.similarity),
        examples=examples,
        examples_withheld=withheld,
        iccs_codes=tuple(c for c, _ in codings.most_common(2)),
    )
