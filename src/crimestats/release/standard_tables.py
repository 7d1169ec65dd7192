"""The standard tables of a release.

Why a module of its own: the configuration (:mod:`crimestats.release.config`) needs the
standard tables for its default, and the protection code needs the configuration; with
the declarations here, neither imports the other's dependants (no import circle). A
standard table is a :class:`~crimestats.release.config_tables.TableSpec` like any
configured one (threshold rule, the default method).
"""

from __future__ import annotations

from crimestats.release.config_tables import TableSpec

STANDARD_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "incidents_by_source_year",
        "incidents",
        ("source", "year"),
        "Incidents by source and year (reported)",
    ),
    TableSpec(
        "offences_by_source_iccs_l2",
        "offences",
        ("source", "iccs_l2"),
        "Offences by source and ICCS division",
    ),
    TableSpec(
        "victims_by_source_sex_age_group",
        "victims",
        ("source", "victim_sex", "victim_age_group"),
        "Victims by source, sex and age group",
    ),
)
"""The tables every release holds (issue 5, item 1).

No two of them break down one ICCS section by two counting units: incidents and offences
by section bound each other (offences >= incidents in every cell), and where most
incidents have one offence the two tables publish nearly the same numbers under two
suppression patterns, which the cross-unit repair cannot always reconcile
(docs/disclosure-control.md, section 7). So incidents are counted by source and year,
offences by source and ICCS division; a configuration may add more, and the release
audits and warns."""


__all__ = ["STANDARD_TABLES", "TableSpec"]
