"""``crimestats series`` through the real crimestats app, in-process."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

from crimestats.errors import NotFoundError, UsageError

DATA = Path(__file__).resolve().parents[1] / "data" / "series"
CTS = str(DATA / "cts_subset.csv")


def _run(*args: str) -> tuple[int, str, BaseException | None]:
    return run_cli("series", *args)


def test_load_then_reproduce_json(db: Path) -> None:
    code, out, exc = _run("load", CTS, "--kind", "cts", "--db", str(db), "--json")
    assert (code, exc) == (0, None)
    assert json.loads(out)["rows"] == 1622
    code, out, exc = _run(
        "reproduce", "--kind", "cts", "--population", "worldbank", "--population-file",
        str(DATA / "worldbank_subset.csv"), "--db", str(db), "--json",
    )  # fmt: skip
    assert (code, exc) == (0, None)
    doc = json.loads(out)
    assert doc["input"] == "store"
    assert doc["with_population"] == 684
    assert doc["matched"]["1 decimal"] == 173
    assert doc["by_sex"]["Total"]["pairs"] == 684
    assert len(doc["worst"]) == 5  # one per country; IRQ_C has no World Bank population
    assert doc["worst"][0]["reason"] == "population-vintage"


def test_reproduce_homicide_on_a_fresh_install_prints_a_table(tmp_path: Path) -> None:
    code, out, exc = _run("reproduce", "--kind", "homicide-wpp", "--db", str(tmp_path / "x.db"))
    assert (code, exc) == (0, None)
    assert "rows from bundled" in out
    assert "1 decimal" in out
    assert "5483" in out
    assert "largest differences" in out


def test_text_load_summary(db: Path) -> None:
    code, out, _ = _run("load", str(DATA / "homicide_subset.csv"), "--kind", "homicide-wpp",
                        "--db", str(db))  # fmt: skip
    assert code == 0
    assert "574 figures loaded as homicide-wpp" in out


def test_user_errors_reach_main_as_crimestats_errors(db: Path) -> None:
    code, _, exc = _run("reproduce", "--kind", "cts", "--db", str(db))
    assert code == 1
    assert isinstance(exc, NotFoundError)
    code, _, exc = _run("reproduce", "--kind", "homicide-wpp", "--population", "census")
    assert isinstance(exc, UsageError)
    code, _, exc = _run("load", CTS, "--kind", "nope", "--db", str(db))
    assert isinstance(exc, UsageError)


def test_bad_usage_exits_2() -> None:
    code, _, _ = _run("load", CTS)
    assert code == 2
