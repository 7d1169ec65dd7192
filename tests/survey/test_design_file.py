"""The design file: the shipped NCVS design reads; each mistake gets one message and a fix."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from crimestats.errors import UsageError
from crimestats.survey.design import (
    BUNDLED,
    DesignType,
    LonelyPsu,
    ReplicateMethod,
    load_design,
    parse_design,
)

GOOD: dict[str, Any] = {
    "name": "s",
    "tables": {
        "households": {"file": "hh", "keys": ["id"], "weight": "w"},
        "incidents": {"file": "inc", "keys": ["id"], "weight": "wv", "parent": "households"},
    },
    "design": {"type": "taylor", "strata": "st", "psu": "psu"},
    "crime_types": {"table": "incidents", "field": "code", "groups": {"violent": "1-4, 9"}},
}


def test_ncvs_design_reads_as_published() -> None:
    design = load_design(BUNDLED / "ncvs_2021.yaml")
    assert design.design.type is DesignType.TAYLOR
    assert (design.design.strata, design.design.psu) == ("V2117", "V2118")
    assert design.design.lonely_psu is LonelyPsu.FAIL
    series = design.table("incidents").series
    assert series is not None
    assert (series.cap, series.unknown_count) == (10, 6)
    assert design.table("incidents").drop_when == (("V4022", (1.0,)),)
    assert design.group("violent").codes == frozenset(range(1, 21))
    # the book's "V4529 >= 31": every property code of the codebook, no personal one
    assert design.group("property").codes == frozenset(range(31, 60))
    assert design.group("violent").population == "persons"
    assert design.group("burglary").population == "households"
    names = {g.name for g in design.crime_types.groups} if design.crime_types else set()
    assert {"rape-sexual-assault", "motor-vehicle-theft", "burglary"} <= names


def test_codes_and_replicate_names() -> None:
    doc = copy.deepcopy(GOOD)
    doc["design"] = {"type": "replicate", "method": "fay", "rho": 0.3, "replicates": "R1..4"}
    design = parse_design(doc)
    assert design.design.replicates == ("R1", "R2", "R3", "R4")
    assert design.design.method is ReplicateMethod.FAY
    assert design.group("violent").codes == frozenset({1, 2, 3, 4, 9})


def edit(path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = doc
    for p in parents:
        node = node[p]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "says", "fix"),
    [
        ("name", "Bad Name", "name: 'Bad Name'", "lower-case"),
        ("weights", 1, "top level: unknown key(s) ['weights']", "use only: name,"),
        ("tables.households.weight", None, "tables.households: weight is missing",
         "write weight:"),
        ("tables.incidents.parent", "people", "'people' is not a table", "households"),
        ("tables.incidents.series", {"count": "n"}, "series: cap is missing", "cap: 10"),
        ("design.type", "jackknife", "unknown type 'jackknife'", "taylor, replicate"),
        ("design.psu", None, "needs psu", "psu: FIELD"),
        ("design.lonely_psu", "drop", "unknown lonely_psu 'drop'", "remove"),
        ("design", {"type": "replicate", "method": "fay", "replicates": "W1..4"},
         "a fay design needs rho", "rho: 0.5"),
        ("design", {"type": "replicate", "method": "jkn", "replicates": "W1..4"},
         "jkn needs rscales", "rscales"),
        ("design", {"type": "replicate", "method": "brr", "replicates": "W1..4",
                    "rscales": [1, 1]}, "rscales: 2 values for 4 replicates", "(4 values)"),
        ("crime_types.groups", {"violent": "20-1"}, "runs backwards", "1-20"),
        ("crime_types.groups", {"violent": "one"}, "'one' is not a code", "1-4, 15"),
    ],
)  # fmt: skip
def test_each_mistake_is_named_with_a_fix(path: str, value: Any, says: str, fix: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_design(edit(path, value), where="d.yaml")
    assert says in caught.value.message
    assert caught.value.message.startswith("d.yaml: ")
    assert caught.value.hint is not None
    assert fix in caught.value.hint


def test_a_hostile_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("a: &a [1]\n" + "".join(f"b{i}: *a\n" for i in range(200)), encoding="utf-8")
    with pytest.raises(UsageError, match="aliases"):
        load_design(path)
