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
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from crimestats.errors import UsageError
from crimestats.release.method import Method
from crimestats.release.public_notes import PublicNotes
from crimestats.release.table_cells import (
    COUNT,
    NOT_APPLICABLE,
    STATUS,
    TOTAL_LABEL,
    data_label,
    row_sort_key,
)
from crimestats.release.tables import ProtectedRows

if TYPE_CHECKING:
    from crimestats.dp import PrivacyLedger
    from crimestats.release.config_tables import TableSpec


class _PublicFields(Mapping[str, str]):
    """The registered fields with a public list, and what each list is: read from the
    registry (:data:`crimestats.stats.fields.FIELDS`) at every use, never copied."""

    def _described(self) -> dict[str, str]:
        from crimestats.stats.fields import FIELDS

        return {n: f.public.description for n, f in FIELDS.items() if f.public is not None}

    def __getitem__(self, name: str) -> str:
        return self._described()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._described())

    def __len__(self) -> int:
        return len(self._described())


PUBLIC_FIELDS: Final[Mapping[str, str]] = _PublicFields()
"""Fields a DP table may use, and where their public list of values comes from."""

MAX_CELLS: Final = 2_000_000
"""The largest interior a DP table may have (a larger one is refused, not truncated)."""

_MARGIN: Final = "_T"  # crimestats.dp.TOTAL, without importing the package at import time


def accuracy_columns(alpha: float) -> tuple[str, str, str]:
    """Column names of the half-width and interval, e.g. ``accuracy_95`` for alpha 0.05."""
    level = f"{round(100 * (1 - alpha), 6):g}".replace(".", "_")
    return f"accuracy_{level}", f"lower_{level}", f"upper_{level}"


def _nullable(name: str, unit: str) -> bool:
    """Whether a table of ``unit`` can leave ``name`` blank (the registry says)."""
    from crimestats.stats.fields import FIELDS

    return FIELDS[name].can_be_blank(unit)


def public_domain(
    name: str, *, unit: str, years: tuple[int, int] | None, sources: list[str]
) -> list[str | None]:
    """The public values of a field, in order, with ``None`` (blank) where it can be empty."""
    from crimestats.stats.fields import FIELDS, DomainInputs

    field = FIELDS.get(name)
    if field is None or field.public is None:
        raise UsageError(
            f"field {name!r} has no public list of values",
            hint=f"DP tables take fields from: {', '.join(PUBLIC_FIELDS)}",
        )
    # a value "Total" is published as "Total (value)", as in threshold tables (finding D)
    values = [str(data_label(v)) for v in field.public.values(DomainInputs(years, tuple(sources)))]
    clash = [v for v in values if v in (TOTAL_LABEL, _MARGIN)]
    if clash:
        raise UsageError(
            f"{name} has the value {clash[0]!r}, which marks totals in a release",
            hint="rename that source or category before releasing",
        )
    return [*values, None] if _nullable(name, unit) else list(values)


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


def _label(value: Any) -> str | None:
    if value == _MARGIN:
        return TOTAL_LABEL
    return None if value is None else str(value)


