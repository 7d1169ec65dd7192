"""The CLI contract: exit codes 0 / 1 (user error, one message) / 2 (bad usage), no
traceback ever, --json output, --db and $CRIMESTATS_DB."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from crimestats.domain.flat_layout import FLAT_V1
from crimestats.storage.migrations import LATEST_VERSION


def _cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "crimestats", *args],
        capture_output=True, text=True, cwd=cwd, env=env, check=False,
    )  # fmt: skip


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    proc = _cli("ingest", "--no-such-option")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert _cli("no-such-command").returncode == 2


def test_refused_file_exits_1_with_one_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a;b;c\n1;2;3\n")
    proc = _cli("ingest", str(bad), "--source", "s", "--db", str(tmp_path / "s.duckdb"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "semicolon" in proc.stderr
    assert "fix:" in proc.stderr


def test_missing_mapping_and_store_errors(tmp_path: Path) -> None:
    good = tmp_path / "g.csv"
    good.write_text("incident_id,reported_date,national_label\nA,2024-01-01,Theft\n")
    proc = _cli("ingest", str(good), "--source", "s", "--mapping", str(tmp_path / "nope.yaml"),
                "--db", str(tmp_path / "s.duckdb"))  # fmt: skip
    assert proc.returncode == 1
    assert "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _cli("status", "--db", str(tmp_path / "missing.duckdb"))
    assert proc.returncode == 1
    assert "no store" in proc.stderr
    notdb = tmp_path / "not.duckdb"
    notdb.write_text("hello")
    proc = _cli("init", "--db", str(notdb))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr


def test_json_has_the_design_keys_and_env_sets_the_store(tmp_path: Path) -> None:
    good = tmp_path / "g.csv"
    good.write_text(
        "incident_id,reported_date,national_label,victim_age\n"
        "A,2024-01-01,Theft,\nB,2024-01-02,Assault,200\nA,2024-01-01,Theft,\n"
    )
    env = {**os.environ, "CRIMESTATS_DB": str(tmp_path / "env.duckdb")}
    proc = _cli("ingest", str(good), "--source", "s", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"read", "accepted", "quarantined", "duplicates", "issues"} <= set(out)
    assert (out["read"], out["accepted"], out["quarantined"], out["duplicates"]) == (3, 1, 1, 1)
    assert out["issues"] == {"victim-age-out-of-range": 1}
    assert (tmp_path / "env.duckdb").exists()
    export = tmp_path / "q.csv"
    proc = _cli("quarantine", "--out", str(export), env=env)
    assert proc.returncode == 0, proc.stderr
    with export.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["codes"] == "victim-age-out-of-range"
    assert rows[0]["row_number"] == "2"
    assert json.loads(rows[0]["raw"])["victim_age"] == "200"
    assert "0-120" in rows[0]["problems"]


def test_schema_template_and_rules(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert _cli("schema", "--template", str(out)).returncode == 0
    assert out.read_text().strip().split(",") == [f.name for f in FLAT_V1]
    listed = json.loads(_cli("schema", "--json").stdout)
    assert [f["name"] for f in listed] == [f.name for f in FLAT_V1]
    rules = json.loads(_cli("rules", "--json").stdout)
    assert len(rules) >= 30


def test_init_creates_a_migrated_store(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    proc = _cli("init", "--db", str(db))
    assert proc.returncode == 0
    status = json.loads(_cli("status", "--json", "--db", str(db)).stdout)
    assert status == {"schema_version": LATEST_VERSION, "sources": {}}


def test_mse_is_registered_and_reproduces_the_uk_figure() -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "mse" / "UKdat_5.csv"
    proc = _cli("mse", str(data), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # Home Office (2014): about 11,300 victims, 95% interval about 10,000 to 13,000
    assert 10_000 < out["total"] < 13_000
    assert out["observed"] == 2744


def test_mse_bad_file_is_one_message(tmp_path: Path) -> None:
    bad = tmp_path / "lists.csv"
    bad.write_text("A,B,count\n1,2,5\n")
    proc = _cli("mse", str(bad))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert str(bad) in proc.stderr.replace("\n", "")


def test_stats_is_registered(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    good = tmp_path / "g.csv"
    good.write_text(
        "incident_id,reported_date,national_label,offence_seq\n"
        "A,2024-01-01,Theft,1\nA,2024-01-01,Assault,2\nB,2024-02-01,Theft,1\n"
    )
    assert _cli("ingest", str(good), "--source", "s", "--db", str(db)).returncode == 0
    offences = _cli("stats", "--by", "month", "--unit", "offences", "--db", str(db))
    incidents = _cli("stats", "--by", "month", "--unit", "incidents", "--db", str(db))
    assert offences.returncode == 0, offences.stderr
    # counted by hand: January has 1 incident with 2 offences, February 1 with 1
    assert offences.stdout.split() == ["month,count", "2024-01,2", "2024-02,1"]
    assert incidents.stdout.split() == ["month,count", "2024-01,1", "2024-02,1"]
    bad = _cli("stats", "--by", "colour", "--db", str(db))
    assert bad.returncode == 2  # an unknown field is bad usage
    assert "colour" in bad.stderr
    assert "Traceback" not in bad.stderr
