"""When and where the synthetic national workload happens: the calendar and the areas.

Reports span 2015-2024 with trend, season, weekday, holiday and lockdown effects; 380
districts in 16 regions inside a country-sized box, with Zipf-like weights. See the
docstring of ``generate.py`` for the calendar.

380 districts in 16 regions, codes ``RRDD`` with leading zeros (``0201``), drawn with
Zipf-like weights (rank^-0.8). Points fall around a district centroid (normal, 0.03 deg
for busy, up to 0.09 deg for quiet districts) inside a country-sized box (lat 49.0-54.8,
lon 14.1-24.1), 6 decimals; 5% of incidents have no point. ``location_type`` follows the
vocabulary's observed shares; domestic offences happen at a residence 75% of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FIRST_DAY, LAST_DAY = np.datetime64("2015-01-01"), np.datetime64("2024-12-31")
CALENDAR_START = np.datetime64("2010-01-01")  # historic offences reach back before 2015
LAT_BOX, LON_BOX = (49.0, 54.8), (14.1, 24.1)

OCCUR_HOURS = (5.5, 4.0, 3.3, 2.7, 2.1, 1.8, 2.0, 2.6, 3.6, 4.2, 4.3, 4.4,
                5.6, 4.6, 4.8, 5.0, 5.0, 5.0, 5.4, 5.3, 5.2, 5.0, 4.8, 4.3)  # fmt: skip
REPORT_HOURS = (1.5, 1.0, 0.8, 0.6, 0.5, 0.6, 1.2, 2.5, 4.5, 5.8, 6.3, 6.4,
                 6.2, 6.2, 6.3, 6.3, 6.2, 6.0, 5.7, 5.2, 4.5, 3.8, 3.0, 2.2)  # fmt: skip
"""Relative weights of the hour of day an offence happens / is reported."""


def day_weights() -> np.ndarray:
    """Relative intensity of reports for each day FIRST_DAY..LAST_DAY (see module docstring)."""
    days = np.arange(FIRST_DAY, LAST_DAY + 1)
    d = (days - FIRST_DAY).astype(float)
    doy = (days - days.astype("datetime64[Y]")).astype(float)
    weekday = (days.astype(np.int64) + 3) % 7  # Monday = 0
    w = (1 - 0.01 * d / 365.25) * (1 + 0.15 * np.cos(2 * np.pi * (doy - 196) / 365.25))
    w *= np.array([1.08, 1.04, 1.02, 1.01, 1.03, 0.92, 0.86])[weekday]
    md = np.datetime_as_string(days)
    w[np.char.endswith(md, "-01-01")] *= 1.25
    w[np.char.endswith(md, "-12-25")] *= 0.75
    w[(days >= np.datetime64("2020-03-20")) & (days <= np.datetime64("2020-05-31"))] *= 0.75
    return w / w.sum()


@dataclass(frozen=True)
class Geography:
    codes: list[str]
    weights: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    spread: np.ndarray


def make_geography(rng: np.random.Generator, n_regions: int = 16, n_areas: int = 380) -> Geography:
    """Districts with Zipf-like weights, clustered around region centres in the box."""
    region = np.sort(rng.integers(0, n_regions, n_areas))
    within = np.concatenate([np.arange((region == r).sum()) for r in range(n_regions)])
    codes = [f"{2 * (r + 1):02d}{i + 1:02d}" for r, i in zip(region, within, strict=True)]
    (lat0, lat1), (lon0, lon1) = LAT_BOX, LON_BOX  # centres keep clear of the border
    rlat, rlon = (
        rng.uniform(lat0 + 0.8, lat1 - 0.8, n_regions),
        rng.uniform(lon0 + 1.2, lon1 - 1.2, n_regions),
    )
    lat = np.clip(rlat[region] + rng.normal(0, 0.4, n_areas), lat0 + 0.3, lat1 - 0.3)
    lon = np.clip(rlon[region] + rng.normal(0, 0.6, n_areas), lon0 + 0.5, lon1 - 0.5)
    rank = rng.permutation(n_areas) + 1
    weights = rank**-0.8
    spread = 0.03 + 0.06 * (rank - 1) / (n_areas - 1)  # busy districts are compact cities
    return Geography(codes, weights / weights.sum(), lat, lon, spread)
