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


# G. Parquet bombs are bounded from the footer -------------------------------------------


def _parquet(path: Path, rows: int, label: str = "Theft") -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "incident_id": pa.array(["R1"] * rows),
            "reported_date": pa.array(["2024-01-03"] * rows),
            "national_label": pa.array([label] * rows),
        }
    )
    pq.write_table(table, path, compression="zstd", row_group_size=rows)
    return path


def _no_staging(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse_staging(*_a: object, **_k: object) -> None:
        raise AssertionError("the bomb reached DuckDB")

    monkeypatch.setattr("crimestats.services.ingesting.load_file", refuse_staging)


def test_a_parquet_of_identical_rows_past_the_ratio_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2,000,000 identical rows in 35 KB took 52 s and 1.3 GB; here 300,000 in a few KB."""
    bomb = _parquet(tmp_path / "bomb.parquet", 300_000)
    values = 300_000 * 3
    assert values > 100 * bomb.stat().st_size  # one byte per value: past the 100x ratio
    monkeypatch.setenv("CRIMESTATS_RATIO_FROM", "100KB")
    _no_staging(monkeypatch)
    result = _one(bomb, tmp_path / "s.duckdb")
    assert result.refused is not None
    assert result.refused["code"] == "file-too-large"
    assert "100 times" in result.refused["message"]
    assert "CRIMESTATS_MAX_RATIO" in result.refused["fix"]


def test_a_parquet_past_the_decompressed_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = _parquet(tmp_path / "bomb.parquet", 400_000)  # >= 1,200,000 bytes as CSV
    monkeypatch.setenv("CRIMESTATS_MAX_DECOMPRESSED", "1MB")
    _no_staging(monkeypatch)
    result = _one(bomb, tmp_path / "s.duckdb")
    assert result.refused is not None
    assert result.refused["code"] == "file-too-large"
    assert "1 MiB" in result.refused["message"]
    assert "CRIMESTATS_MAX_DECOMPRESSED" in result.refused["fix"]


def test_a_parquet_cell_longer_than_a_line_is_refused_and_the_hint_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 4 KB file with one 100 MB cell peaked at 2 GB; here a 300 KB cell, limit 100 KB."""
    cell = _parquet(tmp_path / "cell.parquet", 1, label="x" * 300_000)
    assert cell.stat().st_size < 10_000
    monkeypatch.setenv("CRIMESTATS_MAX_LINE_BYTES", "100KB")
    db = tmp_path / "s.duckdb"
    result = _one(cell, db)
    assert result.refused is not None
    assert result.refused["code"] == "file-line-too-long"
    assert "100 KiB" in result.refused["message"]
    assert table_counts(db, ("ingests", "incidents")) == (0, 0)
    suggested = result.refused["fix"].split("CRIMESTATS_MAX_LINE_BYTES=")[1].split()[0]
    monkeypatch.setenv("CRIMESTATS_MAX_LINE_BYTES", suggested)
    again = _one(cell, db)
    assert again.refused is None
    assert again.read == 1


def test_an_ordinary_parquet_still_loads_under_small_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 2_000
    table = pa.table(
        {
            "incident_id": [f"P{i}" for i in range(rows)],
            "reported_date": [f"2024-01-{1 + i % 28:02d}" for i in range(rows)],
            "national_label": ["Theft", "Burglary"] * (rows // 2),
        }
    )
    path = tmp_path / "ok.parquet"
    pq.write_table(table, path, compression="zstd")
    monkeypatch.setenv("CRIMESTATS_RATIO_FROM", "1KB")
    monkeypatch.setenv("CRIMESTATS_MAX_LINE_BYTES", "1KB")
    result = _one(path, tmp_path / "s.duckdb")
    assert result.refused is None
    assert result.read == rows


# E. A mapping may not turn a rule guarding a required field into a warning --------------

MAPPING_BASE = (
    "name: m\n"
    "fields: {incident_id: incident_id, reported_date: reported_date, iccs_code: iccs_code}\n"
)


def test_lowering_incident_id_missing_is_refused_at_mapping_load(tmp_path: Path) -> None:
    """The red team's replay: "internal error (ConstraintException) ... NOT NULL"."""
    from crimestats.ingest.mapping import load_mapping

    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING_BASE + "severity: {incident-id-missing: warning}\n")
    data = tmp_path / "blank.csv"
    data.write_text(
        "incident_id,reported_date,iccs_code\n,2021-01-01,0101\n,2021-01-02,0201\n"
        "R1,2021-01-03,0101\n"
    )
    with pytest.raises(MappingError, match=r"severity\.incident-id-missing") as caught:
        load_mapping(mapping)
    assert caught.value.hint
    db = tmp_path / "x.duckdb"
    with pytest.raises(MappingError, match="every stored row needs"):
        _one(data, db, mapping)


def _run_ingest(args: list[str], cwd: Path) -> tuple[int, str]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "crimestats"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


# One bad row per store-required rule, computed here: blank key, blank / unparseable /
# impossible date. Each used to load NULL into a NOT NULL column (internal error).
BAD_ROWS = {
    "incident-id-missing": ",2021-01-01,0101",
    "reported-date-missing": "R1,,0101",
    "reported-date-unparseable": "R1,not a date,0101",
    "reported-date-impossible": "R1,2021-02-30,0101",
}


@pytest.mark.parametrize("code", sorted(BAD_ROWS))
def test_no_store_required_rule_can_be_a_warning(tmp_path: Path, code: str) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING_BASE + f"severity: {{{code}: warning}}\n")
    data = tmp_path / "d.csv"
    data.write_text(f"incident_id,reported_date,iccs_code\nR0,2021-01-01,0101\n{BAD_ROWS[code]}\n")
    rc, out = _run_ingest(
        ["ingest", str(data), "--source", "b", "--mapping", str(mapping), "--db", "x.duckdb"],
        tmp_path,
    )
    assert rc == 1
    assert "internal error" not in out
    assert f"severity.{code}" in out
    assert "fix:" in out


