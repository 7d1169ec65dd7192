"""A release is a valid Frictionless Data Package, and its files read back as described.

``frictionless validate`` is what a user of the open data runs first: every resource must
exist, match its schema (types, constraints, enum of statuses) and its declared format.
The CSV and Parquet copies of each table must hold the same rows.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crimestats.release import build_release

frictionless = pytest.importorskip("frictionless")


@pytest.fixture(scope="module")
def folder(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("frictionless") / "release"
    return build_release(demo_db, out, record=False).directory


def test_release_passes_frictionless_validate(folder: Path) -> None:
    report = frictionless.validate(str(folder / "datapackage.json"))
    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]
    assert report.valid, errors


def test_every_resource_path_exists_and_is_in_the_manifest(folder: Path) -> None:
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    listed = {
        line.split("  ", 1)[1]
        for line in (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    }
    assert package["resources"]
    for resource in package["resources"]:
        assert (folder / resource["path"]).is_file(), resource["path"]
        assert resource["path"] in listed


def test_csv_and_parquet_copies_hold_the_same_rows(folder: Path) -> None:
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    csv_paths = [r["path"] for r in package["resources"] if r.get("format") == "csv"]
    compared = 0
    for path in csv_paths:
        parquet = folder / path.replace(".csv", ".parquet")
        if not parquet.exists():
            continue
        with (folder / path).open(encoding="utf-8", newline="") as handle:
            from_csv = [
                {k: (v if v != "" else None) for k, v in row.items()}
                for row in csv.DictReader(handle)
            ]
        from_parquet = [
            {k: (None if v is None else str(v)) for k, v in row.items()}
            for row in pq.read_table(parquet).to_pylist()
        ]
        assert from_csv == from_parquet, path
        compared += 1
    assert compared >= 3
