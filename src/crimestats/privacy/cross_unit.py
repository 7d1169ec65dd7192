"""Tables of different counting units, linked by ``offences >= incidents``: audit and repair.

Why: tables of one counting unit are protected together (``linked.py``), but a release
also publishes tables of *other* units over the same records, and a reader knows how
they relate. Every incident counted in a cell of an incidents table that names an ICCS
category has at least one offence in that category, and the same incident fields
(source, period, area, ...), so ``offences(k) >= incidents(k)`` for every such cell
``k`` both tables can express. Protected apart, the two tables can pin each other's
withheld cells through that inequality (the red team's attack in
tests/release/test_release_attack.py): a published incidents count equal to the
published part of the offences row forces the withheld offences cells.

What is provable, with the store's counting rule (a unit counts once per distinct
combination of the fields, so each incident cell is witnessed by one offence row):

* key fields (shared by the two tables, each kept at its value): incident fields
  (``INCIDENT_FIELDS``, one value per incident, shared by its offences), ``attempted``
  (an offence field: the incident's cell (c, a) comes from one offence with both
  values), blank values included;
* the ICCS field of each table (exactly one each), at the coarser level of the two; a
  **blank** ICCS value is never used (an incident without offences counts there);
* the incidents table rolled up through its ``Total`` margins over any other incident
  or offence field (a sum of valid inequalities), never over a victim or suspect field
  (an incident with two victims counts twice in that margin, its offence once);
* the offences table rolled up over any field (each offence appears at least once);
* offences at a finer ICCS level than incidents: the section's offences are the sum of
  its non-blank divisions plus its share of the blank-division offences (coded to the
  section only). That share is an unknown ``>= 0``; the shares of all sections plus
  the uncoded ones add up to the published blank cell (auxiliary variables);
* incidents at a finer level than offences: the sum of the section's non-blank
  divisions of incidents is a lower bound of the section's incidents (an incident with
  offences in two divisions counts in both; one coded to the section only in none), so
  ``offences(c) >= sum of incidents(d), d in c`` is still true, only weaker.

A link the rules do not cover is left out (a residual risk, documented in
docs/disclosure-control.md); a false inequality would make the audit fail spuriously,
and the true counts are checked against every inequality before it is used.

The audit is the attacker's linear programs of ``audit.py`` with these inequalities
(``A_ub``) and auxiliary unknowns added. The repair is greedy: a nearly tight
inequality that hides a cell on one side only gets a cell of the other side withheld;
otherwise, for a cell too narrow, the cheapest published cell of each binding
constraint (non-zero LP multiplier, inequalities first). The units are protected again
with everything withheld so far forced (the caller's ``reprotect``) and the audit runs
again, up to ``max_rounds``. It converges on small tables; on tables where incidents
and offences nearly coincide (one offence per incident) it may not (the docs say so).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from crimestats.errors import UsageError
from crimestats.privacy.audit import SolverFailureError
from crimestats.privacy.joint import Hierarchy, build_joint
from crimestats.privacy.table_rows import DEFAULT_TOTAL_LABEL, IndexedRows, index_rows
from crimestats.privacy.tables import with_margins
from crimestats.stats.fields import ICCS_LENGTH, Record, fields_of

INCIDENTS = "incidents"
OFFENCES = "offences"
ICCS_WIDTH = ICCS_LENGTH
"""ICCS level fields and the length of their codes (a division starts with its section)."""
INCIDENT_FIELDS = frozenset(fields_of(Record.INCIDENT))
"""Fields with one value per incident, which each of its offences shares."""
OFFENCE_FIELDS = frozenset(fields_of(Record.OFFENCE)) - ICCS_LENGTH.keys()
"""Offence fields other than ICCS: an incident's cell comes from one offence's values."""
KEY_FIELDS = INCIDENT_FIELDS | OFFENCE_FIELDS
_TOL = 1e-6


@dataclass(frozen=True)
class UnitTable:
    """One published table: name, counting unit, fields, true interior rows, withheld cells.

    ``rows`` are fields plus ``count`` (true counts, never published); ``withheld`` lists
    the cells the table withholds, by dimension values (the total label for margins).
    """

    name: str
    unit: str
    fields: Sequence[str]
    rows: Sequence[Mapping[str, Any]]
    withheld: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class Link:
    """``offences >= incidents`` between two tables, per cell over ``fields``."""

    incidents: str
    offences: str
    shared: tuple[str, ...]
    incidents_level: str
    offences_level: str

    @property
    def level(self) -> str:
        """The coarser ICCS level of the two tables: the level the cells are compared at."""
        a, b = self.incidents_level, self.offences_level
        return a if ICCS_WIDTH[a] <= ICCS_WIDTH[b] else b

    def describe(self) -> str:
        """One line for the metadata."""
        return (
            f"{self.offences} >= {self.incidents} per cell by "
            f"{', '.join([*self.shared, self.level])}"
        )


def find_links(tables: Sequence[UnitTable]) -> tuple[list[Link], list[str]]:
    """The provable links between incidents and offences tables, and why others are not."""
    links: list[Link] = []
    notes: list[str] = []
    for inc in (t for t in tables if t.unit == INCIDENTS):
        for off in (t for t in tables if t.unit == OFFENCES):
            why = _unlinkable(inc, off)
            if why:
                notes.append(f"{off.name} and {inc.name}: not linked ({why})")
                continue
            shared = tuple(f for f in inc.fields if f in off.fields and f not in ICCS_WIDTH)
            (li,) = [f for f in inc.fields if f in ICCS_WIDTH]
            (lo,) = [f for f in off.fields if f in ICCS_WIDTH]
            links.append(Link(inc.name, off.name, shared, li, lo))
    return links, notes


def _unlinkable(inc: UnitTable, off: UnitTable) -> str:
    if len([f for f in inc.fields if f in ICCS_WIDTH]) != 1:
        return "the incidents table needs exactly one ICCS field"
    if len([f for f in off.fields if f in ICCS_WIDTH]) != 1:
        return "the offences table needs exactly one ICCS field"
    other = [f for f in inc.fields if f not in ICCS_WIDTH and f not in KEY_FIELDS]
    if other:
        return f"the incidents table has {', '.join(other)}: no provable inequality"
    return ""


@dataclass
class CrossSystem:
    """Cells of tables of several units, their equations and the cross-unit inequalities.

    Variables ``0 .. n_cells - 1`` are cells (each unit's linked tables merged as in
    ``joint.py``); ``n_cells ..`` are auxiliary unknowns (blank-division shares).
    ``equations`` hold ``sum == 0``, ``inequalities`` ``sum <= 0``.
    """

    tables: list[UnitTable]
    indexed: list[IndexedRows]
    ids: list[NDArray[np.int64]]
    values: NDArray[np.int64]
    structural: NDArray[np.bool_]
    n_aux: int = 0
    aux_values: list[int] = field(default_factory=list)
    share_blank: dict[int, int] = field(default_factory=dict)
    equations: list[dict[int, float]] = field(default_factory=list)
    inequalities: list[dict[int, float]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total_label: str = DEFAULT_TOTAL_LABEL

    @property
    def n_cells(self) -> int:
        return int(self.values.size)

    def cell(self, table: int, values: Mapping[str, Any]) -> int | None:
        """The variable of a table's cell given by its dimension values (None if absent)."""
        index = self.indexed[table].locate(values, self.total_label)
        return None if index is None else int(self.ids[table][index])

    def mask(self, tables: Sequence[UnitTable]) -> NDArray[np.bool_]:
        """Withheld cells of ``tables`` (same names and order as the system's) as a mask."""
        out = np.zeros(self.n_cells, dtype=bool)
        for t, table in enumerate(tables):
            for cell in table.withheld:
                variable = self.cell(t, cell)
                if variable is not None:
                    out[variable] = True
        return out


