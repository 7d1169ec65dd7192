"""The survey design file as pydantic models: what each key may hold, declared once.

Why apart from :mod:`~crimestats.survey.design`: that module says what a checked design
*is* (frozen dataclasses the estimators read); this one says what a design *file* may
*say* -- every key, its type, its range and the rules between keys -- as models on
:class:`crimestats.config_schema.Schema` (strict types, unknown keys refused, frozen), so
a design file is checked the way a mapping or a release configuration is, and a mistake
gets the same ONE message: ``<file>: <key path>: <problem>`` and ``fix:``.

The words a key takes (``type: taylor``) are the enumerations here, because the file is
where they are written; :mod:`~crimestats.survey.design` re-exports them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, ClassVar, Final

from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator, model_validator

from crimestats.config_schema import Between, ConfigValueError, Fix, Matches, OneOf, Schema, kind
from crimestats.domain.iccs_codes import is_iccs_code

MAX_REPLICATES: Final = 10_000
"""The most replicate weights ``PREFIX1..N`` may name (R ``survey`` designs have 4-500)."""
MAX_CODES: Final = 10_000
"""The most codes one group's ranges may span (survey crime codes are small numbers)."""

_NAME: Final = re.compile(r"[a-z0-9][a-z0-9_\-]{0,63}")
_CODE: Final = re.compile(r"(\d{1,9})\s*-\s*(\d{1,9})|(\d{1,9})")
_REPLICATES: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*?)(\d{1,9})\.\.(\d{1,9})")


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


class Center(StrEnum):
    """What replicate estimates deviate from: the full-sample estimate or their mean."""

    FULL = "full"
    MEAN = "mean"


def _words(enum: type[StrEnum]) -> OneOf:
    return OneOf(tuple(e.value for e in enum))


def _field_name(value: str) -> str:
    if not value.strip():
        raise ConfigValueError(
            f"{value!r} is not a field name", "write a field name", default_fix=True
        )
    return value.strip()


def _one_or_more(value: object) -> object:
    """``keys: IDHH`` is read as ``keys: [IDHH]``; ``values: 1`` as ``values: [1]``."""
    return (
        [value] if isinstance(value, str | int | float) and not isinstance(value, bool) else value
    )


_survey_name = Matches(
    _NAME, "a survey name", "lower-case letters, digits, _ and - (at most 64), e.g. ncvs_2021"
).check


def _codes(value: object) -> frozenset[int]:
    """``"1-20"``, ``"1-4, 15"``, ``[31, 32]``, ``7``: whole-number codes and ranges."""
    if isinstance(value, bool) or not isinstance(value, str | int | list):
        raise ConfigValueError(f"expected codes, got {kind(value)}", 'write e.g. "1-4, 15"')
    parts = value if isinstance(value, list) else str(value).split(",")
    out: set[int] = set()
    spanned = 0
    for part in parts:
        text = str(part).strip()
        m = _CODE.fullmatch(text) if not isinstance(part, bool | float | list | dict) else None
        if m is None:
            raise ConfigValueError(f"{text[:40]!r} is not a code or range", 'write e.g. "1-4, 15"')
        low, high = (int(m.group(3)),) * 2 if m.group(3) else (int(m.group(1)), int(m.group(2)))
        if high < low:
            raise ConfigValueError(f"range {text!r} runs backwards", f"write {high}-{low}")
        spanned += high - low + 1
        if spanned > MAX_CODES:
            raise ConfigValueError(
                f"more than {MAX_CODES} codes (at {text!r})", "check the ranges' ends"
            )
        out.update(range(low, high + 1))
    return frozenset(out)


def _replicate_names(value: object) -> object:
    """``BRRWT1..96`` is the list ``BRRWT1``, ..., ``BRRWT96``; a list is kept."""
    if not isinstance(value, str):
        return value
    m = _REPLICATES.fullmatch(value.strip())
    if m is None:
        raise ConfigValueError(f"{value[:40]!r} is not PREFIX1..N", "write e.g. BRRWT1..96")
    first, last = int(m.group(2)), int(m.group(3))
    if not 0 <= last - first < MAX_REPLICATES:
        raise ConfigValueError(
            f"{value!r} names {last - first + 1} replicates",
            f"write PREFIX1..N with N from 1 to {MAX_REPLICATES}",
        )
    return [f"{m.group(1)}{i}" for i in range(first, last + 1)]


FieldName = Annotated[str, AfterValidator(_field_name)]
FieldNames = Annotated[
    list[FieldName], BeforeValidator(_one_or_more), Field(min_length=1), Fix("write [A, B]")
]
Numbers = Annotated[
    list[Annotated[float, Between()]], BeforeValidator(_one_or_more), Fix("write [1, 2]")
]
Conditions = Annotated[dict[FieldName, Numbers], Fix("write {FIELD: [values]}")]
Codes = Annotated[frozenset[int], PlainValidator(_codes), Fix('write e.g. "1-4, 15"')]


