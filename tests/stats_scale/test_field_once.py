"""A countable field is declared once, in the registry (issue 12, "one field in four places").

The base table of :mod:`crimestats.stats.counting` is derived from the store's columns, so
a field added to :data:`crimestats.stats.fields.FIELDS` reads its column with no edit of
counting.py. Here fields the project does not have (an offence's national label, a
victim's injury, an incident's end of occurrence) are registered in a test only, and each
table is checked against plain SQL on the hand-made store of ``tests/stats``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from tests.stats.conftest import sql

from crimestats.stats import count_table
from crimestats.stats.counting import Unit, count_expr
from crimestats.stats.fields import COUNTABLE_FIELDS, FIELDS, RECORD_UNIT, PeriodBasis, Record
from crimestats.storage.reads import ibis_store

pytest_plugins = ["tests.stats.conftest"]

COUNTING = Path(__file__).resolve().parents[2] / "src" / "crimestats" / "stats" / "counting.py"

NEW_FIELDS = {
    # name: (record, base-table column, plain SQL of the same table)
    "offence_label": (Record.OFFENCE, "national_label",
                      "SELECT national_label, count(*) FROM offences GROUP BY 1"),
    "victim_injury": (Record.VICTIM, "victim_injury",  # victims.injury as victim_<column>
                      "SELECT injury, count(*) FROM victims GROUP BY 1"),
    "occurred_until": (Record.INCIDENT, "occurred_end",
                       "SELECT occurred_end, count(*) FROM incidents GROUP BY 1"),
}  # fmt: skip


def _register(monkeypatch: pytest.MonkeyPatch, name: str, record: Record, column: str) -> None:
    model = FIELDS["weapon"]  # any field: only name, record and expression matter here
    new = dataclasses.replace(
        model, name=name, record=record, expression=lambda t, _: t[column], public=None
    )
    monkeypatch.setitem(FIELDS, name, new)


@pytest.mark.parametrize("name", list(NEW_FIELDS))
def test_a_new_field_counts_without_an_edit_of_counting(
    tiny_db: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    record, column, query = NEW_FIELDS[name]
    assert column not in COUNTING.read_text(encoding="utf-8")  # nothing declares it there
    _register(monkeypatch, name, record, column)
    got = count_table(tiny_db, by=[name], unit=RECORD_UNIT[record]).table
    expected = {(str(v) if v is not None else None, n) for v, n in sql(tiny_db, query)}
    rows = {(str(r[name]) if r[name] is not None else None, r["count"]) for r in got.to_pylist()}
    assert rows == expected


def test_every_registered_field_is_selectable_for_every_unit(tiny_db: Path) -> None:
    """Each field of each record, with each unit (one connection, the count query only):
    where the field's record gives each unit one row, the counts add up to the units."""
    records = {unit: sql(tiny_db, f"SELECT count(*) FROM {unit.value}")[0][0] for unit in Unit}
    with ibis_store(tiny_db) as con:
        for unit, units in records.items():
            for field in COUNTABLE_FIELDS:
                expr = count_expr(con, [field.name], unit, PeriodBasis.REPORTED)
                counts = expr.to_pyarrow().column("count").to_pylist()
                assert counts, (field.name, unit)
                if field.record in (Record.INCIDENT, _own(unit)):  # no repeats of a unit
                    assert sum(counts) == units, (field.name, unit)


def _own(unit: Unit) -> Record | None:
    return {Unit.OFFENCES: Record.OFFENCE, Unit.VICTIMS: Record.VICTIM}.get(unit)
