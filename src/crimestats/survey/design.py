"""The survey design file (``crimestats survey load NAME FILE... --design DESIGN.yaml``).

Why a file: a survey's estimates are only as right as its design is declared -- which
weight, which strata and PSUs or replicate weights with which scale, how series incidents
count, which incidents are out of scope, which crime types make up ``violent`` or
``burglary``, and which population each rate divides by. Those are publication decisions
that must be reviewed and kept with the results, so they are written in one YAML file,
parsed into frozen dataclasses before any data is read. Every bad or unknown key is refused
with one message naming the key path and the fix (the models of
:mod:`~crimestats.survey.design_schema`). See ``docs/surveys.md`` for every key and
``src/crimestats/surveys/ncvs_2021.yaml`` for the worked NCVS 2021 design.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from crimestats.config_schema import validate
from crimestats.errors import UsageError
from crimestats.survey.design_schema import (
    DesignFileSchema,
    DesignSchema,
    DesignType,
    GroupSchema,
    LonelyPsu,
    ReplicateMethod,
    SeriesSchema,
)
from crimestats.yaml_files import read_yaml

__all__ = [
    "BUNDLED",
    "CrimeGroup",
    "CrimeTypes",
    "DesignType",
    "Flag",
    "LonelyPsu",
    "Reliability",
    "ReplicateMethod",
    "SeriesRule",
    "SurveyDesign",
    "TableSpec",
    "VarianceDesign",
    "load_design",
    "parse_design",
]

Condition = tuple[str, tuple[float, ...]]
"""A field and the values that make a row match (``drop_when: {V4022: [1]}``)."""


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
    not_series_when: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One microdata file: its key fields, weight, and its parent table (joined on keys)."""

    name: str
    file: str
    keys: tuple[str, ...]
    weight: str
    parent: str | None = None
    drop_when: tuple[Condition, ...] = ()
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


def _conditions(raw: dict[str, list[float]]) -> tuple[Condition, ...]:
    return tuple((field, tuple(values)) for field, values in raw.items())


def _series(raw: SeriesSchema) -> SeriesRule:
    return SeriesRule(
        count=raw.count,
        cap=raw.cap,
        unknown_count=raw.unknown_count,
        unknown_codes=tuple(raw.unknown_codes),
        not_series_when=_conditions(raw.not_series_when),
    )


def _variance(raw: DesignSchema, tables: tuple[TableSpec, ...]) -> VarianceDesign:
    table = raw.table or tables[0].name
    if raw.type == DesignType.TAYLOR:
        return VarianceDesign(
            DesignType.TAYLOR, table, raw.strata, raw.psu, LonelyPsu(raw.lonely_psu)
        )
    return VarianceDesign(
        DesignType.REPLICATE,
        table,
        method=ReplicateMethod(str(raw.method)),  # a replicate design has one
        replicates=tuple(raw.replicates),
        rho=raw.rho or 0.0,
        scale=raw.scale,
        rscales=tuple(raw.rscales),
        center=raw.center,
    )


def _groups(raw: dict[str, GroupSchema], population: str) -> tuple[CrimeGroup, ...]:
    return tuple(
        CrimeGroup(name, g.codes, g.population or population, g.label or name)
        for name, g in raw.items()
    )


def _survey(raw: DesignFileSchema) -> SurveyDesign:
    """The checked file as the dataclasses the estimators read; a key left out takes
    its default here (the design's table is the first, the crime table the last)."""
    tables = tuple(
        TableSpec(
            name=name,
            file=t.file,
            keys=tuple(t.keys_),
            weight=t.weight,
            parent=t.parent,
            drop_when=_conditions(t.drop_when),
            series=None if t.series is None else _series(t.series),
        )
        for name, t in raw.tables.items()
    )
    crimes = None
    if raw.crime_types is not None:
        c, first = raw.crime_types, tables[0].name
        crimes = CrimeTypes(
            c.table or tables[-1].name, c.field, _groups(c.groups, first), _groups(c.iccs, first)
        )
    return SurveyDesign(
        name=raw.name,
        title=raw.title or raw.name,
        year=raw.year,
        tables=tables,
        design=_variance(raw.design, tables),
        crime_types=crimes,
        flags=tuple(
            Flag(name, f.field, tuple(f.values), f.label or name) for name, f in raw.flags.items()
        ),
        reliability=Reliability(raw.reliability.min_n, raw.reliability.max_rse),
    )


def parse_design(doc: object, *, where: str = "design file") -> SurveyDesign:
    """Check a parsed YAML document and return the design, or raise ONE ``UsageError``
    naming ``where``, the key path and the fix (:func:`crimestats.config_schema.validate`)."""
    return _survey(validate(DesignFileSchema, doc, where=where, error=UsageError))


def load_design(path: str | Path) -> SurveyDesign:
    """Read (within :func:`~crimestats.yaml_files.read_yaml`'s limits) and check a file."""
    doc, _ = read_yaml(path, what="design file", option="--design", error=UsageError)
    return parse_design(doc, where=str(path))


BUNDLED: Final = Path(__file__).resolve().parent.parent / "surveys"
"""Worked design files shipped with crimestats (``ncvs_2021.yaml``)."""
