"""The scoring parts of the autocoder: the kNN + linear scorer and the calibration helpers.

Kept apart from :mod:`crimestats.iccs.autocoder`, which decides (back-off, review) from
what these compute. scikit-learn and numpy are imported inside functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from crimestats.iccs.classification import code_level
from crimestats.iccs.training import Example

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MIN_CALIBRATION = 30
"""Fewest held-out points for a level's calibration map."""


class Scorer:
    """The fitted kNN + linear scorers over one vectoriser (no calibration)."""

    def __init__(self, features: Any, vectors: Any, examples: Sequence[Example], k: int) -> None:
        import numpy as np
        from sklearn.svm import LinearSVC

        self.features = features
        self.k = k
        self.vectors = vectors
        # transposed once: converting it on every call cost most of a one-text coding
        self.vectors_t = vectors.T.tocsr()
        self.codes = sorted({e.code for e in examples})
        index = {c: i for i, c in enumerate(self.codes)}
        self.labels = np.array([index[e.code] for e in examples])
        self.weights = np.array([e.weight for e in examples])
        self.texts = [e.text for e in examples]
        self.svm = LinearSVC(C=1.0, tol=1e-3, max_iter=2000)
        self.svm.fit(vectors, [e.code[:4] for e in examples], sample_weight=self.weights)
        self.svm_columns = np.array([index[c] for c in self.svm.classes_])
        # class -> its level-2 (or level-1) ancestor among the SVM classes
        svm_index = {c: i for i, c in enumerate(self.svm.classes_)}
        self.group_of = np.array([svm_index.get(c[:4], -1) for c in self.codes])

    def scores(
        self, queries: Any, temperature: float
    ) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """Raw class probabilities (rows sum to 1) and the nearest training rows."""
        probs, top, _ = self.scores_with_similarity(queries, temperature)
        return probs, top

    def scores_with_similarity(
        self, queries: Any, temperature: float
    ) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
        """:meth:`scores` and the cosine similarity of each nearest training row."""
        import numpy as np

        n = queries.shape[0]
        sims = (queries @ self.vectors_t).toarray()
        k = min(self.k, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1)
        top = np.take_along_axis(top, order, axis=1)
        top_sims = np.take_along_axis(top_sims, order, axis=1)
        knn = np.zeros((n, len(self.codes)))
        rows = np.repeat(np.arange(n), k)
        np.add.at(knn, (rows, self.labels[top].ravel()), (top_sims**4 * self.weights[top]).ravel())
        totals = knn.sum(axis=1, keepdims=True)
        knn = np.divide(knn, totals, out=np.zeros_like(knn), where=totals > 0)
        margins = self.svm.decision_function(queries) * temperature
        margins -= margins.max(axis=1, keepdims=True)
        soft = np.exp(margins)
        soft /= soft.sum(axis=1, keepdims=True)
        # The SVM only knows level-2 categories: share each one's mass among its
        # descendants as the neighbours do, keeping it on the category where they are
        # silent, so that the linear vote can support a deep code too.
        in_group = np.zeros((len(self.codes), soft.shape[1]))
        known = self.group_of >= 0
        in_group[np.flatnonzero(known), self.group_of[known]] = 1.0
        group_mass = knn @ in_group
        share = np.divide(
            knn,
            group_mass[:, np.maximum(self.group_of, 0)],
            out=np.zeros_like(knn),
            where=(group_mass[:, np.maximum(self.group_of, 0)] > 0) & known,
        )
        linear = share * soft[:, np.maximum(self.group_of, 0)]
        silent = group_mass <= 0
        linear[:, self.svm_columns] += soft * silent
        empty = totals[:, 0] == 0
        knn[empty] = linear[empty]
        return 0.5 * knn + 0.5 * linear, top, top_sims


def isotonic_maps(
    raw: dict[tuple[str, int], list[float]],
    hit: dict[tuple[str, int], list[float]],
    *,
    pool: str,
) -> dict[int, Any]:
    """One isotonic regression per level with enough held-out points (Zadrozny & Elkan
    2002): raw aggregated probability of the best code -> share of such codes right."""
    import numpy as np
    from sklearn.isotonic import IsotonicRegression

    maps: dict[int, Any] = {}
    for level in (1, 2, 3, 4):
        xs = raw.get((pool, level), [])
        if len(xs) < MIN_CALIBRATION:
            continue
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        iso.fit(np.array(xs), np.array(hit[(pool, level)]))
        maps[level] = iso
    return maps


def threshold_for(calibrated: Any, hits: Any, target: float) -> float:
    """The lowest confidence ``t`` at which the held-out points with confidence >= ``t``
    are right at least ``target`` of the time (above 1, i.e. never, if none is)."""
    import numpy as np

    order = np.argsort(-calibrated, kind="stable")
    conf, ok = calibrated[order], hits[order]
    precision = np.cumsum(ok) / np.arange(1, len(ok) + 1)
    best = 1.01
    for i in range(len(conf)):
        # only cut between distinct confidences: ties are auto-coded together
        if (i + 1 == len(conf) or conf[i + 1] < conf[i]) and precision[i] >= target:
            best = float(conf[i])
    return best


def up_matrix(codes: Sequence[str], nodes: Sequence[str]) -> Any:
    """0/1 matrix from training codes (rows) to every ICCS code (columns) that is the code
    or one of its ancestors: probabilities times it are summed up the hierarchy."""
    import numpy as np

    node_index = {c: i for i, c in enumerate(nodes)}
    up = np.zeros((len(codes), len(nodes)))
    for i, code in enumerate(codes):
        for size in (2, 4, 5, 6):
            if len(code) >= size:
                up[i, node_index[code[:size]]] = 1.0
    return up


def section_index(nodes: Sequence[str]) -> dict[str, dict[int, Any]]:
    """For each section (its two digits), the positions in ``nodes`` of its codes by
    level (2, 3, 4); key ``""`` level 1: the positions of the sections themselves."""
    import numpy as np

    out: dict[str, dict[int, list[int]]] = {"": {1: []}}
    for i, code in enumerate(nodes):
        level = code_level(code)
        if level == 1:
            out[""][1].append(i)
        else:
            out.setdefault(code[:2], {}).setdefault(level, []).append(i)
    return {s: {lv: np.array(ix) for lv, ix in by.items()} for s, by in out.items()}


def choose(
    scores: Any, nodes: Sequence[str], sections: dict[str, dict[int, Any]], backoff: float
) -> int:
    """The code chosen from calibrated ``scores`` (one per node): the likeliest section,
    then inside it the deepest code whose score reaches ``backoff`` (the section itself
    when none does). Codes outside the likeliest section are never chosen (searching the
    whole tree from the bottom picked e.g. serious assault for "Robo agravado" from one
    level-4 score while robbery led at levels 1 and 2)."""
    tops = sections[""][1]
    section = int(tops[scores[tops].argmax()])
    inside = sections.get(nodes[section], {})
    for level in (4, 3, 2):
        cols = inside.get(level)
        if cols is None or not len(cols):
            continue
        best = int(cols[scores[cols].argmax()])
        if scores[best] >= backoff:
            return best
    return section
