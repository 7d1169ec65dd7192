"""Does fusing the embedding vote help? Paired held-out figures with a bootstrap interval.

For each held-out correspondence source, one default coder and one embedding vote are
fitted on everything else (:func:`crimestats.iccs.training.default_examples` without
that source); the source's labels are then coded by the default coder alone and with
fusion at each weight. The two codings of a label are *paired* (same model, same text),
so the difference in accuracy is judged by a paired bootstrap: labels are resampled
with replacement (each keeps its record weight) and the difference recomputed; the
2.5th and 97.5th percentiles bound it (Efron & Tibshirani 1993, ch. 13). Fusion is worth
shipping for a kind of text only where the interval excludes zero on the right side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crimestats.iccs.autocoder import Autocoder
from crimestats.iccs.codings import Coding
from crimestats.iccs.correspondence import CorrespondenceTable, load_bundled, record_counts
from crimestats.iccs.embedding_fusion import FusedCoder, Fusion, FusionMode, FusionScope
from crimestats.iccs.embeddings import EmbeddingVote, Encode
from crimestats.iccs.evaluation import Scored, right_at
from crimestats.iccs.training import default_examples


@dataclass(frozen=True, slots=True)
class PairedSource:
    """One held-out source coded by the default coder and by each fusion weight."""

    source: str
    default: tuple[Scored, ...]
    fused: dict[float, tuple[Scored, ...]]


@dataclass(frozen=True, slots=True)
class Difference:
    """Fused minus default accuracy at one level, with its paired bootstrap interval."""

    level: int
    default: float
    fused: float
    low: float
    high: float
    labels: int

    @property
    def difference(self) -> float:
        """Fused minus default (a share: 0.05 is five points)."""
        return self.fused - self.default

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval lies wholly on one side of zero."""
        return self.low > 0 or self.high < 0


def paired_leave_one_source_out(
    encode: Encode,
    *,
    table: CorrespondenceTable | None = None,
    sources: Sequence[str] | None = None,
    weights: Sequence[float] = (0.3,),
    scope: FusionScope = FusionScope.ALL,
    mode: FusionMode = FusionMode.MOVE,
) -> list[PairedSource]:
    """Each source's labels coded without it, by the default coder and fused.

    With ``mode`` MOVE (the default here) the fused codings show what the embedding vote
    would choose; FLAG sends the same texts to review, so its coverage and precision are
    MOVE's and its accuracy the default coder's.
    """
    table = table if table is not None else load_bundled()
    counts = record_counts()
    out: list[PairedSource] = []
    for source in sources or table.sources:
        examples = default_examples(table.without(source))
        model = Autocoder().fit(examples)
        vote = EmbeddingVote(encode).fit(examples)
        held = [e for e in table.only(source) if e.iccs_code]
        texts = [e.national_label for e in held]
        truths = [e.iccs_code or "" for e in held]
        w = [float(counts.get((source, e.national_code), 1)) for e in held]
        codings = model.code_texts(texts)
        fused = {
            weight: _scored(
                texts,
                truths,
                FusedCoder(model, vote, Fusion(weight, scope, mode)).recode(texts, codings),
                w,
                source,
            )
            for weight in weights
        }
        out.append(PairedSource(source, _scored(texts, truths, codings, w, source), fused))
    return out


def _scored(
    texts: Sequence[str],
    truths: Sequence[str],
    codings: Sequence[Coding],
    weights: Sequence[float],
    source: str,
) -> tuple[Scored, ...]:
    return tuple(
        Scored(t, truth, c.code, c.confidence, c.needs_review, w, source, c.level2_confidence)
        for t, truth, c, w in zip(texts, truths, codings, weights, strict=True)
    )


def paired_difference(
    default: Sequence[Scored],
    fused: Sequence[Scored],
    level: int,
    *,
    resamples: int = 2000,
    seed: int = 0,
) -> Difference:
    """Record-weighted accuracy at ``level`` of both codings and a 95% paired bootstrap
    interval of their difference (labels whose truth is shallower than ``level`` are left
    out, as :func:`crimestats.iccs.evaluation.summarise` does)."""
    import numpy as np

    pairs = [
        (right_at(d.truth, d.predicted, level), right_at(f.truth, f.predicted, level), d.weight)
        for d, f in zip(default, fused, strict=True)
    ]
    kept = [(bool(a), bool(b), w) for a, b, w in pairs if a is not None and b is not None]
    if not kept:
        return Difference(level, 0.0, 0.0, 0.0, 0.0, 0)
    a = np.array([k[0] for k in kept], dtype=float)
    b = np.array([k[1] for k in kept], dtype=float)
    w = np.array([k[2] for k in kept], dtype=float)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(kept), size=(resamples, len(kept)))
    weights = w[draws]
    diffs = ((b[draws] - a[draws]) * weights).sum(axis=1) / weights.sum(axis=1)
    low, high = np.percentile(diffs, [2.5, 97.5])
    return Difference(
        level,
        float((a * w).sum() / w.sum()),
        float((b * w).sum() / w.sum()),
        float(low),
        float(high),
        len(kept),
    )
