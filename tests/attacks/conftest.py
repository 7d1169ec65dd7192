"""The small store the release attacks share: eleven incidents of one source, in three
years, with counts of 6, 4 and 1 (the 1 must always be withheld)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crimestats.services.ingesting import ingest_files

HEADER = ["incident_id", "reported_date", "offence_seq", "national_label", "iccs_code"]
ROWS = [
    *[[f"A{n}", "2023-01-05", 1, "Theft", "0502"] for n in range(6)],
    *[[f"B{n}", "2024-03-01", 1, "Assault", "02011"] for n in range(4)],
    ["C1", "2022-07-01", 1, "Robbery", "0401"],
]


@pytest.fixture(scope="module")
def alpha_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding ``ROWS`` as source ``alpha`` (copy it before changing it)."""
    folder = tmp_path_factory.mktemp("store")
    data = folder / "alpha.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    db = folder / "store.duckdb"
    ingest_files([data], source="alpha", db=db)
    return db
