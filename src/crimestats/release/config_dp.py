"""The ``dp:`` section of a release configuration, and the rules its DP tables follow.

Why a module of its own: the privacy budget is declared once for the release
(:class:`DpConfig`), and what a DP table may be (public fields only, a declared period
when counted by a period, a privacy unit that fits its counting unit, shares that fit in
the budget) is a rule between the tables and the section, checked here in one place
(:func:`check_dp_tables`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, ClassVar, Final, TypedDict

from pydantic import Strict, model_validator

from crimestats.config_schema import Between, ConfigValueError, Fix, OneOf, Schema
from crimestats.release.config_tables import TableSpec
from crimestats.release.method import Method
from crimestats.stats.fields import period_fields

PRIVACY_UNITS: Final = ("incident", "victim")
PERIOD_FIELDS: Final = frozenset(period_fields())
DEFAULT_ALPHA: Final = 0.05
_YEARS_FIX: Final = "the first and last year of the public period, e.g. years: [2019, 2024]"


class DpRecord(TypedDict):
    """:meth:`DpConfig.to_dict`, in the store's record of a release."""

    epsilon: float
    privacy_unit: str
    alpha: float
    years: list[int] | None


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

    def to_dict(self) -> DpRecord:
        """JSON-ready."""
        return {
            "epsilon": self.epsilon,
            "privacy_unit": self.privacy_unit,
            "alpha": self.alpha,
            "years": None if self.years is None else list(self.years),
        }


_BOTH: Final = "declare both up front: dp: {epsilon: 1.0, privacy_unit: incident}"


class DpSchema(Schema):
    """``dp: {epsilon, privacy_unit, alpha, years}`` as the file writes it."""

    SHAPE: ClassVar[str] = "{epsilon: 1.0, privacy_unit: incident}"
    epsilon: Annotated[float, Between(0, above=True), Fix(f"the release's budget; {_BOTH}")]
    privacy_unit: Annotated[str, OneOf(PRIVACY_UNITS), Fix(_BOTH)]
    alpha: Annotated[
        float, Between(0, 1, above=True, below=True), Fix("0.05 gives 95% intervals")
    ] = DEFAULT_ALPHA
    years: (
        Annotated[tuple[Annotated[int, Between(1900, 2200)], ...], Strict(False), Fix(_YEARS_FIX)]
        | None
    ) = None

    @model_validator(mode="after")
    def _first_and_last(self) -> DpSchema:
        if self.years is not None:
            if len(self.years) != 2:
                raise ConfigValueError(
                    f"{list(self.years)!r} is not [first, last]", _YEARS_FIX, at=("years",)
                )
            if self.years[0] > self.years[1]:
                problem = f"{self.years[0]} is after {self.years[1]}"
                raise ConfigValueError(problem, _YEARS_FIX, at=("years",))
        return self

    def dp(self) -> DpConfig:
        """The checked :class:`DpConfig`."""
        years = None if self.years is None else (self.years[0], self.years[1])
        return DpConfig(self.epsilon, self.privacy_unit, self.alpha, years)


def check_dp_tables(tables: tuple[TableSpec, ...], dp: DpConfig | None) -> None:
    """The rules between the DP tables and the ``dp`` section (key paths from the top)."""
    from crimestats.release.dp_public import PUBLIC_FIELDS

    dp_tables = [(n, t) for n, t in enumerate(tables) if t.method is Method.DP]
    if not dp_tables:
        return
    if dp is None:
        fix = "add dp: {epsilon: 1.0, privacy_unit: incident}"
        raise ConfigValueError("missing, but some tables have method: dp", fix, at=("dp",))
    given = Fraction(0)
    for number, table in dp_tables:
        private = [f for f in table.by if f not in PUBLIC_FIELDS]
        if private:
            problem = f"{', '.join(private)} has no public list of values (needed for dp)"
            fix = f"use fields from: {', '.join(PUBLIC_FIELDS)}"
            raise ConfigValueError(problem, fix, at=("tables", number, "by"))
        if PERIOD_FIELDS & set(table.by) and dp.years is None:
            fix = "declare the public period, e.g. dp: {years: [2019, 2024]}"
            problem = f"missing, but {table.name} is by a period"
            raise ConfigValueError(problem, fix, at=("dp", "years"))
        if dp.privacy_unit == "victim" and table.unit != "victims":
            problem = f"privacy unit victim protects victims; this table counts {table.unit}"
            fix = "use unit: victims, or privacy_unit: incident"
            raise ConfigValueError(problem, fix, at=("tables", number, "unit"))
        if table.epsilon is not None:
            given += Fraction(table.epsilon)
    fix = "lower the tables' epsilon or raise dp.epsilon"
    if given > Fraction(dp.epsilon):
        problem = f"the DP tables ask for {float(given)!r}, more than dp.epsilon {dp.epsilon!r}"
        raise ConfigValueError(problem, fix, at=("tables[]", "epsilon"))
    if given == Fraction(dp.epsilon) and any(t.epsilon is None for _, t in dp_tables):
        problem = "nothing of dp.epsilon is left for the DP tables without an epsilon"
        raise ConfigValueError(problem, fix, at=("tables[]", "epsilon"))


__all__ = ["DEFAULT_ALPHA", "PRIVACY_UNITS", "DpConfig", "DpRecord", "DpSchema", "check_dp_tables"]
