"""From one text's calibrated scores to its :class:`Coding`: choose, apply the scope
rules, audit, and decide whether a person must look.

Kept apart from :mod:`crimestats.iccs.autocoder` (fitting, calibration, batching) so
that the decision reads top to bottom in one place:

1. :func:`~crimestats.iccs._scoring.choose` picks the code (likeliest section, deepest
   code reaching the back-off probability);
2. the ICCS scope rules (:mod:`crimestats.iccs.rules`) may move a code ICCS excludes,
   ask for review, or explain; then, unless a scope rule moved the code, the terms-of-art
   guard (:mod:`crimestats.iccs.lexicon`) may move a code whose section no legal term of
   the text names, or ask for review (its finding reads like a scope rule's);
3. the decision audit (:mod:`crimestats.iccs.decision_audit`) lists every disagreement
   between the code and the evidence shown (candidates, sections, neighbours);
4. the coding needs review when the audit found any, or on the thresholds: no level-2
   code, level-2 confidence below the pool's threshold, too few known words, or a
   conformal set at level 2 (:mod:`crimestats.iccs.conformal`) that is not exactly the
   code's category, or the text's calibration pool is blocked (foreign text whose
   calibration was not shown to transfer between real sources:
   :mod:`crimestats.iccs.family_transfer`). Each reason is kept in ``review_reasons``;
   a set that is not one code is also named in the explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crimestats.domain.enums import IccsMethod
from crimestats.iccs._scoring import Scorer, choose
from crimestats.iccs.classification import load_classification
from crimestats.iccs.codings import Candidate, Coding, Neighbour
from crimestats.iccs.decision_audit import audit
from crimestats.iccs.lexicon import GUARD_ID, check_terms
from crimestats.iccs.rules import RuleAction, apply_rules
from crimestats.iccs.text import normalise

SHOWN = 3
"""How many candidates, sections and neighbours a coding shows."""


@dataclass(frozen=True, slots=True)
class Tree:
    """The ICCS nodes the scores are columns of, and how to walk them."""

    nodes: Sequence[str]
    node_level: Any
    sections: dict[str, dict[int, Any]]
    index: dict[str, int]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """What a coding must reach to be auto-coded."""

    backoff: float
    review: float
    min_familiarity: float
    blocked: str = ""
    """Why no text of this calibration pool may be auto-coded ("" when it may)."""


def decide(
    text: str,
    normal: str,
    scores: Any,
    nearest: Any,
    similarity: Any,
    *,
    tree: Tree,
    scorer: Scorer,
    query: Any,
    limits: Thresholds,
    familiarity: float,
    foreign: bool,
    conformal: tuple[str, ...] | None = None,
) -> Coding:
    """The coding of one text from its calibrated ``scores`` (one per node) and its
    conformal set at level 2 (None: no sets)."""
    import numpy as np

    classification = load_classification()
    chosen = tree.nodes[choose(scores, tree.nodes, tree.sections, limits.backoff)]
    model_l2 = _clip(scores[tree.index[chosen[:4]]]) if len(chosen) >= 4 else 0.0
    outcome = apply_rules(f"{normalise(text)} {normal}", chosen)
    code = outcome.code or chosen
    findings = tuple(f.describe() for f in outcome.findings)
    decided_by = outcome.decided_by
    term = None if decided_by else check_terms(text, code)
    if term is not None:
        findings = (*findings, term.describe())
        if term.action is RuleAction.MOVE and term.after is not None:
            code, decided_by = term.after, GUARD_ID
    at = tree.index[code]
    same = np.flatnonzero(tree.node_level == tree.node_level[at])
    # the code first (it may trail a code of another section at its level, or have been
    # set by a rule), then the likeliest others as alternatives for a reviewer
    others = same[np.argsort(-scores[same])]
    ranked = [at, *(int(i) for i in others if i != at)][:SHOWN]
    tops = tree.sections[""][1]
    best_sections = tops[np.argsort(-scores[tops])][:2]

    def candidate(i: int) -> Candidate:
        node = tree.nodes[i]
        return Candidate(node, classification.get(node).label, _clip(scores[i]))

    l2 = _clip(scores[tree.index[code[:4]]]) if len(code) >= 4 else 0.0
    explanation = tuple(scorer.features.explain(query, scorer.svm, code[:4]))
    neighbours = tuple(
        Neighbour(scorer.texts[j], scorer.codes[scorer.labels[j]], float(s))
        for j, s in zip(nearest[:SHOWN], similarity[:SHOWN], strict=True)
    )
    coding = Coding(
        text=text,
        code=code,
        confidence=_clip(scores[at]),
        method=IccsMethod.MODEL,
        top3=tuple(candidate(i) for i in ranked),
        explanation=explanation + findings,
        similar=tuple(f"{n.text} ({n.code})" for n in neighbours),
        needs_review=False,
        level2_confidence=l2,
        familiarity=familiarity,
        foreign=foreign,
        review_threshold=limits.review,
        sections=tuple(candidate(int(i)) for i in best_sections),
        neighbours=neighbours,
        rules=findings,
        decided_by=decided_by,
    )
    reasons = list(audit(coding))
    doubt = _conformal_doubt(conformal, model_l2_code=chosen[:4], ruled=bool(decided_by))
    if doubt:
        reasons.append(doubt)
        coding = _with_explanation(coding, doubt)
    # a rule's code is held to the model's confidence in the category it replaced: the
    # rule corrects a confident model, it does not make an unsure one sure
    confidence = model_l2 if decided_by else l2
    if limits.blocked:
        reasons.append(limits.blocked)
    if len(code) >= 4 and confidence < limits.review:
        reasons.append(f"level-2 confidence {confidence:.2f} below {limits.review:.2f}")
    if familiarity < limits.min_familiarity:
        reasons.append(f"only {familiarity:.0%} of the words are known to the model")
    if not reasons:
        return coding
    return _replace_review(coding, tuple(reasons))


def _conformal_doubt(
    conformal: tuple[str, ...] | None, *, model_l2_code: str, ruled: bool
) -> str | None:
    """Why the conformal set forbids auto-coding, or None when it allows it: the set must
    be exactly the model's level-2 category (a scope rule may then move the code: it
    corrects a confident model, as for the thresholds)."""
    if conformal is None:
        return None
    if not conformal:
        return "conformal set at level 2 is empty: no category is likely enough"
    if len(conformal) > 1:
        return f"conformal set at level 2 is {_named(conformal)}, not one code"
    if len(model_l2_code) < 4:
        return None  # the audit already sends a code above level 2 to review
    if conformal[0] != model_l2_code and not ruled:
        return f"conformal set at level 2 is {{{conformal[0]}}}, the code says {model_l2_code}"
    return None


SET_SHOWN = 5
"""How many codes of a conformal set a review reason names (likeliest first)."""


def _named(codes: tuple[str, ...]) -> str:
    """``{0401, 0501}``, or the first :data:`SET_SHOWN` and how many more."""
    shown = ", ".join(codes[:SET_SHOWN])
    more = len(codes) - SET_SHOWN
    return f"{{{shown}}}" if more <= 0 else f"{{{shown}, and {more} more}}"


def _with_explanation(coding: Coding, line: str) -> Coding:
    from dataclasses import replace

    return replace(coding, explanation=(*coding.explanation, line))


def _replace_review(coding: Coding, reasons: tuple[str, ...]) -> Coding:
    from dataclasses import replace

    return replace(coding, needs_review=True, review_reasons=reasons)


def _clip(value: Any) -> float:
    """Reported probabilities are clipped to 1 after the tie-break share (thresholds are
    at most 1, so the review decision is the same either way)."""
    return min(1.0, float(value))
