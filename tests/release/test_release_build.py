"""A release of the bundled real data: protected, complete, verifiable and reproducible."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from crimestats.cli import release_cmd
from crimestats.errors import NotFoundError, UsageError
from crimestats.release import MANIFEST, STANDARD_TABLES, ReleaseResult, build_release

THRESHOLD = 3


@pytest.fixture(scope="module")
def releases(
    demo_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ReleaseResult, ReleaseResult]:
    """The same store released twice, into two folders (not recorded: the store is shared)."""
    first = build_release(demo_db, tmp_path_factory.mktemp("rel") / "a", record=False)
    second = build_release(demo_db, tmp_path_factory.mktemp("rel") / "b", record=False)
    return first, second


@pytest.fixture(scope="module")
def folder(releases: tuple[ReleaseResult, ReleaseResult]) -> Path:
    return releases[0].directory


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_standard_table_as_csv_and_parquet(folder: Path) -> None:
    names = {p.name for p in folder.iterdir()}
    for spec in STANDARD_TABLES:
        assert f"{spec.name}.csv" in names
        assert f"{spec.name}.parquet" in names
    assert {"datapackage.json", "report.html", MANIFEST} <= names


def test_no_published_count_at_or_below_threshold(folder: Path) -> None:
    withheld = 0
    for path in sorted(folder.glob("*.csv")):
        for row in _csv(path):
            if "status" not in row:  # the map: counts of at least maps.min_count
                assert not 1 <= int(row["count"]) <= THRESHOLD, (path.name, row)
                continue
            if row["count"] == "":
                assert row["status"] in ("withheld", "not_applicable")  # structural zero
                withheld += row["status"] == "withheld"
                continue
            assert row["status"] == "published"
            value = int(row["count"])
            assert not 1 <= value <= THRESHOLD, (path.name, row)
    assert withheld > 0  # the real data has small cells: suppression did something


def test_margins_are_published_or_withheld_consistently(folder: Path) -> None:
    rows = _csv(folder / "offences_by_source_iccs_l2.csv")
    interior = [r for r in rows if "Total" not in (r["source"], r["iccs_l2"])]
    grand = [r for r in rows if r["source"] == r["iccs_l2"] == "Total"]
    assert len(grand) == 1
    if grand[0]["count"] and all(r["count"] for r in interior):
        assert sum(int(r["count"]) for r in interior) == int(grand[0]["count"])


def test_parquet_holds_the_same_rows_as_the_csv(folder: Path) -> None:
    for spec in STANDARD_TABLES:
        rows = _csv(folder / f"{spec.name}.csv")
        table = pq.read_table(folder / f"{spec.name}.parquet")
        assert table.column_names == list(rows[0])
        back = [
            {k: "" if v is None else str(v) for k, v in row.items()} for row in table.to_pylist()
        ]
        assert back == rows


def test_manifest_verifies_and_covers_every_other_file(folder: Path) -> None:
    lines = (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    listed: list[str] = []
    for line in lines:
        digest, name = line.split("  ", 1)
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
        listed.append(name)
    assert listed == sorted(listed)
    assert set(listed) == set(_files(folder)) - {MANIFEST}


def test_two_builds_are_byte_identical(releases: tuple[ReleaseResult, ReleaseResult]) -> None:
    first, second = releases
    names = _files(first.directory)
    assert names == _files(second.directory)
    for name in names:
        assert (first.directory / name).read_bytes() == (second.directory / name).read_bytes(), name
    assert first.release_id == second.release_id
    assert first.files == [*sorted(n for n in names if n != MANIFEST), MANIFEST]


def _identifiers(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        queries = [
            "SELECT incident_id FROM incidents",
            "SELECT narrative FROM incidents WHERE narrative IS NOT NULL",
            "SELECT person_ref FROM suspects WHERE person_ref IS NOT NULL",
            "SELECT person_ref FROM justice_events WHERE person_ref IS NOT NULL",
            "SELECT incident_id FROM justice_events WHERE incident_id IS NOT NULL",
        ]
        found: set[str] = set()
        for query in queries:
            found.update(str(value) for (value,) in con.execute(query).fetchall())
        return found
    finally:
        con.close()


def _files(folder: Path) -> list[str]:
    """Every file under ``folder`` (subfolders too), as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _published_text(folder: Path) -> list[str]:
    texts: list[str] = []
    for path in (folder / name for name in _files(folder)):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            values = [str(v) for col in table.columns for v in col.to_pylist()]
            texts.append("\n".join(values))
            # the raw bytes too (schema, metadata), as far as they are text
            texts.append(path.read_bytes().decode("latin-1"))
        else:
            texts.append(path.read_text(encoding="utf-8"))
    return texts


def test_no_identifier_narrative_or_exact_date_is_published(demo_db: Path, folder: Path) -> None:
    identifiers = _identifiers(demo_db)
    assert len(identifiers) > 20_000  # incident ids and person references of the real data
    texts = _published_text(folder)
    # whole tokens (an id inside a longer word or checksum is not that id)
    tokens: set[str] = set()
    for text in texts:
        tokens.update(re.findall(r"[A-Za-z0-9]+", text))
        tokens.update(re.findall(r"[A-Za-z0-9:_\-]+", text))
    plain = {i for i in identifiers if re.fullmatch(r"[A-Za-z0-9:_\-]+", i)}
    assert not plain & tokens
    for other in identifiers - plain:  # narratives and odd ids: any occurrence at all
        assert not any(other in text for text in texts), other
    for path in folder.rglob("*.csv"):
        assert not re.search(r"\d{4}-\d{2}-\d{2}", path.read_text(encoding="utf-8")), path.name


