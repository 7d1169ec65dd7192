"""Distance and time bands of a near-repeat table, exactly as Ratcliffe's calculator draws them.

Why a module of its own: the Knox table is only comparable with the Near Repeat
Calculator (Ratcliffe 2009, version 1.3) if every pair lands in the same cell, and that
hangs on which edge of a band is inclusive. The calculator labels its bands "1 to 100",
"101 to 200", ..., "0 to 7", "8 to 14" days; run on the Chicago burglaries of
``tests/data/nearrepeat_chicago_burglary`` its observed table is reproduced in every one
of its 20 cells by right-open intervals (a label "a to b" is the interval ``[a-1, b)``):

* space (rows): ``[0, 1)`` "Same location", ``[1, e1)``, ``[e1, e2)``, ...,
  ``[e_k, inf)`` "More than e_k", in the unit of the coordinates (metres);
* time (columns): ``[0, t1)``, ``[t1, t2)``, ..., ``[t_k, inf)`` whole days between the
  two dates (the calendar difference; a time of day is dropped).

So a pair 100 m apart falls in "101 to 200", and a pair 7 days apart in "8 to 14".
The same location row is kept apart (repeat victimisation, not near repeats), which is
why the first spatial edge is 1 unit and not 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError

SAME_LOCATION_EDGE = 1.0
"""Pairs closer than this (in coordinate units) are at the "same location"."""


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Bands:
    """Right-open bands ``[edges[i], edges[i+1])``, the last one open-ended.

    Attributes
    ----------
    edges : tuple of float
        Lower edges, strictly increasing, starting at 0; the last band is
        ``[edges[-1], inf)``.
    labels : tuple of str
        One per band, in the calculator's words.
    """

    edges: tuple[float, ...]
    labels: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.edges)

    def index(self, values: NDArray[np.float64] | NDArray[np.int64]) -> NDArray[np.intp]:
        """The band ``i`` of each value ``v >= 0``: ``edges[i] <= v < edges[i+1]``."""
        return np.searchsorted(np.asarray(self.edges, dtype=np.float64), values, side="right") - 1

    def as_intervals(self) -> list[tuple[float, float | None]]:
        """``[(lower, upper)]`` with ``None`` for the open upper end (for JSON)."""
        uppers: list[float | None] = [*self.edges[1:], None]
        return [(lo, hi) for lo, hi in zip(self.edges, uppers, strict=True)]


def _check_edges(edges: Sequence[float], option: str, smallest: float) -> tuple[float, ...]:
    values = tuple(float(v) for v in edges)
    if not values:
        raise UsageError(
            f"{option} needs at least one band edge", hint=f"e.g. {option} 100,200,300"
        )
    if any(not np.isfinite(v) for v in values):
        raise UsageError(f"{option}: band edges must be finite numbers", hint="drop inf and nan")
    if values[0] <= smallest:
        raise UsageError(
            f"{option}: the first band edge must be more than {_number_text(smallest)}",
            hint=f"give the upper edges of the bands, e.g. {option} 100,200,300",
        )
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise UsageError(
            f"{option}: band edges must increase strictly", hint=f"e.g. {option} 100,200,300"
        )
    return values


def space_bands(upper_edges: Sequence[float]) -> Bands:
    """Rows of the table: same location, then bands up to each upper edge, then beyond.

    >>> space_bands([100, 200]).labels
    ('Same location', '1 to 100', '101 to 200', 'More than 200')
    >>> space_bands([100, 200]).edges
    (0.0, 1.0, 100.0, 200.0)
    """
    uppers = _check_edges(upper_edges, "--space-bands", SAME_LOCATION_EDGE)
    edges = (0.0, SAME_LOCATION_EDGE, *uppers)
    labels = ["Same location"]
    for lower, upper in zip(edges[1:], uppers, strict=False):
        labels.append(f"{_number_text(lower if lower == SAME_LOCATION_EDGE else lower + 1)} to "
                      f"{_number_text(upper)}")  # fmt: skip
    labels.append(f"More than {_number_text(uppers[-1])}")
    return Bands(edges=edges, labels=tuple(labels))


def time_bands(upper_edges: Sequence[float]) -> Bands:
    """Columns of the table: whole days ``[0, t1)``, ``[t1, t2)``, ..., then beyond.

    >>> time_bands([7, 14]).labels
    ('0 to 7', '8 to 14', 'More than 14')
    """
    uppers = _check_edges(upper_edges, "--time-bands", 0.0)
    edges = (0.0, *uppers)
    labels = [f"0 to {_number_text(uppers[0])}"]
    for lower, upper in itertools.pairwise(uppers):
        labels.append(f"{_number_text(lower + 1)} to {_number_text(upper)}")
    labels.append(f"More than {_number_text(uppers[-1])}")
    return Bands(edges=edges, labels=tuple(labels))


def parse_edges(text: str, option: str) -> list[float]:
    """``"100,200,300"`` -> ``[100.0, 200.0, 300.0]``; a bad list is bad usage."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise UsageError(
            f"{option}: {text!r} is not a comma-separated list of numbers",
            hint=f"e.g. {option} 100,200,300",
        ) from None


__all__ = ["SAME_LOCATION_EDGE", "Bands", "parse_edges", "space_bands", "time_bands"]
