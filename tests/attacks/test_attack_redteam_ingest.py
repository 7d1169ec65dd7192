"""Issue 11, red-team replay of the ingest side: each attack ends in one clear message.

Each test reproduces what the red team did (at a small scale, limits lowered through
their environment variables) and checks the outcome with values computed here.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import cast

import pytest
from tests.conftest import table_counts

from crimestats.errors import MappingError, UsageError
from crimestats.iccs import Autocoder
from crimestats.iccs.coding_files import evaluate_file
from crimestats.ingest.limits import IngestLimits
from crimestats.services.ingesting import IngestResult, ingest_files
from crimestats.yaml_files import YamlLimits, read_yaml

HEADER = "incident_id,reported_date,national_label\n"


def _one(path: Path, db: Path, mapping: Path | None = None) -> IngestResult:
    return ingest_files([path], source="s", db=db, mapping=mapping)[0]


# I. Duplicate keys are refused, not last-wins ------------------------------------------


def test_a_yaml_key_given_twice_is_refused_with_its_lines(tmp_path: Path) -> None:
    """``threshold: 3`` then ``threshold: 1``: YAML kept 1 without a word."""
    path = tmp_path / "release.yaml"
    path.write_text("name: r\nthreshold: 3\nfields: {a: b}\nthreshold: 1\n")
    with pytest.raises(MappingError) as caught:
        read_yaml(path)
    message = str(caught.value)
    assert "'threshold' twice (line 2 and line 4)" in message
    assert caught.value.hint is not None
    assert "threshold" in caught.value.hint


def test_a_repeated_key_in_a_nested_or_flow_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("name: m\nfields:\n  incident_id: a\n  incident_id: b\n")
    with pytest.raises(MappingError, match="'incident_id' twice"):
        read_yaml(path)
    path.write_text("name: m\nfields: {x: a, x: b}\n")
    with pytest.raises(MappingError, match="'x' twice"):
        read_yaml(path)


def test_a_merged_key_may_still_be_overridden(tmp_path: Path) -> None:
    """``<<: *base`` then the same key is YAML's override, not a mistake."""
    path = tmp_path / "m.yaml"
    path.write_text("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  x: 3\n")
    document, _ = read_yaml(path)
    assert document == {"base": {"x": 1, "y": 2}, "use": {"x": 3, "y": 2}}


def test_a_mapping_with_a_repeated_field_is_refused_at_ingest(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "A1,2024-01-01,Theft\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: m\nfields:\n  incident_id: incident_id\n  reported_date: reported_date\n"
        "  national_label: national_label\n  incident_id: national_label\n"
    )
    db = tmp_path / "s.duckdb"
    with pytest.raises(MappingError, match="'incident_id' twice"):
        _one(data, db, mapping)
    assert not db.exists() or table_counts(db, ("incidents",)) == (0,)


def test_a_coding_file_with_a_repeated_column_is_refused(tmp_path: Path) -> None:
    """polars kept the first ``true_code`` and renamed the second: scored the wrong one."""
    path = tmp_path / "labelled.csv"
    path.write_text("offence,true_code,true_code\ntheft of a bicycle,0502,0101\n")
    with pytest.raises(UsageError, match="'true_code' appears twice") as caught:
        evaluate_file(path, "offence", "true_code", cast(Autocoder, None))
    assert "columns 2 and 3" in str(caught.value)
    assert caught.value.hint


# F. Limit variables have a ceiling; the line hint measures the line ---------------------


@pytest.mark.parametrize(
    "variable",
    ["CRIMESTATS_MAX_HEADER_BYTES", "CRIMESTATS_MAX_LINE_BYTES", "CRIMESTATS_MAX_DECOMPRESSED"],
)
def test_an_absurd_limit_is_one_usage_error_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """``99999999999999999999999``: OverflowError, or DuckDB blaming the file."""
    monkeypatch.setenv(variable, "99999999999999999999999")
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "A1,2024-01-01,Theft\n")
    with pytest.raises(UsageError, match=variable) as caught:
        _one(data, tmp_path / "s.duckdb")
    assert "larger than" in str(caught.value)
    assert caught.value.hint
    assert variable in caught.value.hint


def test_the_largest_accepted_line_limit_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRIMESTATS_MAX_LINE_BYTES", "1GB")
    assert IngestLimits.from_env().max_line_bytes == 1 << 30
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "A1,2024-01-01,Theft\n")
    result = _one(data, tmp_path / "s.duckdb")
    assert result.refused is None
    assert result.accepted == 1


def test_an_absurd_yaml_limit_is_one_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRIMESTATS_YAML_MAX_BYTES", "99999999999999999999999")
    with pytest.raises(UsageError, match="CRIMESTATS_YAML_MAX_BYTES") as caught:
        YamlLimits.from_environment()
    assert caught.value.hint
    assert "1000000" in caught.value.hint


@pytest.mark.parametrize(("length", "gz"), [(50_000, False), (50_000, True), (3_000_000, False)])
def test_the_line_hint_names_a_limit_that_holds_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, length: int, gz: bool
) -> None:
    """The fix used to say 4x the limit (4,000 bytes) for a 50 KB line: still refused."""
    monkeypatch.setenv("CRIMESTATS_MAX_LINE_BYTES", "1000")
    long_line = "A2,2024-01-02," + "x" * length
    text = HEADER + "A1,2024-01-01,Theft\n" + long_line + "\nA3,2024-01-03,Theft\n"
    path = tmp_path / ("long.csv.gz" if gz else "long.csv")
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    db = tmp_path / "s.duckdb"
    result = _one(path, db)
    assert result.refused is not None
    assert result.refused["code"] == "file-line-too-long"
    assert f"{len(long_line):,} bytes" in result.refused["message"]
    suggested = result.refused["fix"].split("CRIMESTATS_MAX_LINE_BYTES=")[1].split()[0]
    monkeypatch.setenv("CRIMESTATS_MAX_LINE_BYTES", suggested)
    assert IngestLimits.from_env().max_line_bytes > len(long_line)
    again = _one(path, db)
    assert again.refused is None
    assert again.read == 3
