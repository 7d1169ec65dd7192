"""Statistical disclosure control for published tables of counts (issue 5).

A pure library (numpy and scipy only): the threshold rule (primary suppression),
secondary suppression across every margin (an optimal MILP for small tables, the
hypercube heuristic for large ones), an audit of the attacker's feasible intervals, and
controlled rounding; :func:`protect_linked` protects the linked tables of one release
(shared cells, hierarchies, cells carried from a previous release) and audits them
jointly. See docs/disclosure-control.md for the method and its citations.

>>> from crimestats.privacy import protect_table
>>> result = protect_table([[1, 5], [6, 7]])
>>> result.metadata()["audit"]["passed"]
True
"""

from __future__ import annotations

from crimestats.errors import AuditError, SuppressionError
from crimestats.privacy.audit import AuditReport, CellInterval, audit
from crimestats.privacy.cross_repair import protect_across_units
from crimestats.privacy.cross_unit import UnitTable, cross_audit
from crimestats.privacy.hypercube import hypercube_suppression
from crimestats.privacy.joint import Hierarchy, JointSystem, build_joint
from crimestats.privacy.linked import LinkedTable, protect_linked, withheld_cells
from crimestats.privacy.milp import milp_suppression
from crimestats.privacy.protect import ProtectedTable, protect_rows, protect_table
from crimestats.privacy.rounding import DEFAULT_BASE, Rounding, controlled_round
from crimestats.privacy.secondary import (
    MILP_MAX_CELLS,
    MILP_MAX_CELLS_3D,
    Suppression,
    cell_weights,
    objective_value,
    secondary_suppression,
)
from crimestats.privacy.tables import FullTable, with_margins
from crimestats.privacy.threshold import DEFAULT_THRESHOLD, primary_mask

__all__ = [
    "DEFAULT_BASE",
    "DEFAULT_THRESHOLD",
    "MILP_MAX_CELLS",
    "MILP_MAX_CELLS_3D",
    "AuditError",
    "AuditReport",
    "CellInterval",
    "FullTable",
    "Hierarchy",
    "JointSystem",
    "LinkedTable",
    "ProtectedTable",
    "Rounding",
    "Suppression",
    "SuppressionError",
    "UnitTable",
    "audit",
    "build_joint",
    "cell_weights",
    "controlled_round",
    "cross_audit",
    "hypercube_suppression",
    "milp_suppression",
    "objective_value",
    "primary_mask",
    "protect_across_units",
    "protect_linked",
    "protect_rows",
    "protect_table",
    "secondary_suppression",
    "with_margins",
    "withheld_cells",
]
