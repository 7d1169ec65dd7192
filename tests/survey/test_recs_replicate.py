"""Fay's BRR standard errors on RECS 2015 against R ``survey`` 4.1-1 (an independent code)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crimestats.survey.estimate import Measure, Request, estimate
from crimestats.survey.microdata import Survey

RECS_DIR = Path(__file__).resolve().parent.parent / "data" / "recs_2015"


def reference() -> dict[tuple[str, str], tuple[float, float]]:
    with (RECS_DIR / "ref_survey_fay_brr_recs2015.csv").open() as f:
        return {
            (r["stat"], r["domain"]): (float(r["est"]), float(r["se"])) for r in csv.DictReader(f)
        }


REF = reference()


def test_mean_and_total(recs: Survey) -> None:
    [mean] = estimate(recs, Request(Measure.MEAN, of="TOTALDOL"))
    [total] = estimate(recs, Request(Measure.TOTAL, of="TOTALDOL"))
    assert (mean.estimate, mean.se) == pytest.approx(REF[("mean_TOTALDOL", "all")], rel=1e-9)
    assert (total.estimate, total.se) == pytest.approx(REF[("total_TOTALDOL", "all")], rel=1e-9)


def test_domain_means(recs: Survey) -> None:
    cells = estimate(recs, Request(Measure.MEAN, of="TOTALDOL", by=("REGIONC",)))
    got = {c.domain["REGIONC"]: (c.estimate, c.se) for c in cells}
    for region in "1234":
        assert got[region] == pytest.approx(REF[("mean_TOTALDOL", f"REGIONC={region}")], rel=1e-9)
