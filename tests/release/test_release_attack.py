"""Red-team tests: attack a protected release as an intruder holding every file would.

Why: each table's audit proves its withheld cells safe against that table's own margins,
every cell known only to be >= 0. An intruder reads the whole folder (tables with their
``status`` column, the map's counts, the notes, every file's bytes) and a later release.
These tests attack with their own implementation (scipy's MILP over all published numbers
jointly, regexes over every file) and assert the promise of issue 5. A leak found and not
yet fixed is marked ``pytest.mark.xfail(strict=True)`` with ``LEAK:`` and how it works,
so the suite stays green and the fix turns it into a failure to remove the mark.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any, cast

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from crimestats.release import build_release, parse_config
from crimestats.services.ingesting import ingest_files

TOTAL = "Total"
T = 3  # the default threshold (issue 5)
Key = tuple[str, ...]
Intervals = dict[Any, tuple[float, float]]
Spec = list[tuple[int, str | None, int]]  # (year, ICCS code, incidents)


@dataclass
class Table:
    """One published threshold table: cells by key (field values, ``Total`` in margins)."""

    name: str
    unit: str
    fields: list[str]
    cells: dict[Key, tuple[int | None, str]] = field(default_factory=dict)

    def levels(self, dim: int) -> list[str]:
        return sorted({k[dim] for k in self.cells if k[dim] != TOTAL})

    def key(self, **values: str) -> Key:
        return tuple(values.get(f, TOTAL) for f in self.fields)


def package_of(folder: Path) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads((folder / "datapackage.json").read_bytes()))


def read_tables(folder: Path) -> list[Table]:
    """Every threshold table of the release, as a reader gets it (CSV + datapackage)."""
    tables = []
    for resource in package_of(folder)["resources"]:
        meta, path = resource.get("crimestats", {}), resource["path"]
        if "threshold" in meta.get("disclosure_control", {}) and path.endswith(".csv"):
            fields = [f["name"] for f in resource["schema"]["fields"]][:-2]
            tables.append(Table(path.removesuffix(".csv"), meta["counting_unit"], fields))
            audit = meta["disclosure_control"].get("audit") or {}  # its cells' status too
            cells = audit.get("cells", [])
            said = {
                tuple(x or "" for x in c["labels"]): c["status"] for c in cells if "status" in c
            }
            with (folder / path).open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    key, count = tuple(row[f] for f in fields), row["count"]
                    status = said.get(key, row["status"])
                    if status == "not_applicable":  # a structural zero: the reader knows 0
                        count, status = "0", "published"
                    tables[-1].cells[key] = (None if count == "" else int(count), status)
    return tables


class Attack:
    """Linear relations over the published numbers, unknowns whole numbers >= 0. With
    ``status`` a primary cell is in ``1..T``, with ``secondary_gap`` a secondary one (not
    primary) is 0 or > ``T``: both follow from the rule and a published status."""

    def __init__(self, *, status: bool = True, secondary_gap: bool = True) -> None:
        self.status, self.secondary_gap = status, status and secondary_gap
        self.index: dict[Any, int] = {}
        self.bounds: list[tuple[float, float]] = []
        self.gap: dict[Any, None] = {}
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, name: Any, lower: float = 0.0, upper: float = np.inf) -> int:
        if name not in self.index:
            self.index[name] = len(self.bounds)
            self.bounds.append((lower, upper))
        return self.index[name]

    def term(self, table: Table, key: Key) -> tuple[int | None, float]:
        """(unknown, constant) of a cell; an absent combination is a published zero."""
        count, status = table.cells.get(key, (0, "published"))
        if count is not None:
            return None, float(count)
        if status == "primary" and self.status:
            return self.var((table.name, key), 1.0, float(T)), 0.0
        if self.secondary_gap and status == "secondary":
            self.gap[(table.name, key)] = None
        return self.var((table.name, key)), 0.0

    def relation(self, plus: list[Any], minus: list[Any], lo: float, hi: float) -> None:
        """lo <= sum(plus) - sum(minus) <= hi; items are ``term`` pairs or unknowns."""
        coef: dict[int, float] = {}
        const = 0.0
        for sign, items in ((1.0, plus), (-1.0, minus)):
            for item in items:
                var, value = item if isinstance(item, tuple) else (item, 0.0)
                if var is None:
                    const += sign * value
                else:
                    coef[var] = coef.get(var, 0.0) + sign
        self.rows.append((coef, lo - const, hi - const))

    def add_table(self, table: Table) -> None:
        """Every additivity line of the table: a margin equals the sum of its children."""
        levels = [table.levels(d) for d in range(len(table.fields))]
        for key in list(table.cells):
            for d, value in enumerate(key):
                if value == TOTAL:
                    children = [self.term(table, (*key[:d], v, *key[d + 1 :])) for v in levels[d]]
                    self.relation([self.term(table, key)], children, 0, 0)

    def intervals(self) -> Intervals:
        """Integer min and max of every withheld cell (scipy MILP, HiGHS)."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        n, gaps = len(self.bounds), [self.index[g] for g in self.gap]
        size = n + len(gaps)  # a binary z per secondary cell: x <= big z, x >= (T + 1) z
        matrix = np.zeros((len(self.rows) + 2 * len(gaps), size))
        lo = [a for _, a, _ in self.rows] + [-np.inf] * 2 * len(gaps)
        hi = [b for _, _, b in self.rows] + [0.0] * 2 * len(gaps)
        for i, (coef, _, _) in enumerate(self.rows):
            matrix[i, list(coef)] = list(coef.values())
        for j, var in enumerate(gaps):
            i = len(self.rows) + 2 * j
            matrix[i, [var, n + j]] = [1.0, -1e6]
            matrix[i + 1, [var, n + j]] = [-1.0, T + 1]
        constraints = LinearConstraint(matrix, lo, hi)
        bounds = Bounds(
            [b[0] for b in self.bounds] + [0.0] * len(gaps),
            [b[1] for b in self.bounds] + [1.0] * len(gaps),
        )
        out, whole = {}, np.ones(size)
        for name, var in self.index.items():
            if len(name) != 2 or not isinstance(name[1], tuple):
                continue  # an auxiliary unknown, not a cell
            ends = []
            for sign in (1.0, -1.0):
                goal = sign * (np.arange(size) == var)
                res = milp(goal, constraints=constraints, bounds=bounds, integrality=whole)
                assert res.status in (0, 3), f"the attack's model is infeasible: {res.message}"
                ends.append(np.inf if res.status == 3 else round(sign * res.fun))
            out[name] = (ends[0], ends[1])
        return out


