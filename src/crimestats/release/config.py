"""The release configuration (``crimestats release --config release.yaml``), checked up front.

Why: a release is a publication decision (which tables, counted how, protected how, with
how much privacy budget), so it is written down in one file that can be reviewed and
kept with the release, not spread over command-line options. The file is declared as
pydantic models (:class:`ReleaseSchema` here; a table, the period and the DP section in
:mod:`~crimestats.release.config_tables`, :mod:`~crimestats.release.config_period`,
:mod:`~crimestats.release.config_dp`) and read into frozen dataclasses before anything is
counted; every bad value is refused with one :class:`~crimestats.errors.UsageError`
naming the key (``tables[1].method``) and the fix (:mod:`crimestats.config_schema`);
unknown keys are refused too (a misspelt ``epsilon`` must not silently fall back to a
default). Without a file, :func:`default_config` gives exactly the standard release.

See ``docs/release.md`` for the keys and ``docs/release.example.yaml`` for an example.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, ClassVar, Final, TypedDict

from pydantic import Field, PlainValidator, Strict, model_validator

from crimestats.config_schema import (
    Between,
    ConfigValueError,
    Fix,
    Matches,
    OneOf,
    Schema,
    validate,
)
from crimestats.errors import UsageError
from crimestats.release.config_dp import DpConfig, DpRecord, DpSchema, check_dp_tables
from crimestats.release.config_period import PeriodConfig, PeriodRecord, PeriodSchema
from crimestats.release.config_tables import (
    METHODS,
    TableRecord,
    TableSchema,
    TableSpec,
    conflict_message,
    conflicting_methods,
    twice_named,
)
from crimestats.release.method import Method
from crimestats.release.standard_tables import STANDARD_TABLES
from crimestats.stats.fields import PeriodBasis

DEFAULT_AGENCY: Final = "CRIMESTATS"
DEFAULT_H3_RESOLUTION: Final = 8
DEFAULT_MIN_COUNT: Final = 10
DEFAULT_MIN_SOURCES: Final = 8
MAP_METHODS: Final = ("h3", "snap", "none")

# SDMX agency ids: NCName-like parts, dot-separated for nested agencies (SDMX 2.1 IDType)
_AGENCY = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*(\.[A-Za-z][A-Za-z0-9_\-]*)*")


class SdmxRecord(TypedDict):
    """:class:`SdmxConfig` in the store's record of a release."""

    agency: str


class MapsRecord(TypedDict):
    """:meth:`MapsConfig.to_dict`."""

    method: str
    h3_resolution: int
    min_count: int
    min_sources: int


class ConfigRecord(TypedDict):
    """:meth:`ReleaseConfig.to_dict`: the whole configuration, as the store's record of
    a release keeps it (``releases.config_json``)."""

    threshold: int
    tables: list[TableRecord]
    dp: DpRecord | None
    sdmx: SdmxRecord
    maps: MapsRecord
    carry_forward: bool
    period: PeriodRecord


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
    min_sources: int = DEFAULT_MIN_SOURCES

    def to_dict(self) -> MapsRecord:
        """JSON-ready."""
        return {
            "method": self.method,
            "h3_resolution": self.h3_resolution,
            "min_count": self.min_count,
            "min_sources": self.min_sources,
        }


@dataclass(frozen=True, slots=True)
class ReleaseConfig:
    """A whole release configuration; :func:`default_config` is the standard release."""

    tables: tuple[TableSpec, ...]
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
    def dp_tables(self) -> tuple[TableSpec, ...]:
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

    def to_dict(self) -> ConfigRecord:
        """JSON-ready, for the store's record of the release."""
        return {
            "threshold": self.threshold,
            "tables": [t.to_dict() for t in self.tables],
            "dp": None if self.dp is None else self.dp.to_dict(),
            "sdmx": {"agency": self.sdmx.agency},
            "maps": self.maps.to_dict(),
            "carry_forward": self.carry_forward,
            "period": self.period.to_dict(),
        }


_agency = Matches(
    _AGENCY,
    "an SDMX agency id",
    "letters, digits, _ and -, starting with a letter, e.g. CRIMESTATS",
).check


class SdmxSchema(Schema):
    """``sdmx: {agency}``."""

    SHAPE: ClassVar[str] = "{agency: CRIMESTATS}"
    agency: Annotated[str, PlainValidator(_agency)] = DEFAULT_AGENCY


