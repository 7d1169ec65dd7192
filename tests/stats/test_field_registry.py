"""One countable field, one declaration: the registry :data:`crimestats.stats.fields.FIELDS`.

Three promises (issue 12, "one field in four places"):

* every registered field counts on a small store, each record once (checked against plain
  SQL row counts of its own record);
* DP public domains, blank rules and SDMX concepts/codelists are read from the registry at
  use: changing one field's entry changes both the DP key set and the SDMX structure;
* no other module declares its own list of fields in the old ways (name patterns such as
  ``startswith("iccs_l")``), and known literal lists elsewhere are named here, so that a
  new one fails this test.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from tests.stats.conftest import sql

from crimestats.release.dp_tables import PUBLIC_FIELDS, public_domain
from crimestats.release.sdmx_structure import build_structures
from crimestats.release.tables import ProtectedRows, TableSpec
from crimestats.stats import count_table
from crimestats.stats.fields import (
    COUNTABLE_FIELDS,
    FIELDS,
    ICCS_LENGTH,
    RECORD_UNIT,
    CodelistKind,
    PublicDomain,
    Record,
    countable_field,
    fields_of,
    period_fields,
)

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "crimestats"

RECORD_ROWS = {
    Record.INCIDENT: "SELECT count(*) FROM incidents",
    Record.OFFENCE: "SELECT count(*) FROM offences",
    Record.VICTIM: "SELECT count(*) FROM victims",
}


@pytest.mark.parametrize("name", [f.name for f in COUNTABLE_FIELDS])
def test_every_registered_field_counts_each_record_once(tiny_db: Path, name: str) -> None:
    field = countable_field(name)
    unit = RECORD_UNIT[field.record]
    table = count_table(tiny_db, by=[name], unit=unit).table
    assert table.column_names == [name, "count"]
    [[records]] = sql(tiny_db, RECORD_ROWS[field.record])
    assert sum(table.column("count").to_pylist()) == records
    blank = None in table.column(name).to_pylist()
    assert not blank or field.can_be_blank(unit), f"{name} is blank but says it cannot be"


def test_registry_is_one_declaration_per_name() -> None:
    names = [f.name for f in COUNTABLE_FIELDS]
    assert len(set(names)) == len(names)
    assert list(FIELDS) == names
    assert all(FIELDS[n] is f for n, f in zip(names, COUNTABLE_FIELDS, strict=True))
    assert set(PUBLIC_FIELDS) == {f.name for f in COUNTABLE_FIELDS if f.public is not None}


def test_groups_of_fields_are_read_from_the_registry() -> None:
    assert period_fields() == ("year", "quarter", "month")
    assert set(fields_of(Record.OFFENCE)) == {*ICCS_LENGTH, "attempted", "motive", "motive_detail"}
    assert set(fields_of(Record.INCIDENT)) == {
        "source", "year", "quarter", "month", "area", "location_type", "weapon", "cyber_related",
    }  # fmt: skip
    assert set(fields_of(Record.VICTIM)) == {
        "victim_sex", "victim_age_group", "victim_relationship",
    }  # fmt: skip


def _weapon_table() -> ProtectedRows:
    spec = TableSpec("by_weapon", "incidents", ("weapon",), "By weapon")
    rows = [
        {"weapon": "knife", "count": 12, "status": "published"},
        {"weapon": "Total", "count": 12, "status": "published"},
    ]
    return ProtectedRows(spec, ["weapon", "count", "status"], rows, {}, {})  # type: ignore[arg-type]


def _concept(structures: Any, concept_id: str) -> Any:
    scheme = next(a for a in structures.artefacts if a.id == "CS_CRIMESTATS")
    return next(c for c in scheme.items if c.id == concept_id)


def test_dp_domain_and_sdmx_structure_follow_the_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = public_domain("weapon", unit="incidents", years=None, sources=[])
    assert before == ["firearm", "knife", "other", "none", "unknown"]
    structures = build_structures([_weapon_table()], "CRIMESTATS")
    assert structures.codings["weapon"].codelist_id == "CL_WEAPON"
    assert _concept(structures, "WEAPON").name == "weapon"

    old = FIELDS["weapon"]
    new = dataclasses.replace(
        old,
        public=PublicDomain("two weapons", lambda _: ["knife", "firearm"]),
        blank_in_record=True,
        sdmx=dataclasses.replace(
            old.sdmx, concept_id="ARM", concept_name="Arm used", codelist_id="CL_ARM"
        ),
    )
    monkeypatch.setitem(FIELDS, "weapon", new)

    assert public_domain("weapon", unit="incidents", years=None, sources=[]) == [
        "knife",
        "firearm",
        None,
    ]
    assert PUBLIC_FIELDS["weapon"] == "two weapons"
    structures = build_structures([_weapon_table()], "CRIMESTATS")
    coding = structures.codings["weapon"]
    assert (coding.dimension, coding.codelist_id) == ("ARM", "CL_ARM")
    assert _concept(structures, "ARM").name == "Arm used"
    assert "CL_ARM" in {a.id for a in structures.artefacts}


def test_codelist_kind_picks_the_sdmx_coding(monkeypatch: pytest.MonkeyPatch) -> None:
    """A field declared with the sex codelist gets the SDMX sex codes, whatever its name."""
    old = FIELDS["weapon"]
    sdmx = dataclasses.replace(old.sdmx, codelist=CodelistKind.SEX, codelist_id="CL_SEX")
    monkeypatch.setitem(FIELDS, "weapon", dataclasses.replace(old, sdmx=sdmx))
    spec = TableSpec("odd", "incidents", ("weapon",), "Odd")
    rows = [{"weapon": "female", "count": 3, "status": "published"}]
    table = ProtectedRows(spec, ["weapon", "count", "status"], rows, {}, {})  # type: ignore[arg-type]
    assert build_structures([table], "CRIMESTATS").codings["weapon"].code("female") == "F"


def test_a_field_without_public_list_is_refused_by_dp() -> None:
    from crimestats.errors import UsageError

    assert countable_field("area").public is None
    with pytest.raises(UsageError, match="no public list"):
        public_domain("area", unit="incidents", years=None, sources=[])


# ------------------------------------------------------------- no field list elsewhere

OLD_DECLARATIONS = (
    r'startswith\("iccs_l"\)',
    r'startswith\("victim_"\)',
    r"iccs_l\[1-4\]",
    r'endswith\("_sex"\)',
    r'endswith\("age_group"\)',
    r"PUBLIC_FIELDS: Final\[dict",
    r'\bField\("',
)
"""How fields used to be declared or guessed outside the registry."""

KNOWN_LISTS: dict[str, str] = {}
"""Files (not owned by the registry's authors) that still spell a whole group of fields
out; each should read the registry. Fix one and remove it here: the test then checks it."""


def _source_files() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p.name != "fields.py"]


def test_no_module_guesses_fields_from_their_names() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parents[1])}: {pattern}"
        for path in _source_files()
        for pattern in OLD_DECLARATIONS
        if re.search(pattern, path.read_text(encoding="utf-8"))
    ]
    assert found == []


def _spells_a_group(node: ast.AST) -> bool:
    """A literal of field names only, naming all ICCS levels, all periods, or four fields."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items: list[ast.expr | None] = list(node.elts)
    elif isinstance(node, ast.Dict):
        items = list(node.keys)
    else:
        return False
    texts = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    names = set(texts) & set(FIELDS)
    if len(names) < len(texts):
        return False  # store columns and other words too: not a list of fields
    iccs = {f.name for f in COUNTABLE_FIELDS if f.sdmx.codelist is CodelistKind.ICCS}
    periods = {f.name for f in COUNTABLE_FIELDS if f.is_period}
    return names >= iccs or names >= periods or len(names) >= 4


def test_field_lists_live_only_in_the_registry() -> None:
    found = {
        str(path.relative_to(PACKAGE.parents[1]))
        for path in _source_files()
        if any(_spells_a_group(n) for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert found - set(KNOWN_LISTS) == set(), "declare fields in crimestats.stats.fields"
    assert set(KNOWN_LISTS) - found == set(), "fixed: remove it from KNOWN_LISTS"
