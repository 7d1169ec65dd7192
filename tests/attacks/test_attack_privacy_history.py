"""Red-team tests of issue 11: successive releases (differencing, the masked map).

The attacker reads every file of two recorded releases of one store and solves their
own integer programme (``attacker_reading``) for the bounds of each withheld cell; each
test asserts true values read from the store by SQL and failed on the code before the
fix it covers (split from test_attack_privacy.py, which held both).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from tests.attacks.attacker_reading import (
    check_sound,
    incidents_config,
    narrow_cells,
    rule_store,
    solve_capped,
)
from tests.release.release_attacker import (
    TOTAL,
    Attack,
    Intervals,
    Spec,
    Table,
    make_store,
    package_of,
    read_tables,
)

from crimestats.release import build_release

# --- finding 5: differencing two recorded releases ------------------------------------


def add_unchanged(attack: Attack, one: Table, two: Table) -> None:
    """The attacker's guess that old cells did not change: every interior cell the first
    release published has the same value in the second (true here: only a new incident
    came, in a new year; the totals it is in did change)."""
    for key, (count, _) in one.cells.items():
        if key not in two.cells or TOTAL in key:
            continue
        if count is not None:
            attack.relation([attack.term(two, key)], [], count, count)
        else:  # withheld then: the same unknown, if it did not change
            attack.relation([attack.term(two, key)], [attack.term(one, key)], 0, 0)


def differencing(first: Path, second: Path) -> Intervals:
    """Intervals of the second release's withheld cells, given both releases."""
    attack = Attack()
    tables = []
    for label, folder in (("r1/", first), ("r2/", second)):
        mine = {t.name: t for t in read_tables(folder)}
        for table in mine.values():
            table.name = label + table.name
            attack.add_table(table)
        tables.append(mine)
    for name, one in tables[0].items():
        add_unchanged(attack, one, tables[1][name])
    return {k: v for k, v in solve_capped(attack).items() if k[0].startswith("r2/")}


LINKED = (
    "tables:\n"
    "  - {name: incidents_by_source_year, unit: incidents, by: [source, year]}\n"
    "  - {name: incidents_by_year, unit: incidents, by: [year]}\n"
    "maps: {method: none}\n"
    "period: {include_partial: true}\n"  # a new year of 1 incident is the cell attacked
)


@pytest.mark.parametrize("linked", [False, True], ids=["one table", "linked tables"])
def test_one_new_incident_is_not_recovered_by_differencing(tmp_path: Path, linked: bool) -> None:
    """Finding 5: release, add one incident in a new year, release again. The new cell
    of 1 is withheld with a partner, but a partner the first release published (and that
    did not change) hides nothing: the new total minus the old cells gave the new cell
    and its year. The second release must not count on cells the first one published."""
    from crimestats.release.config import load_config

    s: Spec = [(2022, "0502", 40), (2023, "0502", 30)]
    u: Spec = [(2022, "0502", 25), (2023, "0502", 35)]
    db = make_store(tmp_path, "diff", [("s", s), ("u", u)])
    config = load_config(incidents_config(tmp_path))
    if linked:
        (tmp_path / "linked.yaml").write_text(LINKED, encoding="utf-8")
        config = load_config(tmp_path / "linked.yaml")
    first = build_release(db, tmp_path / "r1", config=config).directory
    make_store(tmp_path, "diff", [("s", s), ("u", u), ("s", [(2024, "0502", 1)])])
    second = build_release(db, tmp_path / "r2", config=config).directory
    rows = (second / "incidents_by_source_year.csv").read_text(encoding="utf-8")
    assert "s,2024,,withheld" in rows
    intervals = differencing(first, second)
    check_sound(db, second, intervals, prefix="r2/")
    assert intervals
    assert not narrow_cells(intervals)


