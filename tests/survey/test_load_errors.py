"""Loading and asking wrongly: one message naming the problem, a fix, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crimestats.errors import CrimestatsError, FileRefusedError, UsageError
from crimestats.survey.catalog import list_surveys, load_survey, survey_root
from crimestats.survey.design import BUNDLED
from crimestats.survey.estimate import Measure, Request, estimate
from crimestats.survey.microdata import Survey

DESIGN = BUNDLED / "ncvs_2021.yaml"


def write(path: Path, rows: dict[str, list[object]]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def small_files(tmp_path: Path, orphan: bool = False) -> list[Path]:
    hh = write(tmp_path / "ncvs_2021_household.csv", {
        "YEARQ": [2021.1, 2021.1, 2021.1, 2021.1], "IDHH": [1, 2, 3, 4],
        "WGTHHCY": [100.0] * 4, "V2117": [1, 1, 2, 2], "V2118": [1, 2, 1, 2]})  # fmt: skip
    inc = write(tmp_path / "ncvs_2021_incident.csv", {
        "YEARQ": [2021.1, 2021.1], "IDHH": [1, 9 if orphan else 3], "WGTVICCY": [50.0, 60.0],
        "V4016": [None, 5], "V4017": [1, 2], "V4018": [None, 1], "V4019": [None, 2],
        "V4022": [3, 3], "V4399": [1, 2], "V4529": [31, 40]})  # fmt: skip
    return [hh, inc]


def test_small_load_applies_the_series_rule(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    entry = load_survey(db, "ncvs_2021", small_files(tmp_path), DESIGN)
    assert entry.rows == {"households": 4, "incidents": 2}
    assert [e.name for e in list_surveys(db)] == ["ncvs_2021"]
    # incident 2 is a series of 5 (V4017 = 2, V4018 = 1, V4019 = 2): 60 * 5 = 300
    frame = pd.read_parquet(survey_root(db) / "ncvs_2021" / "incidents.parquet")
    assert frame["_w"].tolist() == [50.0, 300.0]


def test_incident_without_household_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with pytest.raises(UsageError, match="1 incidents rows have no households row") as caught:
        load_survey(db, "ncvs_2021", small_files(tmp_path, orphan=True), DESIGN)
    assert caught.value.hint is not None
    assert list_surveys(db) == []


def test_wrong_name_and_missing_file(tmp_path: Path) -> None:
    files = small_files(tmp_path)
    with pytest.raises(UsageError, match="names the survey 'ncvs_2021'"):
        load_survey(tmp_path / "s.duckdb", "other", files, DESIGN)
    with pytest.raises(UsageError, match="table incidents needs one file named ncvs_2021_incident"):
        load_survey(tmp_path / "s.duckdb", "ncvs_2021", files[:1], DESIGN)


def test_file_without_the_declared_weight(tmp_path: Path) -> None:
    files = small_files(tmp_path)
    write(files[0], {"YEARQ": [2021.1], "IDHH": [1], "V2117": [1], "V2118": [1]})
    with pytest.raises(FileRefusedError, match="has no field WGTHHCY"):
        load_survey(tmp_path / "s.duckdb", "ncvs_2021", files, DESIGN)


@pytest.mark.parametrize(
    ("request_", "says"),
    [
        (Request(Measure.TOTAL, "arson"), "'arson' is not a crime group"),
        (Request(Measure.TOTAL, "property", by=("V9999",)), "no field 'V9999'"),
        (Request(Measure.RATE), "needs --crime"),
        (Request(Measure.RATE, "violent"), "no persons table"),
    ],
)
def test_requests_that_cannot_work(ncvs: Survey, request_: Request, says: str) -> None:
    with pytest.raises(CrimestatsError) as caught:
        estimate(ncvs, request_)
    assert says in caught.value.message
    assert caught.value.hint


def test_fields_the_design_names_must_be_in_the_files(tmp_path: Path) -> None:
    files = small_files(tmp_path)
    frame = pd.read_csv(files[1]).drop(columns=["V4016", "V4529"])
    frame.to_csv(files[1], index=False)
    with pytest.raises(UsageError, match="incidents lacks V4016, V4529") as caught:
        load_survey(tmp_path / "s.duckdb", "ncvs_2021", files, DESIGN)
    assert caught.value.hint
