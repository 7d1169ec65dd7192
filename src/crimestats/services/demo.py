"""The demo: build a store from every bundled real source (what ``make run`` calls)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from crimestats.services.ingesting import IngestResult, ProgressFn, ingest_files


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
    return results
