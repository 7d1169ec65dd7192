"""Which calibration a text gets, and the maps and review thresholds of each.

The autocoder's raw scores are turned into probabilities by isotonic maps learnt on
held-out folds (:mod:`crimestats.iccs.autocoder`). One map for all text was too
confident on text in other languages, so held-out points are pooled by kind of text:

- ``english``: every held-out correspondence label (the general map);
- ``foreign``: held-out text that :func:`~crimestats.iccs.text.looks_foreign`, and the
  generic non-English training text held out together;
- ``foreign_understood`` and ``foreign_partly``: the same text split by how much of it
  the glossary covers (:func:`~crimestats.iccs.text.glossary_coverage`). A Spanish
  heading whose every word the glossary knows ("Robo con violencia") is about as
  reliable as English; one with a single known word among five ("Sustracción de
  especies de cultivo") is not, and a single foreign map mixed the two, so that either
  both were reviewed or both were auto-coded.

A pool with too few points at a level borrows the map of the broader pool (``foreign``,
then ``english``). Each foreign pool has its own review threshold: the lowest calibrated
level-2 confidence at which its held-out points are right at level 2 at least the target
precision of the time; the partly covered pool has a stricter target, because a
national table's own conventions show there most (leave-one-source-out on the Chilean
table, December 2026: its partly covered headings auto-coded at a 90% target were right
at level 2 only about 60% of the time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crimestats.iccs._scoring import MIN_CALIBRATION, isotonic_maps, threshold_for
from crimestats.iccs.text import glossary_coverage, looks_foreign

ENGLISH = "english"
FOREIGN = "foreign"
UNDERSTOOD = "foreign_understood"
PARTLY = "foreign_partly"

UNDERSTOOD_SHARE = 2 / 3
"""Glossary coverage from which foreign text counts as understood: two content words in
three. (One in two was tried: with the larger glossary of December 2026 it let many
Chilean statute headings with one unknown qualifier into the understood pool, and Chile
held out was auto-coded 55% at 67% right at level 2, against 27% at 72% with two in
three; the police wordings and the hand-written headings lost under a point of
coverage.)"""


def foreign_pool(text: str) -> str:
    """:data:`UNDERSTOOD` or :data:`PARTLY`, by the glossary's coverage of ``text``."""
    return UNDERSTOOD if glossary_coverage(text) >= UNDERSTOOD_SHARE else PARTLY


def pool_of(text: str) -> str:
    """The calibration pool a text is coded with (:data:`ENGLISH`, :data:`UNDERSTOOD`
    or :data:`PARTLY`)."""
    return foreign_pool(text) if looks_foreign(text) else ENGLISH


@dataclass(slots=True)
class Calibration:
    """Isotonic maps per pool and level, and review thresholds per pool."""

    maps: dict[str, dict[int, Any]] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)

    def maps_for(self, pool: str) -> dict[int, Any]:
        """The maps a pool uses: its own, else its broader pool's, level by level."""
        merged = dict(self.maps.get(ENGLISH, {}))
        if pool != ENGLISH:
            merged.update(self.maps.get(FOREIGN, {}))
            if pool != FOREIGN:
                merged.update(self.maps.get(pool, {}))
        return merged

    def threshold(self, pool: str, default: float) -> float:
        """The review threshold of a pool (its broader pool's, else ``default``)."""
        if pool in self.thresholds:
            return self.thresholds[pool]
        if pool != ENGLISH and FOREIGN in self.thresholds:
            return self.thresholds[FOREIGN]
        return default


class HeldOut:
    """Held-out (raw confidence, right?) points per pool and level, as folds are scored."""

    def __init__(self) -> None:
        self.raw: dict[tuple[str, int], list[float]] = {}
        self.hit: dict[tuple[str, int], list[float]] = {}

    def add(self, pools: Sequence[str], level: int, raw: float, right: bool) -> None:
        """One held-out point, counted in each of ``pools``."""
        for pool in pools:
            self.raw.setdefault((pool, level), []).append(raw)
            self.hit.setdefault((pool, level), []).append(float(right))

    def fit(
        self, *, review_threshold: float, precision: float, partly_precision: float
    ) -> Calibration:
        """Maps for every pool with points, and the foreign pools' review thresholds:
        each pool's held-out level-2 precision must reach ``precision`` above its
        threshold, ``partly_precision`` for :data:`PARTLY`."""
        import numpy as np

        pools = {pool for pool, _ in self.raw}
        calibration = Calibration(
            maps={p: m for p in sorted(pools) if (m := isotonic_maps(self.raw, self.hit, pool=p))}
        )
        # the broad pool first: a narrower pool with too few points takes its threshold
        for pool in (FOREIGN, UNDERSTOOD, PARTLY):
            level2 = calibration.maps_for(pool).get(2)
            points = self.raw.get((pool, 2), [])
            if level2 is None or len(points) < MIN_CALIBRATION:
                continue
            calibrated = level2.predict(np.array(points))
            target = partly_precision if pool == PARTLY else precision
            cut = threshold_for(calibrated, np.array(self.hit[(pool, 2)]), target)
            calibration.thresholds[pool] = max(review_threshold, cut)
        if PARTLY in calibration.thresholds and FOREIGN in calibration.thresholds:
            # partly covered text is never held to less than foreign text in general
            calibration.thresholds[PARTLY] = max(
                calibration.thresholds[PARTLY], calibration.thresholds[FOREIGN]
            )
        return calibration