class SeriesSchema(Schema):
    """``series:`` of a table: how a series incident is weighted."""

    SHAPE: ClassVar[str] = "{count: FIELD, cap: 10, unknown_count: 6, unknown_codes: [997]}"
    count: Annotated[FieldName, Fix("write count: FIELD (how many incidents the series is)")]
    cap: Annotated[float, Between(1), Fix("write cap: 10 (the most one series counts as)")]
    unknown_count: Annotated[float, Between(1), Fix("write unknown_count: 6")] = 1.0
    unknown_codes: Numbers = Field(default_factory=list)
    not_series_when: Conditions = Field(default_factory=dict)


class TableSchema(Schema):
    """One entry of ``tables:``: a microdata file."""

    SHAPE: ClassVar[str] = "{file: NAME, keys: [A, B], weight: FIELD}"
    file: Annotated[FieldName, Fix("write file: NAME (the start of the file's name)")]
    keys_: Annotated[
        FieldNames,
        Field(alias="keys"),
        Fix("write keys: [A, B] (the fields naming a row's parent)"),
    ]
    weight: Annotated[FieldName, Fix("write weight: FIELD (the final weight of the rows)")]
    parent: Annotated[FieldName, Fix("write parent: the name of one of tables:")] | None = None
    drop_when: Conditions = Field(default_factory=dict)
    series: SeriesSchema | None = None


_TAYLOR_ONLY: Final[tuple[str, ...]] = ("strata", "psu", "lonely_psu")
_REPLICATE_ONLY: Final[tuple[str, ...]] = (
    "method",
    "replicates",
    "rho",
    "scale",
    "rscales",
    "center",
)


def _are(keys: Sequence[str]) -> str:
    return f"{', '.join(keys)} {'is' if len(keys) == 1 else 'are'}"


def _them(keys: Sequence[str]) -> str:
    return "it" if len(keys) == 1 else "them"


class DesignSchema(Schema):
    """``design:``: strata and PSUs (``type: taylor``) or replicate weights."""

    SHAPE: ClassVar[str] = "{type: taylor, strata: FIELD, psu: FIELD}"
    type: Annotated[str, _words(DesignType), Fix("write type: taylor or type: replicate")]
    table: Annotated[FieldName, Fix("write table: the name of one of tables:")] | None = None
    strata: Annotated[FieldName, Fix("write strata: FIELD (the stratum)")] | None = None
    psu: Annotated[FieldName, Fix("write psu: FIELD (the PSU within its stratum)")] | None = None
    lonely_psu: Annotated[str, _words(LonelyPsu)] = LonelyPsu.FAIL.value
    method: Annotated[str, _words(ReplicateMethod)] | None = None
    replicates: Annotated[
        list[FieldName],
        BeforeValidator(_replicate_names),
        Field(min_length=2),
        Fix("write replicates: BRRWT1..96 or a list of fields"),
    ] = Field(default_factory=list)
    rho: Annotated[float, Between(0, 1, above=True, below=True), Fix("write rho: 0.5")] | None = (
        None
    )
    scale: Annotated[float, Between(0, above=True), Fix("write scale: a number > 0")] | None = None
    rscales: Annotated[list[Annotated[float, Between(0)]], Fix("write rscales: [0.5, 0.5]")] = (
        Field(default_factory=list)
    )
    center: Annotated[str, _words(Center)] = Center.FULL.value

    @model_validator(mode="after")
    def _keys_of_its_type(self) -> DesignSchema:
        given = self.model_fields_set
        if self.type == DesignType.TAYLOR:
            other = [k for k in _REPLICATE_ONLY if k in given]
            if other:
                raise ConfigValueError(
                    f"{_are(other)} only for a replicate design",
                    f"remove {_them(other)}, or write type: replicate",
                )
            for need in ("strata", "psu"):
                if need not in given:
                    raise ConfigValueError(f"a taylor design needs {need}", f"write {need}: FIELD")
            return self
        other = [k for k in _TAYLOR_ONLY if k in given]
        if other:
            raise ConfigValueError(
                f"{_are(other)} only for a taylor design",
                f"remove {_them(other)}, or write type: taylor",
            )
        if self.method is None:
            raise ConfigValueError(
                "a replicate design needs method",
                f"write method: one of {', '.join(m.value for m in ReplicateMethod)}",
            )
        if not self.replicates:
            raise ConfigValueError(
                "a replicate design needs replicates", "write replicates: BRRWT1..96"
            )
        if self.method == ReplicateMethod.FAY and self.rho is None:
            raise ConfigValueError("a fay design needs rho", "write rho: 0.5 (between 0 and 1)")
        if self.method != ReplicateMethod.FAY and self.rho is not None:
            raise ConfigValueError(
                f"rho is only for method: fay (this design is {self.method})",
                "remove it, or write method: fay",
                at=("rho",),
            )
        if self.rscales and len(self.rscales) != len(self.replicates):
            n = len(self.replicates)
            raise ConfigValueError(
                f"{len(self.rscales)} values for {n} replicates",
                f"give one value per replicate ({n} values)",
                at=("rscales",),
            )
        if self.method == ReplicateMethod.JKN and not self.rscales:
            raise ConfigValueError(
                "jkn needs rscales", "write rscales: [(n_h-1)/n_h of each replicate's stratum]"
            )
        return self


