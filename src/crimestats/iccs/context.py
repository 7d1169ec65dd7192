"""Coding a text in its context: the chapter or part heading a table shows beside it.

A penal-code table lists each section under a chapter ("Of offences relating to the
army, navy and air force", "Offences at elections"). Many section headings cannot be
placed from their own words ("Abetment of mutiny", "Undue influence", "Same offence with
concealment of former marriage"), and the chapter settles them (issue 18, session 10
error analysis: docs/iccs-heldout-penal-code.md). This module lets a coding use it,
without changing the coder: the coding of a text with no context is the coder's own.

How the context enters (:func:`code_in_context`):

1. The context text is coded by the same model; its calibrated level-1 scores,
   normalised to sum to one, are a **prior over ICCS sections**, sharpened (raised to the
   power ``sharpen`` and normalised again: a title's section scores are flat, e.g. 0.19
   for state security from "offences relating to the army, navy and air force"). A
   context whose words the model mostly does not know (familiarity under the coder's
   ``min_familiarity``) gives no prior: the coding is the heading's own.
2. The heading's calibrated level-1 scores, normalised the same way, are mixed with the
   prior: ``(1 - w) * heading + w * context``. With ``w`` under one half a heading sure of
   its section keeps it against any context; a heading split between sections is
   settled by the context.
3. When the mixed scores lead to the section the heading chose alone, the coding is the
   heading's own (code, confidence, review); its explanation names the context. When
   they lead elsewhere, the code is chosen inside the new section (``inside``: by default
   its likeliest level-2 code by the same mix of the heading's and the context's
   scores), the ICCS scope rules apply as usual, and the coding goes to review: the
   heading alone did not support that section, so no calibrated confidence does either.
4. Optionally (``disagree``, off by default), when the context's prior on one section is
   at least ``disagree`` and the coding is in another, the coding goes to review.

The context never raises a coding from review to auto-coded, so the auto-coded share with
context is at most the share without. The weights (:class:`ContextWeights`) are chosen on
the trained penal-code sets, each coded by the coder fitted without it, and checked on the
sets no training has seen (:data:`DEFAULT_WEIGHTS`); the figures on the sets they were
chosen on are therefore not held out. Session 11's first design of the choice, between two
sets, is ``bench/iccs_context.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from crimestats.errors import UsageError
from crimestats.iccs._scoring import choose
from crimestats.iccs.codings import Coding
from crimestats.iccs.rules import apply_rules
from crimestats.iccs.text import normalise, with_glossary

if TYPE_CHECKING:
    from crimestats.iccs.autocoder import Autocoder


@dataclass(frozen=True, slots=True)
class ContextWeights:
    """How much a context counts (see the module docstring)."""

    weight: float
    """Share of the mixed section scores that is the context's prior, in [0, 1)."""
    disagree: float | None
    """Context prior on one section at or above which a coding in another section goes to
    review (None: never for disagreement alone)."""
    sharpen: float = 1.0
    """Power the context's section scores are raised to (then normalised again) before
    mixing: a title's calibrated section scores are flat (a normalised distribution over
    11 sections), and a power above 1 lets its likeliest section stand out."""
    inside: str = "backoff"
    """How the code is chosen inside a section the context moved the coding to:
    ``"backoff"``, the coder's own rule on the heading's scores (the deepest code reaching
    the back-off probability, else the section); ``"heading"``, the heading's likeliest
    level-2 code there; ``"mixed"``, the likeliest level-2 code there by the same mixture
    of the heading's and the context's scores."""

    def __post_init__(self) -> None:
        if (
            not 0 <= self.weight < 1
            or (self.disagree is not None and not 0 < self.disagree <= 1)
            or self.inside not in INSIDE
            or not self.sharpen > 0
        ):
            raise UsageError(
                "a context weight must be in [0, 1), its disagreement level in (0, 1], its "
                f"sharpening above 0, and the choice inside a section one of {', '.join(INSIDE)}",
                hint="e.g. ContextWeights(weight=0.25, disagree=None, sharpen=4.0)",
            )


