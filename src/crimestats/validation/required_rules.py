"""Which rules a mapping may not lower to a warning: those guarding a field the store needs.

A warning loads the row. For most rules that is a choice a source may make (a date in
the future, a coordinate outside the box). But when the rule fails because a required
field has no usable value (a blank ``incident_id``, a ``reported_date`` that is not a
date), loading the row means writing NULL into a NOT NULL column: the ingest used to end
in "internal error (ConstraintException)". Such an override is refused when the mapping
is read, with one message and a fix.

The set is derived, not listed: a rule is *store-required* when its field is a required
field of a flat layout (``FlatField.required``; ``tests/storage/test_model_matches_ddl.py``
ties each to a non-nullable field of the event model, hence a NOT NULL column) and its
check fails exactly when the field has no value of its type (:data:`VALUE_LOST_CHECKS`).
"""

from __future__ import annotations

from functools import cache

from crimestats.domain.flat_layout import LAYOUTS
from crimestats.validation.catalogue import all_rules

VALUE_LOST_CHECKS = frozenset(
    {"required", "date_unparseable", "date_impossible", "enum", "integer", "decimal"}
    | {"positive_integer"}
)
"""Check kinds that fail when the field's typed value is absent (blank or not parseable);
a row loaded despite one holds NULL in that field."""


@cache
def store_required_rules() -> frozenset[str]:
    """Codes of the rules that must stay errors (their warning would load a NULL key)."""
    required = {f.name for layout in LAYOUTS.values() for f in layout if f.required}
    return frozenset(
        rule.code
        for rule in all_rules()
        if rule.field in required and rule.check.kind in VALUE_LOST_CHECKS
    )
