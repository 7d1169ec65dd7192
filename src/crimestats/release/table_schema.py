"""How a release describes its tables: the Frictionless schema of a table and the
threshold rule's record in ``datapackage.json``.

Why a module of its own: these are the words a reader of a release gets about what a
blank, a margin or a status means, and they are written once here for every table
(the counting and protection live in :mod:`crimestats.release.tables`). What differs by
method (a rounded count, a DP estimate) is asked of the table's protection
(:mod:`crimestats.release.protection`), not tested against the method's name.
"""

from __future__ import annotations

from typing import TypedDict

from crimestats.release.descriptors import FieldDescriptor, TableSchemaDescriptor
from crimestats.release.table_cells import (
    COUNT,
    DATA_MARK,
    NOT_APPLICABLE,
    STATUS,
    STATUSES,
    TOTAL_LABEL,
    reads_as_margin,
)
from crimestats.release.tables import ProtectedRows
from crimestats.stats.fields import ICCS_LENGTH


def table_schema(table: ProtectedRows, *, rounded: bool) -> TableSchemaDescriptor:
    """The Frictionless Table Schema of a threshold or rounding (``rounded``) table
    (fields, primary key, blanks); a DP table's is its protection's
    (:meth:`crimestats.release.protection.Protection.schema`)."""
    fields: list[FieldDescriptor] = []
    for name in table.spec.by:
        description = f"{name}; '{TOTAL_LABEL}' in margin rows; blank = no value"
        description += BLANK_ICCS_FIELD if name in ICCS_LENGTH else ""
        if any(row[name] != TOTAL_LABEL and reads_as_margin(row[name]) for row in table.rows):
            description += (
                f"; a value '{TOTAL_LABEL}' in the data is published as "
                f"'{TOTAL_LABEL}{DATA_MARK}' (and '{TOTAL_LABEL}{DATA_MARK}' with one more "
                f"'{DATA_MARK.strip()}')"
            )
        fields.append({"name": name, "type": "string", "description": description})
    base = table.disclosure.get("base")
    fields.append(
        {
            "name": COUNT,
            "type": "integer",
            "description": f"number of {table.spec.unit}, rounded to a multiple of {base} "
            "(controlled rounding: margins add up); blank when not applicable"
            if rounded
            else f"number of {table.spec.unit}; blank when withheld or not applicable",
            "constraints": {"minimum": 0},
        }
    )
    fields.append(
        {
            "name": STATUS,
            "type": "string",
            "description": "rounded (every count is rounded), or not_applicable"
            if rounded
            else "published, withheld, or not_applicable (a category the source cannot "
            "have: a structural zero, no count)",
            "constraints": {
                "required": True,
                "enum": ["rounded", NOT_APPLICABLE] if rounded else list(STATUSES),
            },
        }
    )
    return {"fields": fields, "primaryKey": list(table.spec.by), "missingValues": [""]}


BLANK_ICCS_FIELD = (
    " (not coded, not a crime, coded only to a shallower level, or pending review: coded "
    "by the autocoder and flagged, so counted under no code until a reviewer answers)"
)
"""Appended to an ICCS field's description: what a blank means, in words (how many
offences are pending review is never published: statistics metadata only)."""

_THRESHOLD_NOTE = "threshold rule with secondary suppression across every margin"
STRUCTURAL_NOTE = (
    "a category a source cannot have (its correspondence entries coded all of its "
    "offences and none reaches the category) is blank with status not_applicable: not a "
    "count, not withheld; known to be zero, it is never used to protect another cell"
)


class ThresholdRule(TypedDict):
    """The threshold rule in words and numbers (``disclosure_control`` of a release)."""

    method: str
    threshold: int
    protection_width: int
    zeros: str
    withheld: str
    structural_zeros: str
    reference: str


def threshold_rule(threshold: int) -> ThresholdRule:
    """The release-level record of the threshold rule (the whole record when every
    table uses it, as in the first releases)."""
    return {
        "method": _THRESHOLD_NOTE,
        "threshold": threshold,
        "protection_width": threshold,
        "zeros": "published",
        "withheld": "blank count, status withheld (primary and secondary alike)",
        "structural_zeros": STRUCTURAL_NOTE,
        "reference": "docs/disclosure-control.md",
    }


__all__ = [
    "BLANK_ICCS_FIELD",
    "STRUCTURAL_NOTE",
    "ThresholdRule",
    "table_schema",
    "threshold_rule",
]
