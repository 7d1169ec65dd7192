"""Threshold, controlled rounding and differential privacy behind one interface.

Why: each way of protecting a table differs in how it protects (threshold tables of
one unit are protected together, rounding one by one, DP tables draw noise against a
budget), how its Parquet file is typed, what the release summary says and what the
report adds. Written as ``if method == "dp"`` in every step, a fourth method meant
edits in six files; here each method is one class of the :class:`Protection` protocol,
chosen once per table through :data:`PROTECTIONS` from the configuration's typed
:class:`~crimestats.release.method.Method`, and the release only asks it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from crimestats.release.method import Method

if TYPE_CHECKING:
    from crimestats.dp import PrivacyLedger
    from crimestats.privacy.history import EarlierCells
    from crimestats.release.config import ReleaseConfig
    from crimestats.release.config_tables import TableSpec
    from crimestats.release.counted_tables import CountedTable
    from crimestats.release.descriptors import TableSchemaDescriptor
    from crimestats.release.dp_files import DpPackageBlock
    from crimestats.release.dp_tables import DpPlan
    from crimestats.release.package import PackageNotes
    from crimestats.release.result import MethodFigures
    from crimestats.release.table_cells import ForcedCells
    from crimestats.release.tables import ProtectedRows


class ReportSection(Protocol):
    """A part of ``report.html``: the page is its sections rendered in order."""

    def html(self) -> str:
        """The section's HTML (escaped)."""
        ...


@dataclass(frozen=True, slots=True)
class HtmlSection:
    """A report section whose HTML is already made (escaped by its maker)."""

    text: str

    def html(self) -> str:
        return self.text


@dataclass(frozen=True)
class ProtectionInputs:
    """What the protections of one release work from: the tables counted once, the
    history of recorded releases, and the DP plans and ledger (empty without DP)."""

    config: ReleaseConfig
    counted: Mapping[str, CountedTable]
    forced: ForcedCells | None
    earlier: Mapping[str, EarlierCells]
    dp_plans: Mapping[str, DpPlan] = dataclasses.field(default_factory=dict)
    ledger: PrivacyLedger | None = None


class Protection(Protocol):
    """One disclosure method."""

    method: Method
    spends_budget: bool
    """Whether it draws noise against the release's privacy budget (run last)."""
    carries_history: bool
    """Whether its withheld and published cells are recorded for the next release to
    protect against (threshold tables: a cell withheld once stays withheld)."""
    estimates: bool
    """Whether its published counts are estimates (noise added), not exact or rounded
    counts: SDMX marks them ``OBS_STATUS`` E."""

    def protect(
        self, tables: Sequence[TableSpec], inputs: ProtectionInputs
    ) -> dict[str, ProtectedRows]:
        """The protected rows of ``tables`` (all of this method), by table name."""
        ...

    def describe(self, table: ProtectedRows) -> MethodFigures:
        """What the publisher's summary adds for ``table`` (never published)."""
        ...

    def summary_line(self, table: ProtectedRows) -> str:
        """One line for the publisher about ``table`` (``crimestats release``; private)."""
        ...

    def write_parquet(self, table: ProtectedRows, path: Path) -> None:
        """Write ``table`` as Parquet, typed for this method."""
        ...

    def report_section(
        self, tables: Sequence[ProtectedRows], privacy: DpPackageBlock | None
    ) -> ReportSection | None:
        """A section of ``report.html`` about the tables of this method, if any."""
        ...

    def schema(self, table: ProtectedRows) -> TableSchemaDescriptor:
        """The Frictionless Table Schema of ``table``'s CSV file."""
        ...

    def package_notes(self) -> PackageNotes:
        """What ``datapackage.json`` adds about every table of this method."""
        ...

    def summary_entry(self, tables: Sequence[ProtectedRows], threshold: int) -> tuple[str, Any]:
        """The key and value this method adds to the release-level disclosure record
        when a release mixes methods (:func:`crimestats.release.package.
        disclosure_summary`)."""
        ...


class _Exact:
    """What threshold and rounding tables share: plain Parquet, no extra section."""

    rounded: bool = False
    estimates: bool = False

    def describe(self, table: ProtectedRows) -> MethodFigures:
        return {}

    def write_parquet(self, table: ProtectedRows, path: Path) -> None:
        from crimestats.release.files import write_parquet

        write_parquet(table, path)

    def report_section(
        self, tables: Sequence[ProtectedRows], privacy: DpPackageBlock | None
    ) -> ReportSection | None:
        return None  # the page's own method paragraph covers them

    def schema(self, table: ProtectedRows) -> TableSchemaDescriptor:
        from crimestats.release.table_schema import table_schema

        return table_schema(table, rounded=self.rounded)

    def package_notes(self) -> PackageNotes:
        return {}


