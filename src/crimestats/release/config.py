"""The release configuration (``crimestats release --config release.yaml``), checked up front.

Why: a release is a publication decision (which tables, counted how, protected how, with
how much privacy budget), so it is written down in one file that can be reviewed and
kept with the release, not spread over command-line options. The file is parsed into
frozen dataclasses before anything is counted, and every bad value is refused with a
:class:`~crimestats.errors.UsageError` naming the key (``tables[1].method``) and the
fix; unknown keys are refused too (a misspelt ``epsilon`` must not silently fall back to
a default). Without a file, :func:`default_config` gives exactly the standard release.

See ``docs/release.md`` for the keys and ``docs/release.example.yaml`` for an example.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from crimestats.errors import UsageError
from crimestats.release.method import Method
from crimestats.stats.fields import PeriodBasis, period_fields
from crimestats.stats.period_window import FORMS, PeriodWindow

METHODS: Final = tuple(m.value for m in (Method.THRESHOLD, Method.DP, Method.ROUNDING))
"""Disclosure methods a table can use."""

UNITS: Final = ("incidents", "offences", "victims", "suspects")
PRIVACY_UNITS: Final = ("incident", "victim")
PERIOD_FIELDS: Final = frozenset(period_fields())
MAX_FIELDS: Final = 3
DEFAULT_ALPHA: Final = 0.05
DEFAULT_BASE: Final = 5
DEFAULT_AGENCY: Final = "CRIMESTATS"
DEFAULT_H3_RESOLUTION: Final = 8
DEFAULT_MIN_COUNT: Final = 10

_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,63}")
# SDMX agency ids: NCName-like parts, dot-separated for nested agencies (SDMX 2.1 IDType)
_AGENCY = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*(\.[A-Za-z][A-Za-z0-9_\-]*)*")

_TOP_KEYS: Final = ("threshold", "tables", "dp", "sdmx", "maps", "carry_forward", "period")
_TABLE_KEYS: Final = (
    "name",
    "unit",
    "by",
    "method",
    "title",
    "base",
    "epsilon",
    "contributions",
)
_DP_KEYS: Final = ("epsilon", "privacy_unit", "alpha", "years")
_SDMX_KEYS: Final = ("agency",)
_PERIOD_KEYS: Final = ("from", "to", "basis", "include_partial")
_MAPS_KEYS: Final = ("method", "h3_resolution", "min_count", "min_sources")
MAP_METHODS: Final = ("h3", "snap", "none")
_BASES: Final = tuple(b.value for b in PeriodBasis)


@dataclass(frozen=True, slots=True)
class TableConfig:
    """One table of the release.

    Attributes
    ----------
    name : str
        File stem (``NAME.csv``, ``NAME.parquet``): lower-case letters, digits, ``_``.
    unit : str
        What a count counts: incidents, offences, victims or suspects.
    by : tuple of str
        1 to 3 fields of :data:`crimestats.stats.FIELDS`.
    method : str
        ``threshold`` (threshold rule and secondary suppression), ``rounding``
        (controlled rounding to ``base``) or ``dp`` (differential privacy).
    title : str
        Human title (default: made from the unit and fields).
    base : int or None
        Rounding base (method ``rounding`` only; default 5).
    epsilon : float or None
        This table's share of ``dp.epsilon`` (method ``dp`` only; default: an equal
        share of what the other DP tables leave).
    contributions : int or None
        Method ``dp`` only: the most interior cells one privacy unit is counted in (each
        by one); further ones are dropped by a fixed rule. It is the L1 sensitivity.
    """

    name: str
    unit: str
    by: tuple[str, ...]
    method: Method = Method.THRESHOLD
    title: str = ""
    base: int | None = None
    epsilon: float | None = None
    contributions: int | None = None

    def __post_init__(self) -> None:
        """The method is mapped to a :class:`Method` once, here (a word from code too)."""
        object.__setattr__(self, "method", Method(self.method))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for the store's record of the release."""
        out: dict[str, Any] = {
            "name": self.name,
            "unit": self.unit,
            "by": list(self.by),
            "method": self.method,
            "title": self.title,
        }
        for key in ("base", "epsilon", "contributions"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True, slots=True)
