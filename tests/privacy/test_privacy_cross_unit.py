"""Cross-unit protection: incidents and offences tables linked by offences >= incidents.

The tables are built here from incident *records* (source, year, offences with ICCS
codes), counted the way the store counts them (an incident once per distinct
(source, year, section) among its offences; every offence once), so the inequalities
hold by construction. The attacker is written apart from ``crimestats.privacy``: it reads
only the published rows (margins included), writes every margin as the sum of its rows,
adds ``offences(source, section) >= incidents(source, Total, section)`` with the section's
blank-division offences split by unknown shares, and solves min/max of every withheld
cell with ``scipy.optimize.linprog``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from crimestats.privacy import protect_rows
from crimestats.privacy.cross_repair import protect_across_units
from crimestats.privacy.cross_unit import UnitTable, find_links

TOTAL = "Total"
T = 3
INC = ("source", "year", "iccs_l1")
OFF = ("source", "iccs_l2")
Record = tuple[str, str, list[str | None]]  # source, year, offence codes


def count_tables(records: Sequence[Record]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    incidents: Counter[tuple[Any, ...]] = Counter()
    offences: Counter[tuple[Any, ...]] = Counter()
    for source, year, codes in records:
        sections = {None if c is None else c[:2] for c in codes}
        for section in sections:
            incidents[(source, year, section)] += 1
        for code in codes:
            offences[(source, code if code is not None and len(code) >= 4 else None)] += 1
    inc = [dict(zip(INC, k, strict=True), count=n) for k, n in sorted(incidents.items(), key=str)]
    off = [dict(zip(OFF, k, strict=True), count=n) for k, n in sorted(offences.items(), key=str)]
    return inc, off


def protect(records: Sequence[Record]) -> dict[str, list[dict[str, Any]]]:
    """Each table alone (protect_rows), then the cross-unit audit and repair."""
    inc, off = count_tables(records)
    truth = {"inc": (INC, inc), "off": (OFF, off)}
    published: dict[str, list[dict[str, Any]]] = {}

    def run(extra: Mapping[str, list[dict[str, Any]]]) -> list[UnitTable]:
        out = []
        for name, unit in (("inc", "incidents"), ("off", "offences")):
            fields, rows = truth[name]
            forced = extra.get(name) or None
            published[name], _ = protect_rows(rows, list(fields), threshold=T, forced=forced)
            withheld = [
                {f: r[f] for f in fields} for r in published[name] if r["status"] != "published"
            ]
            out.append(UnitTable(name, unit, fields, rows, withheld))
        return out

    protect_across_units(run({}), run, protection_width=T)
    return published


def attack(published: Mapping[str, list[dict[str, Any]]], link: bool = True) -> list[float]:
    """Widths of every withheld cell's interval, from the published rows alone."""
    index: dict[Any, int] = {}
    rows_eq: list[tuple[dict[int, float], float]] = []
    rows_ub: list[tuple[dict[int, float], float]] = []

    def term(name: str, key: tuple[Any, ...]) -> tuple[int | None, float]:
        row = cells[name].get(key)
        if row is None:  # an absent combination is a published zero
            return None, 0.0
        if row["count"] is not None:
            return None, float(row["count"])
        return index.setdefault((name, key), len(index)), 0.0

    def relation(items: list[tuple[float, tuple[int | None, float]]], target: list[Any]) -> None:
        coef: dict[int, float] = {}
        const = 0.0
        for sign, (var, value) in items:
            if var is None:
                const += sign * value
            else:
                coef[var] = coef.get(var, 0.0) + sign
        target.append((coef, -const))

    cells: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    fields = {"inc": INC, "off": OFF}
    for name, rows in published.items():
        cells[name] = {tuple(r[f] for f in fields[name]): r for r in rows}
    for name, table in cells.items():
        levels = [{k[d] for k in table if k[d] != TOTAL} for d in range(len(fields[name]))]
        for key in list(table):
            for d, value in enumerate(key):
                if value == TOTAL:
                    parts = [term(name, (*key[:d], v, *key[d + 1 :])) for v in levels[d]]
                    relation([(1.0, term(name, key)), *[(-1.0, p) for p in parts]], rows_eq)
    if link:
        sources = {k[0] for k in cells["off"] if k[0] != TOTAL}
        divisions = {k[1] for k in cells["off"] if k[1] not in (TOTAL, None)}
        sections = sorted({k[2] for k in cells["inc"] if k[2] not in (TOTAL, None)})
        for source in sources:
            shares = [index.setdefault(("share", source, c), len(index)) for c in [*sections, ""]]
            blank = term("off", (source, None))
            relation([(-1.0, blank), *[(1.0, (s, 0.0)) for s in shares]], rows_eq)
            for c, share in zip(sections, shares, strict=False):
                mine = [term("off", (source, d)) for d in sorted(divisions) if d[:2] == c]
                relation(
                    [(1.0, term("inc", (source, TOTAL, c))), (-1.0, (share, 0.0))]
                    + [(-1.0, m) for m in mine],
                    rows_ub,
                )
    n = len(index)
    if n == 0:
        return []

    def matrix(rows: list[tuple[dict[int, float], float]]) -> tuple[Any, Any]:
        if not rows:
            return None, None
        a = np.zeros((len(rows), n))
        for i, (coef, _) in enumerate(rows):
            for j, c in coef.items():
                a[i, j] = c
        return a, np.array([b for _, b in rows])

    a_eq, b_eq = matrix(rows_eq)
    a_ub, b_ub = matrix(rows_ub)
    widths = []
    for name, var in index.items():
        if name[0] == "share":
            continue
        ends = []
        for sign in (1.0, -1.0):
            goal = np.zeros(n)
            goal[var] = sign
            res = linprog(goal, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
            assert res.status in (0, 3), res.message
            ends.append(np.inf if res.status == 3 else sign * res.fun)
        widths.append(ends[1] - ends[0])
    return widths


def small_published(published: Mapping[str, list[dict[str, Any]]]) -> list[int]:
    return [
        r["count"]
        for rows in published.values()
        for r in rows
        if r["count"] is not None and 1 <= r["count"] <= T
    ]


CODES = ["0101", "0101", "0103", "0201", "0202", "03", "0301", None]
incident = st.tuples(
    st.sampled_from(["a", "b"]),
    st.sampled_from(["2023", "2024"]),
    st.lists(st.sampled_from(CODES), min_size=1, max_size=3),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(incident, min_size=1, max_size=60))
def test_random_records_leave_every_withheld_cell_wide(records: list[Record]) -> None:
    published = protect(records)
    assert not small_published(published)
    assert all(w >= T - 1e-6 for w in attack(published))


def red_team_records() -> list[Record]:
    """The red team's numbers: source x has 1,914 incidents with one 0101 offence and 8
    with one 0103, and no 0202; source y fills 0103 and 0202 (1 and 20 incidents)."""

    def one(source: str, code: str) -> Record:
        return (source, "2020", [code])

    records = [one("x", "0101")] * 1914 + [one("x", "0103")] * 8
    records += [one("y", "0101")] * 40 + [one("y", "0103")]
    return records + [one("y", "0202")] * 20


def test_the_red_team_case_leaks_without_and_not_with_the_cross_unit_audit() -> None:
    records = red_team_records()
    inc, off = count_tables(records)
    alone = {
        "inc": protect_rows(inc, list(INC), threshold=T)[0],
        "off": protect_rows(off, list(OFF), threshold=T)[0],
    }
    assert all(w >= T for w in attack(alone, link=False))  # each table alone is safe
    assert min(attack(alone)) < T  # offences >= incidents narrows a withheld cell
    published = protect(records)
    assert not small_published(published)
    assert min(attack(published)) >= T


def test_links_only_provable_pairs() -> None:
    rows = [{"source": "a", "iccs_l1": "01", "victim_sex": "F", "count": 5}]
    inc = UnitTable("i", "incidents", ("source", "iccs_l1", "victim_sex"), rows)
    off = UnitTable("o", "offences", ("source", "iccs_l1"), [{**rows[0]}])
    links, notes = find_links([inc, off])
    assert not links
    assert "victim_sex" in notes[0]
    inc2 = UnitTable("i", "incidents", ("source", "year"), rows)
    assert not find_links([inc2, off])[0]  # no ICCS field: an incident may have no offence
