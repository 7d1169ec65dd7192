"""The demo: build a store from every bundled real source (what ``make run`` calls).

Besides the incident files it loads the bundled denominators: the Memphis 2020 census
blocks as areas under the Memphis Police Department precincts they lie in, under the
city, with the blocks' populations, so that ``crimestats stats --by area,year
--area-level precinct --rate --population-year 2020 --source code_memphis`` gives
robbery rates per 100,000 by precinct (docs/statistics.md).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from crimestats.services.ingesting import IngestResult, ProgressFn, ingest_files
from crimestats.stats.denominator_files import AreaRow, PopulationRow

MEMPHIS_CITY = "memphis"
"""Area code of the City of Memphis, the root of the bundled Memphis hierarchy."""
MEMPHIS_CENSUS_YEAR = 2020
MEMPHIS_POPULATION_SOURCE = "US Census Bureau, 2020 Census redistricting data (via sfhotspot)"
MEMPHIS_BLOCKS = "code_memphis/memphis_population_blocks_2020.csv.gz"
MEMPHIS_PRECINCTS = "code_memphis/memphis_precincts.geojson.gz"


@dataclass(frozen=True, slots=True)
class BundledSource:
    """A real file shipped with the package, the mapping that reads it, its source name."""

    source: str
    file: str
    mapping: str


BUNDLED: tuple[BundledSource, ...] = (
    BundledSource(
        "chicago", "chicago/chicago_crimes_2014-02-28_to_2014-03-15.csv.gz", "chicago_crimes.yaml"
    ),
    BundledSource(
        "policeuk", "policeuk/city_of_london_street_2016-01_2017-06.csv.gz", "policeuk_street.yaml"
    ),
    BundledSource(
        "policeuk",
        "policeuk/city_of_london_outcomes_2016-01_2017-06.csv.gz",
        "policeuk_outcomes.yaml",
    ),
    BundledSource("code_crimedata", "code_crimedata/homicides15.csv.gz", "code_crimedata.yaml"),
    BundledSource(
        "nypd_hate_crimes", "nypd_hate_crimes/nypd_hate_crimes.csv.gz", "nypd_hate_crimes.yaml"
    ),
    BundledSource(
        "code_memphis", "code_memphis/memphis_robberies.csv.gz", "code_memphis_robberies.yaml"
    ),
)
"""Every bundled source, in load order (incidents before the outcomes that refer to them)."""


def bundled_path(relative: str) -> Path:
    """Filesystem path of a bundled data file."""
    return Path(str(resources.files("crimestats") / "bundled" / relative))


def mapping_path(name: str) -> Path:
    """Filesystem path of a shipped mapping file."""
    return Path(str(resources.files("crimestats") / "mappings" / name))


def run_demo(
    db: str | os.PathLike[str] | None = None, progress: ProgressFn | None = None
) -> list[IngestResult]:
    """Ingest every bundled source into the store; returns one result per file."""
    results: list[IngestResult] = []
    for item in BUNDLED:
        results.extend(
            ingest_files(
                [bundled_path(item.file)],
                source=item.source,
                db=db,
                mapping=mapping_path(item.mapping),
                progress=progress,
            )
        )
    load_memphis_denominators(db)
    return results


def precinct_code(name: str) -> str:
    """Area code of an MPD precinct: ``memphis-`` and its name in lower case, dashed."""
    return f"{MEMPHIS_CITY}-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def memphis_denominators() -> tuple[list[AreaRow], list[PopulationRow]]:
    """City, precincts and census blocks (block -> precinct -> city) and block populations.

    A block belongs to the precinct that contains its centroid (even-odd point in
    polygon); a block whose centroid is in no precinct hangs directly under the city, so
    the city's population is still the sum of all its blocks. Precincts keep their
    polygons (to place incidents by coordinates, and for maps); the city and the blocks
    have no geometry.
    """
    from crimestats.stats.locate import locate

    with gzip.open(bundled_path(MEMPHIS_PRECINCTS), "rt", encoding="utf-8") as handle:
        precincts = json.load(handle)["features"]
    with gzip.open(bundled_path(MEMPHIS_BLOCKS), "rb") as raw:
        blocks = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
    shapes = [(precinct_code(f["properties"]["precinct"]), f["geometry"]) for f in precincts]
    parents = locate(
        [float(b["longitude"]) for b in blocks], [float(b["latitude"]) for b in blocks], shapes
    )
    areas = [AreaRow(MEMPHIS_CITY, "Memphis, Tennessee", "city", None, None)]
    areas += [
        AreaRow(
            precinct_code(f["properties"]["precinct"]),
            f["properties"]["precinct"],
            "precinct",
            MEMPHIS_CITY,
            json.dumps(f["geometry"], separators=(",", ":")),
        )
        for f in precincts
    ]
    populations = []
    for block, parent in zip(blocks, parents, strict=True):
        # no geometry: only the centroid is published here, and areas.geometry is for
        # polygons (maps, placing points); the centroid stays in the bundled CSV
        areas.append(AreaRow(block["geoid"], None, "block", parent or MEMPHIS_CITY, None))
        populations.append(
            PopulationRow(
                block["geoid"], MEMPHIS_CENSUS_YEAR, None, None, float(block["population"])
            )
        )
    return areas, populations


def load_memphis_denominators(db: str | os.PathLike[str] | None) -> dict[str, int]:
    """Store the Memphis areas and block populations (replacing any with the same keys)."""
    from crimestats.storage.denominators import store_areas, store_populations

    areas, populations = memphis_denominators()
    stored = store_areas(db, areas)
    store_populations(db, populations, MEMPHIS_POPULATION_SOURCE)
    return {"areas": stored["rows"], "populations": len(populations)}
