"""Primary suppression by the threshold (minimum frequency) rule.

Why: a count of 1 or 2 in a crime table can point at one person (the victim of a rare
offence in a small area), so cells with a count in ``[1, threshold]`` are withheld.
Zeros are published, as sdcTable's ``primarySuppression(type = "freq")`` does by default
(``allowZeros = FALSE``; Meindl, sdcTable manual): a zero discloses that nobody is in the
cell, which the release accepts. The rule applies to every cell of the published table,
margins included (a row total of 2 is as disclosive as an interior 2).

Reference: Hundepool et al. (2012), *Statistical Disclosure Control*, Wiley, section 4.2
(the threshold rule for frequency tables).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError

DEFAULT_THRESHOLD = 3


def check_threshold(threshold: int) -> int:
    """Return ``threshold`` if it is a positive integer, else raise :class:`UsageError`."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        raise UsageError(f"threshold must be an integer, got {threshold!r}")
    if threshold < 1:
        raise UsageError(
            f"threshold must be at least 1, got {threshold}",
            hint="the threshold rule withholds counts 1..threshold; use 3 if unsure",
        )
    return int(threshold)


def primary_mask(
    values: NDArray[np.int64], threshold: int = DEFAULT_THRESHOLD
) -> NDArray[np.bool_]:
    """Cells to withhold under the threshold rule: ``1 <= count <= threshold``.

    Examples
    --------
    >>> primary_mask(np.array([0, 1, 3, 4]), threshold=3).tolist()
    [False, True, True, False]
    """
    threshold = check_threshold(threshold)
    return (values >= 1) & (values <= threshold)