def narrow(intervals: Intervals) -> Intervals:
    """Withheld cells the attacker knows to less than the protection width."""
    return {k: v for k, v in intervals.items() if v[1] - v[0] < T}


def recovered_small(intervals: Intervals, truth: dict[Any, int] | None = None) -> dict[Any, float]:
    """Withheld cells pinned to one value in ``1..T`` (checked against the truth if given)."""
    out = {k: lo for k, (lo, hi) in intervals.items() if lo == hi and 1 <= lo <= T}
    assert truth is None or all(truth[k] == v for k, v in out.items())
    return out


def table_by(tables: list[Table], unit: str, fields: set[str]) -> Table | None:
    return next((t for t in tables if t.unit == unit and fields <= set(t.fields)), None)


def add_map(attack: Attack, tables: list[Table], package: dict[str, Any]) -> None:
    """The map's distinct incidents per source and year: a lower bound of the table's
    (source, year, Total), equal when a source's map years add up to its table total."""
    table = table_by(tables, "incidents", {"source", "year"})
    groups = package["crimestats"].get("geographic_masking", {}).get("groups", [])
    if table is None:
        return
    # the map counts every period; a period the tables left out is in no table cell
    _, cut = left_out(package)
    groups = [
        g for g in groups if not {(g["source"], str(g["year"])), (None, str(g["year"]))} & cut
    ]
    for source in {g["source"] for g in groups}:
        items = [g for g in groups if g["source"] == source]
        whole = table.cells.get(table.key(source=source), (None, ""))[0]
        if all("incidents" in g for g in items):  # exact numbers, as a first version had
            exact = whole == sum(g["incidents"] for g in items)
            for g in items:
                cell = attack.term(table, table.key(source=source, year=str(g["year"])))
                attack.relation([cell], [], g["incidents"], g["incidents"] if exact else np.inf)
            continue
        for g in items:  # the published hexagons' sum: a lower bound
            mapped = (g.get("masking") or {}).get("counts", {}).get("published")
            if mapped:
                cell = attack.term(table, table.key(source=source, year=str(g["year"])))
                attack.relation([cell], [], mapped, np.inf)


