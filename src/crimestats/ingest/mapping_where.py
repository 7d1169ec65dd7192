"""Row filters of a mapping (``where:``): which source rows the mapping is about.

A real export mixes what a statistics office counts with what it does not (a second
record type, a test region, cancelled reports). ``where:`` keeps the rows whose source
values pass every condition. A filtered-out row never vanishes: it is quarantined with
the rule code ``filtered-by-mapping`` (its raw text kept, like any other quarantined
row), so that rows read = accepted + quarantined + duplicates still holds and the
reconciliation shows how many rows the mapping set aside. A separate "filtered" count
would need a new column in the store's ``ingests`` table and in every reconciliation
output; quarantine with its own code says the same thing with what exists. The code
is always an error (a ``severity:`` entry for it is refused: as a warning, the filter
would load the rows it filters).

Each condition reads one column's trimmed text; a blank value is outside ``in``, inside
``not_in`` and matches no pattern::

    where:
      - {column: Status, in: [AA, IC]}
      - {column: {index: 2}, not_in: [TEST]}
      - {column: Area, matches: '^[0-9]+$'}
"""

from __future__ import annotations

from dataclasses import dataclass

from crimestats.ingest.mapping_spec import ColumnRef, column_ref
from crimestats.ingest.mapping_values import SqlChecks, Where, known_keys, mapping, sequence, text

FILTERED_RULE = "filtered-by-mapping"
"""The rule code of a row the filter sets aside (``validation.catalogue``)."""
TESTS = ("in", "not_in", "matches")
MAX_CONDITIONS = 50
MAX_VALUES = 1000


@dataclass(frozen=True, slots=True)
class RowFilter:
    """One condition on a source column: ``test`` is one of :data:`TESTS`."""

    column: ColumnRef
    test: str
    values: tuple[str, ...]


def parse_where(where: Where, raw: object, checks: SqlChecks) -> tuple[RowFilter, ...]:
    """Read the ``where:`` list; every condition must hold for a row to be kept."""
    shape = "[{column: Status, in: [A, B]}]"
    items = sequence(where, raw, shape)
    if len(items) > MAX_CONDITIONS:
        raise where.error(f"more than {MAX_CONDITIONS} conditions", "combine them")
    out: list[RowFilter] = []
    for i, item in enumerate(items):
        at = where.at(i)
        cond = mapping(at, item, shape)
        known_keys(at, cond, ("column", *TESTS))
        tests = [t for t in TESTS if t in cond]
        if "column" not in cond or len(tests) != 1:
            raise at.error(
                "a condition needs a column and one of in, not_in, matches",
                "write it as {column: Status, in: [A, B]}",
            )
        test = tests[0]
        column = column_ref(at.at("column"), cond["column"])
        if test == "matches":
            pattern = text(at.at(test), cond[test], blank=False)
            values: tuple[str, ...] = (checks.regex(at.at(test), pattern, capture=False),)
        else:
            listed = sequence(at.at(test), cond[test], "[A, B]", empty=False)
            if len(listed) > MAX_VALUES:
                raise at.at(test).error(f"more than {MAX_VALUES} values", "use matches:")
            values = tuple(
                text(at.at(test).at(j), v, blank=False).strip() for j, v in enumerate(listed)
            )
        out.append(RowFilter(column, test, values))
    return tuple(out)
