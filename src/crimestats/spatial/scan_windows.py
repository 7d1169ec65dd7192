"""Circular scanning windows and the Poisson log likelihood ratio (Kulldorff 1997).

A window is a circle centred on one location, holding every location whose centroid is
within its radius; the radius grows from 0 through each distinct distance until the
window holds more than the largest share of the population allowed (SaTScan's "maximum
spatial cluster size, percent of population at risk"; 50 % by default). Locations at the
same distance (to a relative 1e-9) enter together, so a circle never splits a tie.

Why a module of its own: the purely spatial scan (:mod:`crimestats.spatial.scan`) and
the prospective space-time scan (:mod:`crimestats.spatial.scan_spacetime`) scan the same
circles and score them with the same likelihood ratio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from scipy.special import xlogy

from crimestats.errors import UsageError

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), for great-circle distances between latitude/longitude points."""


_TIE = 1e-9
"""Relative difference under which two distances from a centre count as equal."""


class CoordinateKind(StrEnum):
    """How a coordinates file is read: planar ``x y``, or ``latitude longitude`` in degrees."""

    CARTESIAN = "cartesian"
    LATLONG = "latlong"


def distances_from(
    centre: int, a: NDArray[np.float64], b: NDArray[np.float64], kind: CoordinateKind
) -> NDArray[np.float64]:
    """Distance of every location from location ``centre``: Euclidean, or great-circle km.

    For ``LATLONG``, ``a`` is latitude and ``b`` longitude (degrees); the haversine
    distance orders locations as SaTScan's chord distance on the sphere does.
    """
    if kind is CoordinateKind.CARTESIAN:
        return np.asarray(np.hypot(a - a[centre], b - b[centre]), dtype=np.float64)
    lat, lon = np.radians(a), np.radians(b)
    h = (
        np.sin((lat - lat[centre]) / 2) ** 2
        + np.cos(lat) * np.cos(lat[centre]) * np.sin((lon - lon[centre]) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), np.float64)


@dataclass(frozen=True)
class CircleWindows:
    """Every circular window, per centre.

    Attributes
    ----------
    order : list of ndarray
        Per centre, the locations nearest first, cut after the largest window.
    sizes : list of ndarray
        Per centre, the number of locations (a prefix of ``order``) of each window.
    radii : list of ndarray
        Per centre, the radius of each window (distance of its farthest location).
    """

    order: list[NDArray[np.intp]] = field(repr=False)
    sizes: list[NDArray[np.intp]] = field(repr=False)
    radii: list[NDArray[np.float64]] = field(repr=False)

    @property
    def count(self) -> int:
        return int(sum(s.size for s in self.sizes))


def circle_windows(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    population: NDArray[np.float64],
    max_share: float,
    kind: CoordinateKind,
) -> CircleWindows:
    """The circles centred on each location, up to ``max_share`` of the total population."""
    if not 0 < max_share <= 0.5:
        raise UsageError(
            f"--max-population must be more than 0 and at most 0.5, got {max_share}",
            hint="give a share of the population, e.g. --max-population 0.5 (SaTScan's 50 %)",
        )
    limit = max_share * float(population.sum())
    orders, sizes, radii = [], [], []
    for centre in range(a.size):
        dist = distances_from(centre, a, b, kind)
        others = np.ones(dist.size, dtype=bool)
        others[centre] = False  # the centre first among the locations at its very place
        order = np.lexsort((others, dist))
        d = dist[order]
        # distances within a billionth are one distance: places on a grid whose
        # coordinates went through arithmetic still tie, as they do on the map; within a
        # tie the centre comes first, then the input order (the same whatever the noise)
        steps = d[1:] - d[:-1] > _TIE * np.maximum(d[1:], 1e-300)
        tie = np.concatenate([[0], np.cumsum(steps)])
        order = order[np.lexsort((order, others[order], tie))]
        d = dist[order]
        cum = np.cumsum(population[order])
        last_of_tie = np.append(steps, True)
        ok = last_of_tie & (cum <= limit * (1 + 1e-12))
        ends = np.flatnonzero(ok)  # a prefix: the cumulative population only grows
        size = ends + 1
        orders.append(order[: int(size[-1])] if size.size else order[:0])
        sizes.append(size.astype(np.intp))
        radii.append(d[ends])
    return CircleWindows(order=orders, sizes=sizes, radii=radii)


def poisson_llr(
    cases: NDArray[np.float64] | NDArray[np.int64],
    expected: NDArray[np.float64],
    total: float,
    min_cases: int = 2,
) -> NDArray[np.float64]:
    """Log likelihood ratio of a high-rate window under the discrete Poisson model.

    ``c log(c/E) + (C-c) log((C-c)/(C-E))`` where ``c > E`` and ``c >= min_cases``
    (SaTScan's default minimum of 2 cases for high rates), else 0 (Kulldorff 1997,
    eq. for the Poisson model conditioned on the total ``C``).
    """
    c = np.asarray(cases, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    rest = total - c
    # whole arrays, no boolean indexing (this runs on every circle of every replicate);
    # xlogy gives 0 ln 0 = 0, and cells without an excess are set to 0 below
    with np.errstate(divide="ignore", invalid="ignore"):
        llr = xlogy(c, c / e) + xlogy(rest, rest / (total - e))
    return np.asarray(np.where((c > e) & (c >= min_cases), llr, 0.0), dtype=np.float64)


def relative_risk(cases: float, expected: float, total: float) -> float:
    """SaTScan's relative risk: the rate inside over the rate outside, ``(c/E)/((C-c)/(C-E))``."""
    outside = (total - cases) / (total - expected) if total > expected else float("nan")
    return float("inf") if outside == 0 else (cases / expected) / outside


__all__ = [
    "EARTH_RADIUS_KM",
    "CircleWindows",
    "CoordinateKind",
    "circle_windows",
    "distances_from",
    "poisson_llr",
    "relative_risk",
]
