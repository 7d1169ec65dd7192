"""The bundled real data for geomask tests: Memphis robberies (CODE, 2019)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

MEMPHIS = (
    Path(__file__).resolve().parents[2]
    / "src/crimestats/bundled/code_memphis/memphis_robberies.csv.gz"
)


@pytest.fixture(scope="session")
def memphis_points() -> list[tuple[float, float]]:
    """``(lat, lon)`` of every Memphis robbery in the bundled file (all have coordinates)."""
    with gzip.open(MEMPHIS, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    points = [(float(r["latitude"]), float(r["longitude"])) for r in rows]
    assert len(points) == 2245
    return points
