"""Reference data for the spatial tests, read from tests/data (copies with PROVENANCE.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from pyproj import Transformer

DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class Robberies:
    """The sfhotspot Memphis robberies: WGS84 and EPSG:2843 (the vignette's CRS)."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    dates: list[str]
    x: NDArray[np.float64]
    y: NDArray[np.float64]


@pytest.fixture(scope="session")
def memphis_robberies() -> Robberies:
    path = DATA / "incidents_code_memphis_sfhotspot" / "memphis_robberies.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lon = np.array([float(r["longitude"]) for r in rows])
    lat = np.array([float(r["latitude"]) for r in rows])
    x, y = Transformer.from_crs(4326, 2843, always_xy=True).transform(lon, lat)
    return Robberies(lon, lat, [r["date"] for r in rows], np.asarray(x), np.asarray(y))