def release_dp_table(
    plan: DpPlan,
    *,
    epsilon: float,
    privacy_unit: str,
    alpha: float,
    ledger: PrivacyLedger | None,
) -> ProtectedRows:
    """Release a planned table with OpenDP; rows with count and the accuracy interval.

    Every public key appears (zeros too); counts are >= 0; margins are the sums of the
    released interior. ``accuracy_95`` is the half-width rounded up to 2 decimals;
    ``lower_95``/``upper_95`` the integers within it of the count (never below 0).
    """
    from crimestats.dp import release_table

    table = plan.table
    sensitivity = table.contributions or 1
    released = release_table(
        plan.counts,
        plan.axes,
        epsilon=epsilon,
        privacy_unit=privacy_unit,
        sensitivity=sensitivity,
        alpha=alpha,
        ledger=ledger,
        table_name=table.name,
    )
    acc, low, high = accuracy_columns(alpha)
    cells = _without_structural(released, plan.axes, plan.structural)
    rows: list[dict[str, Any]] = []
    for key, cell in cells.items():
        row: dict[str, Any] = {name: _label(v) for name, v in zip(table.by, key, strict=True)}
        if key in plan.structural:  # a known zero: no count, no interval
            rows.append({**row, COUNT: None, acc: None, low: None, high: None,
                         STATUS: NOT_APPLICABLE})  # fmt: skip
            continue
        half = math.ceil(cell.accuracy * 100) / 100
        row[COUNT] = int(cell.value)
        row[acc] = half
        row[low] = max(0, math.ceil(cell.value - half))
        row[high] = math.floor(cell.value + half)
        row[STATUS] = "published"  # a column only beside structural zeros
        rows.append(row)
    rows.sort(key=lambda r: row_sort_key(r, table.by))
    disclosure = released.metadata()
    disclosure.update(
        {
            "method": "differential privacy",
            "epsilon_requested": epsilon,
            "contribution_bound": {
                "contributions": sensitivity,
                "rule": f"each {privacy_unit} counted in at most {sensitivity} interior "
                "cell(s), by one each; its first rows by unit key then cell values are kept",
            },
            "public_key_set": {f: PUBLIC_FIELDS[f] for f in table.by},
            "blank_category": "a blank value is a public category where the field can be empty",
            "interior_cells": len(released.interior.cells),
            "margin_label": TOTAL_LABEL,
            "accuracy_columns": {
                acc: f"half-width a: the true count is within a of count with probability "
                f">= {1 - alpha:g} (noise only)",
                low: "smallest whole number within the half-width, at least 0",
                high: "largest whole number within the half-width",
            },
        }
    )
    if plan.structural:
        disclosure["structural_zeros"] = (
            "a category the source cannot have (its correspondence entries never reach it) "
            "is blank with status not_applicable: no noise is drawn for it, and margins are "
            "sums of the other cells"
        )
    columns = [*table.by, COUNT, acc, low, high, *([STATUS] if plan.structural else [])]
    notes = dp_notes(table, privacy_unit=privacy_unit)
    return ProtectedRows(table, columns, rows, disclosure, notes, method=Method.DP)


def _without_structural(
    released: Any, axes: list[list[str | None]], structural: frozenset[tuple[str | None, ...]]
) -> dict[tuple[Any, ...], Any]:
    """The released cells with every structural interior cell at 0 and the margins
    summed again (post-processing of public keys: no privacy cost)."""
    if not structural:
        return dict(released.cells)
    from crimestats.dp.mechanism import sum_accuracy
    from crimestats.dp.release import ReleasedCell
    from crimestats.dp.tables import derive_margins

    interior = released.interior
    cells = {
        key: ReleasedCell(0, 0.0) if key in structural else cell
        for key, cell in interior.cells.items()
    }
    margins = derive_margins(
        cells, axes, accuracy_of_sum=lambda m: sum_accuracy(interior.scale, m, interior.alpha)
    )
    return {**cells, **margins}


def dp_notes(table: TableSpec, *, privacy_unit: str) -> PublicNotes:
    """What a DP table counts, in words; no count at all (exact counts are not DP)."""
    from crimestats.stats.counting import Unit
    from crimestats.stats.engine import UNIT_DEFINITIONS

    k = table.contributions or 1
    return PublicNotes(
        unit=table.unit,
        unit_definition=UNIT_DEFINITIONS[Unit(table.unit)],
        by=tuple(table.by),
        counting_rule=f"each {privacy_unit} is counted in at most {k} interior cell(s) "
        "(contribution bound); its further rows are not counted, so totals can be lower "
        "than in an unprotected table",
        period_basis="reported",
        blank_cells="a blank field value means no value (not coded that deep, no victim)",
        counts_in_notes="none: a DP table publishes no exact count, not even in its notes",
    )


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