def add_offence_link(attack: Attack, tables: list[Table], _: dict[str, Any]) -> None:
    """Per source and ICCS section, offences >= incidents (an incident counted in a section
    has an offence there; a division's section is its first 2 digits); offences with a
    blank division are split over the sections (or none) by unknowns."""
    inc = table_by(tables, "incidents", {"source", "iccs_l1"})
    off = table_by(tables, "offences", {"source", "iccs_l2"})
    if inc is None or off is None or len(off.fields) != 2:
        return
    divisions = [d for d in off.levels(off.fields.index("iccs_l2")) if d]
    sections = sorted(
        set(inc.levels(inc.fields.index("iccs_l1"))) - {""} | {d[:2] for d in divisions}
    )
    for source in set(off.levels(off.fields.index("source"))):
        blank = [attack.var(("blank", source, k)) for k in [*sections, ""]]
        attack.relation(blank, [attack.term(off, off.key(source=source, iccs_l2=""))], 0, 0)
        for k, b in zip(sections, blank[:-1], strict=True):
            mine = [d for d in divisions if d[:2] == k]
            plus = [attack.term(off, off.key(source=source, iccs_l2=d)) for d in mine]
            incidents = attack.term(inc, inc.key(source=source, iccs_l1=k))
            attack.relation([*plus, b], [incidents], 0, np.inf)


def add_notes(attack: Attack, tables: list[Table], package: dict[str, Any]) -> None:
    """``units_in_scope`` of each table's notes: its grand total counts every unit at least
    once, exactly once when the unit is an offence or a victim counted by its own fields."""
    for table in tables:
        resource = next(r for r in package["resources"] if r["path"] == f"{table.name}.csv")
        units = resource["crimestats"].get("statistics", {}).get("units_in_scope")
        own = {"offences": "iccs_", "victims": "victim_"}.get(table.unit, "source")
        exact = all(f in ("source", "year") or f.startswith(own) for f in table.fields)
        if units is not None and table.cells:
            grand = attack.term(table, table.key())
            attack.relation([grand], [], units, units if exact else np.inf)


def attack_release(folder: Path, status: bool = True, gap: bool = True, **use: bool) -> Intervals:
    """The intruder's intervals for every withheld cell (``maps=False`` etc.: leave out)."""
    tables, package = read_tables(folder), package_of(folder)
    attack = Attack(status=status, secondary_gap=gap)
    for table in tables:
        attack.add_table(table)
    for name, step in (("maps", add_map), ("link", add_offence_link), ("notes", add_notes)):
        if use.get(name, True):
            step(attack, tables, package)
    return attack.intervals()


def left_out(package: dict[str, Any]) -> tuple[str | None, set[tuple[str | None, str]]]:
    """The period field and the (source, period) pairs the release says it left out of its
    exact tables (its notes' partial periods; source None: every source)."""
    field, cut = None, set()
    for resource in package["resources"]:
        period = resource.get("crimestats", {}).get("statistics", {}).get("period") or {}
        assert period.get("basis", "reported") == "reported"  # count_table's year
        for p in period.get("partial_periods", []):
            if p["left_out"]:
                field = p["field"]
                cut |= {(s, p["period"]) for s in p["sources"] or [None]}
    return field, cut