INSIDE = ("backoff", "heading", "mixed")
"""The ways of choosing a code inside a section the context moved a coding to."""


DEFAULT_WEIGHTS = ContextWeights(weight=0.35, disagree=None, sharpen=1.0, inside="mixed")
"""Re-chosen for v28 (session 15) by the declared rule, without a judgement call
(``bench/iccs_context_select.py``): on the seventeen trained penal codes, each scored with
the coder fitted without it, weight 0.35, sharpening 1 and the mixed choice inside a
section have the most level-1 rights pooled: 2,007 of 2,600, against 1,971 for the weights
kept since v24 (0.1, sharpening 4, "backoff") and 1,953 without context. The grid was
widened to 0.45 because v28's pick had sat at 0.30, its edge; the rights fall again at 0.45
(1,976), so this pick lies inside the grid. At sharpening 1 the cliff of earlier versions
(whole chapters moving at sharpening 4) is gone: between neighbouring weights the pooled
rights change by 31 at most. The seven codes never trained on chose nothing: 799 of 1,009
rights with these weights, 796 with the old, 785 without context (against the old weights:
Florida +4, Japan +2, Nepal +1, the Maldives +1; the Philippines -2, Australia -2, the BNS
-1). Earlier choices and why they changed: docs/iccs-heldout-penal-code.md, sessions 12 to
15."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the model says about each row's heading and context, computed once so that
    several weightings can be compared on the same scores."""

    texts: list[str]
    contexts: list[str]
    base: list[Coding]
    """The coder's own coding of each text (no context)."""
    scores: Any
    """Calibrated scores of every ICCS node for each text (rows)."""
    heading: Any
    """Each text's level-1 scores, normalised to sum to one."""
    prior: Any
    """Each context's level-1 scores, normalised; a row of zeros where there is none."""
    context_scores: Any
    """Calibrated scores of every ICCS node for each row's context (zeros: none)."""
    sections: list[str]
    """The section codes, in the columns' order."""


def gather(model: Autocoder, texts: Sequence[str], contexts: Sequence[str | None]) -> Evidence:
    """The evidence :func:`decide_in_context` weighs, for each (text, context) row."""
    import numpy as np

    if len(texts) != len(contexts):
        raise UsageError("one context per text is needed", hint="pass lists of equal length")
    clean = [" ".join((c or "").split()) for c in contexts]
    base = model.code_texts(texts)
    nodes, scores = model.probabilities(list(texts))
    tops = [i for i, code in enumerate(nodes) if len(code) == 2]
    heading = _normalised(scores[:, tops])
    prior = np.zeros_like(heading)
    context_scores = np.zeros_like(scores)
    distinct = [c for c in dict.fromkeys(clean) if c]
    if distinct:
        known = model.familiarity(distinct)
        usable = [
            c for c, share in zip(distinct, known, strict=True) if share >= model.min_familiarity
        ]
        if usable:
            _, ctx_scores = model.probabilities(usable)
            at = {c: i for i, c in enumerate(usable)}
            ctx_prior = _normalised(ctx_scores[:, tops])
            for row, context in enumerate(clean):
                if context in at:
                    prior[row] = ctx_prior[at[context]]
                    context_scores[row] = ctx_scores[at[context]]
    return Evidence(
        list(texts), clean, base, scores, heading, prior, context_scores, [nodes[i] for i in tops]
    )


def decide_in_context(
    model: Autocoder, evidence: Evidence, weights: ContextWeights = DEFAULT_WEIGHTS
) -> list[Coding]:
    """Each row's coding with its context weighed in (module docstring, steps 2-4)."""

    return [_one(model, evidence, row, weights) for row in range(len(evidence.base))]


