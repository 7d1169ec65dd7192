"""Disclosure control for an analyst's download meant for publication (issue 16 item 3).

Why the release's own rule: a table an analyst downloads to publish must be protected as
a release table is, so ``/v1/stats?protect=threshold`` passes the exact counts through
:func:`crimestats.privacy.protect.protect_rows` -- the threshold rule (counts
``1..threshold`` withheld) with secondary suppression so that no withheld cell can be
recomputed from the margins -- the same function a release's threshold tables go
through. Rates of withheld cells are withheld too. Up to three fields (the protector
handles 1- to 3-dimensional tables); more is a 422.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, Final, TypedDict

MAX_PROTECTED_FIELDS: Final = 3
"""The protector works on tables of one to three dimensions."""
TOTAL_LABEL: Final = "Total"


class Protect(StrEnum):
    """What ``?protect=`` may ask: the exact table (none) or the release's threshold rule."""

    NONE = "none"
    THRESHOLD = "threshold"


class WithheldCounts(TypedDict):
    """How many cells were withheld by each rule (the answer's ``withheld``)."""

    primary: int
    """Counts from 1 to the threshold."""
    secondary: int
    """Withheld so that no primary cell can be recomputed from the margins."""


def protected_rows(
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    *,
    threshold: int,
    count: str = "count",
) -> tuple[list[dict[str, Any]], WithheldCounts]:
    """Rows with ``count`` withheld (None) where the rule says, a ``status`` per row,
    and the margins; plus how many cells were withheld by each rule."""
    from crimestats.privacy.protect import protect_rows

    exact = [{f: ("" if r[f] is None else str(r[f])) for f in fields} | {count: int(r[count] or 0)}
             for r in rows]  # fmt: skip
    extras = {tuple("" if r[f] is None else str(r[f]) for f in fields): r for r in rows}
    out, protected = protect_rows(
        exact, list(fields), count=count, total_label=TOTAL_LABEL, threshold=threshold
    )
    for row in out:
        source = extras.get(tuple(row[f] for f in fields))
        for key, value in (source or {}).items():
            if key not in row:
                withheld = row[count] is None
                row[key] = None if withheld and key.startswith("rate") else value
    statuses = [str(s) for s in protected.status.ravel()]
    summary = WithheldCounts(
        primary=statuses.count("primary"), secondary=statuses.count("secondary")
    )
    return out, summary
