"""Area hierarchies: incidents and populations rolled up a hand-built tree, checked by hand.

The tree (level in brackets) and its 2024 populations:

    C [country]                      own 100000 (never used: its children are complete)
      X [city]                       no own population
        X1 [district]                own 9999 (not used: both beats have one)
          X1a [beat]                 1000
          X1b [beat]                 3000
        X2 [district]                2000; polygon: the unit square (0,0)-(1,1)
      Y [city]                       own 5000 (used: its district has none)
        Y1 [district]                no population

So district X1 = 4000, X2 = 2000, Y1 none; city X = 6000, Y = 5000; country C = 11000.
Incidents (all reported in 2024): I1 in X1a, I2 in X1b, I3 in X2, I4 in Y1, I5 recorded
at city Y only, I6 with an area code not in the tree, I7 without area at (0.5, 0.5)
(inside X2), I8 without area or coordinates, I9 without area at (5, 5) (in no area).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import run_cli, write_flat

from crimestats.errors import UsageError
from crimestats.services.ingesting import ingest_files
from crimestats.stats import count_table
from crimestats.stats.denominator_files import AreaRow, PopulationRow
from crimestats.stats.hierarchy import AreaTree, roll_up_populations
from crimestats.storage.denominators import store_areas, store_populations

SQUARE = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'
AREAS = [
    AreaRow("C", None, "country", None, None),
    AreaRow("X", None, "city", "C", None),
    AreaRow("Y", None, "city", "C", None),
    AreaRow("X1", None, "district", "X", None),
    AreaRow("X2", None, "district", "X", SQUARE),
    AreaRow("Y1", None, "district", "Y", None),
    AreaRow("X1a", None, "beat", "X1", None),
    AreaRow("X1b", None, "beat", "X1", None),
]
POPULATIONS = [
    PopulationRow(code, 2024, None, None, value)
    for code, value in [("C", 100000), ("X1", 9999), ("X1a", 1000), ("X1b", 3000),
                        ("X2", 2000), ("Y", 5000)]
]  # fmt: skip
INCIDENTS: list[dict[str, Any]] = [
    {"incident_id": "I1", "area_code": "X1a"},
    {"incident_id": "I2", "area_code": "X1b"},
    {"incident_id": "I3", "area_code": "X2"},
    {"incident_id": "I4", "area_code": "Y1"},
    {"incident_id": "I5", "area_code": "Y"},
    {"incident_id": "I6", "area_code": "ELSEWHERE"},
    {"incident_id": "I7", "lat": 0.5, "lon": 0.5},
    {"incident_id": "I8"},
    {"incident_id": "I9", "lat": 5, "lon": 5},
]


@pytest.fixture(scope="module")
def tree_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tree")
    db = folder / "tree.duckdb"
    rows = [
        {"reported_date": "2024-03-01", "offence_seq": 1, "national_label": "theft", **r}
        for r in INCIDENTS
    ]
    [result] = ingest_files([write_flat(folder / "tree.csv", rows)], source="tree", db=db)
    assert result.accepted == len(rows), result
    store_areas(db, AREAS)
    store_populations(db, POPULATIONS, "hand")
    return db


def _rows(db: Path, level: str, **kwargs: Any) -> dict[str | None, dict[str, Any]]:
    table = count_table(db, by=["area", "year"], area_level=level, **kwargs)
    return {r["area"]: r for r in table.table.to_pylist()}


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("beat", {"X1a": 1, "X1b": 1, None: 7}),
        ("district", {"X1": 2, "X2": 2, "Y1": 1, None: 4}),
        ("city", {"X": 4, "Y": 2, None: 3}),
        ("country", {"C": 6, None: 3}),
    ],
)
def test_incidents_count_in_every_ancestor(
    tree_db: Path, level: str, expected: dict[str | None, int]
) -> None:
    rows = _rows(tree_db, level)
    assert {area: r["count"] for area, r in rows.items()} == expected


def test_placement_metadata_explains_blank_areas(tree_db: Path) -> None:
    meta = count_table(tree_db, by=["area"], area_level="district").metadata
    assert meta["area_hierarchy"]["incidents"] == {
        "by_recorded_area": 4,  # I1-I4
        "placed_by_coordinates": 1,  # I7
        "recorded_area_has_no_ancestor_at_level": 1,  # I5 (a city)
        "recorded_area_not_in_areas_table": 1,  # I6
        "no_area_and_not_placed": 2,  # I8, I9
    }


@pytest.mark.parametrize(
    ("level", "populations"),
    [
        ("beat", {"X1a": 1000, "X1b": 3000}),
        ("district", {"X1": 4000, "X2": 2000, "Y1": None}),
        ("city", {"X": 6000, "Y": 5000}),
        ("country", {"C": 11000}),
    ],
)
def test_populations_roll_up_only_when_complete(
    tree_db: Path, level: str, populations: dict[str, float | None]
) -> None:
    rows = _rows(tree_db, level, rate=True)
    for area, population in populations.items():
        row = rows[area]
        assert row["population"] == population
        if population is None:
            assert row["rate_per_100k"] is None
        else:
            assert row["rate_per_100k"] == pytest.approx(row["count"] / population * 1e5)
    assert rows[None]["rate_per_100k"] is None


def test_missing_district_population_has_a_reason(tree_db: Path) -> None:
    meta = count_table(tree_db, by=["area", "year"], area_level="district", rate=True).metadata
    reasons = meta["rate"]["reasons"]
    assert any("no population for this area" in r for r in reasons)  # Y1
    assert any("no area at level 'district'" in r for r in reasons)
    assert meta["rate"]["denominator_basis"] == {"own population": 1, "sum of child areas": 1}


def test_partial_children_never_give_a_denominator() -> None:
    tree = AreaTree.from_rows(
        [{"area_code": a.area_code, "level": a.level, "parent_code": a.parent_code,
          "geometry": a.geometry} for a in AREAS]
    )  # fmt: skip
    # 2023: only X1a and X2 are known; X1b is missing and nobody above has its own.
    rolled = roll_up_populations(
        tree, "country", [("X1a", 2023, None, None, 1000.0), ("X2", 2023, None, None, 2000.0)]
    )
    assert rolled.rows == []
    # X lacks X1 (X1b missing), Y lacks Y1: both of C's children have none
    assert "2 of its 2 child areas have none" in rolled.reasons[("C", (2023, None, None))]
    by_city = roll_up_populations(tree, "city", [("X1a", 2023, None, None, 1.0),
                                                 ("X1b", 2023, None, None, 2.0),
                                                 ("X2", 2023, None, None, 4.0)])  # fmt: skip
    assert by_city.rows == [("X", 2023, None, None, 7.0)]


def test_population_year(tree_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(tree_db, db)
    store_populations(db, [PopulationRow("X2", 2020, None, None, 500.0)], "hand")
    rows = _rows(db, "district", rate=True, population_year=2020)
    assert rows["X2"]["population"] == 500.0  # the 2020 population for 2024 incidents
    assert rows["X1"]["population"] is None  # no 2020 beats: X1 has no denominator
    plain = count_table(db, by=["area", "year"], area_level="district", rate=True)
    assert {r["area"]: r["population"] for r in plain.table.to_pylist()}["X2"] == 2000.0


def test_cycles_are_refused() -> None:
    rows = [{"area_code": "A", "level": "x", "parent_code": "B", "geometry": None},
            {"area_code": "B", "level": "x", "parent_code": "A", "geometry": None}]  # fmt: skip
    with pytest.raises(UsageError, match="cycle"):
        AreaTree.from_rows(rows)


def test_usage_errors(tree_db: Path) -> None:
    with pytest.raises(UsageError, match="needs 'area'"):
        count_table(tree_db, by=["year"], area_level="city")
    with pytest.raises(UsageError, match="beat, city, country, district"):
        count_table(tree_db, by=["area"], area_level="ward")
    with pytest.raises(UsageError, match="rates only"):
        count_table(tree_db, by=["area", "year"], population_year=2020)


def test_cli_area_level(tree_db: Path) -> None:
    code, out, exc = run_cli(
        "stats", "--by", "area,year", "--area-level", "city", "--rate", "--db", str(tree_db)
    )
    assert code == 0, (out, exc)
    lines = out.strip().splitlines()
    assert lines[0] == "area,year,count,population,rate_per_100k"
    assert lines[1].startswith("X,2024,4,6000")
