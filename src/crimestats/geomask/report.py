"""The short report of one masking run, for a release's metadata (``datapackage.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class MaskingReport:
    """What a masking run did: method, parameters, what was published, merged, suppressed.

    Attributes
    ----------
    method : str
        ``"h3-hexagons"`` or ``"snap-points"``.
    parameters : Mapping[str, Any]
        The parameters that decide the output (resolution, min_count, min_sources, ...).
    n_input : int
        Points given.
    n_published : int
        Points counted in a published feature (a hexagon or a snap point).
    n_suppressed : int
        Points in no published feature: ``n_input - n_published``.
    n_merged : int
        Points published in a coarser cell than asked for (hexagons) or 0.
    n_features : int
        Hexagon features, or anonymous snap points, published.
    max_displacement_m, median_displacement_m : float or None
        Great-circle distance from each published point to the point that represents it
        (its cell's centre, or its snap point); None when nothing was published.
    notes : tuple[str, ...]
        Plain-language caveats for the release report.
    """

    method: str
    parameters: Mapping[str, Any]
    n_input: int
    n_published: int
    n_suppressed: int
    n_merged: int
    n_features: int
    max_displacement_m: float | None
    median_displacement_m: float | None
    notes: tuple[str, ...] = field(default=())

    def metadata(self) -> dict[str, Any]:
        """A JSON-ready dict (distances rounded to the metre)."""
        return {
            "method": self.method,
            "parameters": dict(self.parameters),
            "counts": {
                "input": self.n_input,
                "published": self.n_published,
                "merged": self.n_merged,
                "suppressed": self.n_suppressed,
                "features": self.n_features,
            },
            "displacement_m": {
                "max": _metres(self.max_displacement_m),
                "median": _metres(self.median_displacement_m),
            },
            "notes": list(self.notes),
        }


def _metres(value: float | None) -> float | None:
    return None if value is None else round(value, 0)


def displacement_summary(distances_m: ArrayLike) -> tuple[float | None, float | None]:
    """``(max, median)`` of displacement distances, or ``(None, None)`` when empty."""
    values = np.asarray(distances_m, dtype=np.float64)
    if values.size == 0:
        return None, None
    return float(values.max()), float(np.median(values))


__all__ = ["MaskingReport", "displacement_summary"]