class DpConfig:
    """The differential-privacy settings shared by every ``dp`` table of a release.

    ``epsilon`` is the total budget of the release (pure epsilon-DP, split over the DP
    tables); ``years`` is the declared public period ``(first, last)``, needed when a DP
    table is broken down by year, quarter or month (incidents reported outside it are
    not counted in DP tables).
    """

    epsilon: float
    privacy_unit: str
    alpha: float = DEFAULT_ALPHA
    years: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "epsilon": self.epsilon,
            "privacy_unit": self.privacy_unit,
            "alpha": self.alpha,
            "years": None if self.years is None else list(self.years),
        }


@dataclass(frozen=True, slots=True)
class SdmxConfig:
    """SDMX output settings: the agency id of every artefact in the release's sdmx/ folder."""

    agency: str = DEFAULT_AGENCY


@dataclass(frozen=True, slots=True)
class MapsConfig:
    """Map output settings: the masking method (``h3`` hexagons, ``snap`` anonymous
    points, ``none`` for no map), H3 resolution, minimum count per published feature and,
    for snap points, the fewest distinct source locations behind each point."""

    h3_resolution: int = DEFAULT_H3_RESOLUTION
    min_count: int = DEFAULT_MIN_COUNT
    method: str = "h3"
    min_sources: int = 8


@dataclass(frozen=True, slots=True)
class PeriodConfig:
    """The dates a release counts, and whether it keeps partial periods.

    ``window`` counts only incidents whose period date (``basis``: report or occurrence
    date) is inside it (``period: {from, to, basis}``); ``include_partial`` keeps the
    periods the store covers only in part (:mod:`crimestats.stats.coverage`) in the
    exact tables, flagged. A file with a ``period`` section leaves them out unless it
    says ``include_partial: true``; without one (the standard release) they are kept
    and flagged, so that a release without a declared period publishes what it did
    before (docs/release.md, "Periods and partial periods").
    """

    window: PeriodWindow = field(default_factory=PeriodWindow)
    include_partial: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        w = self.window
        return {
            "from": None if w.since is None else w.since.isoformat(),
            "to": None if w.until is None else w.until.isoformat(),
            "basis": w.basis.value,
            "include_partial": self.include_partial,
        }


@dataclass(frozen=True, slots=True)
class ReleaseConfig:
    """A whole release configuration; :func:`default_config` is the standard release."""

    tables: tuple[TableConfig, ...]
    threshold: int = 3
    dp: DpConfig | None = None
    sdmx: SdmxConfig = field(default_factory=SdmxConfig)
    maps: MapsConfig = field(default_factory=MapsConfig)
    carry_forward: bool = True
    """Withhold again every cell the store's last recorded release of a table withheld
    (docs/disclosure-control.md, revisions)."""
    period: PeriodConfig = field(default_factory=PeriodConfig)
    source: str = field(default="(defaults)", compare=False)

    @property
    def dp_tables(self) -> tuple[TableConfig, ...]:
        """The tables released with differential privacy, in order."""
        return tuple(t for t in self.tables if t.method is Method.DP)

    def epsilon_shares(self) -> dict[str, float]:
        """Each DP table's epsilon: its own ``epsilon``, else an equal share of the rest.

        Shares are rounded down so that, in exact arithmetic, they never add up to more
        than ``dp.epsilon`` (the ledger refuses any spend past it).
        """
        if self.dp is None or not self.dp_tables:
            return {}
        total = Fraction(self.dp.epsilon)
        given = {t.name: t.epsilon for t in self.dp_tables if t.epsilon is not None}
        rest = [t.name for t in self.dp_tables if t.epsilon is None]
        left = total - sum((Fraction(v) for v in given.values()), Fraction(0))
        shares: dict[str, float] = {}
        if rest:
            share = float(left / len(rest))
            while Fraction(share) * len(rest) > left:
                share = math.nextafter(share, 0.0)
            shares = dict.fromkeys(rest, share)
        out = {**given, **shares}
        return {t.name: out[t.name] for t in self.dp_tables}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for the store's record of the release."""
        return {
            "threshold": self.threshold,
            "tables": [t.to_dict() for t in self.tables],
            "dp": None if self.dp is None else self.dp.to_dict(),
            "sdmx": {"agency": self.sdmx.agency},
            "maps": {
                "method": self.maps.method,
                "h3_resolution": self.maps.h3_resolution,
                "min_count": self.maps.min_count,
                "min_sources": self.maps.min_sources,
            },
            "carry_forward": self.carry_forward,
            "period": self.period.to_dict(),
        }