def build_cross_system(
    tables: Sequence[UnitTable],
    *,
    hierarchies: Mapping[str, Sequence[Hierarchy]] | None = None,
    total_label: str = DEFAULT_TOTAL_LABEL,
) -> CrossSystem:
    """Every unit's joint system side by side, plus the provable cross-unit inequalities.

    Raises
    ------
    UsageError
        If a table cannot be indexed, a unit's tables disagree, or the true counts break
        an inequality (the tables do not count the same records).
    """
    order: dict[str, list[int]] = {}
    for t, table in enumerate(tables):
        order.setdefault(table.unit, []).append(t)
    indexed: list[IndexedRows | None] = [None] * len(tables)
    ids: list[NDArray[np.int64] | None] = [None] * len(tables)
    values: list[NDArray[np.int64]] = []
    structural: list[NDArray[np.bool_]] = []
    equations: list[dict[int, float]] = []
    offset = 0
    for unit, members in order.items():
        parsed = []
        for t in members:
            _, ix = index_rows(tables[t].rows, list(tables[t].fields), total_label=total_label)
            indexed[t] = ix
            parsed.append((ix, with_margins(ix.interior)))
        joint = build_joint(parsed, (hierarchies or {}).get(unit, ()))
        for t, cells in zip(members, joint.cells, strict=True):
            ids[t] = cells + offset
        equations += [{v + offset: c for v, c in row.items()} for row in joint.rows]
        values.append(joint.values)
        structural.append(joint.structural)
        offset += joint.size
    system = CrossSystem(
        list(tables),
        [ix for ix in indexed if ix is not None],
        [c for c in ids if c is not None],
        np.concatenate(values) if values else np.zeros(0, dtype=np.int64),
        np.concatenate(structural) if structural else np.zeros(0, dtype=bool),
        equations=equations,
        total_label=total_label,
    )
    system.links, system.notes = find_links(tables)
    names = {table.name: t for t, table in enumerate(tables)}
    for link in system.links:
        _add_link(system, names[link.incidents], names[link.offences], link)
    return system


