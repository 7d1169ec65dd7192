"""Population and area files: checked as a whole, refused with file/row/column, stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.stats.conftest import sql

from crimestats.errors import FileRefusedError, NotFoundError
from crimestats.services.statistics import ingest_areas, ingest_population


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("area_code,year\nA,2020\n", "missing column"),
        ("area_code,year,population,colour\nA,2020,5,red\n", "unknown column"),
        ("area_code,year,population\n", "no rows"),
        ("area_code,year,population\nA,20x0,5\n", r"row 2, column year: '20x0'"),
        ("area_code,year,population\nA,2020,5\nB,1850,5\n", r"row 3, column year"),
        ("area_code,year,population\nA,2020,-5\n", r"row 2, column population: '-5'"),
        ("area_code,year,population\nA,2020,many\n", r"column population: 'many'"),
        ("area_code,year,population\n,2020,5\n", r"row 2, column area_code: blank"),
        ("area_code,year,population,sex\nA,2020,5,x\n", r"row 2, column sex: 'x'"),
        ("area_code,year,population,age_group\nA,2020,5,10-19\n", r"column age_group: '10-19'"),
        ("area_code,year,population\nA,2020,5\nA,2020,6\n", "row 3: duplicates row 2"),
    ],
)
def test_bad_population_files_are_refused(tmp_path: Path, text: str, match: str) -> None:
    db = tmp_path / "s.duckdb"
    path = write(tmp_path / "pop.csv", text)
    with pytest.raises(FileRefusedError, match=match) as info:
        ingest_population(db, path)
    assert str(path) in str(info.value)
    if db.exists():
        assert sql(db, "SELECT count(*) FROM populations") == [(0,)]


def test_population_stored(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    path = write(
        tmp_path / "pop.csv",
        "area_code,year,population,sex,age_group\nA,2020,1000.5,,\nA,2020,500,Female,0-14\n",
    )
    assert ingest_population(db, path, source="census")["added"] == 2
    rows = sql(db, "SELECT area_code, year, sex, age_group, population, source "
                   "FROM populations ORDER BY population")  # fmt: skip
    assert rows == [("A", 2020, "female", "0-14", 500.0, "census"),
                    ("A", 2020, None, None, 1000.5, "census")]  # fmt: skip
    assert ingest_population(db, path)["replaced"] == 2  # idempotent: same keys replaced
    assert sql(db, "SELECT count(*) FROM populations") == [(2,)]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        ingest_population(tmp_path / "s.duckdb", tmp_path / "nope.csv")


def feature(props: dict[str, object]) -> dict[str, object]:
    ring = [[0, 0], [0, 1], [1, 1], [0, 0]]
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip


def test_areas_stored(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    doc = {"type": "FeatureCollection", "features": [
        feature({"code": "A1", "label": "North", "up": "R"}),
        feature({"code": 7, "label": "South", "up": "R"}),
    ]}  # fmt: skip
    path = write(tmp_path / "areas.geojson", json.dumps(doc))
    result = ingest_areas(db, path, code_property="code", name_property="label",
                          level="district", parent_property="up")  # fmt: skip
    assert (result["rows"], result["added"]) == (2, 2)
    rows = sql(db, "SELECT area_code, name, level, parent_code, geometry FROM areas ORDER BY 1")
    assert [r[:4] for r in rows] == [("7", "South", "district", "R"),
                                     ("A1", "North", "district", "R")]  # fmt: skip
    assert json.loads(str(rows[0][4]))["type"] == "Polygon"
    assert ingest_areas(db, path, code_property="code")["replaced"] == 2


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        ({"type": "FeatureCollection", "features": []}, "no features"),
        ({"type": "FeatureCollection", "features": [feature({"x": 1})]},
         "feature 1, property code: missing"),
        ({"type": "FeatureCollection", "features": [feature({"code": "A"}),
                                                    feature({"code": "A"})]},
         "feature 2, property code: 'A' repeats feature 1"),
    ],
)  # fmt: skip
def test_bad_area_files_are_refused(tmp_path: Path, doc: dict[str, object], match: str) -> None:
    path = write(tmp_path / "a.geojson", json.dumps(doc))
    with pytest.raises(FileRefusedError, match=match):
        ingest_areas(tmp_path / "s.duckdb", path, code_property="code")


def test_not_json(tmp_path: Path) -> None:
    path = write(tmp_path / "a.geojson", "{not json")
    with pytest.raises(FileRefusedError, match="not a JSON"):
        ingest_areas(tmp_path / "s.duckdb", path, code_property="code")
