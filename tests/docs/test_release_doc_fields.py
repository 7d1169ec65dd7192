"""docs/release.md lists exactly what a release writes: read the list, build releases.

The table between ``<!-- release-fields: begin -->`` and ``end`` in docs/release.md
names, per place, every column, status and metadata key a release writes (a key marked
*(when ...)* only under that condition). Three releases of the bundled real data (the
demo store) are built here: the standard one (threshold tables, ``--as-of`` and
``--seed``), one with a DP table and one with a rounding table. For each row of the
documentation, the keys the releases write are collected from their files, and must be
exactly the keys the row names: a key written but not documented, or documented but
never written, fails.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from crimestats.release import build_release
from crimestats.release.config import load_config

DOC = Path(__file__).resolve().parents[2] / "docs" / "release.md"
_NAME = re.compile(r"`([^`]+)`")


def documented() -> dict[str, set[str]]:
    """Row label -> the backticked names of its fields column (conditions stripped)."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- release-fields: begin -->")[1]
    block = block.split("<!-- release-fields: end -->")[0]
    out: dict[str, set[str]] = {}
    for line in block.splitlines():
        if not line.startswith("|") or line.startswith(("| where", "|---")):
            continue
        where, fields = (part.strip() for part in line.strip("|").split("|", 1))
        fields = re.sub(r"\*\([^)]*\)\*", "", fields)  # "(when ...)" notes name no key
        out[where] = set(_NAME.findall(fields))
    return out


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def releases(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    work = tmp_path_factory.mktemp("docfields")
    store = work / "store.duckdb"
    shutil.copyfile(demo_db, store)  # the DP release is recorded: never in the shared store
    dp = _write(work / "dp.yaml", (
        "tables:\n"
        "  - {name: incidents_by_source_year, unit: incidents, by: [source, year]}\n"
        "  - {name: offences_by_source_iccs_l1_dp, unit: offences, by: [source, iccs_l1], "
        "method: dp}\n"
        "dp: {epsilon: 1.0, privacy_unit: incident}\n"
    ))  # fmt: skip
    rounding = _write(work / "rounding.yaml", (
        "tables:\n"
        "  - {name: offences_by_source_iccs_l2, unit: offences, by: [source, iccs_l2], "
        "method: rounding}\n"
        "maps: {method: none}\n"
    ))  # fmt: skip
    standard = build_release(store, work / "standard", as_of="2024-06-30", seed=7, record=False)
    with_dp = build_release(store, work / "dp", config=load_config(dp))
    rounded = build_release(store, work / "rounding", config=load_config(rounding), record=False)
    return [standard.directory, with_dp.directory, rounded.directory]


def _package(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return data


def _tables(folder: Path) -> list[dict[str, Any]]:
    """The table resources (CSV with a disclosure record) of a release."""
    return [
        r for r in _package(folder)["resources"] if "disclosure_control" in r.get("crimestats", {})
    ]


def _keys(items: Iterable[dict[str, Any]]) -> set[str]:
    return {key for item in items for key in item}


def _method(resource: dict[str, Any]) -> str:
    method = str(resource["crimestats"]["disclosure_control"]["method"])
    if "differential" in method:
        return "dp"
    return "rounding" if "rounding" in method else "threshold"


def written(folders: list[Path]) -> dict[str, set[str]]:
    """Per documentation row, the names the releases write."""
    tables = [(folder, r) for folder in folders for r in _tables(folder)]
    by_method: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    for folder, resource in tables:
        by_method.setdefault(_method(resource), []).append((folder, resource))
    out: dict[str, set[str]] = {}
    statuses: set[str] = set()
    obs: set[str] = set()
    sdmx_columns: set[str] = set()
    for label, methods in (
        ("threshold or rounding table CSV / Parquet", ("threshold", "rounding")),
        ("DP table CSV / Parquet", ("dp",)),
    ):
        names: set[str] = set()
        for method in methods:
            for folder, resource in by_method.get(method, []):
                by = set(resource["crimestats"]["statistics"]["by"])
                path = folder / resource["path"]
                with path.open(encoding="utf-8", newline="") as handle:
                    rows = list(csv.DictReader(handle))
                header = list(rows[0]) if rows else []
                parquet = pq.read_schema(path.with_suffix(".parquet")).names
                assert parquet == header, path.name  # the Parquet copy has the same columns
                names |= set(header) - by
                statuses |= {r["status"] for r in rows if "status" in r}
                sdmx = folder / "sdmx" / f"{path.stem}.sdmx.csv"
                with sdmx.open(encoding="utf-8", newline="") as handle:
                    sdmx_rows = list(csv.DictReader(handle))
                sdmx_columns |= set(sdmx_rows[0]) - {name.upper() for name in by}
                obs |= {r["OBS_STATUS"] for r in sdmx_rows}
        out[label] = names
    if "status" not in out["DP table CSV / Parquet"]:
        raise AssertionError("the DP release should have a structural zero (a status column)")
    out["`status` values"] = statuses
    out["SDMX-CSV columns"] = sdmx_columns
    out["SDMX `OBS_STATUS`"] = obs
    packages = [_package(folder) for folder in folders]
    out["datapackage"] = _keys(packages)
    out["table resource"] = _keys(r for _, r in tables)
    out["table resource `crimestats`"] = _keys(r["crimestats"] for _, r in tables)
    record = {
        m: [r["crimestats"]["disclosure_control"] for _, r in by_method[m]] for m in by_method
    }
    out["threshold `disclosure_control`"] = _keys(record["threshold"])
    out["rounding `disclosure_control`"] = _keys(record["rounding"])
    out["DP `disclosure_control`"] = _keys(record["dp"])
    audits = [d["audit"] for d in record["threshold"] if "audit" in d]
    out["`audit`"] = _keys(audits)
    out["`audit.cells[]`"] = _keys(cell for audit in audits for cell in audit["cells"])
    out["`statistics` (the notes)"] = _keys(r["crimestats"]["statistics"] for _, r in tables)
    blocks = [p["crimestats"] for p in packages]
    out["package `crimestats`"] = _keys(blocks)
    plain = [b["disclosure_control"] for b in blocks if "methods" not in b["disclosure_control"]]
    mixed = [b["disclosure_control"] for b in blocks if "methods" in b["disclosure_control"]]
    out["package `disclosure_control` (threshold tables only)"] = _keys(plain)
    out["package `disclosure_control` (other methods)"] = _keys(mixed)
    out["`lineage`"] = _keys(b["lineage"] for b in blocks)
    out["`lineage.ingests[]`"] = _keys(i for b in blocks for i in b["lineage"]["ingests"])
    return out


def test_the_documentation_lists_exactly_what_a_release_writes(releases: list[Path]) -> None:
    doc = documented()
    got = written(releases)
    assert set(doc) == set(got), "a row of the documented field list has no check here"
    for where, names in got.items():
        assert names == doc[where], (
            f"{where}: written but not documented {sorted(names - doc[where])}, "
            f"documented but not written {sorted(doc[where] - names)}"
        )


def test_the_field_list_is_read() -> None:
    """The parser reads every row (a broken table would make the first test vacuous)."""
    doc = documented()
    assert len(doc) >= 18
    assert {"count", "status"} <= doc["threshold or rounding table CSV / Parquet"]
    assert "not_applicable" in doc["`status` values"]
    # the DP lineage leaves out checksums, no lineage names a file or counts rows
    assert not {"bytes", "rows_read", "accepted"} & doc["`lineage.ingests[]`"]