def _levels(ix: IndexedRows, name: str) -> list[Any]:
    return list(ix.levels[ix.dimensions.index(name)])


def _add_link(system: CrossSystem, inc: int, off: int, link: Link) -> None:
    """Rows ``sum(incidents) - sum(offences) - share <= 0`` per key, checked on the truth."""
    ii, io = system.indexed[inc], system.indexed[off]
    total = system.total_label
    width = ICCS_WIDTH[link.level]
    inc_codes = [c for c in _levels(ii, link.incidents_level) if c is not None]
    off_codes = [c for c in _levels(io, link.offences_level) if c is not None]
    finer_offences = link.offences_level != link.level
    sections = sorted({str(c)[:width] for c in inc_codes})
    for combo in itertools.product(*[_levels(ii, f) for f in link.shared]):
        key = dict(zip(link.shared, combo, strict=True))
        inc_cell = dict.fromkeys(ii.dimensions, total) | key
        off_cell = dict.fromkeys(io.dimensions, total) | key
        shares: dict[str, int] = {}
        blank = system.cell(off, off_cell | {link.offences_level: None})
        if finer_offences and blank is not None:
            start = system.n_cells + system.n_aux
            shares = {c: start + i for i, c in enumerate(sections)}
            system.n_aux += len(sections) + 1  # one share per section, one for the rest
            system.share_blank.update(dict.fromkeys(shares.values(), blank))
            split = {start + i: 1.0 for i in range(len(sections) + 1)}
            split[blank] = -1.0
            system.equations.append(split)
        rows: list[dict[int, float]] = []
        for c in sections:
            left = [system.cell(inc, inc_cell | {link.incidents_level: d}) for d in inc_codes]
            mine = [v for d, v in zip(inc_codes, left, strict=True) if str(d)[:width] == c]
            right = [
                system.cell(off, off_cell | {link.offences_level: d})
                for d in off_codes
                if str(d)[:width] == c
            ]
            row: dict[int, float] = {}
            for v in mine:
                if v is not None:
                    row[v] = row.get(v, 0.0) + 1.0
            for v in right:
                if v is not None:
                    row[v] = row.get(v, 0.0) - 1.0
            if c in shares:
                row[shares[c]] = -1.0
            rows.append(row)
        needed = _check_truth(system, rows, blank if shares else None, link, key)
        if shares and blank is not None:
            system.aux_values += [*needed, int(system.values[blank]) - sum(needed)]
        system.inequalities += [row for row in rows if any(c > 0 for c in row.values())]


def _check_truth(
    system: CrossSystem,
    rows: Sequence[dict[int, float]],
    blank: int | None,
    link: Link,
    key: Mapping[str, Any],
) -> list[int]:
    """The true counts must satisfy the rows for some shares >= 0 adding up to ``blank``;
    returns such shares (one per row: the least each section needs)."""
    needed = []
    for row in rows:
        value = sum(c * int(system.values[v]) for v, c in row.items() if v < system.n_cells)
        needed.append(max(0, int(value)))
    available = 0 if blank is None else int(system.values[blank])
    if sum(needed) > available:
        raise UsageError(
            f"{link.offences} has fewer offences than {link.incidents} has incidents "
            f"for {dict(key)!r}",
            hint="link only tables counted from the same records with the store's rules",
        )
    return needed


@dataclass(frozen=True)
class CrossReport:
    """Intervals of the withheld cells the cross-unit inequalities reach."""

    protection_width: float
    intervals: dict[int, tuple[float, float]]
    binding: dict[int, list[dict[int, float]]]
    """Per failing cell, the constraints (full rows) with non-zero multipliers, inequalities
    first."""

    @property
    def failures(self) -> list[int]:
        return sorted(
            v for v, (lo, hi) in self.intervals.items() if hi - lo < self.protection_width - _TOL
        )

    @property
    def passed(self) -> bool:
        return not self.failures