def test_the_refused_set_is_derived_from_required_fields() -> None:
    from crimestats.domain.flat_layout import LAYOUTS
    from crimestats.validation.catalogue import rule_by_code
    from crimestats.validation.required_rules import store_required_rules

    codes = store_required_rules()
    assert set(BAD_ROWS) <= codes
    assert {"event-date-missing", "stage-missing"} <= codes
    required = {f.name for layout in LAYOUTS.values() for f in layout if f.required}
    assert all(rule_by_code(c).field in required for c in codes)
    # a rule on a required field that leaves its value usable stays adjustable
    assert "reported-date-future" not in codes


def test_a_store_required_rule_may_still_be_stated_as_an_error(tmp_path: Path) -> None:
    from crimestats.ingest.mapping import load_mapping

    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING_BASE + "severity: {incident-id-missing: error}\n")
    assert load_mapping(mapping).severity == {"incident-id-missing": "error"}


# (minor) delimiter / quote / encoding must be written as text ---------------------------


@pytest.mark.parametrize(
    ("line", "key"),
    [("delimiter: 5", "delimiter"), ("quote: 1", "quote"), ("encoding: 8859", "encoding")],
)
def test_a_number_as_delimiter_quote_or_encoding_is_refused(
    tmp_path: Path, line: str, key: str
) -> None:
    from crimestats.ingest.mapping import load_mapping

    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING_BASE + line + "\n")
    with pytest.raises(MappingError, match=f"{key}: expected text, got the int") as caught:
        load_mapping(mapping)
    assert caught.value.hint
    assert "quote it" in caught.value.hint
    mapping.write_text(MAPPING_BASE + "delimiter: ';'\n")
    assert load_mapping(mapping).delimiter == ";"
