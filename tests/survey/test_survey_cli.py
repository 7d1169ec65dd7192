"""The survey commands end to end: load beside a real store, estimate, list, dark figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from crimestats.cli import survey_cmd
from crimestats.errors import CrimestatsError
from crimestats.storage.store import open_store
from crimestats.survey.indicators import indicator_rows_for_store

DATA = Path(__file__).resolve().parent.parent / "data" / "ncvs_2021"
DESIGN = Path(survey_cmd.__file__).resolve().parent.parent / "surveys" / "ncvs_2021.yaml"


def cli() -> typer.Typer:
    app = typer.Typer()
    survey_cmd.register(app)
    return app


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    files = [str(DATA / "ncvs_2021_household.csv.xz"), str(DATA / "ncvs_2021_incident.csv.gz")]
    args = ["survey", "load", "ncvs_2021", *files, "--design", str(DESIGN), "--db", str(path)]
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 0, result.output
    return path


def test_estimate_json_has_the_promised_fields(db: Path) -> None:
    args = ["survey", "estimate", "ncvs_2021", "--measure", "total", "--crime", "property",
            "--by", "V2127B", "--db", str(db), "--json"]  # fmt: skip
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["V2127B"] for r in rows] == ["1", "2", "3", "4"]
    for key in ("estimate", "se", "ci_low", "ci_high", "n_unweighted", "deff", "unreliable"):
        assert all(key in r for r in rows)
    assert round(sum(r["estimate"] for r in rows)) == 11_682_056


def test_list_and_unknown_survey(db: Path) -> None:
    result = CliRunner().invoke(cli(), ["survey", "list", "--db", str(db), "--json"])
    assert [e["name"] for e in json.loads(result.output)] == ["ncvs_2021"]
    result = CliRunner().invoke(cli(), ["survey", "estimate", "nope", "--measure", "total",
                                        "--db", str(db)])  # fmt: skip
    assert isinstance(result.exception, CrimestatsError)
    assert "no survey 'nope'" in result.exception.message


def test_rate_per_person_explains_the_missing_person_file(db: Path) -> None:
    args = ["survey", "estimate", "ncvs_2021", "--measure", "rate", "--crime", "violent",
            "--db", str(db)]  # fmt: skip
    result = CliRunner().invoke(cli(), args)
    assert isinstance(result.exception, CrimestatsError)
    assert "no persons table" in result.exception.message


def test_indicators_from_the_loaded_survey(db: Path) -> None:
    rows = {(r["indicator"], r["category"]): r for r in indicator_rows_for_store(db)}
    reporting = rows[("16.3.1", "violent victimisations (not victims)")]
    assert round(reporting["value"]) == 46  # BJS 2021: about 46% reported
    assert "persons table" in rows[("16.1.4", None)]["not_computable_reason"]
    assert all(r["value"] is None for (code, _), r in rows.items() if code == "16.1.3")


def test_dark_figure_command_prints_caveats_without_shared_categories(db: Path) -> None:
    with open_store(db):  # an empty store: nothing recorded
        pass
    result = CliRunner().invoke(cli(), ["dark-figure", "--survey", "ncvs_2021", "--db", str(db),
                                        "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["rows"] == []  # this store records nothing
    assert any("persons 12+" in c for c in doc["caveats"])
