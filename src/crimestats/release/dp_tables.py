"""Differentially private release tables: bounded counts over a full public key set.

Why each step:

* **Public key set.** A DP table releases every combination of the *public* values of
  its fields, zeros included, never only the combinations that occur (their existence
  is not protected by the noise; DESIGN.md section 6). What is treated as public:
  the ICCS v1.0 categories of a level (package data), the enumerations of the data
  model (sexes, relationships, weapons, true/false/unknown), the UNODC age groups, the
  years of the period declared in the configuration (``dp.years``) and the sources
  named in the store's ``ingests`` table (chosen by the publisher, and named in every
  release's lineage). A blank (no value) is one more category where a field can be
  empty. Fields with no public list (``area``, ``location_type``) are refused.
* **Contribution bound.** The L1 sensitivity must not depend on the data, so each
  privacy unit (an incident with everything recorded on it; or one victim record) is
  counted in at most ``contributions`` interior cells, each by one: its distinct
  (unit, cell) rows are ordered by the unit's key and then the cell's values, and only
  the first ``contributions`` are kept. The rule looks at one privacy unit only, so
  adding or removing a unit changes at most ``contributions`` cells by one each
  (sensitivity = ``contributions``). With ``contributions: 1`` an incident with
  offences in several ICCS sections counts once, in its lowest-coded category (ICCS
  sections run roughly from the most to the least serious, so this is close to a
  principal-offence rule); a victims table counts at most one victim per incident.
* **Release.** :func:`crimestats.dp.release_table`: OpenDP's discrete Laplace on the
  interior, clamped at zero, margins summed from the released interior (consistent,
  free of privacy cost), charged to the release's :class:`~crimestats.dp.PrivacyLedger`
  before any noise is drawn.

Nothing data-dependent but the noisy counts is published: no exact count in the notes,
not how many rows the bound dropped.

This module plans (the public key set, the bounded counts, :class:`DpPlan`): every
check that can refuse a DP table runs here, before any noise. The public lists are
:mod:`crimestats.release.dp_public`, the release step (the noise) is
:mod:`crimestats.release.dp_release`; their names are re-exported here.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from crimestats.errors import UsageError
from crimestats.release.dp_public import PUBLIC_FIELDS, accuracy_columns, public_domain
from crimestats.release.dp_release import dp_notes, release_dp_table
from crimestats.release.table_cells import (
    data_label,
)

if TYPE_CHECKING:
    from crimestats.release.config_tables import TableSpec


MAX_CELLS: Final = 2_000_000
"""The largest interior a DP table may have (a larger one is refused, not truncated)."""


def bounded_counts(
    db: str | os.PathLike[str],
    table: TableSpec,
    *,
    privacy_unit: str,
    years: tuple[int, int] | None,
) -> dict[tuple[str | None, ...], int]:
    """:func:`bounded_counts_on` over a connection of its own to the store ``db``."""
    from crimestats.storage.reads import ibis_store

    with ibis_store(db) as con:
        return bounded_counts_on(con, table, privacy_unit=privacy_unit, years=years)


def bounded_counts_on(
    con: Any,
    table: TableSpec,
    *,
    privacy_unit: str,
    years: tuple[int, int] | None,
) -> dict[tuple[str | None, ...], int]:
    """True counts of ``table`` with each privacy unit in at most ``contributions`` cells,
    on the open Ibis backend ``con`` (a release counts all its tables on one).

    Keys are tuples of field values as text (``None`` for blank). These are the true
    (bounded) counts: they go to the mechanism and nowhere else.
    """
    import ibis

    from crimestats.stats.counting import UNIT_KEY, Unit, base_table
    from crimestats.stats.fields import PeriodBasis, field_expressions

    unit = Unit(table.unit)
    if privacy_unit == "victim" and unit is not Unit.VICTIMS:
        raise UsageError(
            f"DP table {table.name}: privacy unit victim needs a table of victims",
            hint="use unit: victims, or privacy_unit: incident",
        )
    by = list(table.by)
    bound = table.contributions or 1
    t = base_table(con, by, unit)
    if years is not None:
        year = t.reported_date.cast("date").year()
        t = t.filter((year >= years[0]) & (year <= years[1]))
    exprs = field_expressions(t, PeriodBasis.REPORTED)
    keys = {f"_key_{k}": t[k] for k in UNIT_KEY[unit]}
    keyed = t.select(**keys, **{name: exprs[name]() for name in by}).distinct()
    owner = ["_key_source", "_key_incident_id"]
    if privacy_unit == "victim":
        owner.append("_key_victim_seq")
    order = [keyed[c] for c in (*keys, *by)]
    rank = ibis.row_number().over(group_by=[keyed[c] for c in owner], order_by=order)
    ranked = keyed.mutate(_rank=rank)
    kept = ranked.filter(ranked._rank < bound)
    rows = kept.group_by(by).aggregate(_n=kept.count()).to_pyarrow().to_pylist()
    return {
        tuple(data_label(None if r[name] is None else str(r[name])) for name in by): int(r["_n"])
        for r in rows
    }


@dataclass(frozen=True)
class DpPlan:
    """A DP table counted and checked, ready to release (holds true counts: never publish).

    ``structural`` holds the interior keys where a source meets an ICCS category it
    cannot have (:func:`structural_keys`): public, so no noise is drawn for them.
    """

    table: TableSpec
    axes: list[list[str | None]]
    counts: dict[tuple[str | None, ...], int]
    structural: frozenset[tuple[str | None, ...]] = frozenset()


def structural_keys(
    con: Any, by: tuple[str, ...], axes: list[list[str | None]]
) -> frozenset[tuple[str | None, ...]]:
    """Interior keys of the public key set in which a closed source meets an ICCS
    category it cannot have (:mod:`crimestats.stats.structural`: read from the
    correspondence entries, never from the counts, so the key set stays public)."""
    import itertools

    from crimestats.stats.structural import SourceCategories

    categories = SourceCategories.of_table(con, by)
    if not categories.closed():
        return frozenset()
    return frozenset(
        key
        for key in itertools.product(*axes)
        if categories.impossible(dict(zip(by, key, strict=True)))
    )


def plan_dp_table(
    db: str | os.PathLike[str],
    table: TableSpec,
    *,
    privacy_unit: str,
    years: tuple[int, int] | None,
    sources: list[str],
) -> DpPlan:
    """:func:`plan_dp_on` over a connection of its own to the store ``db``."""
    from crimestats.storage.reads import ibis_store

    with ibis_store(db) as con:
        return plan_dp_on(con, table, privacy_unit=privacy_unit, years=years, sources=sources)


def plan_dp_on(
    con: Any,
    table: TableSpec,
    *,
    privacy_unit: str,
    years: tuple[int, int] | None,
    sources: list[str],
) -> DpPlan:
    """Count ``table`` (bounded) on the open Ibis backend ``con`` and check every counted
    value is in the public key set."""
    axes = [public_domain(f, unit=table.unit, years=years, sources=sources) for f in table.by]
    cells = math.prod(len(a) for a in axes)
    if cells > MAX_CELLS:
        raise UsageError(
            f"DP table {table.name} has {cells:,} public cells, more than {MAX_CELLS:,}",
            hint="use coarser fields (e.g. iccs_l1, year) or fewer of them",
        )
    counts = bounded_counts_on(con, table, privacy_unit=privacy_unit, years=years)
    for d, name in enumerate(table.by):
        public = set(axes[d])
        outside = sorted({str(k[d]) for k in counts if k[d] not in public})
        if outside:
            raise UsageError(
                f"DP table {table.name}: the store has {name} values outside the public "
                f"list, e.g. {', '.join(outside[:5])}",
                hint="DP tables release only public categories: check the ICCS codes, "
                "enumerations and sources of the store",
            )
    structural = structural_keys(con, table.by, axes)
    inside = sorted({str(k) for k, n in counts.items() if n and k in structural})
    if inside:
        raise UsageError(
            f"DP table {table.name}: the store counts offences in a category their source's "
            f"correspondence entries never reach, e.g. {inside[0]}",
            hint="review those offences' codes (crimestats review export/import) or add "
            "their national codes to the correspondence table: a DP table publishes such "
            "a cell as not applicable",
        )
    return DpPlan(table, axes, counts, structural)


__all__ = [
    "MAX_CELLS",
    "PUBLIC_FIELDS",
    "DpPlan",
    "accuracy_columns",
    "bounded_counts",
    "bounded_counts_on",
    "dp_notes",
    "plan_dp_on",
    "plan_dp_table",
    "public_domain",
    "release_dp_table",
]
