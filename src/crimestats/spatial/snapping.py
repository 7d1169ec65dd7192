"""Coordinates that were snapped or rounded at source, and cells finer than that.

Why: many open crime data sets move points before publishing them. data.police.uk
snaps every crime to the centre of one of a fixed set of anonymous map points (street
segments, public places; Tompson et al. 2015, *Crime Science* 4:17), so thousands of
crimes share a few hundred locations. Memphis' open data (and CODE, which sfhotspot
uses) round coordinates to 0.001 degree: a lattice of about 111 m north-south and
91 m east-west at 35 N. A grid finer than that spacing shows the lattice, not crime:
cells on a lattice node fill up, their neighbours stay empty, and Gi* finds "hotspots"
that are artefacts of the rounding.

:func:`coordinate_precision` looks for both signs: the coarsest decimal step on which
almost all coordinates lie, and the share of points that share an exact location with
another point. :func:`precision_warnings` turns them into warnings when the cell size
(or bandwidth) is finer than the spacing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

STEPS_DEG = (0.01, 0.001, 0.0001)
"""Decimal steps tested, coarsest first."""
ON_LATTICE_SHARE = 0.95
"""A step is taken as the data's rounding when at least this share of points lie on it."""
REPEATED_SHARE = 0.5
"""More than this share of points on a shared spot suggests snapping to map points."""
METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class CoordinatePrecision:
    """What the coordinates reveal about rounding and snapping.

    ``step_deg`` is the coarsest decimal step on which at least 95% of both longitudes
    and latitudes lie (None if none); ``step_m`` its east-west spacing at the data's
    mean latitude (the smaller of the two); ``repeated_share`` the share of points
    whose exact location is shared with another point; ``distinct_locations`` the number
    of different locations; ``spacing_m`` the median distance from a distinct location
    to the nearest other one (metres, projected), the spacing of snap points.
    """

    step_deg: float | None
    step_m: float | None
    repeated_share: float
    distinct_locations: int
    spacing_m: float | None


@dataclass(frozen=True)
class PrecisionWarning:
    """A warning a user should read before trusting fine cells; ``code`` is stable."""

    code: str
    message: str


def _on_step(values: FloatArray, step: float) -> float:
    scaled = values / step
    return float(np.mean(np.abs(scaled - np.round(scaled)) < 1e-6))


def coordinate_precision(
    lon: FloatArray, lat: FloatArray, x: FloatArray, y: FloatArray
) -> CoordinatePrecision:
    """Rounding step and snapping signs of WGS84 ``lon``/``lat`` (``x``/``y``: projected)."""
    from scipy.spatial import cKDTree

    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    step = next(
        (s for s in STEPS_DEG if min(_on_step(lon, s), _on_step(lat, s)) >= ON_LATTICE_SHARE),
        None,
    )
    step_m = None
    if step is not None:
        step_m = step * METRES_PER_DEGREE_LAT * math.cos(math.radians(float(np.mean(lat))))
    locations, counts = np.unique(np.column_stack([x, y]), axis=0, return_counts=True)
    repeated = float(counts[counts > 1].sum() / max(lon.size, 1))
    spacing = None
    if len(locations) >= 2:
        distances, _ = cKDTree(locations).query(locations, k=2)
        spacing = float(np.median(distances[:, 1]))
    return CoordinatePrecision(step, step_m, repeated, len(locations), spacing)


def precision_warnings(precision: CoordinatePrecision, cell_size: float) -> list[PrecisionWarning]:
    """Warnings when the cells are finer than the rounding or the snap-point spacing."""
    warnings: list[PrecisionWarning] = []
    if precision.step_m is not None and cell_size < precision.step_m * 2:
        warnings.append(
            PrecisionWarning(
                "coordinates-rounded",
                f"coordinates are rounded to {precision.step_deg:g} degree (about "
                f"{precision.step_m:.0f} m east-west here); cells of {cell_size:g} m are "
                "finer than two lattice steps, so counts show the rounding lattice: "
                f"use --cell-size {math.ceil(precision.step_m * 2 / 50) * 50:.0f} or more",
            )
        )
    if (
        precision.repeated_share > REPEATED_SHARE
        and precision.spacing_m is not None
        and cell_size < precision.spacing_m * 2
    ):
        warnings.append(
            PrecisionWarning(
                "coordinates-snapped",
                f"{precision.repeated_share:.0%} of points share their exact location with "
                f"another ({precision.distinct_locations} distinct locations, median "
                f"{precision.spacing_m:.0f} m apart): they look snapped to map points "
                f"(as data.police.uk's); cells of {cell_size:g} m show the snap points, "
                "not where crimes happened",
            )
        )
    return warnings


__all__ = [
    "CoordinatePrecision",
    "PrecisionWarning",
    "coordinate_precision",
    "precision_warnings",
]
