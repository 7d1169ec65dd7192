"""What the autocoder says about a text: a :class:`Coding` and its :class:`Candidate` codes.

Kept apart from :mod:`crimestats.iccs.autocoder` (which computes them) so that code that
only reads codings (files, the review queue, the API) need not import the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crimestats.domain.enums import IccsMethod


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible code for a text and its calibrated probability."""

    code: str
    label: str
    probability: float


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A training text near the coded one: its wording, code and cosine similarity."""

    text: str
    code: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Coding:
    """What the autocoder says about one text, and why."""

    text: str
    code: str | None
    confidence: float
    method: IccsMethod
    top3: tuple[Candidate, ...]
    explanation: tuple[str, ...]
    similar: tuple[str, ...]
    needs_review: bool
    level2_confidence: float = 0.0
    familiarity: float = 1.0
    foreign: bool = False
    """True when the text looks like one of the glossary's languages and the model has a
    foreign calibration: its confidence then comes from that calibration (one for text
    the glossary mostly covers, one for the rest: :mod:`crimestats.iccs._calibration`)."""
    review_threshold: float = 0.0
    """The level-2 confidence this coding needed to be auto-coded."""
    sections: tuple[Candidate, ...] = ()
    """The two likeliest ICCS sections (level 1) with their calibrated scores."""
    neighbours: tuple[Neighbour, ...] = ()
    """The nearest training texts (those shown in ``similar``), nearest first."""
    rules: tuple[str, ...] = ()
    """What each ICCS scope rule that fired said (:mod:`crimestats.iccs.rules`)."""
    decided_by: str = ""
    """The scope rule that set ``code`` ("" when the model's own choice stands)."""
    review_reasons: tuple[str, ...] = ()
    """Why the coding needs review: thresholds, and every disagreement between the
    coder's parts (:mod:`crimestats.iccs.decision_audit`); empty when auto-coded."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "text": self.text,
            "iccs_code": self.code,
            "iccs_confidence": round(self.confidence, 4),
            "iccs_method": self.method.value,
            "needs_review": self.needs_review,
            "level2_confidence": round(self.level2_confidence, 4),
            "familiarity": round(self.familiarity, 4),
            "foreign_language": self.foreign,
            "review_threshold": round(self.review_threshold, 4),
            "top3": [
                {"code": c.code, "label": c.label, "probability": round(c.probability, 4)}
                for c in self.top3
            ],
            "explanation": list(self.explanation),
            "similar": list(self.similar),
            "sections": [
                {"code": c.code, "label": c.label, "score": round(c.probability, 4)}
                for c in self.sections
            ],
            "rules": list(self.rules),
            "decided_by": self.decided_by,
            "review_reasons": list(self.review_reasons),
        }


def empty_coding(text: str) -> Coding:
    """The coding of a text with no words: no code, to be reviewed."""
    return Coding(
        text=text,
        code=None,
        confidence=0.0,
        method=IccsMethod.MODEL,
        top3=(),
        explanation=(),
        similar=(),
        needs_review=True,
        review_reasons=("no words to code",),
    )
