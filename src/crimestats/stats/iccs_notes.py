"""The ICCS notes of a statistics table: offences in scope, uncoded, pending review,
"not a crime", model-coded, and coded only above each level asked for.

Why a module of its own: the notes are one concept (what a reader needs to know about the
coding behind a table with an ICCS field), computed from one grouped scan of the offences
(one pass, not five), kept per store state on DuckDB (issue 19).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, TypedDict

from crimestats.stats.fields import ICCS_LENGTH

GROUPS_FORMAT = 2
"""Bump when :func:`coding_groups` changes, so groups kept beside a store are not read."""


@dataclass(frozen=True)
class CodingGroup:
    """The offences of one source sharing how they were coded: ``n`` of them."""

    source: str | None
    method: str | None
    """``correspondence``, ``manual``, ``model``...; None when nothing coded them."""
    pending: bool
    """Waiting for a reviewer (counted blank until then)."""
    length: int | None
    """Digits of the code (2 = level 1 ... 6 = level 4); None without a code."""
    model: bool
    n: int


def coding_groups(con: Any, source: str | None) -> list[CodingGroup]:
    """The offences (of ``source``) by source x method x review flag x code length x model.

    One grouped scan (a few dozen groups per source) instead of an aggregate per
    question: at ten million offences each scan is 0.5-2 s. On a DuckDB store the groups
    of every source are kept per store state (:mod:`crimestats.stats.store_cache`), so a
    table with an ICCS field does not scan the offences for its notes again.
    """
    from ibis.backends.duckdb import Backend

    from crimestats.stats.store_cache import kept

    if not isinstance(con, Backend):
        return _scan_groups(con, source)
    every = kept(con, "iccs-groups", lambda: _scan_groups(con, None), _dump, _load, GROUPS_FORMAT)
    return every if source is None else [g for g in every if g.source == source]


def _dump(groups: list[CodingGroup]) -> list[dict[str, object]]:
    return [asdict(g) for g in groups]


def _load(rows: list[dict[str, Any]]) -> list[CodingGroup]:
    return [CodingGroup(**row) for row in rows]


def _scan_groups(con: Any, source: str | None) -> list[CodingGroup]:
    from crimestats.stats.counted_codes import is_model_coded, is_pending

    offences = con.table("offences")
    if source is not None:
        offences = offences.filter(offences.source == source)
    kinds = offences.select(
        source=offences.source,
        method=offences.iccs_method,
        pending=is_pending(offences).fill_null(False),
        length=offences.iccs_code.length(),
        model=is_model_coded(offences),
    )
    keys = ["source", "method", "pending", "length", "model"]
    rows = kinds.group_by(keys).aggregate(n=kinds.count()).to_pyarrow().to_pylist()
    return [
        CodingGroup(
            source=r["source"],
            method=r["method"],
            pending=bool(r["pending"]),
            length=None if r["length"] is None else int(r["length"]),
            model=bool(r["model"]),
            n=int(r["n"]),
        )
        for r in rows
    ]


class IccsNotes(TypedDict):
    """The ``iccs`` part of a statistics table's metadata (:func:`iccs_notes`)."""

    classification: str
    offences_in_scope: int
    uncoded_offences: int
    not_a_crime_offences: int
    not_a_crime_note: str
    pending_review_offences: int
    pending_review_note: str
    model_coded_offences: int
    model_coded_share_note: str
    coded_above_level: dict[str, int]
    """Per ICCS level asked for, the offences coded only shallower than it."""
    coded_above_level_note: str
    coding_method: dict[str, int]
    """Offences per ``iccs_method`` (``uncoded`` for none), sorted by method."""


def iccs_notes(con: Any, levels: list[str], source: str | None) -> IccsNotes:
    """Offences in scope, uncoded, pending review, and coded only above each level asked.

    Counts go to the statistics metadata only: a release's public notes are an
    allow-list (:mod:`crimestats.release.public_notes`) that none of them is on.
    """
    from crimestats.stats.counted_codes import MODEL_SHARE_NOTE, PENDING_NOTE

    row: dict[str, int] = dict.fromkeys(
        ["offences", "uncoded", "not_a_crime", "pending_review", "model_coded", *levels], 0
    )
    by_method: dict[str, int] = {}
    for g in coding_groups(con, source):
        n, length = g.n, g.length
        row["offences"] += n
        key = g.method if g.method is not None else "uncoded"
        by_method[key] = by_method.get(key, 0) + n
        if length is None:  # no code: "not a crime" when a table or a reviewer decided so
            decided = g.method in ("correspondence", "manual")
            row["not_a_crime" if decided else "uncoded"] += n
        row["pending_review"] += n if g.pending else 0
        row["model_coded"] += n if g.model else 0
        for lvl in levels:  # counted code (blank while pending) shallower than the level
            if length is not None and not g.pending and length < ICCS_LENGTH[lvl]:
                row[lvl] += n
    return {
        "classification": "ICCS v1.0 (UNODC 2015)",
        "offences_in_scope": int(row["offences"]),
        "uncoded_offences": int(row["uncoded"] or 0),
        "not_a_crime_offences": int(row["not_a_crime"] or 0),
        "not_a_crime_note": "offences of categories that a correspondence table or a "
        "reviewer marks as not a crime (ICCS code 'none'); they have a blank ICCS value",
        "pending_review_offences": int(row["pending_review"] or 0),
        "pending_review_note": PENDING_NOTE,
        "model_coded_offences": int(row["model_coded"] or 0),
        "model_coded_share_note": MODEL_SHARE_NOTE,
        "coded_above_level": {lvl: int(row[lvl] or 0) for lvl in levels},
        "coded_above_level_note": "offences coded only to a shallower ICCS level have a "
        "blank value at the deeper levels asked for (never a guessed category)",
        "coding_method": dict(sorted(by_method.items())),
    }