class _Doc:
    """Checks of one configuration file; every error names the file, the key and the fix."""

    def __init__(self, where: str) -> None:
        self.where = where

    def err(self, key: str, problem: str, fix: str) -> UsageError:
        return UsageError(f"{self.where}: {key}: {problem}", hint=fix)

    def mapping(self, key: str, value: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.err(key, f"expected a mapping, got {value!r}", f"write {key}: {{...}}")
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            problem = f"unknown key(s) {', '.join(unknown)}"
            raise self.err(key, problem, f"keys allowed here: {', '.join(allowed)}")
        return dict(value)

    def whole(self, key: str, value: Any, low: int, high: int | None, fix: str) -> int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok or value < low or (high is not None and value > high):
            span = f">= {low}" if high is None else f"from {low} to {high}"
            raise self.err(key, f"{value!r} is not a whole number {span}", fix)
        return int(value)

    def positive(self, key: str, value: Any, fix: str) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or value <= 0:
            raise self.err(key, f"{value!r} is not a finite number > 0", fix)
        return float(value)

    def choice(self, key: str, value: Any, options: tuple[str, ...]) -> str:
        if value not in options:
            raise self.err(key, f"{value!r} is not known", f"use one of: {', '.join(options)}")
        return str(value)

    def fields(self, key: str, value: Any) -> tuple[str, ...]:
        from crimestats.stats import FIELDS

        valid = f"use fields from: {', '.join(FIELDS)}"
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",")]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.err(key, f"expected a list of field names, got {value!r}", valid)
        unknown = [v for v in value if v not in FIELDS]
        if unknown:
            raise self.err(key, f"unknown field(s) {', '.join(map(repr, unknown))}", valid)
        if len(set(value)) != len(value):
            raise self.err(key, "a field is named twice", "name each field once")
        if len(value) > MAX_FIELDS:
            problem = f"{len(value)} fields, at most {MAX_FIELDS}"
            raise self.err(key, problem, "split the table into smaller ones")
        return tuple(value)

    def table(self, number: int, raw: Any) -> TableConfig:
        key = f"tables[{number}]"
        doc = self.mapping(key, raw, _TABLE_KEYS)
        for required in ("name", "unit", "by"):
            if required not in doc:
                raise self.err(f"{key}.{required}", "missing", f"give every table a {required}")
        name = doc["name"]
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            fix = "lower-case letters, digits and _ (at most 64), e.g. victims_by_sex"
            raise self.err(f"{key}.name", f"{name!r} is not a file stem", fix)
        unit = self.choice(f"{key}.unit", doc["unit"], UNITS)
        by = self.fields(f"{key}.by", doc["by"])
        method = Method(self.choice(f"{key}.method", doc.get("method", "threshold"), METHODS))
        title = doc.get("title", f"{unit.capitalize()} by {', '.join(by)}")
        if not isinstance(title, str) or not title.strip():
            raise self.err(f"{key}.title", f"{title!r} is not a text", "write a short title")
        for only, needs in (("base", "rounding"), ("epsilon", "dp"), ("contributions", "dp")):
            if only in doc and method != needs:
                problem = f"only a {needs} table takes {only}"
                raise self.err(f"{key}.{only}", problem, f"drop it, or set method: {needs}")
        base = epsilon = contributions = None
        if method is Method.ROUNDING:
            fix = "a whole number >= 2, e.g. 5"
            base = self.whole(f"{key}.base", doc.get("base", DEFAULT_BASE), 2, 1000, fix)
        if method is Method.DP:
            if "epsilon" in doc:
                fix = "this table's share of dp.epsilon, e.g. 0.5"
                epsilon = self.positive(f"{key}.epsilon", doc["epsilon"], fix)
            fix = "the most cells one privacy unit is counted in, e.g. 1"
            contributions = self.whole(
                f"{key}.contributions", doc.get("contributions", 1), 1, 100, fix
            )
        return TableConfig(name, unit, by, method, title.strip(), base, epsilon, contributions)

    def dp(self, raw: Any) -> DpConfig:
        doc = self.mapping("dp", raw, _DP_KEYS)
        for required in ("epsilon", "privacy_unit"):
            if required not in doc:
                fix = "declare both up front: dp: {epsilon: 1.0, privacy_unit: incident}"
                raise self.err(f"dp.{required}", "missing", fix)
        epsilon = self.positive("dp.epsilon", doc["epsilon"], "the release's budget, e.g. 1.0")
        unit = self.choice("dp.privacy_unit", doc["privacy_unit"], PRIVACY_UNITS)
        alpha = doc.get("alpha", DEFAULT_ALPHA)
        ok = isinstance(alpha, int | float) and not isinstance(alpha, bool)
        if not ok or not 0 < alpha < 1:
            raise self.err("dp.alpha", f"{alpha!r} is not between 0 and 1", "0.05 gives 95%")
        years = None
        if doc.get("years") is not None:
            raw_years = doc["years"]
            fix = "the first and last year of the public period, e.g. years: [2019, 2024]"
            if not isinstance(raw_years, list) or len(raw_years) != 2:
                raise self.err("dp.years", f"{raw_years!r} is not [first, last]", fix)
            first = self.whole("dp.years", raw_years[0], 1900, 2200, fix)
            last = self.whole("dp.years", raw_years[1], 1900, 2200, fix)
            if first > last:
                raise self.err("dp.years", f"{first} is after {last}", fix)
            years = (first, last)
        return DpConfig(epsilon, unit, float(alpha), years)

    def period(self, raw: Any, tables: tuple[TableConfig, ...], *, given: bool) -> PeriodConfig:
        """``period``; ``given`` is whether the file has the section (see PeriodConfig)."""
        doc = self.mapping("period", raw, _PERIOD_KEYS)
        fix = f"write {FORMS}, e.g. from: 2020 or to: 2021-06-30"
        bounds: list[str | None] = []
        for key in ("from", "to"):
            value = doc.get(key)
            if isinstance(value, date):  # YAML reads 2021-06-30 as a date
                value = value.isoformat()
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | str)):
                raise self.err(f"period.{key}", f"{value!r} is not a date", fix)
            bounds.append(None if value is None else str(value))
        basis = self.choice("period.basis", doc.get("basis", "reported"), _BASES)
        try:
            window = PeriodWindow.parse(bounds[0], bounds[1], basis, options=("from", "to"))
        except UsageError as exc:
            raise self.err("period", exc.message, exc.hint or fix) from None
        partial = doc.get("include_partial", False)
        if not isinstance(partial, bool):
            fix = "false (leave partial periods out) or true (keep them, flagged)"
            raise self.err("period.include_partial", f"{partial!r} is not true or false", fix)
        dp = [t.name for t in tables if t.method is Method.DP]
        if window.basis is not PeriodBasis.REPORTED and dp:
            problem = f"DP tables ({', '.join(dp)}) count by report date"
            raise self.err("period.basis", problem, "use basis: reported in a release with DP")
        return PeriodConfig(window, partial)

    def check_dp_tables(self, tables: tuple[TableConfig, ...], dp: DpConfig | None) -> None:
        from crimestats.release.dp_tables import PUBLIC_FIELDS

        dp_tables = [(n, t) for n, t in enumerate(tables) if t.method is Method.DP]
        if not dp_tables:
            return
        if dp is None:
            fix = "add dp: {epsilon: 1.0, privacy_unit: incident}"
            raise self.err("dp", "missing, but some tables have method: dp", fix)
        given = Fraction(0)
        for number, table in dp_tables:
            key = f"tables[{number}]"
            private = [f for f in table.by if f not in PUBLIC_FIELDS]
            if private:
                problem = f"{', '.join(private)} has no public list of values (needed for dp)"
                raise self.err(f"{key}.by", problem, f"use fields from: {', '.join(PUBLIC_FIELDS)}")
            if PERIOD_FIELDS & set(table.by) and dp.years is None:
                fix = "declare the public period, e.g. dp: {years: [2019, 2024]}"
                raise self.err("dp.years", f"missing, but {table.name} is by a period", fix)
            if dp.privacy_unit == "victim" and table.unit != "victims":
                problem = f"privacy unit victim protects victims; this table counts {table.unit}"
                raise self.err(
                    f"{key}.unit", problem, "use unit: victims, or privacy_unit: incident"
                )
            if table.epsilon is not None:
                given += Fraction(table.epsilon)
        fix = "lower the tables' epsilon or raise dp.epsilon"
        if given > Fraction(dp.epsilon):
            problem = f"the DP tables ask for {float(given)!r}, more than dp.epsilon {dp.epsilon!r}"
            raise self.err("tables[].epsilon", problem, fix)
        if given == Fraction(dp.epsilon) and any(t.epsilon is None for _, t in dp_tables):
            problem = "nothing of dp.epsilon is left for the DP tables without an epsilon"
            raise self.err("tables[].epsilon", problem, fix)


