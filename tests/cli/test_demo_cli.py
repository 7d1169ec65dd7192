"""``crimestats demo`` (what ``make run`` calls): the whole main job on the bundled data."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import duckdb
from tests.conftest import run_cli

from crimestats.cli.demo_cmd import release_folder


def test_demo_builds_codes_and_releases(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    code, out, error = run_cli("demo", "--db", str(db))
    assert code == 0, (out, error)
    assert "read = accepted + quarantined + duplicates" in out
    folder = release_folder(db)
    assert folder == tmp_path / "demo-release"
    manifest = (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    assert len(manifest) >= 10
    for line in manifest:  # what `sha256sum -c` checks, recomputed here
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert "protected release" in out
    # the bundled extracts that end (or start) inside a year: those years are partial and
    # left out of the exact tables, each named in the output (a line may wrap)
    flat = re.sub(r"\s+", " ", out)
    for period, reason in [
        ("2014", "chicago: data start 2014-02; chicago: data end 2014-03"),  # two weeks
        ("2017", "policeuk: data end 2017-06"),  # the street file runs 2016-01 to 2017-06
        ("2023", "nypd_hate_crimes: data end 2023-09"),  # recorded to 2023-09-30
    ]:
        assert f"year {period} is partial, left out of the exact tables: {reason}" in flat
    assert flat.count("is partial") == 3
    with (folder / "incidents_by_source_year.csv").open(encoding="utf-8", newline="") as handle:
        published = {(r["source"], r["year"]): r["count"] for r in csv.DictReader(handle)}
    # the store counted directly: every incident but chicago's, policeuk's 2017 and
    # nypd's 2023 (by report year)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT source, CAST(year(reported_date) AS VARCHAR), count(*) FROM incidents"
            " WHERE NOT (source = 'chicago' OR (source = 'policeuk' AND year(reported_date)"
            " = 2017) OR (source = 'nypd_hate_crimes' AND year(reported_date) = 2023))"
            " GROUP BY ALL"
        ).fetchall()
    expected = {(source, year): str(n) for source, year, n in rows}
    assert {k: v for k, v in published.items() if "Total" not in k} == expected
    assert published[("Total", "Total")] == str(sum(n for _, _, n in rows))