class ThresholdProtection(_Exact):
    """Threshold rule and secondary suppression: tables of one unit together, against
    what earlier releases published, then audited across units
    (:func:`crimestats.release.threshold_tables.protect_threshold_tables`)."""

    method: Method = Method.THRESHOLD
    spends_budget: bool = False
    carries_history: bool = True

    def summary_entry(self, tables: Sequence[ProtectedRows], threshold: int) -> tuple[str, Any]:
        from crimestats.release.table_schema import threshold_rule

        return "threshold_rule", threshold_rule(threshold)

    def summary_line(self, table: ProtectedRows) -> str:
        return (
            f"{table.spec.name}: {len(table.rows)} rows, {table.by_rule.primary} primary and "
            f"{table.by_rule.secondary} secondary cells withheld"
        )

    def protect(
        self, tables: Sequence[TableSpec], inputs: ProtectionInputs
    ) -> dict[str, ProtectedRows]:
        from crimestats.release.tables import notes_without_withheld_total, public_disclosure
        from crimestats.release.threshold_tables import protect_threshold_tables

        linked = {t.name: inputs.counted[t.name] for t in tables}
        protected = protect_threshold_tables(
            linked,
            threshold=inputs.config.threshold,
            forced=inputs.forced,
            earlier=inputs.earlier,
        )
        return {
            name: dataclasses.replace(
                table,
                disclosure=public_disclosure(table.disclosure),
                notes=notes_without_withheld_total(table),
            )
            for name, table in protected.items()
        }


class RoundingProtection(_Exact):
    """Controlled rounding of each table to its base
    (:func:`crimestats.release.tables.rounded_table`)."""

    method: Method = Method.ROUNDING
    spends_budget: bool = False
    carries_history: bool = False
    rounded: bool = True

    def summary_entry(self, tables: Sequence[ProtectedRows], threshold: int) -> tuple[str, Any]:
        return "controlled_rounding", {
            "method": "controlled rounding of every cell and margin to a multiple of the base",
            "bases": {t.spec.name: t.disclosure.get("base") for t in tables},
            "additive": "margins equal the sums of the rounded cells",
            "reference": "docs/disclosure-control.md",
        }

    def summary_line(self, table: ProtectedRows) -> str:
        return f"{table.spec.name}: {len(table.rows)} rows, controlled rounding"

    def protect(
        self, tables: Sequence[TableSpec], inputs: ProtectionInputs
    ) -> dict[str, ProtectedRows]:
        from crimestats.privacy import DEFAULT_BASE
        from crimestats.release.tables import rounded_table

        return {
            t.name: rounded_table(inputs.counted[t.name], base=t.base or DEFAULT_BASE)
            for t in tables
        }


class DpProtection:
    """Differential privacy: each planned table noised with its share of the budget,
    charged to the release's ledger before its draw (:mod:`crimestats.release.dp_tables`)."""

    method: Method = Method.DP
    spends_budget: bool = True
    carries_history: bool = False
    estimates: bool = True

    def summary_entry(self, tables: Sequence[ProtectedRows], threshold: int) -> tuple[str, Any]:
        return "differential_privacy", "see crimestats.differential_privacy"

    def protect(
        self, tables: Sequence[TableSpec], inputs: ProtectionInputs
    ) -> dict[str, ProtectedRows]:
        from crimestats.release.dp_release import release_dp_table

        dp = inputs.config.dp
        if dp is None or not tables:
            return {}
        shares = inputs.config.epsilon_shares()
        return {
            t.name: release_dp_table(
                inputs.dp_plans[t.name],
                epsilon=shares[t.name],
                privacy_unit=dp.privacy_unit,
                alpha=dp.alpha,
                ledger=inputs.ledger,
            )
            for t in tables
        }

    def describe(self, table: ProtectedRows) -> MethodFigures:
        return {"epsilon": float(table.disclosure["epsilon"])}

    def summary_line(self, table: ProtectedRows) -> str:
        epsilon = float(table.disclosure["epsilon"])
        return (
            f"{table.spec.name}: {len(table.rows)} rows, differential privacy "
            f"(epsilon {epsilon:.4g})"
        )

    def write_parquet(self, table: ProtectedRows, path: Path) -> None:
        from crimestats.release.dp_files import write_dp_parquet

        write_dp_parquet(table, path)

    def report_section(
        self, tables: Sequence[ProtectedRows], privacy: DpPackageBlock | None
    ) -> ReportSection | None:
        from crimestats.release.dp_files import dp_report_section

        if privacy is None or not tables:
            return None
        return HtmlSection(dp_report_section(list(tables), privacy))

    def schema(self, table: ProtectedRows) -> TableSchemaDescriptor:
        from crimestats.release.dp_files import dp_schema_fields

        fields = dp_schema_fields(table)
        return {"fields": fields, "primaryKey": list(table.spec.by), "missingValues": [""]}

    def package_notes(self) -> PackageNotes:
        return {"reproducible": False}  # OpenDP's noise cannot be seeded


PROTECTIONS: Final[Mapping[Method, Protection]] = {
    Method.THRESHOLD: ThresholdProtection(),
    Method.ROUNDING: RoundingProtection(),
    Method.DP: DpProtection(),
}
"""Each method's protection; the one place a :class:`Method` becomes behaviour."""


def protection_of(method: Method) -> Protection:
    """The protection of a table's configured method."""
    return PROTECTIONS[method]


__all__ = [
    "PROTECTIONS",
    "DpProtection",
    "HtmlSection",
    "Protection",
    "ProtectionInputs",
    "ReportSection",
    "RoundingProtection",
    "ThresholdProtection",
    "protection_of",
]
