"""The dark figure beside a real store: every ICCS category both sides share, and only those."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import base_row, set_iccs_codes

from crimestats.survey.catalog import load_survey, open_survey
from crimestats.survey.dark_figure import dark_figure, recorded_counts
from crimestats.survey.design import BUNDLED
from crimestats.survey.estimate import Measure, Request, estimate

DATA = Path(__file__).resolve().parent.parent / "data" / "ncvs_2021"
FILES = [DATA / "ncvs_2021_household.csv.xz", DATA / "ncvs_2021_incident.csv.gz"]


def test_dark_figure_sets_survey_beside_recorded(db: Path, ingest_rows: Callable[..., Any]) -> None:
    rows = [
        base_row(incident_id=f"I{i}", reported_date=f"2021-0{i}-10", occurred_start=f"2021-0{i}-09")
        for i in range(1, 6)
    ]
    rows.append(base_row(incident_id="I9", reported_date="2020-05-10", occurred_start="2020-05-09"))
    ingest_rows(rows)
    set_iccs_codes(db, {("I1", 1): "05012", ("I2", 1): "05012", ("I3", 1): "050211",
                        ("I4", 1): "0101", ("I5", 1): None, ("I9", 1): "05012"})  # fmt: skip
    load_survey(db, "ncvs_2021", FILES, BUNDLED / "ncvs_2021.yaml")
    survey = open_survey(db, "ncvs_2021")
    assert survey.design.crime_types is not None
    codes = [g.name for g in survey.design.crime_types.iccs]
    recorded = recorded_counts(db, codes, "test", 2021)
    table = {r.iccs_code: r for r in dark_figure(survey, recorded)}
    # burglary (0501, 05012: I1, I2), theft (0502, 05021: I3); homicide is not a survey crime
    assert set(table) == {"0501", "05012", "0502", "05021"}
    assert (table["05012"].recorded, table["0502"].recorded) == (2, 1)
    [burglary] = estimate(survey, Request(Measure.TOTAL, "05012"))
    [reported] = estimate(survey, Request(Measure.SHARE, "05012", of="reported"))
    row = table["05012"]
    assert row.victimisations == pytest.approx(burglary.estimate)
    assert row.hidden == pytest.approx(burglary.estimate - 2)
    assert (row.hidden_low, row.hidden_high) == pytest.approx(
        (burglary.ci_low - 2, burglary.ci_high - 2)
    )
    assert row.reported_pct == pytest.approx(reported.estimate)
    assert row.not_reported == pytest.approx(burglary.estimate * (1 - reported.estimate / 100))
    # the 2020 incident is outside --year 2021
    assert recorded_counts(db, ["05012"], None, None)["05012"] == 3


def test_a_registered_mse_estimate_of_the_same_category_and_year_is_set_beside(
    db: Path, ingest_rows: Callable[..., Any]
) -> None:
    """Issue 17 item 4: the survey's, the store's and an MSE view of one hidden number.

    ``registered_mse`` reads what ``crimestats mse --register`` stored (trafficking,
    0204); the join is by category (one code the other's prefix) and the survey's year.
    """
    from crimestats.storage.estimates import EstimateRecord, store_estimate
    from crimestats.survey.dark_figure import MseBeside, registered_mse

    ingest_rows([base_row(incident_id="I1", reported_date="2021-03-10",
                          occurred_start="2021-03-09")])  # fmt: skip
    set_iccs_codes(db, {("I1", 1): "05012"})
    store_estimate(db, EstimateRecord("X", 2021, "bic", 40, 120.0, 80.0, 95.0, 160.0,
                                      "[]", "lists.csv", "0" * 64))  # fmt: skip
    [registered] = registered_mse(db, 2021)
    assert (registered.iccs_code, registered.total) == ("0204", 120.0)
    assert (registered.ci_low, registered.ci_high) == (95.0, 160.0)
    assert registered_mse(db, 2020) == []
    load_survey(db, "ncvs_2021", FILES, BUNDLED / "ncvs_2021.yaml")
    survey = open_survey(db, "ncvs_2021")
    recorded = recorded_counts(db, ["0501", "05012"], None, 2021)
    beside = [
        MseBeside("0501", 2021, 500.0, 400.0, 650.0, "area X, 2021, MSE bic"),
        MseBeside("0502", 2021, 9.0, 8.0, 10.0, "another category"),
        MseBeside("0501", 2020, 7.0, 6.0, 8.0, "another year"),
    ]
    table = {r.iccs_code: r for r in dark_figure(survey, recorded, beside)}
    assert set(table) == {"0501", "05012"}
    for code in ("0501", "05012"):  # 05012 is burglary of 0501: the same victims, deeper
        assert (table[code].mse_estimate, table[code].mse_ci_low) == (500.0, 400.0)
        assert table[code].mse_scope == "area X, 2021, MSE bic"
    assert all(r.mse_estimate is None for r in dark_figure(survey, recorded))
