"""The attacker's reading of every file a release publishes, for the privacy attacks.

Shared by ``test_attack_privacy.py`` (metadata, configuration) and
``test_attack_privacy_history.py`` (successive releases): the attacker reads CSV,
SDMX-CSV, ``datapackage.json`` and ``report.html`` and solves their own integer
programme for the bounds of each withheld cell (see test_attack_privacy.py's docstring).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from tests.release.release_attacker import (
    TOTAL,
    Attack,
    Intervals,
    Spec,
    Table,
    make_store,
    package_of,
    read_tables,
    true_cells,
)

T = 3
"""The threshold of the attacked releases (counts 1..T are withheld)."""
BIG = 10_000.0


# --- the attacker's reading of every file -------------------------------------------


def sdmx_cells(folder: Path, table: Table) -> dict[tuple[str, ...], int]:
    """Published observations of a table's SDMX-CSV copy (``_T`` is a total)."""
    path = folder / "sdmx" / f"{table.name}.sdmx.csv"
    out: dict[tuple[str, ...], int] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = []
            for name in table.fields:
                value = row[name.upper()]
                key.append(TOTAL if value == "_T" else "" if value.startswith("_") else value)
            if row["OBS_VALUE"] not in ("", "NaN"):
                out[tuple(key)] = int(float(row["OBS_VALUE"]))
    return out


def rule_counts(folder: Path, *, report: bool) -> dict[str, tuple[int, int]]:
    """Per table, (primary, secondary) withheld cells, wherever the release states them:
    the disclosure record of ``datapackage.json`` or (``report``) the sentence of
    ``report.html`` (its tables repeat the CSVs; that sentence is its only other count;
    read since release/files.py says only how many cells were withheld)."""
    out: dict[str, tuple[int, int]] = {}
    for resource in package_of(folder)["resources"]:
        record = resource.get("crimestats", {}).get("disclosure_control", {})
        if "primary_cells" in record:
            name = resource["path"].removesuffix(".csv")
            out[name] = (int(record["primary_cells"]), int(record.get("secondary_cells", 0)))
    if not report:
        return out
    html = (folder / "report.html").read_text(encoding="utf-8")
    said = r"<code>(\w+)\.csv</code>.*?Withheld cells: (\d+) primary, (\d+) secondary"
    for name, primary, secondary in re.findall(said, html):
        out.setdefault(name, (int(primary), int(secondary)))
    return out


def add_rule_counts(attack: Attack, table: Table, primary: int) -> None:
    """Exactly ``primary`` withheld interior-or-margin cells hold 1..T, the others 0 or > T:
    a binary p per cell (1..T when set), z (> T when set), sum of p = primary."""
    chosen: dict[int, float] = {}
    for key, (count, _) in table.cells.items():
        if count is not None:
            continue
        x = attack.var((table.name, key))
        p = attack.var(("p", table.name, key), 0.0, 1.0)
        z = attack.var(("z", table.name, key), 0.0, 1.0)
        attack.rows += [
            ({x: 1.0, p: -1.0}, 0.0, float("inf")),  # x >= p
            ({x: 1.0, p: BIG}, -float("inf"), T + BIG),  # x <= T when p
            ({x: 1.0, p: -BIG, z: -BIG}, -float("inf"), 0.0),  # x = 0 unless p or z
            ({x: 1.0, z: -(T + 1.0)}, 0.0, float("inf")),  # x > T when z
            ({p: 1.0, z: 1.0}, -float("inf"), 1.0),
        ]
        chosen[p] = 1.0
    attack.rows.append((chosen, float(primary), float(primary)))