class GroupSchema(Schema):
    """One crime group: ``violent: "1-20"`` or ``violent: {codes:, population:, label:}``."""

    SHAPE: ClassVar[str] = '{codes: "1-4, 15", population: persons, label: TEXT}'
    codes: Codes
    population: Annotated[FieldName, Fix("write population: persons or a table's name")] | None = (
        None
    )
    label: Annotated[str, Fix("write label: a short title")] | None = None

    @classmethod
    def prepare(cls, data: object) -> object:
        """The short form ``violent: "1-20"`` is ``violent: {codes: "1-20"}``."""
        return data if isinstance(data, dict) else {"codes": data}


class CrimeTypesSchema(Schema):
    """``crime_types:``: where the crime type is, its groups and their ICCS codes."""

    SHAPE: ClassVar[str] = '{table: T, field: FIELD, groups: {violent: "1-20"}}'
    table: FieldName | None = None
    field: Annotated[FieldName, Fix("write field: FIELD (the crime type's code)")]
    groups: dict[str, GroupSchema] = Field(default_factory=dict)
    iccs: dict[str, GroupSchema] = Field(default_factory=dict)

    @classmethod
    def prepare(cls, data: object) -> object:
        """An ICCS code must be quoted: unquoted, YAML reads ``0201`` as the number 129."""
        iccs = data.get("iccs") if isinstance(data, dict) else None
        for code in iccs if isinstance(iccs, dict) else ():
            if not isinstance(code, str) or not is_iccs_code(code):
                shown = repr(code) if isinstance(code, str) else kind(code)
                raise ConfigValueError(
                    f"{shown} is not an ICCS code",
                    'quote each ICCS code of ICCS v1.0, e.g. "0201": "11-14"',
                    at=("iccs",),
                )
        return data


class FlagSchema(Schema):
    """One entry of ``flags:``: a named yes/no item for shares."""

    SHAPE: ClassVar[str] = "{field: FIELD, values: [1], label: TEXT}"
    field: Annotated[FieldName, Fix("write field: FIELD (the yes/no item)")]
    values: Numbers = Field(default_factory=lambda: [1.0])
    label: Annotated[str, Fix("write label: a short title")] | None = None


class ReliabilitySchema(Schema):
    """``reliability:``: when a cell is flagged unreliable."""

    SHAPE: ClassVar[str] = "{min_n: 10, max_rse: 0.5}"
    min_n: Annotated[int, Between(0), Fix("write min_n: 10 (unweighted cases)")] = 10
    max_rse: Annotated[float, Between(0), Fix("write max_rse: 0.5 (relative se)")] = 0.5


class DesignFileSchema(Schema):
    """A whole design file as written (``docs/surveys.md`` lists every key)."""

    SHAPE: ClassVar[str] = "{name: NAME, tables: {...}, design: {...}}"
    name: Annotated[str, PlainValidator(_survey_name), Fix("write name: NAME, e.g. ncvs_2021")]
    title: Annotated[str, Fix("write title: a short title")] | None = None
    year: Annotated[int, Between(1000, 9999), Fix("write year: 2021")] | None = None
    tables: Annotated[dict[str, TableSchema], Fix("write tables: {NAME: {file:, keys:, weight:}}")]
    design: Annotated[
        DesignSchema, Fix("declare design: {type: taylor, strata: FIELD, psu: FIELD}")
    ]
    crime_types: CrimeTypesSchema | None = None
    flags: dict[str, FlagSchema] = Field(default_factory=dict)
    reliability: ReliabilitySchema = Field(default_factory=ReliabilitySchema)

    @model_validator(mode="after")
    def _tables_named_exist(self) -> DesignFileSchema:
        """Every table a key names (a parent, the design's, a rate's population) is one
        of ``tables:``."""
        if not self.tables:
            raise ConfigValueError(
                "no table declared", "declare at least one file under tables:", at=("tables",)
            )
        names = sorted(self.tables)
        fix = f"use one of: {', '.join(names)}"
        named: list[tuple[tuple[str, ...], str | None, str]] = [
            (("tables", t, "parent"), spec.parent, fix) for t, spec in self.tables.items()
        ]
        named.append((("design", "table"), self.design.table, fix))
        if self.crime_types is not None:
            named.append((("crime_types", "table"), self.crime_types.table, fix))
            for part in ("groups", "iccs"):
                for g, group in getattr(self.crime_types, part).items():
                    where = ("crime_types", part, g, "population")
                    named.append((where, group.population, f"{fix}, or persons"))
        for at, table, fix_ in named:
            if (
                table is not None
                and table not in names
                and not (at[-1] == "population" and table == "persons")
            ):
                raise ConfigValueError(f"{table!r} is not a table", fix_, at=at)
        return self


__all__ = [
    "Center",
    "DesignFileSchema",
    "DesignSchema",
    "DesignType",
    "LonelyPsu",
    "ReplicateMethod",
]
