"""Memphis robbery rates by police precinct, against an independent computation.

The demo loads the 2020 census blocks as areas under the precinct containing their
centroid, under the city. Here one precinct's numbers are recomputed from the bundled raw
files without crimestats' statistics or its numpy point-in-polygon: robberies read from
the robbery CSV, block populations summed from the block CSV, both placed with the
pure-Python ray casting of :mod:`crimestats.geomask` (a second implementation).
The city total is the published 2020 census figure quoted in PROVENANCE.md (634,612).
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from crimestats.geomask import point_in_polygon
from crimestats.services.demo import bundled_path
from crimestats.stats import count_table

PRECINCT = "North Main"
CODE = "memphis-north-main"
CITY_POPULATION_2020 = 634_612  # PROVENANCE.md: 2020 Census redistricting data total


def _csv(relative: str) -> list[dict[str, str]]:
    with gzip.open(bundled_path(relative), "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _inside(rings: list[Any], lon: float, lat: float) -> bool:
    xs = [p[0] for p in rings[0]]
    ys = [p[1] for p in rings[0]]
    if not (min(xs) <= lon <= max(xs) and min(ys) <= lat <= max(ys)):
        return False
    return point_in_polygon(lon, lat, rings)


@pytest.fixture(scope="module")
def precinct_rings() -> list[Any]:
    path = bundled_path("code_memphis/memphis_precincts.geojson.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    [geometry] = [f["geometry"] for f in features if f["properties"]["precinct"] == PRECINCT]
    assert geometry["type"] == "Polygon"
    return list(geometry["coordinates"])


def test_one_precinct_rate_matches_independent_computation(
    demo_db: Path, precinct_rings: list[Any]
) -> None:
    robberies = _csv("code_memphis/memphis_robberies.csv.gz")
    count = sum(
        1
        for r in robberies
        if r["date"][:4] == "2019"
        and _inside(precinct_rings, float(r["longitude"]), float(r["latitude"]))
    )
    blocks = _csv("code_memphis/memphis_population_blocks_2020.csv.gz")
    population = sum(
        float(b["population"])
        for b in blocks
        if _inside(precinct_rings, float(b["longitude"]), float(b["latitude"]))
    )
    assert count > 0
    assert population > 0
    table = count_table(
        demo_db, by=["area", "year"], rate=True, area_level="precinct",
        population_year=2020, source="code_memphis",
    )  # fmt: skip
    [row] = [r for r in table.table.to_pylist() if r["area"] == CODE]
    assert row["year"] == 2019
    assert row["count"] == count
    assert row["population"] == population
    assert row["rate_per_100k"] == pytest.approx(count / population * 100_000)


def test_city_rolls_up_every_block(demo_db: Path) -> None:
    by_precinct = count_table(demo_db, by=["area", "year"], area_level="precinct",
                              source="code_memphis").table.to_pylist()  # fmt: skip
    table = count_table(
        demo_db, by=["area", "year"], rate=True, area_level="city",
        population_year=2020, source="code_memphis",
    )  # fmt: skip
    [city] = [r for r in table.table.to_pylist() if r["area"] == "memphis"]
    assert city["population"] == CITY_POPULATION_2020
    assert city["count"] == sum(r["count"] for r in by_precinct if r["area"] is not None)
    placed = table.metadata["area_hierarchy"]["incidents"]
    assert placed["placed_by_coordinates"] == city["count"]


def test_without_a_census_year_there_is_no_rate(demo_db: Path) -> None:
    table = count_table(demo_db, by=["area", "year"], rate=True, area_level="precinct",
                        source="code_memphis")  # fmt: skip
    assert all(r["rate_per_100k"] is None for r in table.table.to_pylist())
    assert any("no population for year 2019" in k for k in table.metadata["rate"]["reasons"])