def _one(model: Autocoder, evidence: Evidence, row: int, weights: ContextWeights) -> Coding:
    import numpy as np

    coding = evidence.base[row]
    prior = evidence.prior[row]
    if coding.code is None or not prior.any():
        return coding
    if weights.sharpen != 1.0:
        prior = prior**weights.sharpen / (prior**weights.sharpen).sum()
    mixed = (1 - weights.weight) * evidence.heading[row] + weights.weight * prior
    own = int(np.argmax(evidence.heading[row]))
    chosen = int(np.argmax(mixed))
    top = int(np.argmax(prior))
    said = _said(evidence.contexts[row], evidence.sections[top], float(prior[top]))
    if chosen == own:
        coding = _explained(coding, said)
    else:
        own_scores = evidence.scores[row]
        choice = own_scores
        if weights.inside == "mixed":
            choice = (1 - weights.weight) * own_scores + weights.weight * evidence.context_scores[
                row
            ]
        section = evidence.sections[chosen]
        coding = _moved(
            model, coding, (own_scores, choice), section, said, weights.inside != "backoff"
        )
    section = (coding.code or "")[:2]
    strong = weights.disagree is not None and prior[top] >= weights.disagree
    if strong and section != evidence.sections[top] and not coding.needs_review:
        coding = _reviewed(
            coding,
            f"context points to section {evidence.sections[top]} ({prior[top]:.2f}), "
            f"the heading to {section}",
        )
    return coding


def code_in_context(
    model: Autocoder,
    texts: Sequence[str],
    contexts: Sequence[str | None] | None,
    weights: ContextWeights = DEFAULT_WEIGHTS,
) -> list[Coding]:
    """One coding per text, each weighing its context (None or "" for none). With no
    contexts at all this is exactly ``model.code_texts(texts)``."""
    if contexts is None or not any((c or "").strip() for c in contexts):
        return model.code_texts(texts)
    return decide_in_context(model, gather(model, texts, contexts), weights)


def _moved(
    model: Autocoder,
    coding: Coding,
    scores: tuple[Any, Any],
    section: str,
    said: str,
    level2: bool,
) -> Coding:
    """The coding moved to ``section``: by the second of ``scores`` (the heading's own, or
    mixed with the context's), the deepest code there reaching the back-off probability
    (else the section), or with ``level2`` the likeliest level-2 code there; the scope
    rules applied; sent to review. The confidences reported are the first of ``scores``:
    the heading's own calibrated scores of the code chosen."""
    import numpy as np

    nodes, index = model._nodes, model._node_index  # the coder's own tree
    # the section index of the coder, cut to the one section: choose() then picks inside it
    inside = {"": {1: np.array([index[section]])}, section: model._sections.get(section, {})}
    own, choice = scores
    if level2 and len(inside[section].get(2, ())):
        cols = inside[section][2]
        code = nodes[int(cols[choice[cols].argmax()])]
    else:
        code = nodes[choose(choice, nodes, inside, model.backoff)]
    outcome = apply_rules(f"{normalise(coding.text)} {with_glossary(coding.text)}", code)
    final = outcome.code or code
    moved = replace(
        coding,
        code=final,
        confidence=min(1.0, float(own[index[final]])),
        level2_confidence=min(1.0, float(own[index[final[:4]]])) if len(final) >= 4 else 0.0,
        decided_by=outcome.decided_by,
        rules=tuple(f.describe() for f in outcome.findings),
        explanation=(
            *coding.explanation,
            said,
            *(f.describe() for f in outcome.findings),
        ),
    )
    return _reviewed(
        moved,
        f"context moved the code from {coding.code} to {final}: the heading alone "
        f"points to section {(coding.code or '')[:2]}",
    )


def _said(context: str, section: str, share: float) -> str:
    from crimestats.iccs.classification import load_classification

    label = load_classification().get(section).label
    return f"context {context!r} -> {section} {label} ({share:.2f})"


def _explained(coding: Coding, line: str) -> Coding:
    return replace(coding, explanation=(*coding.explanation, line))


def _reviewed(coding: Coding, reason: str) -> Coding:
    return replace(coding, needs_review=True, review_reasons=(*coding.review_reasons, reason))


def _normalised(block: Any) -> Any:
    import numpy as np

    totals = block.sum(axis=1, keepdims=True)
    return np.divide(block, totals, out=np.zeros_like(block), where=totals > 0)
