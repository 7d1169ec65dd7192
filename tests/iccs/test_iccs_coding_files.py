"""Coding and evaluating CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crimestats.errors import NotFoundError, UsageError
from crimestats.iccs import Autocoder, code_file, evaluate_file

SAMPLE = Path(__file__).parent.parent / "data" / "iccs" / "labelled_sample.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_code_file_keeps_rows_and_columns(autocoder: Autocoder, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = code_file(SAMPLE, "offence", out, autocoder)
    before, after = _rows(SAMPLE), _rows(out)
    assert result.rows == 10
    assert result.distinct_texts == 9
    assert len(after) == len(before)
    with out.open(encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
    assert header == [
        "id",
        "offence",
        "true_code",
        "iccs_code",
        "iccs_confidence",
        "iccs_method",
        "needs_review",
    ]
    for b, a in zip(before, after, strict=True):
        assert {k: a[k] for k in b} == b  # every input value kept, "0502" keeps its zero
        assert a["needs_review"] in {"true", "false"}
        assert a["iccs_method"] == "model"
    assert after[8]["iccs_code"] == ""
    assert after[8]["needs_review"] == "true"
    assert after[0]["iccs_code"] == after[7]["iccs_code"]
    assert result.needs_review == sum(a["needs_review"] == "true" for a in after)


def test_code_file_refuses_missing_column_and_clashes(autocoder: Autocoder, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no column"):
        code_file(SAMPLE, "nope", tmp_path / "o.csv", autocoder)
    with pytest.raises(NotFoundError):
        code_file(tmp_path / "missing.csv", "x", tmp_path / "o.csv", autocoder)
    clash = tmp_path / "clash.csv"
    clash.write_text("offence,iccs_code\ntheft,\n", encoding="utf-8")
    with pytest.raises(UsageError, match="already has"):
        code_file(clash, "offence", tmp_path / "o.csv", autocoder)


def test_evaluate_file(autocoder: Autocoder) -> None:
    report, skipped = evaluate_file(SAMPLE, "offence", "true_code", autocoder)
    assert skipped == 0
    assert report.n_texts == 10
    assert report.records == 10
    assert all(0.0 <= (v or 0.0) <= 1.0 for v in report.accuracy.values())


def test_evaluate_file_weighted_by_records(autocoder: Autocoder, tmp_path: Path) -> None:
    """Each row stands for its count of records; the figures are recomputed by hand."""
    rows = _rows(SAMPLE)
    weights = [float(i * i) for i in range(1, len(rows) + 1)]
    path = tmp_path / "weighted.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["offence", "true_code", "records"])
        for row, weight in zip(rows, weights, strict=True):
            writer.writerow([row["offence"], row["true_code"], f"{weight:g}"])
    report, skipped = evaluate_file(
        path, "offence", "true_code", autocoder, weight_column="records"
    )
    codings = autocoder.code_texts([r["offence"] for r in rows])
    right1 = sum(
        w
        for r, c, w in zip(rows, codings, weights, strict=True)
        if (c.code or "")[:2] == r["true_code"][:2]
    )
    auto = sum(w for c, w in zip(codings, weights, strict=True) if not c.needs_review)
    assert skipped == 0
    assert report.records == sum(weights)
    assert report.accuracy[1] == pytest.approx(right1 / sum(weights))
    assert report.coverage == pytest.approx(auto / sum(weights))


@pytest.mark.parametrize("bad", ["many", "-3", ""])
def test_evaluate_file_refuses_a_bad_weight(autocoder: Autocoder, tmp_path: Path, bad: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"offence,true_code,records\nTheft,0502,4\nMurder,0101,{bad}\n", "utf-8")
    with pytest.raises(UsageError, match="row 3"):
        evaluate_file(path, "offence", "true_code", autocoder, weight_column="records")
