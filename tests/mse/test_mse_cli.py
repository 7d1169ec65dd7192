"""``crimestats mse`` through the real crimestats app, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import run_cli

from crimestats.errors import CrimestatsError, FileRefusedError, NotFoundError, UsageError

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"
UK5 = str(DATA / "UKdat_5.csv")


def _run(*args: str) -> tuple[int, str, BaseException | None]:
    return run_cli("mse", *args)


def test_json_stepwise_has_the_published_uk_figure() -> None:
    code, out, exc = _run(UK5, "--json")
    assert (code, exc) == (0, None)
    doc = json.loads(out)
    for key in ("observed", "total", "hidden", "ci_low", "ci_high", "terms", "method"):
        assert key in doc
    assert doc["method"] == "stepwise"
    assert doc["observed"] == 2744
    assert round(doc["total"]) == 11313
    assert doc["hidden"] == pytest.approx(doc["total"] - 2744)
    assert "LA:NG" in doc["terms"]


def test_json_all_is_a_list_with_weights() -> None:
    code, out, _ = _run(UK5, "--method", "all", "--json")
    assert code == 0
    docs = json.loads(out)
    assert [d["method"] for d in docs] == ["main", "stepwise", "bic"]
    assert sum(d["bic_weight"] for d in docs if d["method"] != "main") <= 1.0 + 1e-9
    assert all(d["bic_weight"] is not None for d in docs)


def test_bootstrap_json_is_reproducible_with_the_seed() -> None:
    args = (UK5, "--method", "main", "--bootstrap", "4", "--seed", "9", "--json")
    first = json.loads(_run(*args)[1])
    second = json.loads(_run(*args)[1])
    assert first["bootstrap"] == second["bootstrap"]
    assert first["bootstrap"]["replicates"] == 4
    assert first["bootstrap"]["seed"] == 9


def test_human_output_and_html_report(tmp_path: Path) -> None:
    report = tmp_path / "uk.html"
    code, out, _ = _run(str(DATA / "kosovo_aggregate.csv"), "--html", str(report))
    assert code == 0
    assert "observed 4,400" in out
    assert "stepwise path" in out
    assert f"report written to {report}" in out.replace("\n", "")
    assert "<svg" in report.read_text(encoding="utf-8")


def test_all_human_table_shows_every_method() -> None:
    code, out, _ = _run(UK5, "--method", "all")
    assert code == 0
    for method in ("main", "stepwise", "bic"):
        assert method in out
    assert "LA:GP" in out  # the empty-overlap warning


@pytest.mark.parametrize(
    ("args", "error", "fragment"),
    [
        ((UK5, "--method", "best"), UsageError, "unknown method 'best'"),
        ((UK5, "--pthresh", "2"), UsageError, "not a probability"),
        ((UK5, "--bootstrap", "-1"), UsageError, "out of range"),
        ((UK5, "--shape", "wide"), UsageError, "unknown shape"),
        (("/no/such/file.csv",), NotFoundError, "no such file"),
    ],
)
def test_errors_are_crimestats_errors_with_a_message(
    args: tuple[str, ...], error: type[CrimestatsError], fragment: str
) -> None:
    code, _, exc = _run(*args)
    assert code != 0
    assert isinstance(exc, error)
    assert fragment in exc.message
    assert exc.hint


def test_bad_file_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,0,5\n1,yes,2\n", encoding="utf-8")
    _, _, exc = _run(str(bad))
    assert isinstance(exc, FileRefusedError)
    assert exc.code == "mse-not-binary"
    assert "line 3, column 'B'" in exc.message
