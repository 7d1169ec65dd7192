"""A golden release of a small real dataset: the published outputs must not drift unseen.

The store holds two bundled real files whose offences are coded almost only by
correspondence tables (data.police.uk street crimes for the City of London, 2016-01 to
2017-06, and the CODE homicides of 2015); "Anti-social behaviour" is not a crime (table
code ``none``: never coded) and the one label too broad for a code (police.uk "Other
crime") goes to the autocoder, so a retrained model can move it: regenerate and review
the diff then.
The release is built with a fixed ``--as-of`` and compared, file by file, to
``tests/data/golden_release/``: the table CSVs, their SDMX-CSV copies, the map CSV and
``datapackage.json``. Parquet, SDMX-ML and HTML bytes depend on library versions and
are checked by their own tests (read-back, validity), not here.

The golden files were checked once by hand and are checked here again against an
independent count of the raw police.uk file (every published police.uk cell of the
offences table equals the raw count of 2016: the file ends in 2017-06, so the release
leaves the partial year 2017 out, and names it in ``datapackage.json``). After an
intended change, regenerate them with ``CRIMESTATS_UPDATE_GOLDEN=1 pytest
tests/release/test_release_golden.py`` and review the diff before committing.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import shutil
from collections import Counter
from importlib import resources
from pathlib import Path

import duckdb
import pytest

from crimestats.release import build_release
from crimestats.services.classifying import classify
from crimestats.services.demo import BUNDLED, bundled_path, mapping_path
from crimestats.services.ingesting import ingest_files

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_release"
AS_OF = "2024-06-30"
FILES = (
    "incidents_by_source_year.csv",
    "offences_by_source_iccs_l2.csv",
    "victims_by_source_sex_age_group.csv",
    "sdmx/incidents_by_source_year.sdmx.csv",
    "sdmx/offences_by_source_iccs_l2.sdmx.csv",
    "sdmx/victims_by_source_sex_age_group.sdmx.csv",
    "map_h3.csv",
    "datapackage.json",
)
STREET = "policeuk/city_of_london_street_2016-01_2017-06.csv.gz"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("golden")
    db = work / "golden.duckdb"
    for item in BUNDLED:
        if item.file == STREET or item.source == "code_crimedata":
            ingest_files(
                [bundled_path(item.file)],
                source=item.source,
                db=db,
                mapping=mapping_path(item.mapping),
            )
    classify(db)
    return db


@pytest.fixture(scope="module")
def release(store: Path) -> Path:
    return build_release(store, store.parent / "release", as_of=AS_OF, record=False).directory


_VERSIONS = re.compile(r'"(code_version|h3_version)": "[^"]*"')


def _read(path: Path) -> str:
    """The file's text, with the versions of crimestats and h3 blanked: a fresh install
    may bring a newer release of either, which changes no published number."""
    return _VERSIONS.sub(r'"\1": ""', path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", FILES)
def test_release_file_matches_golden(release: Path, name: str) -> None:
    produced = release / name
    assert produced.is_file(), name
    golden = GOLDEN / name
    if os.environ.get("CRIMESTATS_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, golden)
    assert golden.is_file(), f"no golden file {golden}; run with CRIMESTATS_UPDATE_GOLDEN=1"
    assert _read(produced) == _read(golden), f"{name} differs from its golden file"


def _raw_policeuk_counts() -> Counter[str | None]:
    """ICCS division -> street crimes of 2016, from the raw file and the correspondence
    CSV (a label the table leaves blank, or codes above the division, counts under
    ``None``). 2016 only: the file ends in 2017-06, so the release leaves the partial
    year 2017 out of its tables."""
    table = resources.files("crimestats") / "data" / "correspondence" / "policeuk.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        code = {
            row["national_code"]: (None if row["iccs_code"] in ("", "none") else row["iccs_code"])
            for row in csv.DictReader(handle)
            if row["source"] == "policeuk"
        }
    counts: Counter[str | None] = Counter()
    with gzip.open(bundled_path(STREET), "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["Month"].startswith("2016-"):
                continue
            iccs = code[row["Crime type"]]
            counts[None if iccs is None or len(iccs) < 4 else iccs[:4]] += 1
    return counts


def _model_sections(db: Path) -> set[str | None]:
    """ICCS divisions the autocoder reached in the store (cells a raw count cannot check)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT DISTINCT substr(iccs_code, 1, 4) FROM offences "
            "WHERE source = 'policeuk' AND iccs_method = 'model'"
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def test_golden_counts_equal_a_raw_count(store: Path) -> None:
    expected = _raw_policeuk_counts()
    unsure = _model_sections(store) | {None}  # where the blank-coded labels went
    with (GOLDEN / "offences_by_source_iccs_l2.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["source"] == "policeuk"]
    interior = [r for r in rows if r["iccs_l2"] != "Total"]
    published = [r for r in interior if r["count"] != ""]
    assert len(published) >= 5
    checked = 0
    for row in published:
        key = row["iccs_l2"] or None
        if key in unsure:
            continue
        assert int(row["count"]) == expected[key], key
        checked += 1
    assert checked >= 5
    # the police.uk total: every street crime is one offence and one incident
    total = next(r for r in rows if r["iccs_l2"] == "Total")
    assert int(total["count"]) == sum(expected.values())
    with (GOLDEN / "incidents_by_source_year.csv").open(encoding="utf-8", newline="") as f:
        years = {r["year"]: r["count"] for r in csv.DictReader(f) if r["source"] == "policeuk"}
    assert int(years["Total"]) == int(years["2016"]) == sum(expected.values())
    assert "2017" not in years  # data end 2017-06: partial, left out


def test_the_map_leaves_out_the_years_the_tables_leave_out(store: Path, release: Path) -> None:
    """police.uk 2017 (the file ends in 2017-06) is left out of the tables, so the map
    draws no hexagon of it; 2016, whole, is drawn; read from the files, not the code."""
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    left_out = {
        (source, note["period"])
        for resource in package["resources"]
        if "statistics" in resource.get("crimestats", {})
        for note in (resource["crimestats"]["statistics"].get("period") or {}).get(
            "partial_periods", []
        )
        if note["left_out"]
        for source in note["sources"]
    }
    assert ("policeuk", "2017") in left_out
    with (release / "map_h3.csv").open(encoding="utf-8", newline="") as handle:
        drawn = {(row["source"], row["year"]) for row in csv.DictReader(handle)}
    assert drawn.isdisjoint(left_out)
    assert ("policeuk", "2016") in drawn
    with duckdb.connect(str(store), read_only=True) as con:
        points_2017 = con.execute(
            "SELECT count(*) FROM incidents WHERE source = 'policeuk' "
            "AND year(reported_date) = 2017 AND lat IS NOT NULL"
        ).fetchone()
    assert points_2017 is not None
    assert points_2017[0] > 0  # there were points to draw
