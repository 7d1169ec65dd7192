"""The release attacker: an intruder's reading of a whole release folder.

Why a module of its own: the red-team tests of releases (tests/release/test_release_attack.py)
and of the privacy findings (tests/attacks/) attack with the same independent machinery:
the published tables read back from the files, scipy's MILP over every published number
jointly, the true cells from the store by plain SQL, and small stores made for an attack.
None of it calls the code under test to compute what a cell must be.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any, cast

import numpy as np

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
