"""Per-source review policies: every autocoder coding of a listed source goes to review.

Why: the review threshold is learnt on police vocabularies and held out it does not hold
on every register (an English penal code sample: 77% level-2 precision among auto-coded
texts). The analyst who knows a source is such a register lists it here once; each
``classify`` then flags the source's model codings for review, and the review export
names the policy as a reason. Codes the source gave, correspondence entries and people's
answers are not model codings: a policy never touches them. The table is
``review_policies`` (:mod:`crimestats.storage.migrations_review`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from crimestats.errors import NotFoundError, UsageError


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """One source whose autocoder codings all go to review, and why."""

    source: str
    reason: str
    set_by: str
    set_at: datetime

    def review_reason(self) -> str:
        """The reason a review row of the source shows."""
        return f"source '{self.source}' is reviewed whole: {self.reason}"


def review_policies(con: duckdb.DuckDBPyConnection) -> dict[str, ReviewPolicy]:
    """Every policy in the store, by source."""
    rows = con.execute(
        "SELECT source, reason, set_by, set_at FROM review_policies ORDER BY source"
    ).fetchall()
    return {r[0]: ReviewPolicy(r[0], r[1], r[2], r[3]) for r in rows}


def _known_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("SELECT DISTINCT source FROM offences ORDER BY source").fetchall()
    return [str(r[0]) for r in rows]


def set_review_policy(
    con: duckdb.DuckDBPyConnection, source: str, reason: str, set_by: str
) -> ReviewPolicy:
    """List ``source`` (it must hold offences) so that all its model codings are reviewed;
    a policy already there gets the new reason."""
    if not reason.strip():
        raise UsageError(
            "a review policy needs a reason",
            hint="e.g. --reason 'a penal code: the calibration is learnt on police text'",
        )
    known = _known_sources(con)
    if source not in known:
        raise NotFoundError(
            f"no offences of source '{source}' in the store",
            hint=f"sources with offences: {', '.join(known) or 'none yet (ingest first)'}",
        )
    con.execute(
        "INSERT OR REPLACE INTO review_policies VALUES (?, ?, ?, now()::TIMESTAMP)",
        [source, reason.strip(), set_by],
    )
    return review_policies(con)[source]


def clear_review_policy(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """Take ``source`` off the list; False when it was not on it."""
    row = con.execute(
        "DELETE FROM review_policies WHERE source = ? RETURNING source", [source]
    ).fetchall()
    return bool(row)


__all__ = ["ReviewPolicy", "clear_review_policy", "review_policies", "set_review_policy"]
