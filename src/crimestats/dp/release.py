"""Release a vector of counts with differential privacy, zero cells included.

The key set of a release is *public*: the caller passes every cell that may appear
(e.g. every ICCS section times every area), whether or not any incident falls in it.
Cells with no incidents are released with noise like any other; releasing only the
cells that occur would tell a reader which cells are non-empty, and that set is not
protected by the noise (DESIGN.md section 6). A count keyed outside the public list is
refused rather than dropped, because dropping it silently would make the key list
depend on the data.

Post-processing: each noisy count is clamped at zero (counts cannot be negative).
Any function of a DP output that does not look at the data again is DP with the same
epsilon (Dwork & Roth 2014, Proposition 2.1), so clamping costs no privacy. Clamping
only ever moves a cell toward its true (non-negative) count, so the accuracy
half-width stays valid; it does bias small cells upward.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from crimestats.dp.ledger import PrivacyLedger, PrivacyUnit, check_epsilon, check_privacy_unit
from crimestats.dp.mechanism import MECHANISM, OPENDP_MAX_INT, LaplaceCounts, laplace_for_counts
from crimestats.errors import UsageError

K = TypeVar("K", bound=Hashable)

DEFAULT_ALPHA = 0.05
"""Accuracy intervals are (1 - alpha) = 95% intervals unless asked otherwise."""


@dataclass(frozen=True)
class ReleasedCell:
    """One released cell: the protected count and its accuracy half-width.

    With probability at least ``1 - alpha`` the true count lies within
    ``value +/- accuracy`` (before seeing the data; for a margin the bound is the
    conservative bound of :func:`crimestats.dp.mechanism.sum_accuracy`).
    """

    value: int
    accuracy: float


@dataclass(frozen=True)
class CountRelease(Generic[K]):
    """The differentially private release of one vector of counts.

    Attributes
    ----------
    cells
        Every public key, in the order given, with its released count and accuracy.
    mechanism, scale, epsilon, sensitivity, privacy_unit, alpha
        How the release was made: ``epsilon`` is the loss OpenDP's privacy map
        reports (at most the epsilon asked for), and is what a ledger was charged.
    post_processing
        What was done to the noisy counts (free of privacy cost).
    """

    cells: dict[K, ReleasedCell]
    mechanism: str
    scale: float
    epsilon: float
    sensitivity: int
    privacy_unit: PrivacyUnit
    alpha: float
    post_processing: str = "noisy counts clamped at 0"
    table_name: str | None = field(default=None)

    @property
    def values(self) -> dict[K, int]:
        """The released counts by key."""
        return {key: cell.value for key, cell in self.cells.items()}

    @property
    def accuracy(self) -> float:
        """The (1 - alpha) half-width of each noised cell (all share one scale)."""
        return next(iter(self.cells.values())).accuracy if self.cells else 0.0

    def metadata(self) -> dict[str, Any]:
        """How the release was made, JSON-ready, for release metadata (no counts)."""
        return {
            "disclosure_method": "differential privacy",
            "mechanism": self.mechanism,
            "privacy_unit": self.privacy_unit,
            "epsilon": self.epsilon,
            "sensitivity_l1": self.sensitivity,
            "noise_scale": self.scale,
            "accuracy_alpha": self.alpha,
            "accuracy_half_width": self.accuracy,
            "post_processing": self.post_processing,
            "table": self.table_name,
            "reproducible": False,
            "reproducibility_note": "OpenDP's sampler cannot be seeded; keep released values",
        }


def _check_counts(counts: Mapping[K, int], public_keys: Sequence[K]) -> list[int]:
    seen: set[K] = set()
    duplicates: list[K] = []
    for key in public_keys:
        if key in seen:
            duplicates.append(key)
        seen.add(key)
    if duplicates:
        raise UsageError(
            f"public key list has duplicates: {duplicates[:5]!r}",
            hint="list each cell of the table once",
        )
    private = [k for k in counts if k not in seen]
    if private:
        raise UsageError(
            f"{len(private)} counted key(s) are not in the public key list, e.g. {private[:5]!r}",
            hint="the key set must be public: build it from a code list (e.g. every ICCS "
            "section x every area), never from the data",
        )
    vector: list[int] = []
    for key in public_keys:
        value = counts.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int):
            raise UsageError(f"count for {key!r} must be an integer, got {value!r}")
        if value < 0 or value > OPENDP_MAX_INT:
            raise UsageError(f"count for {key!r} must be between 0 and 2**63-1, got {value!r}")
        vector.append(value)
    return vector


def release_counts(
    counts: Mapping[K, int],
    public_keys: Sequence[K],
    *,
    epsilon: float,
    privacy_unit: str,
    sensitivity: int,
    alpha: float = DEFAULT_ALPHA,
    ledger: PrivacyLedger | None = None,
    table_name: str | None = None,
) -> CountRelease[K]:
    """Release ``counts`` over ``public_keys`` with epsilon-differential privacy.

    Parameters
    ----------
    counts
        True counts by key; keys absent here count as 0. Every key must be public.
    public_keys
        Every cell to release, from a public code list, never from the data.
    epsilon
        Privacy loss of this release (pure DP).
    privacy_unit
        ``"incident"`` or ``"victim"``: the unit whose presence is protected.
    sensitivity
        The most one privacy unit can change the counts in total (L1): e.g. an
        incident counted in up to 3 categories gives 3. Computed by the caller from
        the data's structure; an understated sensitivity voids the guarantee.
    alpha
        Accuracy intervals are (1 - alpha) intervals; 0.05 gives 95%.
    ledger, table_name
        If a ledger is given, the release is charged to it under ``table_name``
        *before* any noise is drawn; a refused spend releases nothing.

    Returns
    -------
    CountRelease
        One cell per public key, each a non-negative integer with its half-width.

    Notes
    -----
    There is no seed: OpenDP draws from the operating system's CSPRNG and cannot be
    seeded, so two calls give different releases. Keep released values to reproduce.

    References
    ----------
    Dwork, C. & Roth, A. (2014). The Algorithmic Foundations of Differential Privacy,
    Foundations and Trends in Theoretical Computer Science 9(3-4), sections 3.3 and 2.3.
    """
    unit = check_privacy_unit(privacy_unit)
    eps = check_epsilon(epsilon)
    if not isinstance(alpha, float | int) or not 0 < alpha < 1:
        raise UsageError(f"alpha must be between 0 and 1, got {alpha!r}", hint="0.05 gives 95%")
    if ledger is not None:
        if table_name is None:
            raise UsageError("a release charged to a ledger needs a table_name")
        if ledger.privacy_unit != unit:
            raise UsageError(
                f"release protects the {unit!r} but the ledger's privacy unit is "
                f"{ledger.privacy_unit!r}",
                hint="use one ledger per privacy unit",
            )
    vector = _check_counts(counts, public_keys)
    mechanism: LaplaceCounts = laplace_for_counts(epsilon=eps, sensitivity=sensitivity)
    if ledger is not None and table_name is not None:
        ledger.spend(table_name, mechanism.epsilon)
    noisy = mechanism(vector)
    half_width = mechanism.accuracy(float(alpha))
    cells = {
        key: ReleasedCell(max(value, 0), half_width)
        for key, value in zip(public_keys, noisy, strict=True)
    }
    return CountRelease(
        cells=cells,
        mechanism=MECHANISM,
        scale=mechanism.scale,
        epsilon=mechanism.epsilon,
        sensitivity=sensitivity,
        privacy_unit=unit,
        alpha=float(alpha),
        table_name=table_name,
    )


__all__ = ["DEFAULT_ALPHA", "CountRelease", "ReleasedCell", "release_counts"]
