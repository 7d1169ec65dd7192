"""Differentially private releases of counts, on OpenDP's core API.

The privacy unit (incident or victim) and the total budget are declared up front in a
:class:`PrivacyLedger`; each table is released with :func:`release_counts` (a vector of
counts over a public key list, zero cells included) or :func:`release_table` (a
cross-table whose margins are derived from the noised interior), charged to the ledger.
Noise is OpenDP's discrete Laplace; OpenDP cannot be seeded, so releases are not
byte-reproducible (see ``docs/differential-privacy.md``).

Importing this package does not import opendp; the first release does.
"""

from __future__ import annotations

from crimestats.dp.ledger import (
    PRIVACY_UNITS,
    LedgerEntry,
    PrivacyLedger,
    PrivacyUnit,
)
from crimestats.dp.mechanism import (
    MECHANISM,
    LaplaceCounts,
    cell_accuracy,
    laplace_for_counts,
    sum_accuracy,
)
from crimestats.dp.release import DEFAULT_ALPHA, CountRelease, ReleasedCell, release_counts
from crimestats.dp.tables import TOTAL, TableRelease, derive_margins, release_table

__all__ = [
    "DEFAULT_ALPHA",
    "MECHANISM",
    "PRIVACY_UNITS",
    "TOTAL",
    "CountRelease",
    "LaplaceCounts",
    "LedgerEntry",
    "PrivacyLedger",
    "PrivacyUnit",
    "ReleasedCell",
    "TableRelease",
    "cell_accuracy",
    "derive_margins",
    "laplace_for_counts",
    "release_counts",
    "release_table",
    "sum_accuracy",
]
