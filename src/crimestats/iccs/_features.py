"""TF-IDF features for offence text, and which of them weighed most in a decision.

Word 1-2-grams catch phrases ("theft from", "possession of"); character 3-5-grams
within word boundaries catch stems shared across languages and spellings ("robb",
"hurt", "violac"). Both use sublinear term frequency (Manning, Raghavan & Schütze 2008,
section 6.4.1) and rows are L2-normalised so that a dot product is a cosine similarity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class TextFeatures:
    """A fitted pair of TF-IDF vectorisers (words and characters), stacked."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._names: list[str] = []

    def fit(self, texts: Sequence[str]) -> TextFeatures:
        """Learn the vocabularies and IDF weights from normalised texts."""
        self.words.fit(texts)
        self.chars.fit(texts)
        self._names = [f"word '{w}'" for w in self.words.get_feature_names_out()] + [
            f"chars '{c.strip()}'" for c in self.chars.get_feature_names_out()
        ]
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        """Sparse rows, L2-normalised over both blocks together."""
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        stacked = sp.hstack([self.words.transform(texts), self.chars.transform(texts)])
        return normalize(stacked.tocsr())

    def explain(self, row: Any, svm: Any, level2: str, top: int = 5) -> tuple[str, ...]:
        """The features of ``row`` that pushed the linear model most towards ``level2``."""
        import numpy as np

        classes = list(svm.classes_)
        if level2 not in classes:
            level2 = level2[:2]
            if level2 not in classes:
                return ()
        weights = svm.coef_[classes.index(level2)]
        idx = row.indices
        contrib = row.data * weights[idx]
        order = np.argsort(-contrib)[:top]
        return tuple(f"{self._names[idx[i]]} {contrib[i]:+.3f}" for i in order if contrib[i] > 0)
