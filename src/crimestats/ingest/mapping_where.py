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
from typing import Annotated, ClassVar

from pydantic import Field, Strict, ValidationInfo, model_validator

from crimestats.config_schema import ConfigValueError, Fix, Schema
from crimestats.ingest.mapping_spec import Column, ColumnRef
from crimestats.ingest.mapping_values import NonBlank, at_problem, sql_checks

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


Values = Annotated[
    tuple[NonBlank, ...],
    Strict(False),
    Field(min_length=1, max_length=MAX_VALUES),
    Fix("write it as [A, B]; more than 1000 values: use matches:"),
]


class ConditionSchema(Schema):
    """One condition of ``where:`` as the file writes it: a column and one test."""

    SHAPE: ClassVar[str] = "{column: Status, in: [A, B]}"
    column: Column | None = None
    in_: Values | None = Field(None, alias="in")
    not_in: Values | None = None
    matches: NonBlank | None = None

    @model_validator(mode="after")
    def _one_test(self, info: ValidationInfo) -> ConditionSchema:
        given = {"in": self.in_, "not_in": self.not_in, "matches": self.matches}
        tests = [t for t in TESTS if given[t] is not None]
        if self.column is None or len(tests) != 1:
            raise ConfigValueError(
                "a condition needs a column and one of in, not_in, matches",
                "write it as {column: Status, in: [A, B]}",
            )
        if self.matches is not None:
            try:
                sql_checks(info).regex(self.matches, capture=False)
            except ConfigValueError as exc:
                raise at_problem(("matches",), exc) from None
        return self

    def row_filter(self) -> RowFilter:
        """The checked :class:`RowFilter`."""
        assert self.column is not None  # _one_test
        if self.matches is not None:
            return RowFilter(self.column, "matches", (self.matches,))
        if self.in_ is not None:
            return RowFilter(self.column, "in", tuple(v.strip() for v in self.in_))
        assert self.not_in is not None
        return RowFilter(self.column, "not_in", tuple(v.strip() for v in self.not_in))


Conditions = Annotated[
    tuple[ConditionSchema, ...],
    Strict(False),
    Field(max_length=MAX_CONDITIONS),
    Fix("write it as [{column: Status, in: [A, B]}]"),
]
"""The ``where:`` list; every condition must hold for a row to be kept."""
