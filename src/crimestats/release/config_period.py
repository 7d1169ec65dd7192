"""The ``period:`` section of a release configuration: the dates a release counts.

Why a module of its own: the period is one concept (a window of dates on a basis, and
what becomes of the periods the store covers only in part), with its own default that
depends on whether the file has the section at all (:class:`PeriodConfig`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, ClassVar, Final, TypedDict

from pydantic import Field, PlainValidator, model_validator

from crimestats.config_schema import ConfigValueError, Fix, OneOf, Schema, kind
from crimestats.errors import UsageError
from crimestats.stats.fields import PeriodBasis
from crimestats.stats.period_window import FORMS, PeriodWindow

BASES: Final = tuple(b.value for b in PeriodBasis)
_FIX: Final = f"write {FORMS}, e.g. from: 2020 or to: 2021-06-30"


PeriodRecord = TypedDict(
    "PeriodRecord",
    {"from": str | None, "to": str | None, "basis": str, "include_partial": bool},
)
""":meth:`PeriodConfig.to_dict`, in the store's record of a release (the functional form:
``from`` is a Python keyword)."""


@dataclass(frozen=True, slots=True)
class PeriodConfig:
    """The dates a release counts, and whether it keeps partial periods.

    ``window`` counts only incidents whose period date (``basis``: report or occurrence
    date) is inside it (``period: {from, to, basis}``); ``include_partial`` keeps the
    periods the store covers only in part (:mod:`crimestats.stats.coverage`) in the
    exact tables, flagged. Every release leaves them out unless the configuration says
    ``include_partial: true`` (docs/release.md, "Periods and partial periods").
    """

    window: PeriodWindow = field(default_factory=PeriodWindow)
    include_partial: bool = False

    def to_dict(self) -> PeriodRecord:
        """JSON-ready."""
        w = self.window
        return {
            "from": None if w.since is None else w.since.isoformat(),
            "to": None if w.until is None else w.until.isoformat(),
            "basis": w.basis.value,
            "include_partial": self.include_partial,
        }


def _bound(raw: object) -> str:
    """A bound as written: ``2020``, ``2021-06``, ``2021-06-30`` (YAML reads that as a date)."""
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ConfigValueError(f"{kind(raw)} is not a date", _FIX)
    return str(raw)


Bound = Annotated[str, PlainValidator(_bound), Fix(_FIX)]


class PeriodSchema(Schema):
    """``period: {from, to, basis, include_partial}`` as the file writes it."""

    SHAPE: ClassVar[str] = "{from: 2020, to: 2021-06-30, basis: reported}"
    since: Bound | None = Field(None, alias="from")
    until: Bound | None = Field(None, alias="to")
    basis: Annotated[str, OneOf(BASES)] = PeriodBasis.REPORTED.value
    include_partial: (
        Annotated[bool, Fix("false (leave partial periods out) or true (keep them, flagged)")]
        | None
    ) = None

    @model_validator(mode="after")
    def _a_window(self) -> PeriodSchema:
        self.window()
        return self

    def window(self) -> PeriodWindow:
        """The window of the two bounds (refused if a bound is no date, or they cross)."""
        try:
            return PeriodWindow.parse(self.since, self.until, self.basis, options=("from", "to"))
        except UsageError as exc:
            raise ConfigValueError(exc.message, exc.hint or _FIX) from None

    def period(self) -> PeriodConfig:
        """The checked period; partial periods are left out unless the file says
        ``include_partial: true`` (the default of :class:`PeriodConfig`)."""
        window = self.window()
        partial = self.include_partial if self.include_partial is not None else False
        return PeriodConfig(window, partial)


__all__ = ["BASES", "PeriodConfig", "PeriodRecord", "PeriodSchema"]