def true_cells(db: Path, folder: Path, prefix: str = "") -> Counter[Any]:
    """The true value of every cell of the release's tables (the test reads the store),
    without the partial periods the release says it left out."""
    from crimestats.stats import count_table

    field, cut = left_out(package_of(folder))
    out: Counter[Any] = Counter()
    for table in read_tables(folder):
        extra = [f for f in ("source", field) if cut and f and f not in table.fields]
        for row in count_table(db, by=[*table.fields, *extra], unit=table.unit).rows():
            if cut and field and {(row["source"], str(row[field])), (None, str(row[field]))} & cut:
                continue
            values = ["" if row[f] is None else str(row[f]) for f in table.fields]
            for key in product(*[(v, TOTAL) for v in values]):
                out[(prefix + table.name, key)] += int(row["count"])
    return out


def make_store(folder: Path, name: str, files: list[tuple[str, Spec]]) -> Path:
    """A store of flat v1 files, each of one source: ``(year, ICCS code, n)`` incidents,
    each with a point, a narrative and a suspect reference (for the scans to find)."""
    db = folder / f"{name}.duckdb"
    for number, (source, spec) in enumerate(files):
        lines = [
            "incident_id,reported_date,lat,lon,iccs_code,national_label,narrative,suspect_person_ref"
        ]
        for year, code, n in spec:
            for i in range(len(lines), len(lines) + n):
                point = f"{51.5 + i * 37 % 101 / 1e4:.6f},{-0.1 + i * 53 % 97 / 1e4:.6f}"
                date = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"
                who = f"{source}-{number}-PERSON-{i:05d}"
                lines.append(
                    f"{source}-{number}-ID-{i:05d},{date},{point},{code or ''},Offence,"
                    f"narrative {source} {number} {i} confidential,{who}"
                )
        path = folder / f"{name}-{number}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ingest_files([path], source=source, db=db)
    return db


SMALL: Spec = [(2022, "0502", 40), (2022, "0201", 30), (2022, "0101", 2), (2022, None, 2)]
SMALL += [(2023, "0502", 35), (2023, "0201", 25), (2023, "0101", 5), (2024, "0502", 2)]
"""A year of 2 incidents, a cell of 2, 2 uncoded offences; and a source of 2 incidents."""


