"""Does a language family's calibration transfer from one real source to the next?

Why (issue 18, session 9): the foreign calibration pools learn their review thresholds
and conformal quantiles from held-out folds, but most of their points come from the
*generic* foreign fold (the ICCS translations and the Spanish vocabulary, held out
together), which is written to follow ICCS and is easy to code; the real foreign
sources are national tables with their own conventions. Measured leave-one-source-out
(December 2026), the Chilean penal code held out was auto-coded 33.5% at 76.2% level-2
precision (target 95%), and three ways of spotting its errors text by text did not
reach the target (the coder's parts agreeing with one another, conformal sets from real
sources only, words that map to several ICCS sections across the tables; figures in
docs/iccs-model-card.md): its confident errors are near-exact matches to the coder's own
Spanish entries that the national authority codes otherwise, with every part of the
coder agreeing. Nothing in one text says which national convention a source follows.

So the question is asked of *sources*, not texts: a threshold chosen on some real
sources of a language family must hold on another real source of that family before
the family is auto-coded at all. :func:`transfer_check` runs that check by leave one
source out over the real sources of the family in the calibration folds: for each real
source with at least :data:`~crimestats.iccs._scoring.MIN_CALIBRATION` points, the
record-weighted cut is chosen on the *other* real sources
(:func:`~crimestats.iccs._calibration.weighted_threshold`, the rule that sets the review
thresholds) and that source's points at or above the cut must be right at level 2 at
least the target share of the time. It holds only when there are at least two such
sources (one to learn the cut, one to test it: the fewest for which the question can be
asked) and every one of them passes. A source none of whose points reach the cut passes
(the cut made no error on it); a cut the other sources never reach fails (they give no
usable cut). When it does not hold, every text of the family goes to review, with the
reason named.

What it checks and what not: the cut on calibrated level-2 confidence alone, without
the decision audit, the conformal sets or the familiarity rule, which only send more
codings to review; so the check is conservative (it can fail a family that the full
decision would code at the target). The generic foreign fold is left out: its held-out
texts are the ones a national convention never disagrees with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crimestats.iccs._scoring import MIN_CALIBRATION

GENERIC_FOLD = "foreign generic"
"""The source name of the generic foreign fold's points (never a real source)."""

MIN_SOURCES = 2
"""Fewest real sources for the check to be possible: one to learn a cut, one to test it."""


@dataclass(frozen=True, slots=True)
class SourceTransfer:
    """One real source scored with the cut learnt on the others."""

    source: str
    cut: float
    """The record-weighted cut chosen on the other real sources (above 1: none)."""
    points: int
    """This source's level-2 points at or above the cut."""
    precision: float | None
    """Their record-weighted level-2 precision (None when no point reaches the cut)."""

    def passes(self, target: float) -> bool:
        """Whether the cut is usable and holds on this source."""
        return self.cut <= 1.0 and (self.precision is None or self.precision >= target)


@dataclass(frozen=True, slots=True)
class TransferCheck:
    """The verdict for one language family, with the figures behind it."""

    target: float
    sources: tuple[SourceTransfer, ...]

    @property
    def holds(self) -> bool:
        """At least :data:`MIN_SOURCES` real sources, each passing."""
        return len(self.sources) >= MIN_SOURCES and all(s.passes(self.target) for s in self.sources)

    def reason(self) -> str:
        """Why the family goes to review ("" when the check holds)."""
        if self.holds:
            return ""
        if len(self.sources) < MIN_SOURCES:
            return (
                f"foreign-language calibration not shown to transfer: {len(self.sources)} "
                f"real source(s) of this language family, {MIN_SOURCES} needed"
            )
        failed = next(s for s in self.sources if not s.passes(self.target))
        if failed.cut > 1.0:
            return (
                "foreign-language calibration not shown to transfer: the other real "
                f"sources give no cut reaching {self.target:.0%} for {failed.source}"
            )
        return (
            "foreign-language calibration not shown to transfer: a cut learnt on the "
            f"other real sources is right {failed.precision:.0%} of the time on "
            f"{failed.source} (target {self.target:.0%})"
        )


def transfer_check(
    calibrated: Any,
    hits: Any,
    weights: Any,
    sources: Sequence[str],
    target: float,
) -> TransferCheck:
    """Leave one real source out at the level of the review cut (see the module
    docstring): ``calibrated`` level-2 confidences, ``hits`` (right at level 2),
    ``weights`` (records) and ``sources`` of a family's held-out points."""
    import numpy as np

    from crimestats.iccs._calibration import weighted_threshold

    conf = np.asarray(calibrated, dtype=float)
    ok = np.asarray(hits, dtype=float)
    w = np.asarray(weights, dtype=float)
    names = np.asarray(sources, dtype=object)
    real = names != GENERIC_FOLD
    counted = sorted(
        s for s in set(sources) if s != GENERIC_FOLD and int((names == s).sum()) >= MIN_CALIBRATION
    )
    out: list[SourceTransfer] = []
    for source in counted:
        others = real & (names != source)
        cut = weighted_threshold(conf[others], ok[others], w[others], target)
        mine = (names == source) & (conf >= cut)
        total = float(w[mine].sum())
        precision = float((ok[mine] * w[mine]).sum()) / total if total > 0 else None
        out.append(SourceTransfer(source, cut, int(mine.sum()), precision))
    return TransferCheck(target, tuple(out))
