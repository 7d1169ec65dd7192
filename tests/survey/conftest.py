"""Survey fixtures: the NCVS 2021 and RECS 2015 cuts in tests/data, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from crimestats.survey.design import BUNDLED, load_design
from crimestats.survey.microdata import Survey, read_survey

DATA = Path(__file__).resolve().parent.parent / "data"
NCVS_FILES = (
    DATA / "ncvs_2021" / "ncvs_2021_household.csv.xz",
    DATA / "ncvs_2021" / "ncvs_2021_incident.csv.gz",
)
NCVS_DESIGN = BUNDLED / "ncvs_2021.yaml"
RECS_DIR = DATA / "recs_2015"


@pytest.fixture(scope="session")
def ncvs() -> Survey:
    return read_survey(load_design(NCVS_DESIGN), NCVS_FILES)


@pytest.fixture(scope="session")
def recs() -> Survey:
    design = load_design(RECS_DIR / "recs_2015.yaml")
    return read_survey(design, [RECS_DIR / "recs_2015_subset.csv.xz"])
