"""How a differentially private table is published: its Parquet file, its schema, the
release-level DP record of ``datapackage.json`` and its section of ``report.html``.

Why a module of its own: :mod:`crimestats.release.dp_tables` makes the noisy counts
(public key set, contribution bound, OpenDP); this module only writes them down, with
the words a reader needs to use a noisy count (its accuracy interval, what was treated
as public, what the budget covers). The release reaches both through
:class:`crimestats.release.protection.DpProtection`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from crimestats.release.descriptors import FieldDescriptor
from crimestats.release.table_cells import COUNT, NOT_APPLICABLE, STATUS, TOTAL_LABEL
from crimestats.release.table_schema import BLANK_ICCS_FIELD
from crimestats.release.tables import ProtectedRows
from crimestats.stats.fields import ICCS_LENGTH

if TYPE_CHECKING:
    from crimestats.dp import PrivacyLedger
    from crimestats.release.config import ReleaseConfig


def write_dp_parquet(table: ProtectedRows, path: Path) -> None:
    """A DP table as Parquet with typed columns, written with fixed options."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def kind(name: str) -> Any:
        if name.startswith("accuracy_"):
            return pa.float64()
        if name == COUNT or name.startswith(("lower_", "upper_")):
            return pa.int64()
        return pa.string()

    schema = pa.schema([pa.field(name, kind(name)) for name in table.columns])
    columns = {name: [row[name] for row in table.rows] for name in table.columns}
    pq.write_table(
        pa.table(columns, schema=schema),
        str(path),
        compression="zstd",
        use_dictionary=False,
        write_statistics=False,
        store_schema=False,
    )


def dp_schema_fields(table: ProtectedRows) -> list[FieldDescriptor]:
    """Frictionless field descriptors of a DP table's columns."""
    fields: list[FieldDescriptor] = [
        {
            "name": n,
            "type": "string",
            "description": f"{n}; '{TOTAL_LABEL}' in margin rows; blank = no value"
            + (BLANK_ICCS_FIELD if n in ICCS_LENGTH else ""),
        }
        for n in table.spec.by
    ]
    acc, low, high = _interval_columns(table.columns)
    fields += [
        {
            "name": COUNT,
            "type": "integer",
            "description": f"number of {table.spec.unit}, with differentially private noise; "
            "never negative; margins are sums of the interior cells"
            + ("; blank when not applicable" if STATUS in table.columns else ""),
            "constraints": {"required": STATUS not in table.columns, "minimum": 0},
        },
        {"name": acc, "type": "number", "description": "half-width of the accuracy interval"},
        {"name": low, "type": "integer", "description": "lower end of the accuracy interval"},
        {"name": high, "type": "integer", "description": "upper end of the accuracy interval"},
    ]
    if STATUS in table.columns:
        fields.append(
            {
                "name": STATUS,
                "type": "string",
                "description": "published (a noisy count), or not_applicable (a category "
                "the source cannot have: no count)",
                "constraints": {"required": True, "enum": ["published", NOT_APPLICABLE]},
            }
        )
    return fields


def _interval_columns(columns: list[str]) -> tuple[str, str, str]:
    """The accuracy, lower and upper columns of a DP table (their suffix follows alpha)."""
    acc = next(c for c in columns if c.startswith("accuracy_"))
    low = next(c for c in columns if c.startswith("lower_"))
    high = next(c for c in columns if c.startswith("upper_"))
    return acc, low, high


class DpPackageBlock(TypedDict):
    """``differential_privacy`` in ``datapackage.json``: the mechanism, the budget and how
    it was split, what was treated as public and what the guarantee does not cover."""

    mechanism: str
    library: str
    privacy_unit: str
    privacy_unit_definition: str
    epsilon_total: float
    epsilon_spent: float
    budget_split: str
    epsilon_by_table: dict[str, float]
    epsilon_requested_by_table: dict[str, float]
    composition: str
    alpha: float
    accuracy: str
    period: list[int] | None
    public_key_set: str
    treated_as_public: dict[str, str]
    contribution_bound: str
    not_covered: list[str]
    lineage_note: str
    reproducible: bool
    reproducibility_note: str
    ledger: dict[str, Any]
    reference: str