_EXACT_METHODS: Final = (Method.THRESHOLD, Method.ROUNDING)
"""Methods whose published numbers are exact facts an integer programme can use (a
rounded count is within ``base`` of the truth): two of them over shared cells must be one
protection, and only threshold tables are protected together (linked tables)."""


def conflicting_methods(tables: tuple[TableConfig, ...]) -> tuple[TableConfig, TableConfig] | None:
    """The first two tables that would publish exact facts two ways: a rounding table
    beside any other threshold or rounding table of the release, whatever their units.

    Why (issue 11, finding 6): every two tables of one counting unit share cells, at
    least the grand total, and the margins over their common fields (or nested ones:
    a section is the sum of its divisions). A threshold table withholds a small cell;
    the rounded copy of it (or of a margin around it) bounds it within the base, and an
    integer programme over both pinned 9 of 27 withheld cells with base 2. Units do not
    separate them either (red-team finding B): offences >= incidents cell by cell, so a
    rounded 0 offences (base 2: at most 1) bounds a withheld incidents cell to [0, 1];
    victims and suspects are tied to incidents the same way. Threshold tables are
    protected jointly (linked_tables.py, cross_unit.py); a rounding table cannot be, so
    it must be the only exact table of its release. DP tables are not exact facts and
    may stand beside it.
    """
    exact = [t for t in tables if t.method in _EXACT_METHODS]
    for i, first in enumerate(exact):
        for second in exact[i + 1 :]:
            if Method.ROUNDING in (first.method, second.method):
                return first, second
    return None


