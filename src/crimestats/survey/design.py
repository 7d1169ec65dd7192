"""The survey design file (``crimestats survey load NAME FILE... --design DESIGN.yaml``).

Why a file: a survey's estimates are only as right as its design is declared -- which
weight, which strata and PSUs or replicate weights with which scale, how series incidents
count, which incidents are out of scope, which crime types make up ``violent`` or
``burglary``, and which population each rate divides by. Those are publication decisions
that must be reviewed and kept with the results, so they are written in one YAML file,
parsed into frozen dataclasses before any data is read. Every bad or unknown key is refused
with one message naming the key and the fix. See ``docs/surveys.md`` for every key and
``src/crimestats/surveys/ncvs_2021.yaml`` for the worked NCVS 2021 design.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from crimestats.errors import UsageError
from crimestats.survey.checks import Doc as _Doc
from crimestats.yaml_files import read_yaml

_NAME: Final = re.compile(r"[a-z0-9][a-z0-9_\-]{0,63}")
_TOP_KEYS: Final = (
    "name",
    "title",
    "year",
    "tables",
    "design",
    "crime_types",
    "flags",
    "reliability",
)
_TABLE_KEYS: Final = ("file", "keys", "weight", "parent", "drop_when", "series")
_SERIES_KEYS: Final = ("count", "cap", "unknown_count", "unknown_codes", "not_series_when")
_DESIGN_KEYS: Final = (
    "type",
    "table",
    "strata",
    "psu",
    "lonely_psu",
    "method",
    "replicates",
    "rho",
    "scale",
    "rscales",
    "center",
)
_CRIME_KEYS: Final = ("table", "field", "groups", "iccs")
_GROUP_KEYS: Final = ("codes", "population", "label")
_FLAG_KEYS: Final = ("field", "values", "label")
_RELIABILITY_KEYS: Final = ("min_n", "max_rse")


class DesignType(StrEnum):
    """How variances are computed."""

    TAYLOR = "taylor"
    REPLICATE = "replicate"


class LonelyPsu(StrEnum):
    """What a stratum with one PSU contributes (R ``survey``'s ``survey.lonely.psu``).

    ``fail`` (R's default) refuses; ``remove`` and ``certainty`` add nothing; ``adjust``
    centres the lone PSU on the mean of all PSU totals (conservative).
    """

    FAIL = "fail"
    REMOVE = "remove"
    CERTAINTY = "certainty"
    ADJUST = "adjust"


class ReplicateMethod(StrEnum):
    """Replicate-weight methods, with R ``survey``'s default scales (see ``replicate``)."""

    BRR = "brr"
    FAY = "fay"
    JK1 = "jk1"
    JKN = "jkn"
    BOOTSTRAP = "bootstrap"


@dataclass(frozen=True, slots=True)
class SeriesRule:
    """How a series incident (many similar incidents reported once) is weighted.

    The weight is multiplied by the number of incidents ``count``, capped at ``cap``,
    ``unknown_count`` when the count is one of ``unknown_codes``; a record is *not* a
    series when any field in ``not_series_when`` has one of the listed values.
    """

    count: str
    cap: float
    unknown_count: float
    unknown_codes: tuple[float, ...]
    not_series_when: tuple[tuple[str, tuple[float, ...]], ...]


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One microdata file: its key fields, weight, and its parent table (joined on keys)."""

    name: str
    file: str
    keys: tuple[str, ...]
    weight: str
    parent: str | None = None
    drop_when: tuple[tuple[str, tuple[float, ...]], ...] = ()
    series: SeriesRule | None = None


@dataclass(frozen=True, slots=True)
class VarianceDesign:
    """Strata and PSUs (with-replacement Taylor) or replicate weights, on ``table``."""

    type: DesignType
    table: str
    strata: str | None = None
    psu: str | None = None
    lonely_psu: LonelyPsu = LonelyPsu.FAIL
    method: ReplicateMethod | None = None
    replicates: tuple[str, ...] = ()
    rho: float = 0.0
    scale: float | None = None
    rscales: tuple[float, ...] = ()
    center: str = "full"


@dataclass(frozen=True, slots=True)
class CrimeGroup:
    """A named set of survey crime codes (``violent``, ``burglary``) and its rate population."""

    name: str
    codes: frozenset[int]
    population: str
    label: str


@dataclass(frozen=True, slots=True)
class CrimeTypes:
    """Where the crime type is (``table.field``), its groups, and its ICCS mapping."""

    table: str
    field: str
    groups: tuple[CrimeGroup, ...]
    iccs: tuple[CrimeGroup, ...]


@dataclass(frozen=True, slots=True)
class Flag:
    """A named yes/no item (``reported``: reported to the police) for shares."""

    name: str
    field: str
    values: tuple[float, ...]
    label: str


@dataclass(frozen=True, slots=True)
class Reliability:
    """Cells below ``min_n`` unweighted cases or above ``max_rse`` are flagged unreliable."""

    min_n: int = 10
    max_rse: float = 0.5


@dataclass(frozen=True, slots=True)
class SurveyDesign:
    """A whole design file, checked."""

    name: str
    title: str
    year: int | None
    tables: tuple[TableSpec, ...]
    design: VarianceDesign
    crime_types: CrimeTypes | None
    flags: tuple[Flag, ...]
    reliability: Reliability

    def table(self, name: str) -> TableSpec:
        for spec in self.tables:
            if spec.name == name:
                return spec
        known = ", ".join(t.name for t in self.tables)
        raise UsageError(f"survey {self.name} has no table {name!r}", hint=f"use one of: {known}")

    def group(self, name: str) -> CrimeGroup:
        """A crime group by name, or an ICCS code the design maps."""
        if self.crime_types is None:
            raise UsageError(
                f"survey {self.name} declares no crime types",
                hint="add crime_types: to the design file",
            )
        for group in (*self.crime_types.groups, *self.crime_types.iccs):
            if group.name == name:
                return group
        names = [g.name for g in (*self.crime_types.groups, *self.crime_types.iccs)]
        raise UsageError(f"{name!r} is not a crime group of {self.name}", hint=", ".join(names))

    def flag(self, name: str) -> Flag | None:
        return next((f for f in self.flags if f.name == name), None)


def _series(doc: _Doc, key: str, raw: Any) -> SeriesRule:
    s = doc.mapping(key, raw, _SERIES_KEYS)
    if "count" not in s or "cap" not in s:
        raise doc.err(key, "needs count and cap", "write count: FIELD and cap: 10")
    return SeriesRule(
        count=doc.text(f"{key}.count", s["count"]),
        cap=doc.number(f"{key}.cap", s["cap"], low=1),
        unknown_count=doc.number(f"{key}.unknown_count", s.get("unknown_count", 1), low=1),
        unknown_codes=doc.numbers(f"{key}.unknown_codes", s.get("unknown_codes", [])),
        not_series_when=doc.conditions(f"{key}.not_series_when", s.get("not_series_when", {})),
    )


def _table(doc: _Doc, name: str, raw: Any) -> TableSpec:
    key = f"tables.{name}"
    t = doc.mapping(key, raw, _TABLE_KEYS)
    for need in ("file", "keys", "weight"):
        if need not in t:
            raise doc.err(key, f"has no {need}", f"write {need}: under {key}")
    return TableSpec(
        name=name,
        file=doc.text(f"{key}.file", t["file"]),
        keys=doc.texts(f"{key}.keys", t["keys"]),
        weight=doc.text(f"{key}.weight", t["weight"]),
        parent=doc.text(f"{key}.parent", t["parent"]) if "parent" in t else None,
        drop_when=doc.conditions(f"{key}.drop_when", t.get("drop_when", {})),
        series=_series(doc, f"{key}.series", t["series"]) if "series" in t else None,
    )


def _replicate_names(doc: _Doc, value: Any) -> tuple[str, ...]:
    """``BRRWT1..96`` or a list of field names."""
    if isinstance(value, str):
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*?)(\d+)\.\.(\d+)", value.strip())
        if m is None:
            raise doc.err("design.replicates", f"{value!r} is not PREFIX1..N", "write BRRWT1..96")
        return tuple(f"{m.group(1)}{i}" for i in range(int(m.group(2)), int(m.group(3)) + 1))
    return doc.texts("design.replicates", value)


def _design(doc: _Doc, raw: Any, tables: tuple[TableSpec, ...]) -> VarianceDesign:
    d = doc.mapping("design", raw, _DESIGN_KEYS)
    kind = doc.choice("design.type", d.get("type"), DesignType)
    table = doc.text("design.table", d.get("table", tables[0].name))
    if table not in {t.name for t in tables}:
        raise doc.err("design.table", f"{table!r} is not a table", "name one of tables:")
    if kind is DesignType.TAYLOR:
        for need in ("strata", "psu"):
            if need not in d:
                raise doc.err("design", f"a taylor design needs {need}", f"write {need}: FIELD")
        lonely = doc.choice("design.lonely_psu", d.get("lonely_psu", "fail"), LonelyPsu)
        strata, psu = doc.text("design.strata", d["strata"]), doc.text("design.psu", d["psu"])
        return VarianceDesign(kind, table, strata, psu, lonely)
    method = doc.choice("design.method", d.get("method"), ReplicateMethod)
    if "replicates" not in d:
        raise doc.err("design", "a replicate design needs replicates", "write replicates: W1..80")
    reps = _replicate_names(doc, d["replicates"])
    rho = doc.number("design.rho", d.get("rho", 0.0), low=0.0)
    if method is ReplicateMethod.FAY and not 0 < rho < 1:
        raise doc.err("design.rho", f"Fay's rho {rho} is not in (0, 1)", "write rho: 0.5")
    rscales = doc.numbers("design.rscales", d["rscales"]) if "rscales" in d else ()
    if rscales and len(rscales) != len(reps):
        raise doc.err("design.rscales", "needs one value per replicate", f"give {len(reps)}")
    if method is ReplicateMethod.JKN and not rscales:
        raise doc.err("design", "jkn needs rscales", "write rscales: [(n_h-1)/n_h per replicate]")
    scale = doc.number("design.scale", d["scale"], low=0.0) if "scale" in d else None
    center = d.get("center", "full")
    if center not in ("full", "mean"):
        raise doc.err("design.center", f"{center!r} is not known", "use full or mean")
    return VarianceDesign(
        kind, table, method=method, replicates=reps, rho=rho, scale=scale, rscales=rscales,
        center=center,
    )  # fmt: skip


def _groups(doc: _Doc, key: str, raw: Any, default_pop: str) -> tuple[CrimeGroup, ...]:
    out = []
    for name, value in doc.mapping(key, raw, None).items():
        if isinstance(value, Mapping):
            g = doc.mapping(f"{key}.{name}", value, _GROUP_KEYS)
            codes = doc.codes(f"{key}.{name}.codes", g.get("codes", ""))
            pop = str(g.get("population", default_pop))
            label = str(g.get("label", name))
        else:
            codes, pop, label = doc.codes(f"{key}.{name}", value), default_pop, name
        out.append(CrimeGroup(name, codes, pop, label))
    return tuple(out)


def _crime_types(doc: _Doc, raw: Any, tables: tuple[TableSpec, ...]) -> CrimeTypes:
    c = doc.mapping("crime_types", raw, _CRIME_KEYS)
    table = doc.text("crime_types.table", c.get("table", tables[-1].name))
    if table not in {t.name for t in tables}:
        raise doc.err("crime_types.table", f"{table!r} is not a table", "name one of tables:")
    groups = _groups(doc, "crime_types.groups", c.get("groups", {}), tables[0].name)
    iccs = _groups(doc, "crime_types.iccs", c.get("iccs", {}), tables[0].name)
    for g in (*groups, *iccs):
        if g.population not in {t.name for t in tables} and g.population != "persons":
            raise doc.err(f"crime_types: {g.name}.population", f"{g.population!r} is no table",
                          "name one of tables:")  # fmt: skip
    return CrimeTypes(table, doc.text("crime_types.field", c.get("field")), groups, iccs)


def parse_design(doc: Any, *, where: str = "design file") -> SurveyDesign:
    """Check a parsed YAML document and return the design (or raise ``UsageError``)."""
    d = _Doc(where)
    top = d.mapping("(top level)", doc, _TOP_KEYS)
    name = str(top.get("name", ""))
    if not _NAME.fullmatch(name):
        raise d.err("name", f"{name!r} is not a survey name", "lower-case letters, digits, _ -")
    raw_tables = d.mapping("tables", top.get("tables"), None)
    if not raw_tables:
        raise d.err("tables", "no table declared", "declare at least one file under tables:")
    tables = tuple(_table(d, str(n), t) for n, t in raw_tables.items())
    names = {t.name for t in tables}
    for t in tables:
        if t.parent is not None and t.parent not in names:
            raise d.err(f"tables.{t.name}.parent", f"{t.parent!r} is not a table",
                        f"use one of: {', '.join(sorted(names))}")  # fmt: skip
    if "design" not in top:
        raise d.err("design", "is missing", "declare design: {type: taylor, strata:, psu:}")
    design = _design(d, top["design"], tables)
    crimes = _crime_types(d, top["crime_types"], tables) if "crime_types" in top else None
    flags = []
    for fname, raw in d.mapping("flags", top.get("flags", {}), None).items():
        f = d.mapping(f"flags.{fname}", raw, _FLAG_KEYS)
        values = d.numbers(f"flags.{fname}.values", f.get("values", [1]))
        field = d.text(f"flags.{fname}.field", f.get("field"))
        flags.append(Flag(fname, field, values, str(f.get("label", fname))))
    r = d.mapping("reliability", top.get("reliability", {}), _RELIABILITY_KEYS)
    rel = Reliability(
        min_n=int(d.number("reliability.min_n", r.get("min_n", 10), low=0)),
        max_rse=d.number("reliability.max_rse", r.get("max_rse", 0.5), low=0.0),
    )
    year = top.get("year")
    return SurveyDesign(
        name=name,
        title=str(top.get("title", name)),
        year=int(d.number("year", year)) if year is not None else None,
        tables=tables,
        design=design,
        crime_types=crimes,
        flags=tuple(flags),
        reliability=rel,
    )


def load_design(path: str | Path) -> SurveyDesign:
    """Read and check a design file."""
    doc, _ = read_yaml(path, what="design file", option="--design", error=UsageError)
    return parse_design(doc, where=str(path))


BUNDLED: Final = Path(__file__).resolve().parent.parent / "surveys"
"""Worked design files shipped with crimestats (``ncvs_2021.yaml``)."""