def dp_package_block(
    config: ReleaseConfig, ledger: PrivacyLedger, tables: list[ProtectedRows]
) -> DpPackageBlock:
    """The release-level record of differential privacy, for ``datapackage.json``."""
    from crimestats.dp import MECHANISM

    assert config.dp is not None
    dp = config.dp
    shares = config.epsilon_shares()
    explicit = [t.name for t in config.dp_tables if t.epsilon is not None]
    split = "equal shares of dp.epsilon over the DP tables"
    if explicit:
        split = (
            f"tables {', '.join(explicit)} take their own epsilon; the others share what "
            "is left equally"
        )
    unit_text = {
        "incident": "one incident with all its offences, victims and suspects",
        "victim": "one victim record (a victim of one incident; the store links no "
        "person's victimisations across incidents, so a person victimised in k "
        "incidents is protected with k times the epsilon)",
    }[dp.privacy_unit]
    return {
        "mechanism": MECHANISM,
        "library": "OpenDP (opendp.measurements.make_laplace)",
        "privacy_unit": dp.privacy_unit,
        "privacy_unit_definition": unit_text,
        "epsilon_total": dp.epsilon,
        "epsilon_spent": ledger.spent,
        "budget_split": split + " (shares rounded down, so they never add up to more)",
        "epsilon_by_table": {t.spec.name: t.disclosure["epsilon"] for t in tables},
        "epsilon_requested_by_table": shares,
        "composition": "sequential: the epsilons of the DP tables add up "
        "(Dwork & Roth 2014, Theorem 3.14)",
        "alpha": dp.alpha,
        "accuracy": f"each count has a {100 * (1 - dp.alpha):g}% interval for the noise "
        "(accuracy, lower and upper columns); margins use a conservative bound",
        "period": None if dp.years is None else list(dp.years),
        "public_key_set": "every combination of the public values of the table's fields, "
        "zero cells included",
        "treated_as_public": {
            "iccs": "the categories of ICCS v1.0 at each level (package data)",
            "enumerations": "sexes, relationships, weapons, true/false/unknown, age groups",
            "years": "the declared period dp.years (quarters and months within it)",
            "sources": "the sources named in the store's ingests",
            "blank": "a blank value where a field can be empty",
            "correspondence": "which ICCS categories each source's correspondence entries "
            "reach (bundled tables, reviewed entries): a category a closed source cannot "
            "have is published as not_applicable, without noise",
        },
        "contribution_bound": "each privacy unit counts in at most 'contributions' "
        "interior cells of a table, by one each (the L1 sensitivity)",
        "not_covered": [
            "tables of this release protected by the threshold rule or rounding "
            "(exact aggregates, outside the privacy budget)",
            "other releases of the same data: their spends add up (store table "
            "privacy_ledger; crimestats privacy-ledger)",
        ],
        "lineage_note": "file checksums, sizes and row counts are exact functions of the "
        "data, so releases with DP tables leave them out of the lineage (the store keeps "
        "them)",
        "reproducible": False,
        "reproducibility_note": "OpenDP's sampler cannot be seeded: DP tables (their CSV "
        "and Parquet files), report.html and the manifest differ between builds; every "
        "other file is byte-identical. To republish, reuse the released values, never "
        "redraw.",
        "ledger": ledger.to_dict(),
        "reference": "docs/differential-privacy.md",
    }


def dp_report_section(tables: list[ProtectedRows], block: DpPackageBlock) -> str:
    """An HTML section saying how the DP tables were made (inserted into report.html)."""
    import html

    esc = html.escape
    names = ", ".join(f"<code>{esc(t.spec.name)}</code>" for t in tables)
    acc = _interval_columns(tables[0].columns)
    per_table = "; ".join(
        f"{esc(t.spec.name)}: epsilon {t.disclosure['epsilon']:.4g}" for t in tables
    )
    return "\n".join(
        [
            "<h2>Differentially private tables</h2>",
            f"<p>{names} were released with differential privacy, not the threshold rule: "
            "no count is withheld, and every count carries random noise from OpenDP's "
            "discrete Laplace mechanism, so no single "
            f"{esc(str(block['privacy_unit']))} can be detected in them. Every combination "
            "of the public categories is listed, zeros included; negative noisy counts "
            "are shown as 0, and totals are the sums of the rows they total.</p>",
            f"<p>Privacy unit: {esc(str(block['privacy_unit_definition']))}. Budget: "
            f"epsilon {block['epsilon_total']:g} for the release ({per_table}).</p>",
            f"<p><code>{esc(acc[0])}</code> is the half-width of the "
            f"{1 - float(block['alpha']):.0%} accuracy interval for the noise; "
            f"<code>{esc(acc[1])}</code> and <code>{esc(acc[2])}</code> are its ends. Small "
            "counts are not precise: a released 2 may be a true 0 or a true 5. These tables "
            "differ each time a release is built (the noise cannot be seeded).</p>",
        ]
    )


__all__ = [
    "DpPackageBlock",
    "dp_package_block",
    "dp_report_section",
    "dp_schema_fields",
    "write_dp_parquet",
]