@pytest.fixture(scope="module")
def demo_release(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_release(demo_db, tmp_path_factory.mktemp("attack") / "rel", record=False).directory


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("small")
    db = make_store(base, "small", [("tiny", SMALL), ("few", [(2023, "0502", 2)])])
    # tiny's 2024 (2 incidents after 70 a year) and few's 2023 (2 incidents, February and
    # March) are partial years: kept, as their small cells are what the scans attack
    keep = parse_config({"period": {"include_partial": True}})
    return db, build_release(db, base / "rel", config=keep, record=False).directory


def test_the_attacker_is_sound_and_agrees_with_the_audit(demo_db: Path, demo_release: Path) -> None:
    """Every interval holds the true count; and in the audit's own model (one table, cells
    >= 0; 1-D and 2-D tables, where LP and integer bounds agree) nothing is narrow."""
    truth = true_cells(demo_db, demo_release)
    assert all(lo <= truth[k] <= hi for k, (lo, hi) in attack_release(demo_release).items())
    for table in [t for t in read_tables(demo_release) if len(t.fields) <= 2]:
        attack = Attack(status=False)
        attack.add_table(table)
        assert not narrow(attack.intervals()), table.name


ALONE = {"maps": False, "link": False, "notes": False}  # each table on its own


def lp_findings(db: Path, folder: Path, finds: Any, **knowledge: bool) -> Intervals:
    intervals = attack_release(folder, **knowledge)
    truth = true_cells(db, folder)
    assert all(lo <= truth[k] <= hi for k, (lo, hi) in intervals.items())  # sound
    return cast(Intervals, finds(intervals))


def test_primary_status_does_not_narrow_a_cell(demo_db: Path, demo_release: Path) -> None:
    assert not lp_findings(demo_db, demo_release, narrow, gap=False, **ALONE)


def test_status_does_not_pin_a_small_count(demo_db: Path, demo_release: Path) -> None:
    assert not lp_findings(demo_db, demo_release, recovered_small, **ALONE)


def test_incident_and_offence_tables_do_not_narrow(demo_db: Path, demo_release: Path) -> None:
    assert not lp_findings(demo_db, demo_release, narrow, status=False, maps=False, notes=False)


def test_the_joint_attack_pins_no_small_count(demo_db: Path, demo_release: Path) -> None:
    assert not lp_findings(demo_db, demo_release, recovered_small)


def test_map_counts_do_not_pin_withheld_cells(small: tuple[Path, Path]) -> None:
    db, folder = small
    truth = true_cells(db, folder)
    assert not recovered_small(attack_release(folder, status=False, maps=False), truth)
    assert not recovered_small(attack_release(folder, status=False), truth)


_COUNTS = re.compile(
    r"^(incidents|incidents_without_point|input|published|merged|suppressed|units_in_scope|"
    r"incidents_without_period_date|offences_in_scope|uncoded_offences|iccs_l\d|"
    r"correspondence|model|manual|source|uncoded|rows_read|accepted|quarantined|duplicates)$"
)
"""Keys of ``datapackage.json`` whose numbers count incidents, offences or records."""


def small_counts(node: Any, path: str = "") -> Iterator[tuple[str, int]]:
    """Every count-like number from 1 to T anywhere in a JSON document."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if isinstance(value, dict | list):
            yield from small_counts(value, f"{path}/{key}")
        elif type(value) is int and 1 <= value <= T and _COUNTS.match(str(key)):
            yield f"{path}/{key}", value


def test_no_small_count_in_the_demo_metadata(demo_release: Path) -> None:
    assert not list(small_counts(package_of(demo_release)))


def test_no_small_count_in_the_map_metadata(small: tuple[Path, Path]) -> None:
    _, folder = small
    html = (folder / "report.html").read_text(encoding="utf-8")
    shown = re.findall(r"incidents mapped in \d+ features; (\d+) in places too sparse", html)
    assert not list(small_counts(package_of(folder)["crimestats"]["geographic_masking"]))
    assert not [s for s in shown if 1 <= int(s) <= T]


def test_no_small_count_in_the_lineage(small: tuple[Path, Path]) -> None:
    assert not list(small_counts(package_of(small[1])["crimestats"]["lineage"]))


def test_withheld_notes_are_not_recovered_by_subtraction(small: tuple[Path, Path]) -> None:
    recovered = []
    for resource in package_of(small[1])["resources"]:
        iccs = resource.get("crimestats", {}).get("statistics", {}).get("iccs") or {}
        parts = iccs.get("coding_method", {})
        hidden = [k for k, v in parts.items() if v is None]
        if len(hidden) == 1 and iccs.get("offences_in_scope") is not None:
            value = iccs["offences_in_scope"] - sum(v for v in parts.values() if v is not None)
            recovered.append((resource["name"], hidden[0], value))
    assert not [r for r in recovered if 1 <= r[2] <= T]


def release_texts(folder: Path) -> dict[str, str]:
    """Every file as text; a Parquet file as its rows, schema and footer metadata."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            parquet = pq.ParquetFile(path)
            rows = [json.dumps(row, default=str) for row in parquet.read().to_pylist()]
            out[path.name] = "\n".join([*rows, repr(parquet.metadata.metadata)])
        else:
            out[path.name] = path.read_bytes().decode("utf-8")
    return out


def store_secrets(db: Path) -> dict[str, set[str]]:
    queries = {
        "incident id": "SELECT incident_id FROM incidents WHERE length(incident_id) >= 6",
        "person ref": "SELECT person_ref FROM suspects UNION SELECT person_ref FROM justice_events",
        "narrative": "SELECT narrative FROM incidents WHERE length(narrative) >= 8",
        "date of a single incident": "SELECT d FROM (SELECT CAST(reported_date AS VARCHAR) d "
        "FROM incidents UNION ALL SELECT CAST(CAST(occurred_start AS DATE) AS VARCHAR) FROM "
        "incidents WHERE occurred_start IS NOT NULL) GROUP BY d HAVING count(*) = 1",
        "coordinate": "SELECT printf('%.6f,%.6f', lon, lat) FROM incidents WHERE lat NOTNULL",
    }
    with duckdb.connect(str(db), read_only=True) as con:
        return {k: {str(r[0]) for r in con.sql(q).fetchall() if r[0]} for k, q in queries.items()}


def find_secrets(db: Path, folder: Path) -> list[tuple[str, str, str]]:
    secrets, found = store_secrets(db), []
    for name, text in release_texts(folder).items():
        tokens = set(re.findall(r"[A-Za-z0-9_:.\-]+", text))
        dates = set(re.findall(r"\d{4}-\d{2}-\d{2}", text))
        pairs = re.findall(r"\[(-?\d+\.\d+),\s*(-?\d+\.\d+)\]", text)
        points = {f"{float(a):.6f},{float(b):.6f}" for a, b in pairs}
        for kind, values in secrets.items():
            if kind == "narrative":
                hits = {v for v in values if v in text}
            else:
                hits = values & {"date": dates, "coordinate": points}.get(kind.split()[0], tokens)
            found += [(name, kind, v) for v in hits]
    return found


def test_the_scan_finds_what_is_planted(small: tuple[Path, Path], tmp_path: Path) -> None:
    db, folder = small
    copy = shutil.copytree(folder, tmp_path / "planted")
    planted = " ".join(sorted(v)[0] for v in store_secrets(db).values())
    lon_lat = sorted(store_secrets(db)["coordinate"])[0]
    with (copy / "report.html").open("a", encoding="utf-8") as handle:
        handle.write(f"<p>{planted} [{lon_lat}]</p>")
    assert {kind for _, kind, _ in find_secrets(db, copy)} == set(store_secrets(db))


@pytest.mark.parametrize("which", ["small", "demo"])
def test_no_identifier_date_or_point_is_published(which: str, request: Any) -> None:
    if which == "small":
        db, folder = request.getfixturevalue("small")
    else:
        db, folder = request.getfixturevalue("demo_db"), request.getfixturevalue("demo_release")
    assert not find_secrets(db, folder)


def difference_attack(first: Path, second: Path) -> Intervals:
    """Two releases of the same period, the second after late reports: a cell may only
    grow (a revision adds records) and the interior growths add up to the change of the
    published grand total. Intervals of the first release's withheld cells."""
    attack = Attack()
    pairs = []
    for label, folder in (("r1/", first), ("r2/", second)):
        tables = read_tables(folder)
        for table in tables:
            table.name = label + table.name
            attack.add_table(table)
        pairs.append({t.name[3:]: t for t in tables})
    for name, one in pairs[0].items():
        two, growth = pairs[1][name], []
        for key in sorted(set(one.cells) | set(two.cells)):
            delta = attack.var(("growth", name, key))
            attack.relation([attack.term(two, key)], [attack.term(one, key), delta], 0, 0)
            if TOTAL not in key:
                growth.append(delta)
        totals = [t.cells.get(t.key(), (None, ""))[0] for t in (one, two)]
        if None not in totals:
            change = float(totals[1] or 0) - float(totals[0] or 0)
            attack.relation(growth, [], change, change)
    return {k: v for k, v in attack.intervals().items() if k[0].startswith("r1/")}


def test_a_revision_does_not_reveal_a_withheld_count(tmp_path: Path) -> None:
    """The store releases (recorded), one late incident arrives, it releases again: the
    cells the first release withheld stay withheld (carry_forward), so the difference of
    the two releases does not pin the first one's small count."""
    spec: Spec = [(2022, "0502", 45), (2022, "0201", 35), (2022, "0101", 20)]
    spec += [(2023, "0502", 50), (2023, "0201", 40), (2023, "0101", 3)]
    db = make_store(tmp_path, "rev", [("tiny", spec)])
    first = build_release(db, tmp_path / "r1").directory  # recorded: its pattern is kept
    db1 = tmp_path / "first.duckdb"
    shutil.copyfile(db, db1)  # the store as the first release saw it
    make_store(tmp_path, "rev", [("tiny", spec), ("tiny", [(2023, "0101", 1)])])
    second = build_release(db, tmp_path / "r2", record=False).directory
    assert not recovered_small(attack_release(first, maps=False, link=False))  # alone: safe
    truth = true_cells(db1, first, prefix="r1/")
    intervals = difference_attack(first, second)
    assert all(lo <= truth[k] <= hi for k, (lo, hi) in intervals.items())
    assert not recovered_small(intervals, truth)
