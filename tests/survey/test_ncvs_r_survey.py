"""NCVS 2021 domain estimates against R ``survey`` 4.1-1, an independent implementation.

``tests/data/ncvs_2021/make_ref.R`` writes the published method in R on the household file
(victimisations summed per household, zeros kept, ``svyratio``/``svyby``); the reference
it wrote is committed, so these tests do not need R.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crimestats.survey.estimate import Measure, Request, estimate
from crimestats.survey.microdata import Survey

REF_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "ncvs_2021" / "ref_r_survey_ncvs2021.csv"
)

with REF_FILE.open() as f:
    REF = {(r["stat"], r["domain"]): (float(r["est"]), float(r["se"])) for r in csv.DictReader(f)}

CASES = [
    ("total_property", Request(Measure.TOTAL, "property")),
    ("total_violent", Request(Measure.TOTAL, "violent", by=("V2127B",))),
    ("share_property_reported", Request(Measure.SHARE, "property", of="reported")),
    ("share_property_reported", Request(Measure.SHARE, "property", of="reported", by=("V2143",))),
    ("share_violent_reported", Request(Measure.SHARE, "violent", of="reported")),
    ("rate_mvt_per_1000_households", Request(Measure.RATE, "motor-vehicle-theft")),
    ("rate_burglary_per_1000_households", Request(Measure.RATE, "burglary", by=("V2127B",))),
    ("prevalence_property_households", Request(Measure.PREVALENCE, "property")),
    ("prevalence_property_households", Request(Measure.PREVALENCE, "property", by=("V2127B",))),
]


@pytest.mark.parametrize(("stat", "request_"), CASES)
def test_against_r_survey(ncvs: Survey, stat: str, request_: Request) -> None:
    cells = estimate(ncvs, request_)
    for cell in cells:
        domain = ",".join(f"{k}={v}" for k, v in cell.domain.items()) or "all"
        assert (cell.estimate, cell.se) == pytest.approx(REF[(stat, domain)], rel=1e-9)
    domains = {d for s, d in REF if s == stat and (d == "all") == (not request_.by)}
    assert len(cells) == len(domains)