def test_datapackage_lists_every_file_with_its_fields(demo_db: Path, folder: Path) -> None:
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert "created" not in package  # no timestamp unless --as-of
    resources = {r["path"]: r for r in package["resources"]}
    csvs = sorted(p.name for p in folder.glob("*.csv"))
    assert sorted(p for p in resources if p.endswith(".csv") and "/" not in p) == csvs
    for name in (spec.name + ".csv" for spec in STANDARD_TABLES):
        resource = resources[name]
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert [f["name"] for f in resource["schema"]["fields"]] == header
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        assert types["count"] == "integer"
        assert resource["schema"]["primaryKey"] == header[:-2]
        about = resource["crimestats"]
        assert about["classification"] == "ICCS v1.0 (UNODC 2015)"
        assert about["counting_unit"] in {"incidents", "offences", "victims"}
        assert about["disclosure_control"]["threshold"] == THRESHOLD
        assert about["disclosure_control"]["audit"]["passed"] is True
        assert "store" not in about["statistics"]
        parquet = name.removesuffix(".csv") + ".parquet"
        assert pq.read_schema(folder / parquet).names == header
        assert resources[parquet]["format"] == "parquet"
    lineage = package["crimestats"]["lineage"]
    assert lineage["code_version"].startswith("crimestats")
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        stored = con.execute("SELECT file_sha256 FROM ingests ORDER BY ingest_id")
        expected = [r[0] for r in stored.fetchall()]
    finally:
        con.close()
    assert [i["sha256"] for i in lineage["ingests"]] == expected
    assert all("/" not in i["file"] for i in lineage["ingests"])
    # row counts of a file would publish what a table may withhold: they stay in the store
    assert not any({"rows_read", "accepted", "bytes"} & set(i) for i in lineage["ingests"])


def test_report_is_offline(folder: Path) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "<table>" in page
    assert "<script" not in page
    assert "http://" not in page
    assert "https://" not in page


def test_refuses_a_non_empty_folder_unless_forced(demo_db: Path, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty"):
        build_release(demo_db, tmp_path, record=False)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_bad_options_and_missing_store(demo_db: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="threshold"):
        build_release(demo_db, tmp_path / "r", threshold=0, record=False)
    with pytest.raises(UsageError, match="as-of"):
        build_release(demo_db, tmp_path / "r", as_of="yesterday", record=False)
    with pytest.raises(NotFoundError):
        build_release(tmp_path / "none.duckdb", tmp_path / "r", record=False)
    assert not (tmp_path / "r").exists()


def test_cli_writes_records_and_refuses(demo_db: Path, tmp_path: Path) -> None:
    store = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, store)  # recording writes to the store: not the shared one
    app = typer.Typer()
    release_cmd.register(app)
    app.command("noop")(lambda: None)  # two commands, so "release" is a subcommand
    runner = CliRunner()
    out = tmp_path / "rel"
    args = ["release", "--out", str(out), "--db", str(store), "--as-of", "2024-06-30"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["recorded"] is True
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["created"] == "2024-06-30"
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute("SELECT release_id, manifest, created_at FROM releases").fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    assert rows[0][0] == summary["release_id"]
    assert rows[0][1] == (out / MANIFEST).read_text(encoding="utf-8")
    refused = runner.invoke(app, args)
    assert isinstance(refused.exception, UsageError)
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "release " in forced.stdout


def test_the_default_config_is_the_release_without_one(
    demo_db: Path, releases: tuple[ReleaseResult, ReleaseResult], tmp_path: Path
) -> None:
    from crimestats.release.config import default_config, load_config

    written = tmp_path / "defaults.yaml"
    written.write_text(
        "threshold: 3\n"
        "tables:\n"
        + "".join(
            f"  - {{name: {s.name}, unit: {s.unit}, by: [{', '.join(s.by)}], title: '{s.title}'}}\n"
            for s in STANDARD_TABLES
        ),
        encoding="utf-8",
    )
    for config in (default_config(), load_config(written)):
        out = tmp_path / f"r{id(config)}"
        again = build_release(demo_db, out, config=config, record=False)
        assert again.manifest == releases[0].manifest


def test_a_file_outside_the_manifest_stops_the_release(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest lists exactly the files of the folder: a writer that leaves an
    unlisted file is a bug, caught before anything is published."""
    from crimestats.release import build

    real = build._write_sdmx

    def stray(folder: Path, *args: object, **kwargs: object) -> list[str]:
        (folder / "stray.txt").write_text("not listed\n", encoding="utf-8")
        return real(folder, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "_write_sdmx", stray)
    with pytest.raises(RuntimeError, match=r"not listed \['stray.txt'\]"):
        build_release(demo_db, tmp_path / "new" / "parents" / "rel", record=False)
    assert list(tmp_path.iterdir()) == []  # no folder, no staging, no parent it made
