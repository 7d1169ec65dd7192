"""Which ICCS code an offence counts under: the one rule every count reads.

An offence's ICCS code comes from the source, a correspondence table, a reviewer, or the
autocoder (``offences.iccs_method``: ``source``, ``correspondence``, ``manual``,
``model``). The autocoder flags a coding for review (``needs_review``) when its
calibrated level-2 probability is below the review threshold of its calibration pool,
when it does not reach level 2, or when too few of the text's words are known
(:mod:`crimestats.iccs.autocoder`). Its calibration vouches only for level 2, and the
store keeps the probability of the chosen code's own level, not of its section: so a
flagged coding is sure of *no* level, and the suggested code is a guess.

**Rule.** An offence coded by the model and flagged for review is *pending review*: it
counts with a blank ICCS value at every level (as an uncoded offence does), never under
the suggested code, in ``crimestats stats``, the indicators and every release table.
When a reviewer answers (``crimestats review import``), the answer's code counts. The
statistics metadata gives how many offences in scope are pending review
(:func:`coding_counts`); each table with an ICCS field gives the share of each cell that
comes from offences coded by the model (``model_coded_share``, :data:`MODEL_SHARE`).

Every count reads offences through :func:`counted_offences` (the base table of
:mod:`crimestats.stats.counting`, the indicators) so the rule is written once, here.
"""

from __future__ import annotations

from typing import Any, Final, TypedDict

MODEL: Final = "model"
"""``offences.iccs_method`` of a coding by the autocoder."""

MODEL_SHARE: Final = "model_coded_share"
"""The column of a statistics table with an ICCS field: the share (0 to 1) of the cell's
count that is there through an offence coded by the model (not pending review)."""

MODEL_CODED: Final = "model_coded"
"""The base table's column: the offence counts under a code the model chose."""

PENDING_NOTE: Final = (
    "an offence coded by the autocoder and flagged for review counts with a blank ICCS "
    "value at every level (pending review) until a reviewer answers, never under the "
    "suggested code: the autocoder's calibration vouches for no level of a flagged coding"
)

MODEL_SHARE_NOTE: Final = (
    f"{MODEL_SHARE}: the share of the cell's count that is there through an offence whose "
    "ICCS code the autocoder chose (confidently; pending offences are blank); 0 for a "
    "cell counted from codes of sources, correspondence tables and reviewers only"
)


def is_pending(offences: Any) -> Any:
    """Ibis boolean: the offence's coding is the model's and flagged for review."""
    return (offences.iccs_method == MODEL) & offences.needs_review.fill_null(False)


def pending_sql(alias: str) -> str:
    """SQL boolean of :func:`is_pending` for the offences table aliased ``alias``, for the
    few reads written in SQL (the spatial selections of ``storage``); a test checks both
    forms select the same offences."""
    return f"({alias}.iccs_method = '{MODEL}' AND coalesce({alias}.needs_review, false))"


def counted_code(offences: Any) -> Any:
    """Ibis string: the ICCS code the offence counts under (NULL while pending review)."""
    import ibis

    return ibis.ifelse(is_pending(offences), ibis.null("string"), offences.iccs_code)


def is_model_coded(offences: Any) -> Any:
    """Ibis boolean: the offence counts under a code the model chose (not pending)."""
    return (
        (offences.iccs_method == MODEL)
        & offences.iccs_code.notnull()
        & ~offences.needs_review.fill_null(False)
    ).fill_null(False)


def counted_offences(con: Any, source: str | None = None) -> Any:
    """The ``offences`` table with ``iccs_code`` replaced by the code it counts under,
    and a boolean column :data:`MODEL_CODED` (every other column kept)."""
    offences = con.table("offences")
    if source is not None:
        offences = offences.filter(offences.source == source)
    return offences.mutate(
        iccs_code=counted_code(offences), **{MODEL_CODED: is_model_coded(offences)}
    )


class CodingCounts(TypedDict):
    """Ibis aggregates (integer scalars) over an ``offences`` table, by name."""

    pending_review: Any
    model_coded: Any


def coding_counts(offences: Any) -> CodingCounts:
    """Ibis aggregates over the raw ``offences`` table: pending review, model-coded."""
    return {
        "pending_review": is_pending(offences).cast("int64").sum(),
        "model_coded": is_model_coded(offences).cast("int64").sum(),
    }


def pending_review_count(con: Any, source: str | None = None) -> int:
    """How many offences (of ``source``, or all) are pending review: statistics metadata
    only, never public (it is a count no release table publishes)."""
    offences = con.table("offences")
    if source is not None:
        offences = offences.filter(offences.source == source)
    return int(is_pending(offences).cast("int64").sum().to_pyarrow().as_py() or 0)


def possible_categories(con: Any, length: int) -> dict[str, frozenset[str]]:
    """Per *closed* source, the ICCS categories (codes cut to ``length`` characters) its
    correspondence entries reach; a source not listed can have any category.

    A source is closed when it has correspondence entries (the bundled tables and the
    store's reviewed entries, :mod:`crimestats.iccs.correspondence`) and none of them
    says "no single code" (which sends the category to the autocoder, and so anywhere).
    Its offences then count under a category one of its entries reaches, or blank (an
    unknown national code, a flagged coding, a code shorter than ``length``). Every
    other category is a *structural zero* of that source: CODE's homicide extract
    cannot have a robbery. Read from the entries only, never from the counts: the
    entries are public (package data, and the publisher's own review decisions), so a
    DP table's key set may depend on them; a category the entries reach but no offence
    has is a true zero, not an impossible one.
    """
    from crimestats.iccs.correspondence import load_bundled

    entries = [(e.source, e.iccs_code, e.out_of_scope) for e in load_bundled()]
    stored = con.table("correspondence").select("source", "iccs_code").to_pyarrow().to_pylist()
    entries += [(r["source"], r["iccs_code"], r["iccs_code"] is None) for r in stored]
    codes: dict[str, set[str]] = {}
    delegating: set[str] = set()
    for source, code, out_of_scope in entries:
        reached = codes.setdefault(source, set())
        if code is None and not out_of_scope:
            delegating.add(source)
        elif code is not None and len(code) >= length:
            reached.add(code[:length])
    return {s: frozenset(c) for s, c in codes.items() if s not in delegating}


__all__ = [
    "MODEL_CODED",
    "MODEL_SHARE",
    "MODEL_SHARE_NOTE",
    "PENDING_NOTE",
    "coding_counts",
    "counted_code",
    "counted_offences",
    "is_model_coded",
    "is_pending",
    "pending_review_count",
    "possible_categories",
]