def cross_audit(
    system: CrossSystem, withheld: NDArray[np.bool_], protection_width: float
) -> CrossReport:
    """min / max of each withheld cell linked to an inequality, over every constraint.

    Cells in a group of withheld cells that no inequality touches keep the interval of
    their own unit's audit, which has already been checked, and are not solved again.
    """
    unknown = np.concatenate([withheld, np.ones(system.n_aux, dtype=bool)])
    values = np.concatenate([system.values, np.zeros(system.n_aux, dtype=np.int64)]).astype(float)
    columns = np.flatnonzero(unknown)
    position = {int(v): i for i, v in enumerate(columns)}
    eq = _restrict(system.equations, unknown, values, position)
    ub = _restrict(system.inequalities, unknown, values, position)
    intervals: dict[int, tuple[float, float]] = {}
    binding: dict[int, list[dict[int, float]]] = {}
    if not ub[0]:
        return CrossReport(float(protection_width), intervals, binding)
    a_eq = _matrix(eq[0], len(columns))
    a_ub = _matrix(ub[0], len(columns))
    graph = sparse.vstack([a_eq, a_ub]).tocsr()
    graph.data[:] = 1.0
    square = (graph.T @ graph).tocsr()
    _, labels = connected_components(square, directed=False)
    touched = set(labels[np.unique(a_ub.indices)].tolist())
    for local, variable in enumerate(columns):
        if variable >= system.n_cells or labels[local] not in touched:
            continue
        ends, rows = [], []
        for sign in (1.0, -1.0):
            goal = np.zeros(len(columns))
            goal[local] = sign
            result = linprog(
                goal,
                A_ub=a_ub,
                b_ub=np.array(ub[1]),
                A_eq=a_eq if eq[0] else None,
                b_eq=np.array(eq[1]) if eq[0] else None,
                bounds=(0, None),
                method="highs",
            )
            if result.status == 3:
                ends.append(math.inf if sign < 0 else -math.inf)
                continue
            if result.status != 0:
                raise SolverFailureError(  # the true counts satisfy every constraint
                    f"the cross-unit attacker's linear program failed: {result.message}"
                )
            ends.append(_clean(sign * float(result.fun)))
            rows += _binding(result, ub[2], system.inequalities)
            if eq[0]:
                rows += _binding(result, eq[2], system.equations, eqlin=True)
        low, high = ends[0], ends[1]
        intervals[int(variable)] = (low, high)
        if high - low < protection_width - _TOL:
            binding[int(variable)] = rows
    return CrossReport(float(protection_width), intervals, binding)


def _restrict(
    rows: Sequence[dict[int, float]],
    unknown: NDArray[np.bool_],
    values: NDArray[np.float64],
    position: Mapping[int, int],
) -> tuple[list[dict[int, float]], list[float], list[int]]:
    """Rows over the unknowns with the published cells moved to the right-hand side."""
    out, rhs, kept = [], [], []
    for number, row in enumerate(rows):
        local = {position[v]: c for v, c in row.items() if unknown[v]}
        if local:
            out.append(local)
            rhs.append(-sum(c * values[v] for v, c in row.items() if not unknown[v]))
            kept.append(number)
    return out, rhs, kept


def _matrix(rows: Sequence[dict[int, float]], size: int) -> sparse.csr_matrix:
    r = [i for i, row in enumerate(rows) for _ in row]
    c = [j for row in rows for j in row]
    v = [x for row in rows for x in row.values()]
    return sparse.csr_matrix((v, (r, c)), shape=(len(rows), size), dtype=float)


def _binding(
    result: Any, kept: Sequence[int], rows: Sequence[dict[int, float]], *, eqlin: bool = False
) -> list[dict[int, float]]:
    marginals = (result.eqlin if eqlin else result.ineqlin).marginals
    active = np.flatnonzero(np.abs(np.asarray(marginals)) > 1e-9)
    return [rows[kept[int(i)]] for i in active]


def _clean(value: float) -> float:
    nearest = round(value)
    return float(nearest) if abs(value - nearest) < _TOL else value


__all__ = [
    "CrossReport",
    "CrossSystem",
    "Link",
    "UnitTable",
    "build_cross_system",
    "cross_audit",
    "find_links",
]
