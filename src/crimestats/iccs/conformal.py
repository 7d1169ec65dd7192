"""Split conformal prediction sets at ICCS level 2, calibrated on held-out sources.

Why: a calibrated confidence says how often codings *like this one* were right on the
sources the model was calibrated on; it says nothing about which other codes remain
plausible. A conformal set does (Vovk, Gammerman & Shafer 2005; Angelopoulos & Bates
2021, "A gentle introduction to conformal prediction", section 1): with calibration
scores from texts the model did not learn from, the set

    C(x) = { level-2 codes c : 1 - p(c | x) <= q }

contains the true code of a new text with probability at least ``1 - alpha``, where
``q`` is the conformal quantile of the calibration scores. The autocoder auto-codes a
text only when its set is exactly one code; an empty set or a set of several codes sends
it to review, with the set named.

How the pieces are chosen here:

- **Nonconformity score**: ``1 - p``, where ``p`` is the coder's raw level-2 score of
  the true code (the kNN and SVM votes summed up to level 2, before the isotonic maps).
  The raw level-2 scores of one text sum to at most 1, so with ``q < 0.5`` a set holds
  at most one code; isotonic maps are step functions and would tie codes.
- **Split by source**: every calibration score comes from a leave-one-source-out fold
  (the text's whole source was out of the model that scored it), so the scores are those
  of a *new source*, not of new texts of known sources. The model used at coding time
  is fitted on all sources, so the guarantee is that of cross-conformal prediction
  (Vovk 2015): approximate, usually conservative.
- **Weighted by records**: a label standing for 675 records counts 675 times, as in the
  project's evaluation; with integer weights this is the plain quantile over records.
- **By pool** (Mondrian conformal, Vovk et al. 2005 ch. 4): English text and the two
  kinds of foreign text (:mod:`crimestats.iccs._calibration`) get their own quantile, as
  they get their own isotonic maps; a pool with fewer than ``MIN_POINTS`` scores borrows
  the broader pool's (foreign, then English).

Deterministic: no randomness anywhere; ties in the scores are kept together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

ALPHA = 0.05
"""Default miscoverage: sets hold the true level-2 code of 95% of held-out records."""

MIN_POINTS = 30
"""Fewest calibration scores for a pool's own quantile (as for the isotonic maps)."""


def nonconformity(score_of_truth: float) -> float:
    """The nonconformity of a text whose true code the coder scored ``score_of_truth``."""
    return 1.0 - score_of_truth


def conformal_quantile(scores: Sequence[float], weights: Sequence[float], alpha: float) -> float:
    """The split conformal quantile of weighted calibration ``scores``.

    The smallest calibration score ``s`` such that the weight of the scores ``<= s``
    reaches ``(1 - alpha) * (W + 1)``, where ``W`` is the total weight and the ``+ 1``
    is the new text's own record (with unit weights: the ``ceil((n + 1)(1 - alpha))``-th
    smallest score). ``inf`` when no score does, i.e. too few points for ``alpha``: every
    code is then in the set.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if len(scores) != len(weights):
        raise ValueError("scores and weights differ in length")
    pairs = sorted(zip(scores, weights, strict=True))
    total = sum(w for _, w in pairs)
    need = (1.0 - alpha) * (total + 1.0)
    running = 0.0
    for i, (score, weight) in enumerate(pairs):
        running += weight
        last_of_tie = i + 1 == len(pairs) or pairs[i + 1][0] > score
        # compare with a little slack: (1 - alpha)(n + 1) is often a whole number that
        # floating point puts a hair above the running sum
        if last_of_tie and running >= need - 1e-9 * max(1.0, need):
            return float(score)
    return math.inf


def prediction_set(level2_scores: Any, codes: Sequence[str], quantile: float) -> tuple[str, ...]:
    """The codes whose nonconformity ``1 - score`` is at most ``quantile``, likeliest
    first (``level2_scores`` aligned with ``codes``)."""
    import numpy as np

    scores = np.asarray(level2_scores, dtype=float)
    keep = np.flatnonzero(1.0 - scores <= quantile)
    order = keep[np.argsort(-scores[keep], kind="stable")]
    return tuple(codes[int(i)] for i in order)


@dataclass(slots=True)
class ConformalPoints:
    """Calibration scores and record weights per pool, gathered fold by fold."""

    scores: dict[str, list[float]] = field(default_factory=dict)
    weights: dict[str, list[float]] = field(default_factory=dict)

    def add(self, pools: Sequence[str], score: float, weight: float = 1.0) -> None:
        """One held-out text's nonconformity score, counted in each of ``pools``."""
        for pool in pools:
            self.scores.setdefault(pool, []).append(score)
            self.weights.setdefault(pool, []).append(weight)

    def fit(self, alpha: float = ALPHA, *, order: Sequence[str] = ()) -> ConformalSets:
        """The quantile of every pool with at least :data:`MIN_POINTS` scores; ``order``
        lists the broader pools a pool falls back to, broadest first."""
        quantiles = {
            pool: conformal_quantile(s, self.weights[pool], alpha)
            for pool, s in sorted(self.scores.items())
            if len(s) >= MIN_POINTS
        }
        kept = {pool: tuple(s) for pool, s in sorted(self.scores.items())}
        weights = {pool: tuple(self.weights[pool]) for pool in kept}
        return ConformalSets(alpha, quantiles, tuple(order), kept, weights)


@dataclass(frozen=True, slots=True)
class ConformalSets:
    """The fitted quantiles: which level-2 codes are in a text's set, by its pool."""

    alpha: float
    quantiles: dict[str, float]
    fallback: tuple[str, ...] = ()
    scores: dict[str, tuple[float, ...]] = field(default_factory=dict)
    weights: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def with_alpha(self, alpha: float) -> ConformalSets:
        """The same calibration scores at another miscoverage (for trade-off curves)."""
        points = ConformalPoints(
            {p: list(s) for p, s in self.scores.items()},
            {p: list(w) for p, w in self.weights.items()},
        )
        return points.fit(alpha, order=self.fallback)

    def quantile(self, pool: str) -> float:
        """The pool's quantile, else the narrowest broader pool's that has one (``inf``,
        every code, when none has)."""
        if pool in self.quantiles:
            return self.quantiles[pool]
        known = pool in self.fallback
        chain = self.fallback[: self.fallback.index(pool)] if known else self.fallback
        for broader in reversed(chain):
            if broader in self.quantiles:
                return self.quantiles[broader]
        return math.inf

    def sets(
        self, level2_scores: Any, codes: Sequence[str], pools: Sequence[str]
    ) -> list[tuple[str, ...]]:
        """One set per row of ``level2_scores`` (rows: texts, columns: ``codes``)."""
        return [
            prediction_set(row, codes, self.quantile(pool))
            for row, pool in zip(level2_scores, pools, strict=True)
        ]

    @property
    def coverage(self) -> float:
        """The coverage the sets are built for, ``1 - alpha``."""
        return 1.0 - self.alpha
