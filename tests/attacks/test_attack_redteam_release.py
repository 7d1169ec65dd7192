"""Red-team replay of the release hardening (issue 11), release side.

Finding H: ``--force`` removed a folder that only *looked* like a release (an empty
``MANIFEST.sha256`` and a ``{}`` datapackage) with a thesis in it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from tests.attacks.conftest import HEADER, ROWS

from crimestats.errors import UsageError
from crimestats.release import MANIFEST, build_release
from crimestats.release.config import parse_config
from crimestats.services.ingesting import ingest_files

KEEP: dict[str, Any] = {"period": {"include_partial": True}}
"""The stores here hold a few days each, so every year is partial; the tests are about
other things (labels, thresholds, suppression), so their releases keep partial years."""
PLAIN: dict[str, Any] = {
    "tables": [{"name": "incidents_t", "unit": "incidents", "by": ["source", "year"]}],
    "maps": {"method": "none"},
    **KEEP,
}


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# ---------------------------------------------------------------- H: --force and a fake release


def test_force_refuses_a_folder_that_only_looks_like_a_release(
    alpha_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "fr2"
    out.mkdir()
    (out / MANIFEST).write_text("", encoding="utf-8")
    (out / "datapackage.json").write_text("{}\n", encoding="utf-8")
    (out / "thesis.docx").write_text("precious\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"thesis\.docx") as caught:
        build_release(alpha_store, out, config=parse_config(PLAIN), force=True)
    assert "thesis.docx" in (caught.value.hint or "")
    assert (out / "thesis.docx").read_text(encoding="utf-8") == "precious\n"
    assert _files(out) == ["MANIFEST.sha256", "datapackage.json", "thesis.docx"]


def test_force_refuses_a_real_release_with_a_file_added(alpha_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "rel"
    build_release(alpha_store, out, config=parse_config(PLAIN))
    (out / "sdmx" / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"sdmx/notes.txt"):
        build_release(alpha_store, out, config=parse_config(PLAIN), force=True)
    assert (out / "sdmx" / "notes.txt").is_file()


def test_force_refuses_a_listed_file_whose_content_changed(
    alpha_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rel"
    build_release(alpha_store, out, config=parse_config(PLAIN))
    (out / "incidents_t.csv").write_text("my edits\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"incidents_t\.csv"):
        build_release(alpha_store, out, config=parse_config(PLAIN), force=True)
    assert (out / "incidents_t.csv").read_text(encoding="utf-8") == "my edits\n"


def test_force_refuses_a_manifest_faked_over_a_plain_datapackage(
    alpha_store: Path, tmp_path: Path
) -> None:
    import hashlib

    out = tmp_path / "fake"
    out.mkdir()
    body = b'{"name": "not-crimestats"}\n'
    (out / "datapackage.json").write_bytes(body)
    digest = hashlib.sha256(body).hexdigest()
    (out / MANIFEST).write_text(f"{digest}  datapackage.json\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"datapackage\.json"):
        build_release(alpha_store, out, config=parse_config(PLAIN), force=True)
    assert json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


def test_force_still_replaces_an_untouched_release(alpha_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "rel"
    build_release(alpha_store, out, config=parse_config(PLAIN))
    build_release(alpha_store, out, config=parse_config(PLAIN), force=True)
    assert "incidents_t.csv" in _files(out)


# ---------------------------------------------------------------- B: rounding across units

ACROSS_UNITS: dict[str, Any] = {
    "tables": [
        {"name": "inc_area_l1", "unit": "incidents", "by": ["area", "iccs_l1"]},
        {
            "name": "off_area_l1",
            "unit": "offences",
            "by": ["area", "iccs_l1"],
            "method": "rounding",
            "base": 2,
        },
    ],
    "maps": {"method": "none"},
}


def test_rounded_offences_beside_threshold_incidents_are_refused() -> None:
    """A base-2 rounded 0 offences means offences <= 1, and offences >= incidents, so
    the withheld incidents cell beside it is in [0, 1]: the two units bound each other,
    so the configuration is refused at load as two tables of one unit were."""
    with pytest.raises(UsageError) as refused:
        parse_config(ACROSS_UNITS)
    assert "inc_area_l1" in refused.value.message
    assert "off_area_l1" in refused.value.message
    assert refused.value.hint == (
        "publish off_area_l1 in a release of its own, or give both method: threshold"
    )


def test_a_configuration_made_in_code_is_refused_across_units(
    alpha_store: Path, tmp_path: Path
) -> None:
    import dataclasses

    from crimestats.release.config_tables import TableSpec

    alone = parse_config({**ACROSS_UNITS, "tables": ACROSS_UNITS["tables"][:1]})
    rounded = TableSpec("off_r", "offences", ("source",), "Rounded", "rounding", 2)
    both = dataclasses.replace(alone, tables=(*alone.tables, rounded))
    with pytest.raises(UsageError, match="off_r in a release of its own"):
        build_release(alpha_store, tmp_path / "refused", config=both, record=False)
    assert not (tmp_path / "refused").exists()


def test_rounding_beside_dp_tables_is_still_allowed() -> None:
    config = parse_config(
        {
            "tables": [
                ACROSS_UNITS["tables"][1],
                {"name": "inc_dp", "unit": "incidents", "by": ["year"], "method": "dp"},
            ],
            "dp": {"epsilon": 1.0, "privacy_unit": "incident", "years": [2022, 2024]},
            "maps": {"method": "none"},
        }
    )
    assert [t.method for t in config.tables] == ["rounding", "dp"]


# ---------------------------------------------------------------- D: a data value "Total"


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_value_named_total_is_published_under_its_own_label(tmp_path: Path) -> None:
    """One area and one source named ``Total`` blocked every release by them (fix: "pass
    another total_label", an option the release has not got). The data values are now
    published as ``Total (value)``; the margins keep ``Total``."""
    data = tmp_path / "in.csv"
    header = [*HEADER, "area_code"]
    rows = [
        *[[f"A{n}", "2023-01-05", 1, "Theft", "0502", "Total"] for n in range(6)],
        *[[f"B{n}", "2023-03-01", 1, "Theft", "0502", "North"] for n in range(5)],
        *[[f"C{n}", "2023-03-01", 1, "Theft", "0502", "Total (value)"] for n in range(4)],
    ]
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    db = tmp_path / "store.duckdb"
    ingest_files([data], source="Total", db=db)
    config = parse_config(
        {
            "tables": [{"name": "inc_area", "unit": "incidents", "by": ["source", "area"]}],
            "maps": {"method": "none"},
            **KEEP,
        }
    )
    folder = build_release(db, tmp_path / "rel", config=config, record=False).directory
    got = {(r["source"], r["area"]): r["count"] for r in _csv_rows(folder / "inc_area.csv")}
    assert got == {
        ("Total (value)", "North"): "5",
        ("Total (value)", "Total (value)"): "6",
        ("Total (value)", "Total (value) (value)"): "4",
        ("Total (value)", "Total"): "15",
        ("Total", "North"): "5",
        ("Total", "Total (value)"): "6",
        ("Total", "Total (value) (value)"): "4",
        ("Total", "Total"): "15",
    }
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in package["resources"] if r["path"] == "inc_area.csv"]
    area = next(f for f in resource["schema"]["fields"] if f["name"] == "area")
    assert "published as 'Total (value)'" in area["description"]


# ---------------------------------------------------------------- C: raising the threshold

RAISED_ROWS = [
    *[[f"A{n}", "2023-01-05", 1, "Theft", "0502"] for n in range(6)],
    *[[f"B{n}", "2024-03-01", 1, "Assault", "02011"] for n in range(4)],
    *[[f"D{n}", "2024-03-01", 1, "Theft", "0502"] for n in range(7)],
    *[[f"E{n}", "2023-03-01", 1, "Assault", "02011"] for n in range(8)],
    ["C1", "2022-07-01", 1, "Robbery", "0401"],
]
BY_YEAR_SECTION: dict[str, Any] = {
    "tables": [{"name": "t", "unit": "incidents", "by": ["year", "iccs_l1"]}],
    "maps": {"method": "none"},
    **KEEP,
}


def _raised_store(tmp_path: Path) -> Path:
    data = tmp_path / "raised.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(RAISED_ROWS)
    db = tmp_path / "raised.duckdb"
    ingest_files([data], source="alpha", db=db)
    return db


@pytest.mark.parametrize("carry_forward", [True, False])
def test_raising_the_threshold_after_a_recorded_release_works(
    tmp_path: Path, carry_forward: bool
) -> None:
    """Threshold 3 publishes 2024 x 02 = 4 with all its partners; threshold 4 must then
    withhold it, yet every partner was published unchanged (known), so the suppression
    model was infeasible ("use method='hypercube'", an option a release has not got). A
    cell the attacker already holds is now withheld without counting as protection."""
    db = _raised_store(tmp_path)
    config = parse_config({**BY_YEAR_SECTION, "carry_forward": carry_forward})
    first = build_release(db, tmp_path / "rel1", config=config).directory
    before = {(r["year"], r["iccs_l1"]): r["count"] for r in _csv_rows(first / "t.csv")}
    assert before[("2024", "02")] == "4"
    second = build_release(db, tmp_path / "r4", config=config, threshold=4).directory
    after = {(r["year"], r["iccs_l1"]): r for r in _csv_rows(second / "t.csv")}
    assert after[("2024", "02")]["status"] == "withheld"  # 4 <= the new threshold
    assert after[("2024", "02")]["count"] == ""
    # nothing 1..4 that rel1 did not publish is published now
    for key, row in after.items():
        if row["count"] and int(row["count"]) <= 4:
            assert before.get(key) == row["count"], key


LINKED: dict[str, Any] = {
    "tables": [
        {"name": "t", "unit": "incidents", "by": ["year", "iccs_l1"]},
        {"name": "t2", "unit": "incidents", "by": ["iccs_l1"]},
        {"name": "o", "unit": "offences", "by": ["year", "iccs_l1"]},
    ],
    "maps": {"method": "none"},
    **KEEP,
}


@pytest.mark.parametrize("config", [KEEP, LINKED], ids=["standard", "linked"])
def test_raising_the_threshold_for_linked_tables(tmp_path: Path, config: dict[str, Any]) -> None:
    """The same through linked tables (and the standard tables, partial years kept)."""
    db = _raised_store(tmp_path)
    parsed = parse_config(config)
    first = build_release(db, tmp_path / "rel1", config=parsed).directory
    second = build_release(db, tmp_path / "r4", config=parsed, threshold=4).directory
    tables = sorted(p.name for p in second.glob("*.csv"))
    assert tables == sorted(p.name for p in first.glob("*.csv"))
    assert tables
    for name in tables:
        before = {tuple(r.values())[:-2]: r["count"] for r in _csv_rows(first / name)}
        for row in _csv_rows(second / name):
            key = tuple(row.values())[:-2]
            if row["count"] and 0 < int(row["count"]) <= 4:  # only what rel1 published
                assert before.get(key) == row["count"], (name, key)


def test_a_suppression_failure_in_a_release_names_a_fix_it_has(
    alpha_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The privacy layer's fix ("use method='hypercube'") names a Python option a
    release has not got; a release's fix names its own options."""
    from crimestats.errors import SuppressionError
    from crimestats.privacy import secondary

    def infeasible(*_args: Any, **_kwargs: Any) -> Any:
        raise SuppressionError("the suppression MILP failed: infeasible", hint="use method=x")

    import shutil

    db = tmp_path / "store.duckdb"
    shutil.copyfile(alpha_store, db)
    small = {"tables": [{"name": "t", "unit": "incidents", "by": ["year"]}],
             "maps": {"method": "none"}, **KEEP}  # fmt: skip
    build_release(db, tmp_path / "rel0", config=parse_config(small))  # recorded: no fallback
    monkeypatch.setattr(secondary, "milp_suppression", infeasible)
    with pytest.raises(SuppressionError) as caught:
        build_release(db, tmp_path / "rel", config=parse_config(small), threshold=4)
    assert caught.value.hint is not None
    assert "method=" not in caught.value.hint
    assert "--threshold" in caught.value.hint
    assert not (tmp_path / "rel").exists()


def test_a_source_named_total_in_a_dp_table(tmp_path: Path) -> None:
    """The DP tables refused a source named ``Total`` ("rename that source", which the
    store cannot do); it is published as ``Total (value)`` there too."""
    data = tmp_path / "in.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    db = tmp_path / "store.duckdb"
    ingest_files([data], source="Total", db=db)
    config = parse_config(
        {
            "tables": [{"name": "inc_dp", "unit": "incidents", "by": ["source"], "method": "dp"}],
            "dp": {"epsilon": 1.0, "privacy_unit": "incident", "years": [2022, 2024]},
            "maps": {"method": "none"},
        }
    )
    folder = build_release(db, tmp_path / "rel", config=config).directory
    assert sorted(r["source"] for r in _csv_rows(folder / "inc_dp.csv")) == [
        "Total",
        "Total (value)",
    ]
