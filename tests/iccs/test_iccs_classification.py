"""The ICCS hierarchy and reference tables, against figures published in ICCS v1.0."""

from __future__ import annotations

import pytest

from crimestats.domain.iccs_codes import known_iccs_codes
from crimestats.errors import NotFoundError, UsageError
from crimestats.iccs import (
    alphabetical_index,
    code_level,
    disaggregating_variables,
    homicide_typology,
    load_classification,
    truncate,
)


def test_counts_by_level_match_the_published_structure() -> None:
    # ICCS v1.0 Part Two: 11 sections; counts per level from data/iccs/PROVENANCE.md
    cls = load_classification()
    assert len(cls) == 320
    assert [len(cls.at_level(n)) for n in (1, 2, 3, 4)] == [11, 63, 148, 98]
    assert {c.code for c in cls} == known_iccs_codes()


def test_every_parent_exists_and_is_a_prefix() -> None:
    cls = load_classification()
    for cat in cls:
        if cat.parent:
            assert cat.parent in cls
            assert cat.code.startswith(cat.parent)
            assert cls.get(cat.parent).level == cat.level - 1


def test_walks_up_and_down() -> None:
    cls = load_classification()
    assert cls.get("050211").label == "Theft of a motorized land vehicle"
    assert [a.code for a in cls.ancestors("050211")] == ["05", "0502", "05021"]
    assert cls.parent("0502").code == "05"  # type: ignore[union-attr]
    assert cls.parent("05") is None
    assert [c.code for c in cls.children("0401")] == ["04011", "04012", "04013", "04014", "04019"]
    assert len(cls.children(None)) == 11
    assert cls.truncate("050211", 2).code == "0502"
    assert "0106" in {c.code for c in cls.descendants("01")}


def test_truncate_and_level() -> None:
    assert truncate("050211", 1) == "05"
    assert truncate("050211", 3) == "05021"
    assert truncate("0502", 4) == "0502"
    assert code_level("11") == 1
    assert code_level("020111") == 4
    with pytest.raises(UsageError):
        code_level("12")
    with pytest.raises(UsageError):
        truncate("0502", 5)


def test_unknown_code_says_what_exists() -> None:
    cls = load_classification()
    with pytest.raises(NotFoundError) as err:
        cls.get("050299")
    assert "05029" in str(err.value)
    assert not cls.validate("0599")
    assert cls.validate("0599"[:2])


def test_index_flags_the_bad_codes_printed_in_icc_annex_2() -> None:
    index = alphabetical_index()
    assert len(index) == 966
    bad = [e for e in index if not e.exists]
    assert len(bad) == 14  # PROVENANCE.md lists 14 codes absent from the structure
    assert all(e.code not in known_iccs_codes() for e in bad)
    assert any(e.term == "Acid attacks" and e.code == "020111" for e in index)


def test_tags_and_homicide_tables() -> None:
    tags = disaggregating_variables()
    assert len(tags) == 155
    assert {"At", "We", "Mot", "Cy"} <= {t.tag for t in tags}
    assert len(homicide_typology("mechanism_of_killing")) == 25
    assert len(homicide_typology("situational_context")) == 10
    with pytest.raises(NotFoundError):
        homicide_typology("nope")
