"""Domain estimates on the NCVS checked by a second, independent route.

The estimator works on incident rows and zeroes those outside a domain. The second route is
the textbook one: sum each household's weighted victimisations of the domain, give every
other household a zero, and take the with-replacement variance of the PSU totals of that
household file -- written here directly in pandas.
"""

from __future__ import annotations

import math

import pytest

from crimestats.survey.estimate import Measure, Request, estimate
from crimestats.survey.microdata import WEIGHT, Survey


def household_route(survey: Survey, codes: range, region: int) -> tuple[float, float]:
    inc = survey.frames["incidents"]
    hh = survey.frames["households"]
    hit = inc[inc["V4529"].isin(codes) & (inc["V2127B"] == region)]
    per_hh = (hit[WEIGHT]).groupby([hit["YEARQ"], hit["IDHH"]]).sum().rename("y").reset_index()
    full = hh[["YEARQ", "IDHH", "V2117", "V2118"]].merge(per_hh, how="left").fillna({"y": 0.0})
    psu = full.groupby(["V2117", "V2118"])["y"].sum().reset_index()
    var = 0.0
    for _, g in psu.groupby("V2117"):
        n = len(g)
        var += n / (n - 1) * float(((g["y"] - g["y"].mean()) ** 2).sum())
    return float(full["y"].sum()), math.sqrt(var)


def test_property_by_region(ncvs: Survey) -> None:
    cells = estimate(ncvs, Request(Measure.TOTAL, "property", by=("V2127B",)))
    assert len(cells) == 4
    for cell in cells:
        want = household_route(ncvs, range(31, 60), int(cell.domain["V2127B"]))
        assert (cell.estimate, cell.se) == pytest.approx(want, rel=1e-9)


def test_where_equals_by(ncvs: Survey) -> None:
    by = {
        c.domain["V2127B"]: c
        for c in estimate(ncvs, Request(Measure.TOTAL, "burglary", by=("V2127B",)))
    }
    [one] = estimate(ncvs, Request(Measure.TOTAL, "burglary", where=(("V2127B", "2"),)))
    assert (one.estimate, one.se) == pytest.approx((by["2"].estimate, by["2"].se))
    want = household_route(ncvs, range(31, 34), 2)
    assert (one.estimate, one.se) == pytest.approx(want, rel=1e-9)


def test_unreliable_cells_flagged(ncvs: Survey) -> None:
    cells = estimate(ncvs, Request(Measure.TOTAL, "robbery", by=("V2127B", "V2143")))
    for c in cells:
        assert c.unreliable == (c.n_unweighted < 10 or c.rse > 0.5)
    assert any(c.unreliable for c in cells)