def conflict_message(one: TableConfig, two: TableConfig) -> tuple[str, str]:
    """The problem and the fix for two tables :func:`conflicting_methods` found."""
    rounded = one if one.method == Method.ROUNDING else two
    problem = (
        f"{one.name} ({one.method}, {one.unit}) and {two.name} ({two.method}, {two.unit}) "
        "bound each other's cells (they share margins, and offences >= incidents cell by "
        "cell): a withheld or rounded cell of one can be narrowed from the other"
    )
    fix = f"publish {rounded.name} in a release of its own, or give both method: threshold"
    return problem, fix


def parse_config(doc: Any, *, where: str = "release config") -> ReleaseConfig:
    """Check a parsed YAML document and return the configuration it describes."""
    from crimestats.release.standard_tables import STANDARD_TABLES

    check = _Doc(where)
    top = check.mapping("top level", {} if doc is None else doc, _TOP_KEYS)
    fix = "counts 1..threshold are withheld; 3 if unsure"
    threshold = check.whole("threshold", top.get("threshold", 3), 1, None, fix)
    if "tables" in top:
        raw = top["tables"]
        if not isinstance(raw, list) or not raw:
            raise check.err("tables", f"expected a non-empty list, got {raw!r}", "- name: ...")
        tables = tuple(check.table(n, item) for n, item in enumerate(raw))
        names = [t.name for t in tables]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            problem = f"table name(s) used twice: {', '.join(twice)}"
            raise check.err("tables", problem, "give every table its own name")
    else:
        tables = tuple(
            TableConfig(s.name, s.unit, s.by, Method.THRESHOLD, s.title) for s in STANDARD_TABLES
        )
    clash = conflicting_methods(tables)
    if clash is not None:
        problem, fix = conflict_message(*clash)
        raise check.err("tables", problem, fix)
    dp = check.dp(top["dp"]) if top.get("dp") is not None else None
    check.check_dp_tables(tables, dp)
    sdmx = check.mapping("sdmx", top.get("sdmx") or {}, _SDMX_KEYS)
    agency = sdmx.get("agency", DEFAULT_AGENCY)
    if not isinstance(agency, str) or not _AGENCY.fullmatch(agency):
        fix = "letters, digits, _ and -, starting with a letter, e.g. CRIMESTATS"
        raise check.err("sdmx.agency", f"{agency!r} is not an SDMX agency id", fix)
    maps = check.mapping("maps", top.get("maps") or {}, _MAPS_KEYS)
    fix = "H3 resolutions run from 0 to 15; 8 is about 0.7 km2 a cell"
    resolution = check.whole(
        "maps.h3_resolution", maps.get("h3_resolution", DEFAULT_H3_RESOLUTION), 0, 15, fix
    )
    fix = "the fewest incidents a map cell may show, e.g. 10"
    min_count = check.whole(
        "maps.min_count", maps.get("min_count", DEFAULT_MIN_COUNT), 1, None, fix
    )
    method = maps.get("method", "h3")
    if method not in MAP_METHODS:
        fix = "h3 (hexagons), snap (anonymous points) or none (no map)"
        raise check.err("maps.method", f"{method!r} is not a map method", fix)
    fix = "the fewest distinct recorded locations behind one snap point, e.g. 8"
    min_sources = check.whole("maps.min_sources", maps.get("min_sources", 8), 2, None, fix)
    carry_forward = top.get("carry_forward", True)
    if not isinstance(carry_forward, bool):
        fix = "true (withhold again what the last release withheld) or false"
        raise check.err("carry_forward", f"{carry_forward!r} is not true or false", fix)
    period = check.period(top.get("period") or {}, tables, given="period" in top)
    return ReleaseConfig(
        tables=tables,
        threshold=threshold,
        dp=dp,
        sdmx=SdmxConfig(agency),
        maps=MapsConfig(resolution, min_count, method, min_sources),
        carry_forward=carry_forward,
        period=period,
        source=where,
    )


def load_config(path: str | Path) -> ReleaseConfig:
    """Read and check a YAML release configuration; errors name the file and the key."""
    from crimestats.yaml_files import read_yaml

    doc, _ = read_yaml(path, what="release config", option="--config", error=UsageError)
    return parse_config(doc, where=str(Path(path)))


def default_config(threshold: int = 3) -> ReleaseConfig:
    """The standard release: the three standard tables under the threshold rule."""
    return parse_config({"threshold": threshold}, where="(defaults)")


__all__ = [
    "METHODS",
    "DpConfig",
    "MapsConfig",
    "PeriodConfig",
    "ReleaseConfig",
    "SdmxConfig",
    "TableConfig",
    "conflict_message",
    "conflicting_methods",
    "default_config",
    "load_config",
    "parse_config",
]
