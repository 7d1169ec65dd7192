"""``crimestats iccs evaluate``: figures per source with intervals, checked against the
same figures recomputed from the model's own codings."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from crimestats.cli import iccs_cmd
from crimestats.errors import UsageError
from crimestats.iccs import Autocoder
from crimestats.iccs.training import iccs_examples

POLICE = Path(__file__).parent.parent / "data" / "iccs_heldout_police.csv"


@pytest.fixture(scope="module")
def small_model() -> Autocoder:
    """A model on ICCS's own text only, uncalibrated: quick to fit, and every police
    wording is new to it."""
    return Autocoder().fit(list(iccs_examples()), calibrate=False)


@pytest.fixture
def app(small_model: Autocoder, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setattr(iccs_cmd, "_model", lambda: small_model)
    main = typer.Typer()

    @main.callback()
    def _root() -> None:
        """Test root."""

    iccs_cmd.register(main)
    return main


def _sample(tmp_path: Path) -> Path:
    """The held-out police wordings of two systems (first 40 rows of each)."""
    with POLICE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    systems = list(dict.fromkeys(r["system"] for r in rows))[:2]
    keep = [r for s in systems for r in [r for r in rows if r["system"] == s][:40]]
    path = tmp_path / "sample.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(keep)
    return path


def test_per_source_figures_match_the_codings(
    app: typer.Typer, small_model: Autocoder, tmp_path: Path
) -> None:
    path = _sample(tmp_path)
    args = ["iccs", "evaluate", str(path), "--text-column", "text", "--code-column", "iccs_code"]
    result = CliRunner().invoke(app, [*args, "--source-column", "system", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert "Wilson" in report["interval"]
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    systems = list(dict.fromkeys(r["system"] for r in rows))
    assert [s["source"] for s in report["by_source"]] == [*systems, "all"]
    for figures in report["by_source"][:-1]:
        mine = [r for r in rows if r["system"] == figures["source"]]
        codings = small_model.code_texts([r["text"] for r in mine])
        right1 = [
            c.code is not None and c.code[:2] == r["iccs_code"][:2]
            for r, c in zip(mine, codings, strict=True)
        ]
        assert figures["texts"] == len(mine)
        assert figures["accuracy_level1"]["value"] == pytest.approx(sum(right1) / len(mine))
        auto = [c for c in codings if not c.needs_review]
        assert figures["auto_coded_share"]["value"] == pytest.approx(len(auto) / len(mine))
        for key in ("accuracy_level1", "accuracy_level2", "auto_coded_share"):
            est = figures[key]
            assert est["low"] <= est["value"] <= est["high"]
    pooled = report["by_source"][-1]
    assert pooled["texts"] == len(rows) == report["texts"]
    text = CliRunner().invoke(app, [*args, "--source-column", "system"])
    assert text.exit_code == 0
    assert systems[0] in text.output
    assert "Wilson" in text.output


def test_held_out_refuses_a_file(app: typer.Typer, tmp_path: Path) -> None:
    path = _sample(tmp_path)
    result = CliRunner().invoke(app, ["iccs", "evaluate", str(path), "--held-out"])
    assert isinstance(result.exception, UsageError)
    assert "--held-out" in str(result.exception)
    result = CliRunner().invoke(app, ["iccs", "evaluate"])
    assert isinstance(result.exception, UsageError)
    assert "--text-column" in str(result.exception)