@pytest.mark.parametrize("linked", [False, True], ids=["one table", "linked tables"])
def test_an_earlier_pattern_does_not_pin_a_new_cell(tmp_path: Path, linked: bool) -> None:
    """Finding 5, with cells withheld in the first release: its row s withheld 40 and 2
    beside a published total, so their sum (42) was known. One incident comes in a new
    year (and 20 in source u); the second release withholds the new cell with those two
    (carried forward) and publishes the row total: minus 42 it gives the new cell, unless
    the earlier line is in the model."""
    from crimestats.release.config import load_config

    s: Spec = [(2022, "0502", 40), (2023, "0502", 2)]
    u: Spec = [(2022, "0502", 25), (2023, "0502", 35)]
    db = make_store(tmp_path, "fact", [("s", s), ("u", u)])
    config = load_config(incidents_config(tmp_path))
    if linked:
        (tmp_path / "linked.yaml").write_text(LINKED, encoding="utf-8")
        config = load_config(tmp_path / "linked.yaml")
    first = build_release(db, tmp_path / "r1", config=config).directory
    assert "s,2023,,withheld" in (first / "incidents_by_source_year.csv").read_text()
    late: list[tuple[str, Spec]] = [("s", [(2024, "0502", 1)]), ("u", [(2024, "0502", 20)])]
    make_store(tmp_path, "fact", [("s", s), ("u", u), *late])
    second = build_release(db, tmp_path / "r2", config=config).directory
    intervals = differencing(first, second)
    check_sound(db, second, intervals, prefix="r2/")
    assert intervals
    assert not narrow_cells(intervals)


def test_the_store_records_what_each_release_published(tmp_path: Path) -> None:
    """Migration 6 (``release_cells``): a recorded release's threshold cells, each with the
    count it published (NULL when withheld), exactly as its CSV has them."""
    from crimestats.release.config import load_config

    db = rule_store(tmp_path)
    config = load_config(incidents_config(tmp_path))
    folder = build_release(db, tmp_path / "rel", config=config).directory
    with (folder / "incidents_by_source_year.csv").open(encoding="utf-8", newline="") as handle:
        expected = {
            (r["source"], r["year"]): None if r["count"] == "" else int(r["count"])
            for r in csv.DictReader(handle)
        }
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT cell, published FROM release_cells WHERE table_name = ?",
            ["incidents_by_source_year"],
        ).fetchall()
    recorded = {(c["source"], c["year"]): n for c, n in ((json.loads(a), b) for a, b in rows)}
    assert recorded == expected
    assert None in recorded.values()


# --- deliver 4: the masked map across releases ----------------------------------------


def hexagons(folder: Path) -> dict[tuple[str, str, str], int]:
    with (folder / "map_h3.csv").open(encoding="utf-8", newline="") as handle:
        return {
            (r["source"], r["year"], r["h3_cell"]): int(r["count"]) for r in csv.DictReader(handle)
        }


def test_one_new_point_does_not_show_on_the_map(tmp_path: Path) -> None:
    """Deliver 4: release, add one incident at a place already mapped, release again. The
    attacker compares the two maps hexagon by hexagon: a count that moved by 1..min_count-1
    says where the new incident is and that it is one. Every change must be 0 or at least
    min_count, and the published totals of the map must not move either."""
    spec: Spec = [(2023, "0502", 60)]
    db = make_store(tmp_path, "map", [("s", spec)])
    first = build_release(db, tmp_path / "r1").directory
    make_store(tmp_path, "map", [("s", spec), ("s", [(2023, "0502", 1)])])
    with duckdb.connect(str(db), read_only=True) as con:
        located = con.execute("SELECT count(*) FROM incidents WHERE lat IS NOT NULL").fetchone()
    assert located == (61,)  # the new incident has a point, at a place already mapped
    second = build_release(db, tmp_path / "r2").directory
    one, two = hexagons(first), hexagons(second)
    minimum = package_of(second)["crimestats"]["geographic_masking"]["parameters"]["min_count"]
    moved = {
        key: two.get(key, 0) - one.get(key, 0)
        for key in set(one) | set(two)
        if 0 < abs(two.get(key, 0) - one.get(key, 0)) < minimum
    }
    assert not moved
    groups = [package_of(f)["crimestats"]["geographic_masking"]["groups"] for f in (first, second)]
    assert groups[0] == groups[1]
    assert sum(two.values()) == sum(one.values())
