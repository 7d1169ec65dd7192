"""List (c): new clusters of offence texts the ICCS autocoder finds unfamiliar.

A text is *unfamiliar* when the autocoder knows too few of its words (its
:meth:`~crimestats.iccs.autocoder.Autocoder.familiarity` is below the autocoder's own
``min_familiarity``, the share below which it sends a text to review) or when no
training text is close to it (the cosine similarity of its nearest training text, in
the autocoder's own TF-IDF features, is below ``similarity_floor``). "SIM SWAP FRAUD"
is one: "fraud" is a training word, "sim" and "swap" are not.

Unfamiliar texts of both periods are clustered so that variants of one new wording
("DEEPFAKE SEXTORTION", "SEXTORTION - DEEPFAKE IMAGES") count together: TF-IDF on
character 3-5-grams within words of the scrubbed, normalised text, then agglomerative
clustering with average linkage on cosine distance, cut at ``distance`` (scikit-learn).
A cluster is *new* on the same rule as a new code (:mod:`.new_codes`): at least
``min_count`` current records, fewer than ``near_zero`` expected from its history share,
and a significant rise after false discovery rate control.

Examples are shown scrubbed, and only for a cluster with at least
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

DISTANCE = 0.7
"""Cosine distance at which the cluster tree is cut (average linkage)."""

MAX_TEXTS = 2000
"""Most unfamiliar distinct texts clustered (the most frequent); the distance matrix
is dense, so this bounds memory (2000 texts: 32 MB)."""

EXAMPLES = 3
"""Example texts shown per cluster at most."""

Scorer = Callable[[Sequence[str]], list[tuple[float, float]]]
"""Per text: (familiarity, nearest-training-text similarity)."""


@dataclass(frozen=True, slots=True)
class TextTally:
    """One distinct text: its records per period and the ICCS codings of current ones."""

    text: str
    current: int
    history: int
    codings: Counter[str]


def autocoder_scorer(model: Autocoder) -> Scorer:
    """Familiarity and nearest similarity from a fitted autocoder.

    The nearest similarity reads the autocoder's scorer (its TF-IDF features and
    training vectors), which has no public method for it yet.
    """
    from crimestats.iccs.text import with_glossary

    def score(texts: Sequence[str]) -> list[tuple[float, float]]:
        if not texts:
            return []
        scorer = model._require()
        queries = scorer.features.transform([with_glossary(t) for t in texts])
        nearest = (queries @ scorer.vectors_t).max(axis=1).toarray().ravel()
        familiarity = model.familiarity(texts)
        return [(f, float(s)) for f, s in zip(familiarity, nearest, strict=True)]

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


def cluster_labels(texts: Sequence[str], distance: float = DISTANCE) -> list[int]:
    """Cluster label per text (scrubbed, normalised, char 3-5-gram TF-IDF, cosine)."""
    if len(texts) < 2:
        return [0] * len(texts)
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    prepared = [_prepared(t) or "_" for t in texts]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = vectors.fit_transform(prepared)
    similarity = (matrix @ matrix.T).toarray()
    distances = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=distance
    )
    return [int(x) for x in model.fit_predict(distances)]


def _prepared(text: str) -> str:
    cleaned = scrub(text)
    for tag in TAGS:
        cleaned = cleaned.replace(tag, " ")
    return normalise(cleaned)


def find_unfamiliar(
    offences: Sequence[OffenceCount],
    scorer: Scorer,
    *,
    min_familiarity: float,
    min_count: int,
    fdr: float,
    near_zero: float,
    similarity_floor: float = SIMILARITY_FLOOR,
) -> tuple[tuple[UnfamiliarCluster, ...], tuple[str, ...]]:
    """New clusters of unfamiliar texts (q <= ``fdr``), and notes (e.g. a cap reached)."""
    tallies = tally_texts(offences)
    current_total = sum(t.current for t in tallies)
    history_total = sum(t.history for t in tallies)
    scores = scorer([t.text for t in tallies])
    unfamiliar = [
        (t, fam, sim)
        for t, (fam, sim) in zip(tallies, scores, strict=True)
        if fam < min_familiarity or sim < similarity_floor
    ]
    notes: list[str] = []
    if len(unfamiliar) > MAX_TEXTS:
        notes.append(
            f"{len(unfamiliar)} distinct unfamiliar texts: the {MAX_TEXTS} most frequent "
            "were clustered"
        )
        unfamiliar = unfamiliar[:MAX_TEXTS]
    labels = cluster_labels([t.text for t, _, _ in unfamiliar])
    groups: dict[int, list[tuple[TextTally, float, float]]] = {}
    for label, item in zip(labels, unfamiliar, strict=True):
        groups.setdefault(label, []).append(item)
    candidates = []
    for members in groups.values():
        current = sum(t.current for t, _, _ in members)
        history = sum(t.history for t, _, _ in members)
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


def _cluster(members: list[tuple[TextTally, float, float]], counts: Tested) -> UnfamiliarCluster:
    records = sum(t.current + t.history for t, _, _ in members) or 1
    familiarity = sum(f * (t.current + t.history) for t, f, _ in members) / records
    similarity = sum(s * (t.current + t.history) for t, _, s in members) / records
    words: Counter[str] = Counter()
    codings: Counter[str] = Counter()
    for t, _, _ in members:
        for word in set(_prepared(t.text).split()):
            if word not in STOP_WORDS and not word.isdigit() and len(word) > 1:
                words[word] += t.current
        codings.update(t.codings)
    withheld = counts.current < EXAMPLE_FLOOR
    current_texts = sorted((t for t, _, _ in members if t.current), key=lambda t: -t.current)
    examples = () if withheld else tuple(scrub(t.text) for t in current_texts[:EXAMPLES])
    return UnfamiliarCluster(
        terms=tuple(w for w, _ in words.most_common(3)),
        counts=counts,
        distinct_texts=len(members),
        familiarity=familiarity,
        similarity=similarity,
        examples=examples,
        examples_withheld=withheld,
        iccs_codes=tuple(c for c, _ in codings.most_common(2)),
    )