class MapsSchema(Schema):
    """``maps: {method, h3_resolution, min_count, min_sources}``."""

    SHAPE: ClassVar[str] = "{method: h3, h3_resolution: 8, min_count: 10}"
    method: Annotated[
        str, OneOf(MAP_METHODS), Fix("h3 (hexagons), snap (anonymous points) or none (no map)")
    ] = "h3"
    h3_resolution: Annotated[
        int, Between(0, 15), Fix("H3 resolutions run from 0 to 15; 8 is about 0.7 km2 a cell")
    ] = DEFAULT_H3_RESOLUTION
    min_count: Annotated[
        int, Between(1), Fix("the fewest incidents a map cell may show, e.g. 10")
    ] = DEFAULT_MIN_COUNT
    min_sources: Annotated[
        int,
        Between(2),
        Fix("the fewest distinct recorded locations behind one snap point, e.g. 8"),
    ] = DEFAULT_MIN_SOURCES

    def maps(self) -> MapsConfig:
        """The checked :class:`MapsConfig`."""
        return MapsConfig(self.h3_resolution, self.min_count, self.method, self.min_sources)


class ReleaseSchema(Schema):
    """A release configuration file as written (``docs/release.md`` lists every key)."""

    SHAPE: ClassVar[str] = "{threshold: 3, tables: [...]}"
    threshold: Annotated[int, Between(1), Fix("counts 1..threshold are withheld; 3 if unsure")] = 3
    tables: (
        Annotated[
            tuple[TableSchema, ...],
            Strict(False),
            Field(min_length=1),
            Fix("write a list of tables: - name: ..."),
        ]
        | None
    ) = None
    dp: DpSchema | None = None
    sdmx: SdmxSchema = Field(default_factory=SdmxSchema)
    maps: MapsSchema = Field(default_factory=MapsSchema)
    carry_forward: Annotated[
        bool, Fix("true (withhold again what the last release withheld) or false")
    ] = True
    period: PeriodSchema = Field(default_factory=lambda: PeriodSchema.model_validate({}))

    @classmethod
    def prepare(cls, data: object) -> object:
        """An empty file is the standard release; an empty section (``maps: ~``) is its
        defaults, and ``dp: ~`` no DP section."""
        if data is None:
            return {}
        if not isinstance(data, dict):
            return data
        if "tables" in data and data["tables"] is None:
            raise ConfigValueError(
                "expected a non-empty list, got nothing (null)", "- name: ...", at=("tables",)
            )
        sections: dict[str, object] = {
            k: {} for k in ("sdmx", "maps", "period") if data.get(k, 0) is None
        }
        return {k: v for k, v in data.items() if k != "dp" or v is not None} | sections

    @model_validator(mode="after")
    def _tables_agree(self) -> ReleaseSchema:
        tables = self.table_specs()
        try:
            twice_named(tables)
        except ConfigValueError as exc:
            raise ConfigValueError(exc.problem, exc.fix, at=("tables",)) from None
        clash = conflicting_methods(tables)
        if clash is not None:
            raise ConfigValueError(*conflict_message(*clash), at=("tables",))
        check_dp_tables(tables, None if self.dp is None else self.dp.dp())
        dp = [t.name for t in tables if t.method is Method.DP]
        if self.period.basis != PeriodBasis.REPORTED.value and dp:
            raise ConfigValueError(
                f"DP tables ({', '.join(dp)}) count by report date",
                "use basis: reported in a release with DP",
                at=("period", "basis"),
            )
        return self

    def table_specs(self) -> tuple[TableSpec, ...]:
        """The configured tables, or the standard ones."""
        if self.tables is None:
            return STANDARD_TABLES
        return tuple(t.table() for t in self.tables)

    def config(self, where: str) -> ReleaseConfig:
        """The checked :class:`ReleaseConfig`; ``where`` names the file in messages."""
        return ReleaseConfig(
            tables=self.table_specs(),
            threshold=self.threshold,
            dp=None if self.dp is None else self.dp.dp(),
            sdmx=SdmxConfig(self.sdmx.agency),
            maps=self.maps.maps(),
            carry_forward=self.carry_forward,
            period=self.period.period(),
            source=where,
        )


_TOP_KEYS: Final = ReleaseSchema.keys()
_TABLE_KEYS: Final = TableSchema.keys()
_DP_KEYS: Final = DpSchema.keys()
_SDMX_KEYS: Final = SdmxSchema.keys()
_PERIOD_KEYS: Final = PeriodSchema.keys()
_MAPS_KEYS: Final = MapsSchema.keys()


def parse_config(doc: Any, *, where: str = "release config") -> ReleaseConfig:
    """Check a parsed YAML document and return the configuration it describes."""
    return validate(ReleaseSchema, doc, where=where, error=UsageError).config(where)


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
    "ConfigRecord",
    "DpConfig",
    "MapsConfig",
    "MapsRecord",
    "PeriodConfig",
    "ReleaseConfig",
    "SdmxConfig",
    "SdmxRecord",
    "TableSpec",
    "conflict_message",
    "conflicting_methods",
    "default_config",
    "load_config",
    "parse_config",
]
