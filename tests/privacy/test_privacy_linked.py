"""protect_linked: linked tables protected together, checked by an independent attacker.

The attacker here is written apart from ``crimestats.privacy.audit``/``joint``: it reads
only the *published rows* of every table (margins included), treats rows of any table
with the same non-total field values as one unknown, writes each margin row as the sum
of the rows it totals (rows absent from a table are zero) and solves min/max for every
withheld row with ``scipy.optimize.linprog``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from crimestats.errors import UsageError
from crimestats.privacy import (
    Hierarchy,
    LinkedTable,
    protect_linked,
    protect_rows,
    protect_table,
    withheld_cells,
)

TOTAL = "Total"
FIELDS = ("a", "b", "c")
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Rows = list[dict[str, Any]]


Key = frozenset[tuple[str, Any]]


def key_of(row: Mapping[str, Any], fields: Sequence[str], tree: Mapping[str, str] | None) -> Key:
    """Non-total values; with an l2 -> l1 tree, l1 is dropped when l2 nests in it."""
    pairs = {f: row[f] for f in fields if row[f] != TOTAL}
    if tree and "l2" in pairs and "l1" in pairs and tree.get(pairs["l2"]) == pairs["l1"]:
        del pairs["l1"]
    return frozenset(pairs.items())


def attacker_intervals(
    published: Sequence[tuple[Sequence[str], Rows]], tree: Mapping[str, str] | None = None
) -> dict[Key, tuple[float, float]]:
    """Min and max of every withheld cell given every published row of every table."""
    unknowns: dict[Key, int] = {}
    known: dict[Key, int] = {}
    for fields, rows in published:
        for row in rows:
            key = key_of(row, fields, tree)
            if row["count"] is None:
                unknowns.setdefault(key, len(unknowns))
            else:
                known[key] = row["count"]
    sums: list[tuple[Key, list[Key]]] = []  # total = sum of parts (absent parts are 0)
    for fields, rows in published:
        for row, f in itertools.product(rows, fields):
            if row[f] == TOTAL:
                parts = [
                    s
                    for s in rows
                    if s[f] != TOTAL and all(s[g] == row[g] for g in fields if g != f)
                ]
                sums.append((key_of(row, fields, tree), [key_of(s, fields, tree) for s in parts]))
    if tree:  # a section is the sum of its divisions, in every table by division only
        for key in list(unknowns) + list(known):
            pairs = dict(key)
            if "l1" not in pairs or "l2" in pairs:
                continue
            for fields, rows in published:
                if "l2" not in fields or "l1" in fields:
                    continue
                if not all(g in fields for g in pairs if g != "l1"):
                    continue
                parts = [
                    r
                    for r in rows
                    if r["l2"] != TOTAL
                    and tree.get(r["l2"]) == pairs["l1"]
                    and all(r[g] == pairs.get(g, TOTAL) for g in fields if g != "l2")
                ]
                sums.append((key, [key_of(r, fields, tree) for r in parts]))
    n = len(unknowns)
    a_eq = np.zeros((len(sums), n))
    b_eq = np.zeros(len(sums))
    for r, (total, parts) in enumerate(sums):
        for sign, member in [(-1.0, total)] + [(1.0, p) for p in parts]:
            if member in unknowns:
                a_eq[r, unknowns[member]] += sign
            else:
                b_eq[r] -= sign * known[member]
    out = {}
    for key, v in unknowns.items():
        goal = np.zeros(n)
        goal[v] = 1.0
        low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0
        upper = np.inf if high.status == 3 else -high.fun
        out[key] = (low.fun, upper)
    return out


def marginal(cube: np.ndarray, fields: tuple[str, ...], drop_zeros: bool) -> Rows:
    """Rows of the table of ``cube`` (over a, b, c) by ``fields``."""
    axes = tuple(d for d, f in enumerate(FIELDS) if f not in fields)
    table = cube.sum(axis=axes)
    rows = []
    for index in np.ndindex(*table.shape):
        value = int(table[index])
        if value == 0 and drop_zeros:
            continue
        rows.append({f: f"{f}{i}" for f, i in zip(fields, index, strict=True)} | {"count": value})
    return rows


@st.composite
def linked_sets(draw: st.DrawFn) -> tuple[list[LinkedTable], np.ndarray]:
    shape = tuple(draw(st.integers(2, n)) for n in (3, 3, 2))
    values = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 7, 9, 14])
    cube = np.array(
        draw(st.lists(values, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    )
    cube = cube.reshape(shape)
    subsets = [s for r in (1, 2, 3) for s in itertools.combinations(FIELDS, r)]
    chosen = draw(st.lists(st.sampled_from(subsets), min_size=2, max_size=3, unique=True))
    tables = []
    for fields in chosen:
        rows = marginal(cube, fields, drop_zeros=draw(st.booleans()))
        if not rows:
            rows = marginal(cube, fields, drop_zeros=False)
        tables.append(LinkedTable(fields, rows))
    first = tables[0]
    labels = [[*sorted({r[f] for r in first.rows}), TOTAL] for f in first.fields]
    all_cells = [dict(zip(first.fields, c, strict=True)) for c in itertools.product(*labels)]
    forced = draw(st.lists(st.sampled_from(all_cells), max_size=2))
    tables[0] = LinkedTable(first.fields, first.rows, forced)
    return tables, cube


def check(
    tables: Sequence[LinkedTable],
    result: list[tuple[Rows, dict[str, Any]]],
    t: int,
    tree: Mapping[str, str] | None = None,
) -> None:
    published = [(tb.fields, rows) for tb, (rows, _) in zip(tables, result, strict=True)]
    seen: dict[Key, Any] = {}
    for fields, rows in published:
        for row in rows:
            value = row["count"]
            assert value is None or not 1 <= value <= t, row
            key = key_of(row, fields, tree)
            assert seen.setdefault(key, value) == value, key  # counterparts agree
    for cell in tables[0].forced:
        match = [r for r in result[0][0] if all(r[f] == cell[f] for f in tables[0].fields)]
        assert match, cell
        assert match[0]["count"] is None, cell
    for key, (low, high) in attacker_intervals(published, tree).items():
        assert high - low >= t - 1e-6, (key, low, high)
    for _, meta in result:
        json.dumps(meta)
        assert meta["audit"]["passed"]


@SETTINGS
@given(linked_sets(), st.integers(1, 3))
def test_linked_tables_withstand_an_independent_attacker(
    case: tuple[list[LinkedTable], np.ndarray], threshold: int
) -> None:
    tables, _ = case
    check(tables, protect_linked(tables, threshold=threshold), threshold)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_sets())
def test_the_joint_milp_withstands_the_same_attacker(
    case: tuple[list[LinkedTable], np.ndarray],
) -> None:
    tables, _ = case
    check(tables, protect_linked(tables, method="joint"), 3)


def test_a_2x2_table_and_its_row_margin_by_hand() -> None:
    """Interior [[1, 5], [6, 7]]; second table: rows x = 6 and y = 13.

    By hand: the 1 is primary; its row (1 + 5 = 6) and column (1 + 6 = 7) are published,
    so 5 and 6 must go, and then 7 (row y = 6 + 7 = 13). All four interior cells are
    withheld, every margin published. The attacker knows x_p + x_q = 6, y_p + y_q = 13,
    x_p + y_p = 7, x_q + y_q = 12, so x_p = t with x_q = 6 - t, y_p = 7 - t,
    y_q = 6 + t, t in [0, 6]: every interval has width 6 >= 3.
    """
    big = [
        {"a": "x", "b": "p", "count": 1},
        {"a": "x", "b": "q", "count": 5},
        {"a": "y", "b": "p", "count": 6},
        {"a": "y", "b": "q", "count": 7},
    ]
    small = [{"a": "x", "count": 6}, {"a": "y", "count": 13}]
    (rows, meta), (margin_rows, margin_meta) = protect_linked([(["a", "b"], big), (["a"], small)])
    assert [r["count"] for r in rows[:4]] == [None] * 4
    assert [r["status"] for r in rows[:4]] == ["primary", "secondary", "secondary", "secondary"]
    assert [r["count"] for r in margin_rows] == [6, 13, 19]
    intervals = {tuple(c["labels"]): (c["lower"], c["upper"]) for c in meta["audit"]["cells"]}
    assert intervals == {
        ("x", "p"): (0, 6),
        ("x", "q"): (0, 6),
        ("y", "p"): (1, 7),
        ("y", "q"): (6, 12),
    }
    assert margin_meta["audit"]["cells"] == []


def test_a_cell_withheld_in_the_margin_table_is_withheld_in_the_big_one() -> None:
    """Row x is 2 (primary) in the small table: the big table's row total must go too,
    and with it another row total (else 19 - 17 gives it away)."""
    big = [
        {"a": "x", "b": "p", "count": 0},
        {"a": "x", "b": "q", "count": 2},
        {"a": "y", "b": "p", "count": 8},
        {"a": "y", "b": "q", "count": 9},
        {"a": "z", "b": "p", "count": 4},
        {"a": "z", "b": "q", "count": 6},
    ]
    small = [{"a": "x", "count": 2}, {"a": "y", "count": 17}, {"a": "z", "count": 10}]
    tables = [LinkedTable(("a", "b"), big), LinkedTable(("a",), small)]
    result = protect_linked(tables)
    check(tables, result, 3)
    by_key = {(r["a"], r["b"]): r["count"] for r in result[0][0]}
    assert by_key[("x", TOTAL)] is None
    assert sum(r["count"] is None for r in result[1][0]) >= 2


def test_forced_cells_from_a_previous_release_stay_withheld() -> None:
    previous = protect_linked(
        [
            (
                ["a", "b"],
                [
                    {"a": "x", "b": "p", "count": 1},
                    {"a": "x", "b": "q", "count": 5},
                    {"a": "y", "b": "p", "count": 6},
                    {"a": "y", "b": "q", "count": 7},
                ],
            )
        ]
    )
    forced = withheld_cells(previous[0][0], ["a", "b"])
    assert len(forced) == 4
    revised = [  # the 1 became 4: nothing is primary any more
        {"a": "x", "b": "p", "count": 4},
        {"a": "x", "b": "q", "count": 5},
        {"a": "y", "b": "p", "count": 6},
        {"a": "y", "b": "q", "count": 7},
    ]
    ((rows, meta),) = protect_linked([LinkedTable(("a", "b"), revised, forced)])
    assert [r["count"] for r in rows[:4]] == [None] * 4
    assert meta["forced_cells"] == 4
    assert meta["primary_cells"] == 0


TREE = {"0101": "01", "0102": "01", "0103": "01", "0201": "02", "0202": "02", "0301": "03"}
HIERARCHY = Hierarchy("l2", "l1", TREE)


def test_a_hierarchy_links_a_table_by_division_to_one_by_section() -> None:
    """Sections 01 = 0101 + 0102 = 9 and 02 = 0201 + 0202 = 13; 0101 is 2 (primary).

    The division table alone hides 0101 and one more division (its total 22 is
    published); the section table alone has nothing to hide. Together, 01 - 0102 would
    give 0101 away unless the pattern hides 01 too, or 0102 and so 02 and its partner.
    """
    divisions = [
        {"l2": "0101", "count": 2},
        {"l2": "0102", "count": 7},
        {"l2": "0201", "count": 5},
        {"l2": "0202", "count": 8},
    ]
    sections = [{"l1": "01", "count": 9}, {"l1": "02", "count": 13}]
    tables = [LinkedTable(("l2",), divisions), LinkedTable(("l1",), sections)]
    result = protect_linked(tables, hierarchies=[HIERARCHY])
    check(tables, result, 3, TREE)
    published = {r["l2"]: r["count"] for r in result[0][0]}
    published |= {r["l1"]: r["count"] for r in result[1][0]}
    assert published["0101"] is None
    assert published["01"] is None or published["0102"] is None
    unlinked = protect_linked(tables)  # without the hierarchy: each table on its own
    assert all(r["count"] is not None for r in unlinked[1][0])


@st.composite
def hierarchy_sets(draw: st.DrawFn) -> list[LinkedTable]:
    values = st.sampled_from([0, 0, 1, 2, 3, 4, 6, 9])
    codes = sorted(TREE)
    counts = {(s, c): draw(values) for s in ("s0", "s1") for c in codes}
    options = [("l2",), ("l1",), ("l1", "l2"), ("src", "l1"), ("src", "l2")]
    chosen = draw(st.lists(st.sampled_from(options), min_size=2, max_size=3, unique=True))
    tables = []
    for fields in chosen:
        total: dict[tuple[Any, ...], int] = {}
        for (src, code), n in counts.items():
            full = {"src": src, "l1": TREE[code], "l2": code}
            cell = tuple(full[f] for f in fields)
            total[cell] = total.get(cell, 0) + n
        rows = [dict(zip(fields, cell, strict=True)) | {"count": n} for cell, n in total.items()]
        tables.append(LinkedTable(fields, rows))
    return tables


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hierarchy_sets(), st.sampled_from(["auto", "joint"]))
def test_hierarchies_withstand_an_independent_attacker(
    tables: list[LinkedTable], method: str
) -> None:
    result = protect_linked(tables, hierarchies=[HIERARCHY], method=method)  # type: ignore[arg-type]
    check(tables, result, 3, TREE)


def test_the_joint_audit_repairs_what_the_tables_pass_alone() -> None:
    """Tables by (a, b) and (b, c) share the b margin (found by hypothesis): each is safe
    on its own at the fixed point, but together they pin a cell, so the joint MILP adds
    cells."""
    ab = [
        {"a": "a0", "b": "b0", "count": 0},
        {"a": "a0", "b": "b1", "count": 1},
        {"a": "a0", "b": "b2", "count": 3},
        {"a": "a1", "b": "b0", "count": 4},
        {"a": "a1", "b": "b1", "count": 0},
        {"a": "a1", "b": "b2", "count": 1},
    ]
    bc = [
        {"b": "b0", "c": "c0", "count": 0},
        {"b": "b0", "c": "c1", "count": 4},
        {"b": "b1", "c": "c0", "count": 1},
        {"b": "b1", "c": "c1", "count": 0},
        {"b": "b2", "c": "c0", "count": 0},
        {"b": "b2", "c": "c1", "count": 4},
    ]
    tables = [LinkedTable(("a", "b"), ab), LinkedTable(("b", "c"), bc)]
    result = protect_linked(tables)
    assert "repair" in result[0][1]["suppression"]
    check(tables, result, 3)


def test_tables_that_disagree_are_refused() -> None:
    big = [{"a": "x", "b": "p", "count": 4}, {"a": "y", "b": "p", "count": 6}]
    small = [{"a": "x", "count": 5}, {"a": "y", "count": 6}]
    with pytest.raises(UsageError):
        protect_linked([(["a", "b"], big), (["a"], small)])
    with pytest.raises(UsageError):
        protect_linked([(["a"], small)], method="simplex")  # type: ignore[arg-type]


def test_the_worked_revision_example_of_the_docs() -> None:
    """docs/disclosure-control.md section 6: R1 has North theft 3; a late theft makes it 4."""

    def rows(north_theft: int) -> Rows:
        counts = {"North": [north_theft, 6, 9], "South": [7, 5, 8]}
        return [
            {"area": area, "offence": offence, "count": n}
            for area, values in counts.items()
            for offence, n in zip(["theft", "assault", "fraud"], values, strict=True)
        ]

    def cell(out: Rows, area: str, offence: str) -> Any:
        return next(r["count"] for r in out if (r["area"], r["offence"]) == (area, offence))

    fields = ["area", "offence"]
    ((r1, _),) = protect_linked([(fields, rows(3))])
    ((scratch, _),) = protect_linked([(fields, rows(4))])
    assert cell(r1, "North", "theft") is None
    north_theft = frozenset({("area", "North"), ("offence", "theft")})
    assert attacker_intervals([(fields, r1)])[north_theft] == (0, 9)
    # from scratch R2 publishes everything; R1's withheld 3 = 18 - 9 - 6 by hand
    recovered = (
        cell(r1, "North", TOTAL) - cell(r1, "North", "fraud") - cell(scratch, "North", "assault")
    )
    assert recovered == 3
    forced = withheld_cells(r1, fields)
    carried = [LinkedTable(fields, rows(4), forced)]
    result = protect_linked(carried)
    ((r2, _),) = result
    assert {(c["area"], c["offence"]) for c in forced} <= {
        (r["area"], r["offence"]) for r in r2 if r["count"] is None
    }
    assert cell(r2, "North", "assault") is None
    assert (
        next(r for r in r2 if (r["area"], r["offence"]) == ("North", "theft"))["status"]
        == "secondary"
    )
    assert attacker_intervals([(fields, r2)])[
        frozenset({("area", "North"), ("offence", "theft")})
    ] == (0, 10)
    check(carried, result, 3)


def test_protect_rows_shows_a_withheld_absent_cell_and_takes_forced_cells() -> None:
    """(a0, b2) is absent (zero); at threshold 1 the pattern withholds it, so it must be
    listed as withheld, or readers take it for 0 and get (a0, b1) = 2 from the a0 total."""
    rows = [
        {"a": "a0", "b": "b1", "count": 2},
        {"a": "a1", "b": "b1", "count": 1},
        {"a": "a1", "b": "b2", "count": 2},
    ]
    out, _ = protect_rows(rows, ["a", "b"], threshold=1)
    absent = [r for r in out if (r["a"], r["b"]) == ("a0", "b2")]
    assert absent == [{"a": "a0", "b": "b2", "count": None, "status": "secondary"}]
    for low, high in attacker_intervals([(["a", "b"], out)]).values():
        assert high - low >= 1
    forced = [{"a": "a1", "b": TOTAL}]
    out, result = protect_rows(rows, ["a", "b"], threshold=1, forced=forced)
    assert next(r for r in out if (r["a"], r["b"]) == ("a1", TOTAL))["count"] is None
    assert result.audit is not None
    assert result.audit.passed


def test_the_sum_of_withheld_counts_is_not_in_the_metadata() -> None:
    """Publishing it adds the equation sum(withheld) = V, which pins a cell here."""
    result = protect_table([[2, 0], [0, 4]])
    assert "objective_value" not in result.metadata()
    hidden = [i for i, v in enumerate(result.published.reshape(-1)) if v is None]
    values = result.table.flat.astype(float)
    matrix = result.table.matrix.toarray()
    shown = [i for i in range(values.size) if i not in hidden]
    a_eq = np.vstack([matrix[:, hidden], np.ones(len(hidden))])
    b_eq = np.append(-matrix[:, shown] @ values[shown], values[hidden].sum())
    widths = []
    for k in range(len(hidden)):
        goal = np.zeros(len(hidden))
        goal[k] = 1.0
        low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs").fun
        high = linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        widths.append(np.inf if high.status == 3 else -high.fun - low)
    assert min(widths) < 3  # with the sum published, some withheld cell is pinned
