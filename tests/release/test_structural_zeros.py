"""Structural zeros: a category a source cannot have is not published as a count.

The store holds two bundled real files: CODE's homicides of 2015 (every offence coded
by its correspondence table, to 0101 or 01032: a closed source) and the data.police.uk
street crimes of the City of London (its "Other crime" goes to the autocoder: an open
source). In the table of offences by source and ICCS division, the homicide file beside
burglary is not "0 burglaries": it is ``not_applicable``. Expected values come from the
raw files and the correspondence CSV read here; the attacker is a linear program of our
own (scipy) over the published CSV, with every structural zero known to be 0.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from collections import Counter
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
from scipy.optimize import linprog

from crimestats.errors import UsageError
from crimestats.privacy import protect_rows
from crimestats.privacy.structural import STRUCTURAL, STRUCTURAL_FLAG
from crimestats.release import build_release
from crimestats.release.config import load_config
from crimestats.release.config_tables import TableSpec
from crimestats.release.dp_tables import plan_dp_table
from crimestats.release.method import Method
from crimestats.services.classifying import classify
from crimestats.services.demo import BUNDLED, bundled_path, mapping_path
from crimestats.services.ingesting import ingest_files

STREET = "policeuk/city_of_london_street_2016-01_2017-06.csv.gz"
HOMICIDES = "code_crimedata/homicides15.csv.gz"
TABLE = "offences_by_source_iccs_l2"
SOURCES = ["code_crimedata", "policeuk"]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("structural")
    db = work / "store.duckdb"
    for item in BUNDLED:
        if item.file in (STREET, HOMICIDES):
            ingest_files(
                [bundled_path(item.file)], source=item.source, db=db,
                mapping=mapping_path(item.mapping),
            )  # fmt: skip
    classify(db)
    return build_release(db, work / "release", as_of="2024-06-30", record=False).directory


def _homicide_divisions() -> dict[str, str]:
    """CODE offence code -> ICCS division, from the bundled correspondence CSV."""
    path = resources.files("crimestats") / "data" / "correspondence" / "code_crimedata.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["national_code"]: r["iccs_code"][:4] for r in csv.DictReader(handle)}


def _raw_homicides() -> Counter[str]:
    divisions = _homicide_divisions()
    with gzip.open(bundled_path(HOMICIDES), "rt", encoding="utf-8", newline="") as handle:
        return Counter(divisions[row["offense_code"]] for row in csv.DictReader(handle))


def _rows(release: Path) -> list[dict[str, str]]:
    with (release / f"{TABLE}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_closed_source_publishes_no_impossible_zero(release: Path) -> None:
    rows = _rows(release)
    possible = set(_homicide_divisions().values())
    raw = _raw_homicides()
    divisions = {r["iccs_l2"] for r in rows if r["iccs_l2"] not in ("", "Total")}
    homicide = {r["iccs_l2"]: r for r in rows if r["source"] == "code_crimedata"}
    impossible = divisions - possible
    assert len(impossible) >= 5  # police.uk's divisions: burglary, theft, drugs, ...
    for division in impossible:
        assert homicide[division]["status"] == "not_applicable", division
        assert homicide[division]["count"] == ""
    for division in possible:  # the homicide file's own divisions: counts from the raw file
        assert homicide[division]["status"] == "published"
        assert int(homicide[division]["count"]) == raw[division]
    # nothing is "0" for a category the source cannot have, and an open source has no
    # structural zero (police.uk's "Other crime" could be any category)
    assert not any(r["count"] == "0" for r in rows)
    assert all(r["status"] != "not_applicable" for r in rows if r["source"] == "policeuk")


def test_parquet_and_sdmx_say_not_applicable(release: Path) -> None:
    table = pq.read_table(release / f"{TABLE}.parquet").to_pylist()
    marked = {(r["source"], r["iccs_l2"]) for r in table if r["status"] == "not_applicable"}
    from_csv = {
        (r["source"], r["iccs_l2"]) for r in _rows(release) if r["status"] == "not_applicable"
    }
    assert marked
    assert marked == from_csv
    assert all(r["count"] is None for r in table if r["status"] == "not_applicable")
    sdmx = (release / "sdmx" / f"{TABLE}.sdmx.csv").read_text(encoding="utf-8")
    obs = list(csv.DictReader(io.StringIO(sdmx)))
    statuses = {(r["SOURCE"], r["ICCS_L2"]): (r["OBS_VALUE"], r["OBS_STATUS"]) for r in obs}
    for cell in marked:
        assert statuses[cell] == ("", "M"), cell  # SDMX: missing value, data cannot exist
    structure = (release / "sdmx" / "sdmx-structure.xml").read_text(encoding="utf-8")
    assert 'id="M"' in structure


def _attacker_widths(rows: list[dict[str, str]]) -> dict[tuple[str, str], float]:
    """Min/max of every withheld cell over the published table, structural zeros at 0:
    an attacker's linear programs written here, apart from the privacy layer's audit."""
    cells = {(r["source"], r["iccs_l2"]): r for r in rows}
    sources = sorted({s for s, _ in cells if s != "Total"})
    codes = sorted({c for _, c in cells if c != "Total"})
    unknown = [k for k, r in cells.items() if r["status"] == "withheld"]
    index = {k: i for i, k in enumerate(unknown)}

    def value(key: tuple[str, str]) -> float:
        row = cells.get(key)
        if row is None or row["status"] == "not_applicable":
            return 0.0  # absent: zero; not applicable: known zero
        return float(row["count"])

    a_eq, b_eq = [], []
    lines = [[(s, c) for c in codes] + [(s, "Total")] for s in [*sources, "Total"]]
    lines += [[(s, c) for s in sources] + [("Total", c)] for c in [*codes, "Total"]]
    for line in lines:
        coef = np.zeros(len(unknown))
        rhs = 0.0
        for position, key in enumerate(line):
            sign = -1.0 if position == len(line) - 1 else 1.0
            if key in index:
                coef[index[key]] += sign
            else:
                rhs -= sign * value(key)
        if coef.any():
            a_eq.append(coef)
            b_eq.append(rhs)
    widths = {}
    for key, i in index.items():
        objective = np.zeros(len(unknown))
        objective[i] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0
        assert high.status in (0, 3)
        widths[key] = float("inf") if high.status == 3 else -high.fun - low.fun
    return widths


def test_withheld_cells_stay_protected_when_structural_zeros_are_known(
    demo_db: Path, tmp_path: Path
) -> None:
    """Every bundled source (the demo store): CODE's homicides and the NYPD hate crimes
    are closed sources. Before structural zeros were known to the protection, secondary
    suppression used their impossible zeros as partners, and an attacker who knows them
    pinned two withheld cells exactly (CODE 0103 and NYPD 0103, width 0)."""
    directory = build_release(demo_db, tmp_path / "release", record=False).directory
    rows = _rows(directory)
    assert {r["source"] for r in rows if r["status"] == "not_applicable"} == {
        "code_crimedata", "nypd_hate_crimes",
    }  # fmt: skip
    widths = _attacker_widths(rows)
    assert len(widths) >= 5, "the table withholds too little: the check would be empty"
    narrow = {k: w for k, w in widths.items() if w < 3 - 1e-6}
    assert not narrow  # protection width = threshold 3


def test_privacy_layer_never_uses_a_structural_zero_as_a_partner() -> None:
    """Source b cannot have category y. Without that knowledge the cheapest partner of
    the primary cell (a, x) = 2 is the zero (b, y); known, it protects nothing."""
    rows = [
        {"source": "a", "code": "x", "count": 2},
        {"source": "a", "code": "y", "count": 7},
        {"source": "b", "code": "x", "count": 9},
        {"source": "b", "code": "y", "count": 0, STRUCTURAL_FLAG: True},
        {"source": "c", "code": "x", "count": 8},
        {"source": "c", "code": "y", "count": 6},
    ]
    out, protected = protect_rows(rows, ["source", "code"], threshold=3)
    by_cell = {(r["source"], r["code"]): r for r in out}
    assert by_cell[("b", "y")]["status"] == STRUCTURAL
    assert by_cell[("b", "y")]["count"] is None
    assert STRUCTURAL_FLAG not in by_cell[("b", "y")]
    assert by_cell[("a", "x")]["status"] == "primary"
    assert protected.audit is not None
    assert protected.audit.passed
    # the independent attacker, who knows (b, y) = 0
    published = [
        {"source": r["source"], "iccs_l2": r["code"], "count": "" if r["count"] is None
         else str(r["count"]), "status": {"primary": "withheld", "secondary": "withheld",
                                          STRUCTURAL: "not_applicable"}.get(r["status"],
                                                                            r["status"])}
        for r in out
    ]  # fmt: skip
    assert min(_attacker_widths(published).values()) >= 3


def _config(folder: Path, text: str) -> Path:
    path = folder / "release.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_dp_table_draws_no_noise_for_a_structural_zero(release: Path, tmp_path: Path) -> None:
    store = release.parent / "store.duckdb"
    config = load_config(_config(tmp_path, (
        "tables:\n"
        "  - {name: off_dp, unit: offences, by: [source, iccs_l2], method: dp}\n"
        "dp: {epsilon: 1.0, privacy_unit: incident}\nmaps: {method: none}\n"
    )))  # fmt: skip
    folder = build_release(store, tmp_path / "dp", config=config).directory
    with (folder / "off_dp.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    possible = set(_homicide_divisions().values())
    homicide = {r["iccs_l2"]: r for r in rows if r["source"] == "code_crimedata"}
    # every ICCS division of v1.0 is in the DP key set; the homicide file can have two
    impossible = {d for d in homicide if d not in possible and d not in ("", "Total")}
    assert len(impossible) > 40
    for division in impossible:
        row = homicide[division]
        assert (row["count"], row["accuracy_95"], row["status"]) == ("", "", "not_applicable")
    interior = [homicide[d] for d in possible] + [homicide[""]]
    assert all(r["status"] == "published" for r in interior)
    # margins are sums of the released interior, structural zeros counted as 0
    assert int(homicide["Total"]["count"]) == sum(int(r["count"]) for r in interior)
    sdmx = (folder / "sdmx" / "off_dp.sdmx.csv").read_text(encoding="utf-8")
    obs = {(r["SOURCE"], r["ICCS_L2"]): r["OBS_STATUS"] for r in csv.DictReader(io.StringIO(sdmx))}
    assert {obs[("code_crimedata", d)] for d in impossible} == {"M"}
    assert obs[("code_crimedata", "0101")] == "E"


def test_a_count_in_a_structural_cell_is_published_or_refused(
    release: Path, tmp_path: Path
) -> None:
    """A homicide record that came with its own code 0401 (a code the source gave): the
    source is no longer closed. A threshold table counts it and shows no structural zero
    for that source (one withheld cell among not_applicable ones would say it holds at
    least 1); a DP table, whose key set comes from the correspondence entries only,
    stops before any noise."""
    store = tmp_path / "store.duckdb"
    shutil.copyfile(release.parent / "store.duckdb", store)
    con = duckdb.connect(str(store))
    try:
        con.execute(
            "UPDATE offences SET iccs_code = '040101', iccs_method = 'source' WHERE rowid = "
            "(SELECT min(rowid) FROM offences WHERE source = 'code_crimedata')"
        )
    finally:
        con.close()
    folder = build_release(store, tmp_path / "threshold", record=False).directory
    cells = {(r["source"], r["iccs_l2"]): r for r in _rows(folder)}
    assert cells[("code_crimedata", "0401")]["status"] != "not_applicable"
    assert not [r for r in _rows(folder) if r["status"] == "not_applicable"]
    table = TableSpec("off_dp", "offences", ("source", "iccs_l2"), method=Method.DP)
    with pytest.raises(UsageError, match="never reach"):
        plan_dp_table(store, table, privacy_unit="incident", years=None, sources=SOURCES)


def test_linked_tables_keep_structural_zeros_known(release: Path, tmp_path: Path) -> None:
    """Two offence tables of one release are protected together (protect_linked): each
    publishes the homicide file's impossible categories as not_applicable."""
    store = release.parent / "store.duckdb"
    config = load_config(_config(tmp_path, (
        "tables:\n"
        "  - {name: off_l1, unit: offences, by: [source, iccs_l1]}\n"
        "  - {name: off_l2, unit: offences, by: [source, iccs_l2]}\n"
        "maps: {method: none}\n"
    )))  # fmt: skip
    folder = build_release(store, tmp_path / "linked", config=config, record=False).directory
    for name, width in (("off_l1", 2), ("off_l2", 4)):
        field = f"iccs_l{1 if width == 2 else 2}"
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        possible = {d[:width] for d in _homicide_divisions().values()}
        for row in rows:
            if row["source"] != "code_crimedata" or row[field] in ("", "Total"):
                continue
            expected = "published" if row[field] in possible else "not_applicable"
            assert row["status"] == expected, (name, row)
        assert any(r["status"] == "not_applicable" for r in rows), name
