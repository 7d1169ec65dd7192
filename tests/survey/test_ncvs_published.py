"""NCVS 2021: the published figures of Zimmer, Powell & Velasquez (2024, ch. 13), exactly.

The figures (tests/data/ncvs_2021/PROVENANCE.md) were computed in R ``survey`` from the
same public-use files; here they come from the shipped design file and our estimators.
"""

from __future__ import annotations

import pandas as pd

from crimestats.survey.estimate import Measure, Request, estimate
from crimestats.survey.microdata import Survey


def one(survey: Survey, request: Request) -> tuple[float, float]:
    [cell] = estimate(survey, request)
    return cell.estimate, cell.se


def test_property_victimisations(ncvs: Survey) -> None:
    est, se = one(ncvs, Request(Measure.TOTAL, "property"))
    assert (round(est), round(se)) == (11_682_056, 263_844)


def test_violent_victimisations(ncvs: Survey) -> None:
    est, se = one(ncvs, Request(Measure.TOTAL, "violent"))
    assert (round(est), round(se)) == (4_598_306, 198_115)


def test_share_of_property_victimisations_reported(ncvs: Survey) -> None:
    est, se = one(ncvs, Request(Measure.SHARE, "property", of="reported"))
    assert (round(est, 1), round(se, 3)) == (30.8, 0.798)


def test_scope_and_series_rule_as_published(ncvs: Survey) -> None:
    """The book's checks of the incident file: 8,948 US incidents; code 20 -> 607."""
    incidents = ncvs.frames["incidents"]
    assert len(incidents) == 8_948
    counts = pd.to_numeric(incidents["V4529"]).value_counts()
    assert (counts[20], counts[56]) == (607, 1_686)


def test_groups_add_up(ncvs: Survey) -> None:
    """BJS's subtypes partition their group (a second route to the same total)."""
    total = one(ncvs, Request(Measure.TOTAL, "violent"))[0]
    parts = ("rape-sexual-assault", "robbery", "aggravated-assault", "simple-assault")
    assert abs(sum(one(ncvs, Request(Measure.TOTAL, p))[0] for p in parts) - total) < 1e-3
