"""Fusing the optional embedding vote with the default coder, where held-out figures say so.

The fused score of every ICCS code is ``(1 - weight) * calibrated default probability +
weight * embedding vote`` (both summed up the hierarchy), and the code is chosen from it
exactly as the default coder chooses (:func:`crimestats.iccs._scoring.choose`: likeliest
section, then the deepest code reaching the back-off). Fusion acts only where the
embedding vote changes that choice, and then the text always goes to review with the
reason named, because a disagreement between the coder's parts is never resolved
silently (issue 18, item 1); :class:`FusionMode` says whether the code is also moved. A
code set by an ICCS scope rule is never touched.

Where it applies is a :class:`FusionScope`. Issue 18 measured fusion helping an English
penal code at level 1 and hurting Spanish text at level 2; held out on the bundled sources
(docs/iccs-vocabularies.md, computed by :mod:`crimestats.iccs.embedding_evaluation`)
moving codes lowered level 2 on every source it touched (Spanish most) and raised level 1
only on Chile's penal code, while flagging raised precision among auto-coded texts. So
:class:`Fusion` defaults to weight 0.15, English text (:func:`looks_foreign` false) and
:attr:`FusionMode.FLAG`. Fusion is off unless a caller builds a :class:`FusedCoder`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from crimestats.errors import UsageError
from crimestats.iccs._scoring import choose, section_index
from crimestats.iccs.codings import Coding
from crimestats.iccs.text import looks_foreign

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from crimestats.iccs.autocoder import Autocoder
    from crimestats.iccs.embeddings import EmbeddingVote


class FusionMode(StrEnum):
    """What a disagreement between the fused choice and the default coder's does."""

    FLAG = "flag"
    """Keep the default coder's code and send the text to review, naming the fused code.
    Held out it never lowers accuracy and raises precision among auto-coded texts."""
    MOVE = "move"
    """Take the fused code (and send the text to review). Held out it raised level 1 on a
    penal code (Chile, weight 0.5) but lowered level 2 on every source it touched."""


class FusionScope(StrEnum):
    """Which texts the embedding vote is fused for."""

    ENGLISH = "english"
    """Text that does not look like one of the glossary's languages."""
    ALL = "all"
    """Every text (measured to hurt Spanish at level 2: for experiments only)."""

    def applies(self, text: str) -> bool:
        """Whether fusion is used for ``text``."""
        return self is FusionScope.ALL or not looks_foreign(text)


@dataclass(frozen=True, slots=True)
class Fusion:
    """How much the embedding vote weighs, for which texts, and what a disagreement does.

    The defaults are the setting the held-out figures support (docs/iccs-vocabularies.md):
    a light weight, English text only, and flagging rather than moving codes.
    """

    weight: float = 0.15
    scope: FusionScope = FusionScope.ENGLISH
    mode: FusionMode = FusionMode.FLAG

    def __post_init__(self) -> None:
        if not 0.0 <= self.weight <= 1.0:
            raise UsageError(
                f"fusion weight {self.weight} is outside [0, 1]",
                hint="e.g. 0.3: the default coder keeps 70% of the say",
            )


class FusedCoder:
    """The default coder with the embedding vote fused in (see the module docstring)."""

    def __init__(self, model: Autocoder, vote: EmbeddingVote, fusion: Fusion = Fusion()) -> None:
        self.model = model
        self.vote = vote
        self.fusion = fusion

    def code_texts(self, texts: Sequence[str]) -> list[Coding]:
        """One Coding per text: the default coder's, moved (to review) where fusion says."""
        return self.recode(texts, self.model.code_texts(texts))

    def recode(self, texts: Sequence[str], codings: Sequence[Coding]) -> list[Coding]:
        """``codings`` (the default coder's, for ``texts``) with fusion applied."""
        out = list(codings)
        rows = [
            i
            for i, (text, coding) in enumerate(zip(texts, codings, strict=True))
            if coding.code is not None and not coding.decided_by and self.fusion.scope.applies(text)
        ]
        if not rows or self.fusion.weight == 0.0:
            return out
        chosen = fused_choices(self.model, self.vote, [texts[i] for i in rows], self.fusion.weight)
        for i, choice in zip(rows, chosen, strict=True):
            if choice.fused != choice.plain:
                out[i] = _disagreed(codings[i], choice, self.fusion.mode)
        return out


@dataclass(frozen=True, slots=True)
class Choice:
    """For one text: the code chosen from the default scores alone, the one chosen from
    the fused scores, and the fused scores of the latter and of its level-2 ancestor."""

    plain: str
    fused: str
    score: float
    level2_score: float


def fused_choices(
    model: Autocoder, vote: EmbeddingVote, texts: Sequence[str], weight: float
) -> list[Choice]:
    """The :class:`Choice` of each text at this fusion ``weight``."""
    nodes, calibrated = model.probabilities(texts)
    fused = fuse(calibrated, vote.node_scores(texts, nodes), weight)
    sections = section_index(nodes)
    where = {code: i for i, code in enumerate(nodes)}
    out = []
    for row in range(len(texts)):
        plain = nodes[choose(calibrated[row], nodes, sections, model.backoff)]
        code = nodes[choose(fused[row], nodes, sections, model.backoff)]
        level2 = float(fused[row, where[code[:4]]]) if len(code) >= 4 else 0.0
        score = float(fused[row, where[code]])
        out.append(Choice(plain, code, min(1.0, score), min(1.0, level2)))
    return out


def fuse(
    calibrated: NDArray[np.float64], votes: NDArray[np.float64], weight: float
) -> NDArray[np.float64]:
    """The weighted sum of the two scores (same rows, same ICCS-code columns)."""
    if calibrated.shape != votes.shape:
        raise UsageError(
            f"cannot fuse scores of shapes {calibrated.shape} and {votes.shape}",
            hint="score the same texts over the same ICCS codes",
        )
    result: NDArray[np.float64] = (1.0 - weight) * calibrated + weight * votes
    return result


def _disagreed(coding: Coding, choice: Choice, mode: FusionMode) -> Coding:
    if mode is FusionMode.FLAG:
        reason = f"the embedding vote points to {choice.fused}, not {coding.code}"
        return replace(coding, needs_review=True, review_reasons=(*coding.review_reasons, reason))
    reason = f"the embedding vote moves the code from {coding.code} to {choice.fused}"
    return replace(
        coding,
        code=choice.fused,
        confidence=choice.score,
        level2_confidence=choice.level2_score,
        needs_review=True,
        review_reasons=(*coding.review_reasons, reason),
    )