def add_iccs_notes(attack: Attack, table: Table, notes: dict[str, Any]) -> None:
    """What the ICCS notes of an offences table say: offences in scope are its grand
    total; the offences not coded, not a crime or coded above the level are the blank
    column (all of it when every part is stated); the coding methods add up to the total."""
    iccs = notes.get("iccs") or {}
    level = next((f for f in table.fields if f.startswith("iccs_")), None)
    if table.unit != "offences" or level is None:
        return
    grand = attack.term(table, table.key())
    if isinstance(iccs.get("offences_in_scope"), int):
        attack.relation([grand], [], iccs["offences_in_scope"], iccs["offences_in_scope"])
    parts = [
        iccs.get("uncoded_offences"),
        iccs.get("not_a_crime_offences"),
        (iccs.get("coded_above_level") or {}).get(level),
    ]
    known = [p for p in parts if isinstance(p, int)]
    blank = attack.term(table, table.key(**{level: ""}))
    high = sum(known) if len(known) == len(parts) else float("inf")
    attack.relation([blank], [], sum(known), high)
    methods = iccs.get("coding_method") or {}
    if methods and all(isinstance(v, int) for v in methods.values()):
        total = sum(methods.values())
        attack.relation([grand], [], total, total)


def attack_everything(folders: list[Path], *, report: bool = False) -> Intervals:
    """The attacker's integer bounds on every withheld cell of the given releases, each
    release's tables prefixed ``r<n>/`` (no link between releases here)."""
    attack = Attack(status=True, secondary_gap=True)
    for number, folder in enumerate(folders, start=1):
        package = package_of(folder)
        counts = rule_counts(folder, report=report)
        for table in read_tables(folder):
            name = table.name
            resource = next(r for r in package["resources"] if r["path"] == f"{name}.csv")
            table.name = f"r{number}/{name}"
            for key, value in sdmx_cells(folder, table).items():
                count, _status = table.cells.get(key, (None, "withheld"))
                if count is None:
                    table.cells[key] = (value, "published")  # the SDMX copy publishes it
            attack.add_table(table)
            notes = resource["crimestats"].get("statistics", {})
            units = notes.get("units_in_scope")
            if isinstance(units, int) and table.cells:
                attack.relation([attack.term(table, table.key())], [], units, float("inf"))
            add_iccs_notes(attack, table, notes)
            if name in counts:
                add_rule_counts(attack, table, counts[name][0])
    return solve_capped(attack)


def solve_capped(attack: Attack) -> Intervals:
    """``attack.intervals()`` with every unknown below ``BIG`` (a count of a small store
    is below it anyway): HiGHS reports an unbounded integer programme as "infeasible or
    unbounded", which the shared model does not accept."""
    attack.bounds = [(lo, min(hi, BIG)) for lo, hi in attack.bounds]
    return attack.intervals()


def narrow_cells(intervals: Intervals) -> Intervals:
    return {k: v for k, v in intervals.items() if v[1] - v[0] < T}


def check_sound(db: Path, folder: Path, intervals: Intervals, prefix: str = "r1/") -> None:
    truth = true_cells(db, folder, prefix=prefix)
    for key, (lo, hi) in intervals.items():
        if key[0].startswith(prefix):
            assert lo <= truth[key] <= hi, (key, truth[key], lo, hi)


def rule_store(tmp_path: Path) -> Path:
    """A store whose release withholds (b, 2022), (b, 2023), (c, 2022), (c, 2023) among
    others; knowing how many withheld cells are primary (hold 1..3) and that the others
    are 0 or more than 3 narrows those four to a width of 2 (found by a search over small
    random stores, checked against the code before the fix)."""
    a: Spec = [(2022, "0502", 30), (2023, "0502", 8), (2024, "0502", 4)]
    b: Spec = [(2022, "0502", 30), (2023, "0502", 3), (2024, "0502", 12)]
    c: Spec = [(2022, "0502", 1), (2023, "0502", 5)]
    return make_store(tmp_path, "rule", [("a", a), ("b", b), ("c", c)])


def incidents_config(tmp_path: Path) -> Path:
    path = tmp_path / "release.yaml"
    path.write_text(
        "tables:\n"
        "  - {name: incidents_by_source_year, unit: incidents, by: [source, year]}\n"
        "maps: {method: none}\n"
        # the attack stores are small cells by design, not whole years of a real source:
        # keep every period (the tiny years are the cells under attack)
        "period: {include_partial: true}\n",
        encoding="utf-8",
    )
    return path
